"""Fixtures of the module tests (the emulator, ``drs``, and ``clean_environment`` are in ../conftest.py)."""

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job_info

from module_args import run_main  # pylint: disable=import-error


@pytest.fixture
def run_info(clean_environment, drs):
    """``run_info(args, session=None, environ=None, clock=None, sleep=None)``: a ModuleRun of
    drs_batch_async_job_info; its requests go on ``session``, by default the recording session of the
    emulator ``drs``; ``environ`` is set for the run."""
    def run_module(args, session=None, environ=None, clock=None, sleep=None):
        for name, value in (environ or {}).items():
            clean_environment.setenv(name, value)
        return run_main(drs_batch_async_job_info.main, args, session=session or drs.session, clock=clock, sleep=sleep)

    return run_module
