"""``python -m drs_emulator``."""

import sys

from drs_emulator.cli import main

sys.exit(main())
