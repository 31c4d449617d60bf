"""Issue 9: every request bounded in time and size, whatever the server does; a run that ended stops at once."""

import gzip
import io
import threading
import time

import pytest
import requests
from urllib3.response import HTTPResponse

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport

from fake_session import FakeSession, make_response, send_in_background  # pylint: disable=import-error


class TrickleStream(io.RawIOBase):
    """A body that arrives one byte every ``pause`` seconds, forever unless ``size`` says otherwise."""

    def __init__(self, pause, size=None):
        super(TrickleStream, self).__init__()
        self.pause = pause
        self.size = size
        self.sent = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.size is not None and self.sent >= self.size:
            return 0
        time.sleep(self.pause)
        buffer[0:1] = b"{" if self.sent == 0 else b" "
        self.sent += 1
        return 1


def streamed_response(raw_stream, headers=None, status=200):
    """A real requests.Response over a urllib3 HTTPResponse, read as requests reads one with stream=True."""
    response = requests.Response()
    response.status_code = status
    response.headers = requests.structures.CaseInsensitiveDict(headers or {"Content-Type": "application/json"})
    response.raw = HTTPResponse(body=raw_stream, headers=response.headers, status=status, preload_content=False,
                                decode_content=True)
    response.encoding = "utf-8"
    return response


def _transport(handler, **kwargs):
    session = FakeSession(handler)
    kwargs.setdefault("max_retries", 0)
    return HttpTransport(session=session, sleep=lambda seconds: None, **kwargs), session


def _get(transport):
    return transport.send("GET", "https://drs.example", "/v5/p/batch-async-jobs", action="Listing")


def test_a_trickling_body_cannot_stretch_the_timeout():
    transport, session = _transport(lambda call: streamed_response(TrickleStream(0.02)), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(ModuleFailure) as caught:
        _get(transport)
    assert time.monotonic() - started < 1.5
    assert "did not answer within 0.5 seconds" in caught.value.msg
    assert session.calls[0].kwargs["stream"] is True


def test_a_trickling_body_is_retried_each_attempt_bounded():
    transport, session = _transport(lambda call: streamed_response(TrickleStream(0.02)), timeout=0.3, max_retries=2)
    started = time.monotonic()
    with pytest.raises(ModuleFailure):
        _get(transport)
    assert len(session.calls) == 3 and time.monotonic() - started < 2.5


def test_a_server_that_never_answers_is_bounded_too():
    release = threading.Event()

    def hang(call):
        release.wait(10)
        return make_response(200, {})

    transport, session = _transport(hang, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ModuleFailure) as caught:
        _get(transport)
    release.set()
    assert time.monotonic() - started < 1.5 and "0.3 seconds" in caught.value.msg


def test_closing_the_transport_stops_a_request_in_flight_at_once():
    release = threading.Event()

    def hang(call):
        release.wait(10)
        return make_response(200, {})

    transport, session = _transport(hang, timeout=30)
    sender, caught = send_in_background(lambda: _get(transport), ModuleFailure)
    time.sleep(0.1)
    started = time.monotonic()
    transport.close()
    sender.join(5)
    release.set()
    assert time.monotonic() - started < 1 and "cancelled" in caught[0]


def test_a_decompression_bomb_fails_clearly_at_the_body_cap():
    bomb = gzip.compress(b" " * (4 * 1024 * 1024))
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    transport, session = _transport(lambda call: streamed_response(io.BytesIO(bomb), headers), body_cap=1024 * 1024)
    with pytest.raises(ModuleFailure) as caught:
        _get(transport)
    assert "larger than 1048576 bytes once decompressed" in caught.value.msg and "page_size" in caught.value.msg


def test_a_gzip_body_under_the_cap_is_read():
    body = gzip.compress(b'{"total_count": 0, "jobs": []}')
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    transport, session = _transport(lambda call: streamed_response(io.BytesIO(body), headers))
    assert _get(transport).json() == {"total_count": 0, "jobs": []}


def test_a_body_broken_mid_way_is_one_line():
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    transport, session = _transport(lambda call: streamed_response(io.BytesIO(b"not gzip at all"), headers))
    with pytest.raises(ModuleFailure) as caught:
        _get(transport)
    assert "Listing" in caught.value.msg and "\n" not in caught.value.msg


def test_tls_reasons_keep_their_parentheses_balanced():
    error = requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='drs.example', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError"
        "(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)')))")

    def refuse(call):
        raise error

    transport, session = _transport(refuse, verify="/etc/ca.pem")
    with pytest.raises(ModuleFailure) as caught:
        _get(transport)
    msg = caught.value.msg
    assert msg.count("(") == msg.count(")") and "certificate verify failed" in msg
    assert "ca_path /etc/ca.pem" in msg
