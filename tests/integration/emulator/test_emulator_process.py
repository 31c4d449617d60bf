"""The command line and EmulatorProcess: the state line, TLS with its own CA, loopback only, a clean stop."""

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest

from emulator_client import Client
from drs_emulator.testing import TESTS_DIRECTORY, EmulatorProcess

STATE_KEYS = {"url", "ca_path", "control_url", "pid", "region", "project_id", "access_key", "secret_key",
              "temporary_access_key", "temporary_secret_key", "security_token", "auth_token", "iam_user_name",
              "iam_password", "iam_domain_name", "agency_name", "agency_domain_name"}
ENVIRONMENT = dict(os.environ, PYTHONPATH=TESTS_DIRECTORY)


@pytest.fixture(scope="module")
def process():
    """The emulator as its own process, as the demo and the benchmarks run it."""
    with EmulatorProcess(seed=3) as emulator:
        yield emulator


def test_state_and_defaults(process):
    state = process.state
    assert set(state) == STATE_KEYS
    assert state["pid"] == process.process.pid
    assert (state["region"], state["project_id"]) == ("cn-north-4", "9f0c7d1e2b3a4c5d6e7f8091a2b3c4d5")
    assert (state["access_key"], state["secret_key"]) == ("EMULATORACCESSKEY001", "emulator-secret-key-000000000000000000000000")
    assert (state["iam_user_name"], state["iam_password"], state["iam_domain_name"]) == \
        ("demo-user", "demo-password-1", "demo-domain")
    assert state["url"].startswith("https://127.0.0.1:") and state["control_url"] == state["url"] + "/_emulator"
    assert Client(state).list_jobs().json()["total_count"] == 3


def test_tls_verifies_with_the_printed_ca_only(process):
    port = int(process.state["url"].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ssl.create_default_context(cafile=process.state["ca_path"]).wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            with ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1"):
                pass


def test_binds_loopback_only(process):
    port = int(process.state["url"].rsplit(":", 1)[1])
    with open("/proc/net/tcp", encoding="ascii") as handle:
        listening = [line.split()[1] for line in handle.read().splitlines()[1:] if line.split()[3] == "0A"]
    assert "0100007F:%04X" % port in listening
    assert not [address for address in listening if address.endswith(":%04X" % port) and address != "0100007F:%04X" % port]


def test_state_file_and_certificates_go_with_a_sigint(tmp_path):
    state_file = tmp_path / "state.json"
    with subprocess.Popen([sys.executable, "-m", "drs_emulator", "--seed", "3", "--state-file", str(state_file)],
                          stdout=subprocess.PIPE, env=ENVIRONMENT) as emulator:
        state = json.loads(emulator.stdout.readline())
        assert json.loads(state_file.read_text()) == state
        cert_dir = os.path.dirname(state["ca_path"])
        assert os.path.isfile(state["ca_path"])
        emulator.send_signal(signal.SIGINT)
        assert emulator.wait(10) == 0
    assert not state_file.exists() and not os.path.exists(cert_dir)


def test_exits_when_its_parent_is_gone():
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # pylint: disable=consider-using-with
    with subprocess.Popen([sys.executable, "-m", "drs_emulator", "--parent-pid", str(parent.pid)],
                          stdout=subprocess.PIPE, env=ENVIRONMENT) as emulator:
        json.loads(emulator.stdout.readline())
        parent.kill()
        parent.wait()
        started = time.monotonic()
        assert emulator.wait(10) == 0
        assert time.monotonic() - started < 5


def test_in_process_serves_and_cleans_up():
    with EmulatorProcess(in_process=True, seed=7, validate_after_calls=0) as emulator:
        assert emulator.process is None and emulator.state["pid"] == os.getpid()
        client = Client(emulator.state)
        assert client.list_jobs(status="AUTO_PARAM_VALIDATE_SUCCESS").json()["total_count"] == 7
        cert_dir = os.path.dirname(emulator.state["ca_path"])
    assert not os.path.exists(cert_dir)
    with pytest.raises(ConnectionError):
        socket.create_connection(("127.0.0.1", int(emulator.state["url"].rsplit(":", 1)[1])), timeout=2).close()


def test_the_metadata_service_as_a_process_listens_on_127_0_0_1_over_plain_http():
    with EmulatorProcess(metadata=True) as emulator:
        assert set(emulator.state) == STATE_KEYS | {"metadata_url"}
        assert emulator.state["metadata_url"].startswith("http://127.0.0.1:")
