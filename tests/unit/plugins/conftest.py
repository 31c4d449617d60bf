"""Set-up for the unit tests of plugins/: the collection importable, ``tests/`` and this folder on sys.path,
and the DRS service the tests talk to.

The module tests, and the tests of the layers that call DRS or IAM (the client, the IAM login), send real
HTTPS requests to the offline emulator (tests/drs_emulator) on 127.0.0.1: one in-process emulator per set of
start options serves the whole session, reset for each test (the ``drs`` and ``emulators`` fixtures,
drs_service.py). No request leaves this machine, and none waits on the clock: modules run on a fake clock,
and the emulator moves jobs along by the calls it answers. Tests that need an exact or odd answer (the
transport, a hostile server, IAM's odd bodies) use FakeSession (fake_session.py), which opens no socket.
"""

import os
import sys
import tempfile

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _make_collection_importable():
    """Import ``ansible_collections.hwcloud.drs`` from this checkout, whatever ANSIBLE_COLLECTIONS_PATH says."""
    try:
        import ansible_collections.hwcloud.drs.plugins  # noqa: F401  pylint: disable=unused-import
        here = os.path.realpath(sys.modules["ansible_collections.hwcloud.drs.plugins"].__path__[0])
        if here == os.path.realpath(os.path.join(REPO_ROOT, "plugins")):
            return
    except ImportError:
        pass
    root = tempfile.mkdtemp(prefix="hwcloud-drs-unit-")
    os.makedirs(os.path.join(root, "ansible_collections", "hwcloud"))
    os.symlink(REPO_ROOT, os.path.join(root, "ansible_collections", "hwcloud", "drs"))
    for name in [name for name in sys.modules if name == "ansible_collections" or name.startswith("ansible_collections.")]:
        del sys.modules[name]
    sys.path.insert(0, root)


_make_collection_importable()
# tests/ holds the shared test-support package (``support``) and the emulator; this folder the fake session.
for _folder in (os.path.join(REPO_ROOT, "tests"), os.path.dirname(os.path.abspath(__file__))):
    if _folder not in sys.path:
        sys.path.insert(0, _folder)


# A unit test talks to a local emulator at most and sleeps on a fake clock: any that runs this long is stuck.
UNIT_TEST_TIMEOUT = 60


def pytest_collection_modifyitems(items):
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.path).startswith(here) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(UNIT_TEST_TIMEOUT))


@pytest.fixture(autouse=True)
def no_credentials_of_the_developer(monkeypatch, tmp_path_factory):
    """Every test runs with an empty HOME and none of the credential variables: no test reads a developer's
    ~/.huaweicloud/credentials or ~/.hcloud/config.json, nor keys exported in the shell that runs pytest."""
    from ansible_collections.hwcloud.drs.plugins.module_utils._settings import ENVIRONMENT_VARIABLES
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for names in ENVIRONMENT_VARIABLES.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def emulators():
    """``emulators.service(**options)``: the emulator started with these options (flags as keywords, once per
    session), reset for the test."""
    from drs_service import EmulatorPool  # pylint: disable=import-error,import-outside-toplevel
    pool = EmulatorPool()
    yield pool
    pool.stop()


@pytest.fixture
def drs(emulators):  # pylint: disable=redefined-outer-name
    """The emulator with its defaults, reset for this test: no job, no fault rule, its statistics at zero."""
    return emulators.service()


@pytest.fixture
def clean_environment(monkeypatch):
    from ansible_collections.hwcloud.drs.plugins.module_utils._settings import ENVIRONMENT_VARIABLES
    for names in ENVIRONMENT_VARIABLES.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    return monkeypatch
