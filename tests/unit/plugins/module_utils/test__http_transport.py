"""Retries (429/5xx/connection errors, Retry-After, bound), no retries for other 4xx, no redirects, close."""

import threading

import pytest
import requests

from ansible_collections.hwcloud.drs.plugins.module_utils import _http
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport, host_header

from fake_session import FakeSession, make_response, script, send_in_background  # pylint: disable=import-error

OK = {"total_count": 0, "jobs": []}


def _client(*outcomes, **kwargs):
    session = FakeSession(script(*outcomes))
    sleeps = []
    kwargs.setdefault("max_retries", 5)
    client = HttpTransport(session=session, sleep=sleeps.append, jitter=lambda: 0.5, timeout=7, verify="/ca.pem",
                           **kwargs)
    return client, session, sleeps


def _get(client):
    return client.send("GET", "https://drs.example:8443/base/", "/v5/p/batch-async-jobs", query={"limit": 5},
                       action="Listing")


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_then_succeed(status):
    client, session, sleeps = _client(make_response(status, {"error_code": "X"}), make_response(200, OK))
    assert _get(client).status_code == 200
    assert len(session.calls) == 2 and len(sleeps) == 1
    assert client.stats.as_dict() == {"requests": 2, "retries": 1, "polls": 0, "iam_calls": 0}


def test_connection_errors_and_timeouts_are_retried():
    client, session, sleeps = _client(requests.exceptions.ConnectionError("reset"),
                                      requests.exceptions.ReadTimeout("slow"), make_response(200, OK))
    assert _get(client).status_code == 200
    assert len(session.calls) == 3 and client.stats.retries == 2


def test_retries_are_bounded_by_max_retries_and_keep_the_servers_error():
    client, session, sleeps = _client(*[make_response(503, {"error_code": "DRS.M00004", "error_msg": "busy"})] * 4,
                                      max_retries=3)
    with pytest.raises(ApiError) as caught:
        _get(client)
    assert len(session.calls) == 4 and len(sleeps) == 3
    assert caught.value.status_code == 503 and caught.value.error_code == "DRS.M00004"


def test_zero_max_retries_sends_once():
    client, session, sleeps = _client(make_response(429, {"error_code": "APIGW.0308"}), max_retries=0)
    with pytest.raises(ApiError):
        _get(client)
    assert len(session.calls) == 1 and sleeps == []


@pytest.mark.parametrize("outcome", [make_response(503, {"error_code": "APIGW.0203"}),
                                     requests.exceptions.ConnectionError("reset"),
                                     requests.exceptions.ReadTimeout("slow")])
def test_a_request_that_must_not_be_repeated_is_sent_once(outcome):
    # A POST that failed on the way may have landed: its caller reads the state before sending it again.
    client, session, sleeps = _client(outcome, make_response(200, OK))
    with pytest.raises(ModuleFailure):
        client.send("POST", "https://drs.example:8443", "/v5/p/batch-async-jobs/b/commit", action="Committing",
                    retry=False)
    assert len(session.calls) == 1 and sleeps == [] and client.stats.retries == 0


def test_persistent_connection_error_is_one_line_naming_the_host():
    error = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='drs.example', port=8443): Max retries exceeded with url: /v5 (Caused by "
        "NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new "
        "connection: [Errno 111] Connection refused'))")
    client, session, sleeps = _client(error, error, error, max_retries=2)
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    msg = caught.value.msg
    assert "drs.example:8443" in msg and "[Errno 111] Connection refused" in msg and "2 retries" in msg
    assert "\n" not in msg and "0x7f" not in msg and len(session.calls) == 3


PROXY_REFUSED = requests.exceptions.ProxyError(
    "HTTPSConnectionPool(host='drs.example', port=8443): Max retries exceeded with url: /v5 (Caused by "
    "ProxyError('Unable to connect to proxy', NewConnectionError('<urllib3.connection.HTTPSConnection object at "
    "0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')))")


