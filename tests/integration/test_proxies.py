"""Through a proxy: a dead proxy is named as the hop that failed, with the variable that set it; NO_PROXY
goes around it. Real requests, a real closed port on 127.0.0.1, the emulator behind."""

import socket

from secret_scan import assert_no_secret
from support.module_options import connection


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dead_proxy_is_named_and_the_endpoint_saw_no_request(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=[])
    proxy = "http://proxy-user:proxy-password@127.0.0.1:%d" % closed_port()
    run = ansible.adhoc(dict(connection(emulator.state), max_retries=0),
                        env={"HTTPS_PROXY": proxy, "NO_PROXY": "", "no_proxy": ""})
    msg = run.assert_failed().module_result()["msg"]
    assert "could not get through the proxy http://127.0.0.1:%s (set by HTTPS_PROXY)" % proxy.rsplit(":", 1)[1] in msg
    assert "NO_PROXY" in msg and "proxy-password" not in run.output and "proxy-user" not in run.output, msg
    assert emulator.stats()["total"] == 0, emulator.stats()
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_no_proxy_goes_around_the_proxy(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=[])
    run = ansible.adhoc(connection(emulator.state),
                        env={"HTTPS_PROXY": "http://127.0.0.1:%d" % closed_port(), "NO_PROXY": "127.0.0.1"})
    run.assert_ok()
    assert emulator.stats()["routes"]["drs_list"] == 1
