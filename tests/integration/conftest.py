"""Fixtures of the integration tests: real ``ansible`` / ``ansible-playbook`` runs against the emulator.

Every test gets its own emulator (started with the options the test needs, always stopped afterwards)
and its own ANSIBLE_HOME / temp directories, so tests can run in any order.

Ansible runs in a subprocess from the same virtualenv as this pytest, the way a user runs it; the
collection is found through ANSIBLE_COLLECTIONS_PATH (set by ``make``), or through a link to this
checkout that tests/support/ansible_env.py creates when the variable is unset.
"""

import os
import re
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: support and drs_emulator

from drs_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from support.ansible_runner import FINISHED_RUNS, Ansible, write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from support.hostile_server import ServerPool  # noqa: E402  pylint: disable=wrong-import-position

# Emulators serve from threads of this process (pytest idles while ansible runs, so the shared GIL
# costs nothing here), which saves a Python start-up per emulator: about a quarter of the suite's time.
# DRS_EMULATOR_SUBPROCESS=1 runs each one as its own process instead, as the demo and benchmarks do.
IN_PROCESS = os.environ.get("DRS_EMULATOR_SUBPROCESS") != "1"


def pytest_configure(config):
    # CI runs the smoke set on every supported ansible-core release, the whole suite on the newest.
    config.addinivalue_line("markers", "smoke: the fast set CI runs on every supported ansible-core release")
    config.addinivalue_line("markers", "expected_warnings(pattern, ...): the [WARNING] lines (regular expressions) "
                                       "that the runs of a smoke test ask for, such as validate_certs: false")


# What ansible prints for a warning or a deprecation, on every release from 2.16.
WARNING_LINE = re.compile(r"^\s*\[(?:DEPRECATION WARNING|WARNING)\]:.*$", re.MULTILINE)
_runs_seen = [0]


@pytest.fixture(autouse=True)
def no_unexpected_warning(request):
    """A smoke test fails when one of its runs prints a [DEPRECATION WARNING], or a [WARNING] it did not ask
    for: the smoke set runs on every release, so a new release's deprecation of something the collection
    uses shows the day CI first runs it. Runs of module-scoped fixtures count for the test that started them."""
    yield
    runs = FINISHED_RUNS[_runs_seen[0]:]
    _runs_seen[0] = len(FINISHED_RUNS)
    if request.node.get_closest_marker("smoke") is None:
        return
    allowed = [re.compile(pattern) for marker in request.node.iter_markers("expected_warnings")
               for pattern in marker.args]
    unexpected = [line.strip() for run in runs for line in WARNING_LINE.findall(run.output)
                  if "DEPRECATION" in line or not any(pattern.search(line) for pattern in allowed)]
    if unexpected:
        pytest.fail("ansible printed warnings this smoke test did not ask for:\n%s" % "\n".join(unexpected[:20]),
                    pytrace=False)


@pytest.fixture(scope="session")
def inventory(tmp_path_factory):
    return write_inventory(tmp_path_factory.mktemp("inventory") / "hosts.ini")


@pytest.fixture
def ansible(tmp_path, inventory):
    return Ansible(tmp_path, inventory=inventory)


@pytest.fixture(scope="module")
def module_ansible(tmp_path_factory, inventory):
    """For module-scoped fixtures that run one playbook whose results several tests check."""
    return Ansible(tmp_path_factory.mktemp("ansible"), inventory=inventory)


def _emulator_starter():
    started = []

    def start(**options):
        emulator = EmulatorProcess(in_process=IN_PROCESS, **options)
        started.append(emulator)
        return emulator.start()

    try:
        yield start
    finally:
        # Tell every emulator to stop first, then wait for each: a module of tests may hold dozens.
        for emulator in started:
            if emulator.process is not None and emulator.process.poll() is None:
                emulator.process.send_signal(signal.SIGTERM)
        for emulator in started:
            emulator.stop()


@pytest.fixture
def start_emulator():
    """``start_emulator(**options)`` starts a fresh emulator; every one is stopped when the test ends."""
    yield from _emulator_starter()


@pytest.fixture(scope="module")
def start_module_emulator():
    """As start_emulator, stopped when the test module ends."""
    yield from _emulator_starter()


@pytest.fixture
def emulator(start_emulator):  # pylint: disable=redefined-outer-name
    """A fresh emulator with its defaults."""
    return start_emulator()


@pytest.fixture(scope="module")
def hostile_servers(tmp_path_factory):
    """``hostile_servers.start(list=..., token=...)`` starts a hostile server (support/hostile_server.py); all
    share one throw-away CA and are stopped when the test module ends."""
    servers = ServerPool(tmp_path_factory.mktemp("hostile_servers"))
    yield servers
    servers.stop_all()
