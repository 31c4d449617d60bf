"""The command line and EmulatorProcess: state line, files, TLS, loopback, clean stop."""

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest

from emulator_client import TESTS_DIRECTORY, Client
from drs_emulator.testing import EmulatorError, EmulatorProcess

STATE_KEYS = {"url", "ca_path", "control_url", "pid", "region", "project_id", "access_key", "secret_key",
              "temporary_access_key", "temporary_secret_key", "security_token", "auth_token", "iam_user_name",
              "iam_password", "iam_domain_name"}


def test_state_and_defaults(emulator):
    state = emulator.state
    assert set(state) == STATE_KEYS
    assert state["region"] == "cn-north-4"
    assert state["project_id"] == "9f0c7d1e2b3a4c5d6e7f8091a2b3c4d5"
    assert (state["access_key"], state["secret_key"]) == ("EMULATORACCESSKEY001", "emulator-secret-key-000000000000000000000000")
    assert (state["iam_user_name"], state["iam_password"], state["iam_domain_name"]) == \
        ("demo-user", "demo-password-1", "demo-domain")
    assert state["url"].startswith("https://127.0.0.1:")
    assert state["control_url"] == state["url"] + "/_emulator"
    assert os.path.isfile(state["ca_path"])


def test_tls_verifies_with_the_printed_ca_only(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    context = ssl.create_default_context(cafile=emulator.ca_path)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            with ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1"):
                pass


def test_binds_loopback_only(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    output = subprocess.run(["cat", "/proc/net/tcp"], capture_output=True, text=True, check=True).stdout
    listening = [line.split()[1] for line in output.splitlines()[1:] if line.split()[3] == "0A"]
    assert "0100007F:%04X" % port in listening


def test_state_and_pid_files_removed_on_stop(tmp_path):
    state_file, pid_file = tmp_path / "state.json", tmp_path / "emulator.pid"
    process = EmulatorProcess(state_file=str(state_file), pid_file=str(pid_file)).start()
    try:
        state = json.loads(state_file.read_text())
        assert state == process.state
        assert int(pid_file.read_text()) == state["pid"] == process.process.pid
        cert_dir = os.path.dirname(state["ca_path"])
        assert os.path.isdir(cert_dir)
    finally:
        process.stop()
    assert not state_file.exists() and not pid_file.exists()
    assert not os.path.exists(cert_dir)
    with pytest.raises(ProcessLookupError):
        os.kill(state["pid"], 0)


def test_command_line_with_sigint(tmp_path):
    environment = dict(os.environ, PYTHONPATH=TESTS_DIRECTORY)
    cert_dir = tmp_path / "certs"
    with subprocess.Popen([sys.executable, "-m", "drs_emulator", "--seed", "3", "--cert-dir", str(cert_dir)],
                          stdout=subprocess.PIPE, env=environment) as process:
        state = json.loads(process.stdout.readline())
        assert state["ca_path"] == str(cert_dir / "ca.pem")
        assert Client(state).list_jobs().json()["total_count"] == 3
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    assert (cert_dir / "ca.pem").exists()


def test_exits_when_parent_is_gone():
    environment = dict(os.environ, PYTHONPATH=TESTS_DIRECTORY)
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # pylint: disable=consider-using-with
    with subprocess.Popen([sys.executable, "-m", "drs_emulator", "--http", "--parent-pid", str(parent.pid)],
                          stdout=subprocess.PIPE, env=environment) as process:
        json.loads(process.stdout.readline())
        parent.kill()
        parent.wait()
        started = time.monotonic()
        assert process.wait(10) == 0
        assert time.monotonic() - started < 5


def test_bad_arguments_fail_fast():
    with pytest.raises(EmulatorError):
        EmulatorProcess(fault=['{"status": 200}'], startup_timeout=10).start()


def test_control_refuses_bad_requests(emulator):
    with pytest.raises(EmulatorError):
        emulator.control("GET", "nothing-here")
    with pytest.raises(EmulatorError):
        emulator.settings(no_such_setting=1)


def test_in_process():
    with EmulatorProcess(in_process=True, seed=7, validate_after_calls=0) as emulator:
        assert emulator.process is None and emulator.state["pid"] == os.getpid()
        client = Client(emulator.state)
        assert client.list_jobs(status="AUTO_PARAM_VALIDATE_SUCCESS").json()["total_count"] == 7
        assert emulator.emulator.store.list_calls == 1
        assert emulator.stats()["list_calls"] == 1
        cert_dir = os.path.dirname(emulator.ca_path)
    assert not os.path.exists(cert_dir)
    with pytest.raises(ConnectionError):
        socket.create_connection(("127.0.0.1", int(emulator.url.rsplit(":", 1)[1])), timeout=2).close()
