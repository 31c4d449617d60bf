"""Fault injection as a client sees it: throttling, 5xx, HTML pages, dropped and cut answers, redirects, latency."""

import concurrent.futures

import pytest
import requests

from emulator_client import Client, assert_error
from drs_emulator.faults import validate_rule
from drs_emulator.testing import EmulatorError, EmulatorProcess


def faulty(start_emulator, *rules, **options):
    return Client(start_emulator(seed=5, fault=list(rules), **options).state)


def test_status_faults_answer_in_the_api_shape_then_are_spent(start_emulator):
    client = faulty(start_emulator, {"status": 429, "retry_after": 2, "count": 1}, {"status": 503, "count": 1},
                    {"status": 422, "error_code": "DRS.M00004", "error_msg": "emulated", "count": 1})
    throttled = client.list_jobs()
    assert_error(throttled, 429, "APIGW.0308")
    assert throttled.headers["Retry-After"] == "2"
    assert_error(client.list_jobs(), 503, "APIGW.0203")
    assert_error(client.list_jobs(), 422, "DRS.M00004", "emulated")
    assert client.list_jobs().status_code == 200


def test_html_error_page(start_emulator):
    response = faulty(start_emulator, {"status": 502, "html": True}).list_jobs()
    assert response.status_code == 502 and response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and "502 Bad Gateway" in response.text
    assert response.headers["X-Request-Id"]


def test_dropped_and_truncated_answers(start_emulator):
    emulator = start_emulator(seed=5, fault=[{"drop": True, "count": 1}, {"truncate": True, "count": 1}])
    client = Client(emulator.state)
    with pytest.raises(requests.ConnectionError):
        client.list_jobs()
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        client.list_jobs().json()
    assert client.list_jobs().status_code == 200
    assert emulator.stats()["dropped"] == 1


def test_redirects(start_emulator):
    client = faulty(start_emulator, {"redirect": True, "count": 1}, {"redirect": "https://example.invalid"})
    location = client.list_jobs(limit=3).headers["Location"]
    assert location.startswith("http://127.0.0.2:1/v5/%s/batch-async-jobs?" % client.state["project_id"])
    response = client.list_jobs()
    assert response.status_code == 302 and response.headers["Location"].startswith("https://example.invalid/v5/")


def test_routes_and_before_authentication(start_emulator):
    client = faulty(start_emulator, {"status": 503, "route": "token"}, {"status": 500, "route": "projects"},
                    {"status": 504, "route": "commit"}, {"status": 429, "route": "list", "count": 1})
    assert client.session.get(client.state["url"] + client.list_path(), timeout=10).status_code == 429  # unsigned
    assert client.list_jobs().status_code == 200
    assert client.token().status_code == 503
    assert client.signed("GET", "/v3/projects", content_type=None).status_code == 500
    assert client.signed("POST", client.list_path() + "/x/commit", body=b"{}").status_code == 504


def test_latency_overlaps_between_requests(start_emulator):
    emulator = start_emulator(seed=5, latency=0.3)
    clients = [Client(emulator.state) for _attempt in range(10)]
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        assert list(pool.map(lambda one: one.list_jobs().status_code, clients)) == [200] * 10
    assert emulator.stats()["max_in_flight"] >= 5


def test_stats_count_routes_and_answers(start_emulator):
    emulator = start_emulator(seed=5)
    client = Client(emulator.state)
    client.token()
    client.list_jobs()
    client.list_jobs(limit=0)
    client.signed("GET", "/nowhere")
    stats = emulator.stats()
    assert stats["routes"] == {"iam_token": 1, "drs_list": 2, "unknown": 1}
    assert stats["statuses"] == {"201": 1, "200": 1, "400": 1, "404": 1}
    assert (stats["total"], stats["list_calls"], stats["iam_token_calls"]) == (4, 2, 1)
    emulator.reset_stats()
    assert emulator.stats()["total"] == 0


@pytest.mark.parametrize("rule", [{"count": 1}, {"status": 200}, {"status": 500, "route": "nowhere"},
                                  {"status": 500, "bogus": 1}])
def test_invalid_rules_are_refused(rule):
    with pytest.raises(ValueError):
        validate_rule(rule)


def test_the_command_line_refuses_an_invalid_rule():
    with pytest.raises(EmulatorError, match="invalid --fault"):
        EmulatorProcess(fault=[{"status": 200}], startup_timeout=20).start()
