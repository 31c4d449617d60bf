"""The DRS status vocabulary of the collection, for code that cannot import the collection.

plugins/module_utils/_statuses.py is the single source (standard library only). The emulator runs
without ansible, and the tests run before the collection is installed anywhere, so the file is loaded
by path instead of through ``ansible_collections.hwcloud.drs``.
"""

import importlib.util
from pathlib import Path

_SOURCE = Path(__file__).resolve().parents[2] / "plugins" / "module_utils" / "_statuses.py"


def _load():
    spec = importlib.util.spec_from_file_location("hwcloud_drs_statuses", _SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_DRS_JOBS = _load()
VALIDATING = _DRS_JOBS.VALIDATING
VALIDATE_FAILED = _DRS_JOBS.VALIDATE_FAILED
VALIDATED = _DRS_JOBS.VALIDATED
COMMITTED = _DRS_JOBS.COMMITTED
STATUSES = _DRS_JOBS.STATUSES
