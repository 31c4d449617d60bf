"""Fault injection: throttling, 5xx, HTML pages, dropped connections, redirects, latency, and their schedules."""

import concurrent.futures
import socket
import ssl
import time

import pytest
import requests

from emulator_client import Client, assert_error
from drs_emulator.testing import EmulatorError, EmulatorProcess


def test_throttling_with_and_without_retry_after(client, fresh):
    fresh.add_fault(status=429, retry_after=2, count=1)
    fresh.add_fault(status=429, count=1)
    first = assert_error(client.list_jobs(), 429, "APIGW.0308")
    assert first["error_msg"]
    assert client.list_jobs().headers.get("Retry-After") is None
    assert client.list_jobs().status_code == 200
    assert fresh.faults() == []


def test_retry_after_header_value(client, fresh):
    fresh.add_fault(status=429, retry_after=2, count=1)
    response = client.list_jobs()
    assert response.headers["Retry-After"] == "2"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(client, fresh, status):
    fresh.add_fault(status=status, count=1)
    response = client.list_jobs()
    assert response.status_code == status
    assert set(response.json()) == {"error_code", "error_msg"}
    assert response.headers["X-Request-Id"]


def test_custom_error_body(client, fresh):
    fresh.add_fault(status=422, error_code="DRS.M00004", error_msg="Service abnormal.", count=1)
    assert_error(client.list_jobs(), 422, "DRS.M00004")


def test_html_error_page(client, fresh):
    fresh.add_fault(status=502, html=True, count=1)
    response = client.list_jobs()
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and "502 Bad Gateway" in response.text
    assert response.headers["X-Request-Id"]


def test_dropped_connection(client, fresh):
    fresh.add_fault(drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        client.list_jobs()
    assert client.list_jobs().status_code == 200
    assert fresh.stats()["dropped"] == 1


def test_redirect_to_another_host(client, fresh):
    fresh.add_fault(redirect=True, count=1)
    response = client.list_jobs(limit=3)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("http://127.0.0.2:1/v5/%s/batch-async-jobs?" % client.state["project_id"])
    fresh.add_fault(redirect="https://example.invalid", count=1)
    assert client.list_jobs().headers["Location"].startswith("https://example.invalid/v5/")


def test_latency_overlaps_between_requests(fresh):
    fresh.settings(latency=0.3)
    clients = [Client(fresh.state) for _attempt in range(10)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda one: one.list_jobs().status_code, clients))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 10
    assert elapsed < 2.0, elapsed
    assert fresh.stats()["max_in_flight"] >= 5


def test_latency_rule_for_some_requests(client, fresh):
    fresh.add_fault(latency=0.3, count=1)
    started = time.monotonic()
    assert client.list_jobs().status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.list_jobs()
    assert time.monotonic() - started < 0.3


def test_skip_and_count(client, fresh):
    fresh.add_fault(status=503, skip=2, count=2)
    assert [client.list_jobs().status_code for _attempt in range(6)] == [200, 200, 503, 503, 200, 200]


def test_fraction(client, fresh):
    fresh.add_fault(status=500, fraction=0.5)
    codes = [client.list_jobs(limit=1).status_code for _attempt in range(40)]
    assert 5 <= codes.count(500) <= 35
    fresh.clear_faults()
    assert client.list_jobs().status_code == 200


def test_routes(client, fresh):
    fresh.add_fault(status=503, route="token")
    assert client.token().status_code == 503
    assert client.list_jobs().status_code == 200
    fresh.set_faults({"status": 503, "route": "commit"})
    assert client.list_jobs().status_code == 200
    assert client.signed("POST", client.list_path() + "/x/commit", body=b"{}").status_code == 503
    fresh.set_faults({"status": 500, "route": "any"})
    assert client.signed("GET", "/v3/projects", content_type=None).status_code == 500


def test_faults_act_before_authentication(client, fresh):
    fresh.add_fault(status=429, count=1)
    response = client.session.get(client.state["url"] + client.list_path(), timeout=10)
    assert response.status_code == 429


def test_invalid_rules_are_refused(fresh):
    for rule in ({"count": 1}, {"status": 200}, {"status": 500, "route": "nowhere"}, {"status": 500, "bogus": 1},
                 {"status": 500, "fraction": 2}):
        with pytest.raises(EmulatorError):
            fresh.add_fault(**rule)


def test_stats_per_route(client, fresh):
    client.token()
    client.list_jobs()
    client.list_jobs(limit=0)
    client.signed("GET", "/nowhere")
    client.signed("GET", "/v3/projects", content_type=None)
    stats = fresh.stats()
    assert stats["routes"] == {"iam_token": 1, "drs_list": 2, "unknown": 1, "iam_projects": 1}
    assert stats["statuses"] == {"201": 1, "200": 2, "400": 1, "404": 1}
    assert stats["total"] == 5
    fresh.reset_stats()
    assert fresh.stats()["total"] == 0


def test_faults_and_settings_from_the_command_line():
    with EmulatorProcess(seed=5, fault=[{"status": 429, "count": 1}, {"drop": True, "count": 1, "skip": 2}],
                         latency=0.05, page_cap=3, empty_result_422=True, http=True) as emulator:
        assert emulator.state["url"].startswith("http://") and emulator.state["ca_path"] is None
        client = Client(emulator.state)
        assert client.list_jobs(limit=1).status_code == 429
        assert client.list_jobs(limit=1).status_code == 200
        with pytest.raises(requests.ConnectionError):
            client.list_jobs(limit=1)
        assert_error(client.list_jobs(limit=4), 400, "DRS.M00211")
        assert_error(client.list_jobs(user_name="nobody"), 422, "DRS.M00002")
        emulator.reset()
        assert client.list_jobs(limit=1).status_code == 429


def test_truncated_answer(client, fresh):
    fresh.add_fault(truncate=True, count=1)
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        client.list_jobs().json()
    assert client.list_jobs().status_code == 200


def test_answers_of_the_http_layer_keep_the_api_shape(client):
    head = client.session.head(client.state["url"] + client.list_path(), timeout=10)
    assert head.status_code == 404 and head.headers["X-Request-Id"] and not head.content
    options = client.session.options(client.state["url"] + client.list_path(), timeout=10)
    assert_error(options, 404, "APIGW.0101")
    port = int(client.state["url"].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ssl.create_default_context(cafile=client.state["ca_path"]).wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                answer += chunk
            answer = answer.decode("latin-1")
    assert answer.startswith("HTTP/1.") and " 501 " in answer.split("\r\n")[0]
    assert "X-Request-Id:" in answer and '"error_code": "APIGW.0100"' in answer