def test_a_dead_proxy_is_named_with_the_variable_that_set_it_not_the_endpoint(monkeypatch):
    for name in ("https_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://squid-user:squid-pass@127.0.0.1:9")
    client, _session, _sleeps = _client(PROXY_REFUSED, max_retries=0)
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    msg = caught.value.msg
    assert "could not get through the proxy http://127.0.0.1:9 (set by HTTPS_PROXY) to drs.example:8443" in msg, msg
    assert "[Errno 111] Connection refused" in msg and "add drs.example to NO_PROXY" in msg, msg
    assert "squid" not in msg, msg


def test_no_proxy_makes_a_refused_connection_the_endpoints_again(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "drs.example")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    error = requests.exceptions.ConnectionError("[Errno 111] Connection refused")
    client, _session, _sleeps = _client(error, max_retries=0)
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    assert "could not connect to drs.example:8443 (" in caught.value.msg and "proxy" not in caught.value.msg


def test_plain_http_to_a_server_that_speaks_https_says_so():
    error = requests.exceptions.ConnectionError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")
    client, _session, _sleeps = _client(error, max_retries=0)
    with pytest.raises(ModuleFailure) as caught:
        client.send("GET", "http://drs.example:8443", "/v5/p/batch-async-jobs", action="Listing")
    msg = caught.value.msg
    assert "drs.example:8443 closed the connection without an HTTP answer" in msg, msg
    assert "the server may speak HTTPS only" in msg and "could not connect" not in msg, msg


def test_tls_errors_are_not_retried_and_hint_at_ca_path():
    client, session, sleeps = _client(requests.exceptions.SSLError("certificate verify failed: self signed"))
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    assert "ca_path" in caught.value.msg and len(session.calls) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 415, 422])
def test_other_client_errors_are_never_retried(status):
    client, session, sleeps = _client(make_response(status, {"error_code": "DRS.M00201", "error_msg": "bad"}))
    with pytest.raises(ApiError) as caught:
        _get(client)
    assert len(session.calls) == 1 and sleeps == []
    assert caught.value.status_code == status


def test_retry_after_seconds_is_honoured_and_capped():
    client, session, sleeps = _client(make_response(429, {}, headers={"Retry-After": "7"}),
                                      make_response(503, {}, headers={"Retry-After": "3600"}),
                                      make_response(200, OK))
    _get(client)
    assert sleeps == [7.0, _http.RETRY_AFTER_CAP_SECONDS]


def test_redirects_are_refused_not_followed():
    client, session, sleeps = _client(make_response(301, text="", headers={"Location": "https://evil.example/x?a=1"}))
    with pytest.raises(ApiError) as caught:
        _get(client)
    assert len(session.calls) == 1
    assert "redirect" in caught.value.msg and "evil.example/x" in caught.value.msg and "a=1" not in caught.value.msg


def test_every_request_has_content_type_timeout_tls_and_no_redirects():
    client, session, sleeps = _client(make_response(500, {}), make_response(200, OK))
    _get(client)
    for call in session.calls:
        assert call.headers["Content-Type"] == "application/json"
        assert call.headers["Host"] == "drs.example:8443"
        assert call.kwargs["allow_redirects"] is False
        assert call.kwargs["timeout"] == 7 and call.kwargs["verify"] == "/ca.pem"
        assert call.url == "https://drs.example:8443/base/v5/p/batch-async-jobs?limit=5"


def test_each_429_is_counted_as_throttling_but_not_reported():
    client, session, sleeps = _client(make_response(429, {}), make_response(503, {}), make_response(429, {}),
                                      make_response(200, OK))
    _get(client)
    assert client.throttle.count == 2 and "throttled" not in client.stats.as_dict()


def test_each_attempt_is_signed_afresh_with_what_is_sent():
    signed = []

    def sign(method, path, query_string, headers, body):
        signed.append((method, path, query_string, headers["Host"], body))
        headers["X-Attempt"] = str(len(signed))

    client, session, sleeps = _client(make_response(502, {}), make_response(200, OK))
    client.send("GET", "https://drs.example:8443/base", "/v5/p/batch-async-jobs", query={"limit": 5}, sign=sign)
    assert [call.headers["X-Attempt"] for call in session.calls] == ["1", "2"]
    assert signed[0] == ("GET", "/base/v5/p/batch-async-jobs", "limit=5", "drs.example:8443", b"")


