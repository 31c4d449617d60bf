"""Fixtures of the integration tests: real ``ansible`` / ``ansible-playbook`` runs against the emulator.

Every test gets its own emulator (started with the options the test needs, always stopped afterwards)
and its own ANSIBLE_HOME / temp directories, so tests can run in any order and in parallel.

Ansible runs in a subprocess from the same virtualenv as this pytest, the way a user runs it:
the collection is found through ANSIBLE_COLLECTIONS_PATH (set by ``make``), or through a link
``<tmp>/ansible_collections/hwcloud/drs`` -> repository root created here when the variable is unset.
Helpers (running ansible, reading results, credentials per style) are in harness.py.
"""

import os
import signal
import sys

import pytest

from harness import REPO_ROOT, RESULTS_CALLBACK, Ansible

sys.path.insert(0, str(REPO_ROOT / "tests"))

from drs_emulator.testing import EmulatorProcess  # noqa: E402  (needs the path above)

# Emulators serve from threads of this process (pytest idles while ansible runs, so the shared GIL
# costs nothing here), which saves a Python start-up per emulator: about a quarter of the suite's time.
# DRS_EMULATOR_SUBPROCESS=1 runs each one as its own process instead, as the demo and benchmarks do.
IN_PROCESS = os.environ.get("DRS_EMULATOR_SUBPROCESS") != "1"


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    configured = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if configured:
        return configured
    root = tmp_path_factory.mktemp("collections")
    link = root / "ansible_collections" / "hwcloud" / "drs"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO_ROOT, target_is_directory=True)
    return str(root)


@pytest.fixture(scope="session")
def inventory(tmp_path_factory):
    # Explicit local connection with this interpreter: the module needs `requests` from this venv,
    # and interpreter discovery would cost time and could pick a system python without it.
    path = tmp_path_factory.mktemp("inventory") / "hosts.ini"
    path.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return path


@pytest.fixture(scope="session")
def callback_plugins(tmp_path_factory):
    path = tmp_path_factory.mktemp("callback_plugins")
    (path / "results_file.py").write_text(RESULTS_CALLBACK)
    return path


@pytest.fixture
def ansible(tmp_path, collections_path, inventory, callback_plugins):
    return Ansible(tmp_path, collections_path, inventory, callback_plugins)


@pytest.fixture(scope="module")
def module_ansible(tmp_path_factory, collections_path, inventory, callback_plugins):
    """For module-scoped fixtures that run one playbook whose results several tests check."""
    return Ansible(tmp_path_factory.mktemp("ansible"), collections_path, inventory, callback_plugins)


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
def emulator(start_emulator):
    """A fresh emulator with its defaults."""
    return start_emulator()
