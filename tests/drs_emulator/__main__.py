"""``python -m drs_emulator``."""

from drs_emulator.cli import main

raise SystemExit(main())