def test_each_attempt_also_counts_where_the_caller_says():
    client, session, sleeps = _client(make_response(502, {}), make_response(200, OK))
    client.send("GET", "https://iam.example", "/v3/projects", count_in="iam_calls")
    assert client.stats.as_dict() == {"requests": 2, "retries": 1, "polls": 0, "iam_calls": 2}


def test_default_session_pool_fits_the_concurrency():
    client = HttpTransport(pool_size=24)
    adapter = client.session.get_adapter("https://drs.example")
    assert adapter.poolmanager.connection_pool_kw["maxsize"] >= 24
    client.close()


@pytest.mark.parametrize("url,host", [
    ("https://drs.example", "drs.example"),
    ("https://drs.example:443", "drs.example"),
    ("https://drs.example:8443/x", "drs.example:8443"),
    ("http://127.0.0.1:80", "127.0.0.1"),
])
def test_host_header_keeps_only_non_default_ports(url, host):
    assert host_header(url) == host


def test_a_host_name_that_does_not_resolve_is_not_retried():
    error = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='drs.nowhere', port=443): Max retries exceeded (Caused by NameResolutionError("
        "\"<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'drs.nowhere' ([Errno -2] Name or "
        "service not known)\"))")
    client, session, sleeps = _client(error)
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    assert len(session.calls) == 1 and sleeps == []
    assert "Name or service not known" in caught.value.msg


def test_closing_stops_further_attempts():
    client, session, sleeps = _client(make_response(503, {}), make_response(200, OK))
    client.sleep = lambda seconds: client.close()
    with pytest.raises(ModuleFailure, match="cancelled"):
        _get(client)
    assert len(session.calls) == 1 and session.closed


def test_closing_cuts_a_long_retry_after_short():
    # By default a retry waits on the transport's closing, so a run that ends does not sit out a
    # Retry-After of 50 seconds in a thread the interpreter must join.
    asked = threading.Event()

    def answer(call):
        asked.set()
        return make_response(429, {}, headers={"Retry-After": "50"})

    client = HttpTransport(session=FakeSession(answer), max_retries=1)
    sender, outcome = send_in_background(lambda: _get(client), ModuleFailure)
    assert asked.wait(10)
    client.close()
    sender.join(10)  # a bound against a hang, far below the 50 seconds asked for
    assert not sender.is_alive() and "cancelled" in outcome[0]


def test_retry_after_date_is_read_against_the_given_clock():
    client, session, sleeps = _client(make_response(429, {}, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}),
                                      make_response(200, OK), clock=lambda: 1445412500)
    _get(client)
    assert sleeps == [pytest.approx(10)]


class _RedirectingAdapter(requests.adapters.BaseAdapter):
    """Answers every request with a 302, through a real requests.Session (no socket)."""

    def __init__(self):
        super(_RedirectingAdapter, self).__init__()
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append(request.url)
        response = make_response(302, text="", headers={"Location": "https://elsewhere.example/"})
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass


def test_a_real_session_refuses_the_redirect_with_its_status():
    client = HttpTransport(max_retries=0)
    adapter = _RedirectingAdapter()
    client.session.mount("https://", adapter)
    with pytest.raises(ApiError) as caught:
        _get(client)
    assert caught.value.status_code == 302 and "302" in caught.value.msg and "refused" in caught.value.msg
    assert adapter.sent == ["https://drs.example:8443/base/v5/p/batch-async-jobs?limit=5"]


def test_persistent_timeout_names_the_timeout():
    error = requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='drs.example', port=8443): Read timed out.")
    client, session, sleeps = _client(error, error, max_retries=1)
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    assert "did not answer within 7 seconds" in caught.value.msg and "after 1 retry." in caught.value.msg


def test_other_errors_from_requests_are_one_line_not_a_traceback():
    client, session, sleeps = _client(OSError("Could not find a suitable TLS CA certificate bundle, invalid path: /x"))
    with pytest.raises(ModuleFailure) as caught:
        _get(client)
    assert "TLS CA certificate bundle" in caught.value.msg and len(session.calls) == 1
