"""Every fault the emulator can inject, recovered from or reported as issue 2 specifies.

Redirects are refused end to end in test_request_shape.py (no request reaches the other host), and
without a secret in the output for every credential style in test_no_secrets.py.

All cases run in one ansible-playbook run (each task against its own emulator); each test checks one case.
"""

import pytest

from scenarios import Scenarios
from support.jobs import make_jobs

JOBS = make_jobs(30)
CLIENT_ERRORS = [
    (400, "DRS.M00201", "option"),
    (403, "DRS.M00102", "permission"),
    (401, "DRS.M00103", "permission"),
    (404, "APIGW.0101", "region"),
    (422, "DRS.M00004", "later"),
]


@pytest.fixture(scope="module")
def faults(module_ansible, start_module_emulator):
    cases = Scenarios(module_ansible, start_module_emulator)

    def add(name, fault=None, style="aksk", **options):
        emulator_options = dict(seed_jobs=JOBS)
        emulator_options.update(options.pop("emulator", {}))
        if fault:
            emulator_options["fault"] = fault
        return cases.add(name, emulator_options, style, **options)

    add("latency", emulator={"latency": 0.3}, page_size=10, page_concurrency=1, timeout=5)
    add("latency over the timeout", [{"route": "list", "latency": 3}], timeout=0.5, max_retries=1)
    add("429 without Retry-After", [{"route": "list", "status": 429, "count": 2}])
    add("429 with Retry-After", [{"route": "list", "status": 429, "count": 2, "retry_after": 2}])
    add("429 without end", [{"route": "list", "status": 429, "retry_after": 0}], max_retries=2)
    add("5xx", [{"route": "list", "status": status, "count": 1} for status in (500, 502, 503, 504)])
    add("5xx without end", [{"route": "list", "status": 503}], max_retries=2)
    add("html 502", [{"route": "list", "status": 502, "html": True}], max_retries=1)
    add("html 404", [{"route": "list", "status": 404, "html": True}])
    add("dropped", [{"route": "list", "drop": True, "count": 2}])
    add("dropped without end", [{"route": "list", "drop": True}], max_retries=1)
    add("truncated body", [{"route": "list", "truncate": True, "count": 1}])
    add("truncated body without end", [{"route": "list", "truncate": True}], max_retries=1)
    # Each token works for 3 DRS calls; 30 jobs in pages of 5 need 6 calls.
    add("token expiry", style="password", emulator={"token_expire_after_calls": 3}, page_size=5,
        page_concurrency=1)
    add("token expires at once", style="password", emulator={"token_expire_after_calls": 0})
    # Tokens live 0 s, the pre-issued one of the state line too.
    add("given token expired", style="token", emulator={"token_ttl_seconds": 0})
    add("IAM login 503 once", [{"route": "token", "status": 503, "count": 1}], style="password")
    add("IAM lookup 429 once", [{"route": "projects", "status": 429, "count": 1, "retry_after": 0}],
        project_id=None)
    add("IAM login dropped once", [{"route": "token", "drop": True, "count": 1}], style="password")
    empty = add("422 empty", emulator={"empty_result_422": True}, status="COMMIT_SUCCESS", user_name="nobody")
    cases.add("422 empty, then something", emulator=empty, user_name="dba-li")
    for status, code, _hint in CLIENT_ERRORS:
        rule = {"route": "list", "status": status, "error_code": code, "error_msg": "emulated %s" % code}
        add("client error %s" % code, [rule])
    cases.run()
    return cases


def assert_listed(result):
    assert not result.get("failed"), result.get("msg")
    assert len(result["jobs"]) == len(JOBS) and result["total_count"] == len(JOBS)


def test_latency_below_the_timeout_is_only_slower(faults):
    result = faults.result("latency")
    assert_listed(result)
    assert result["request_stats"]["retries"] == 0
    assert result["_seconds"] >= 0.3 * 3


def test_latency_over_the_timeout_is_retried_then_reported(faults):
    result = faults.result("latency over the timeout")
    assert result.get("failed")
    assert "0.5 seconds" in result["msg"] and "timeout" in result["msg"], result["msg"]
    assert "after 1 retr" in result["msg"], result["msg"]
    assert result["request_stats"]["retries"] == 1
    assert result["jobs"] == [] and "status_counts" in result


@pytest.mark.parametrize("case", ["429 without Retry-After", "429 with Retry-After"])
def test_throttling_is_retried(faults, case):
    result = faults.result(case)
    assert_listed(result)
    assert result["request_stats"]["retries"] == 2
    assert faults.stats(case)["statuses"] == {"429": 2, "200": 1}
    if "with Retry-After" in case:
        assert result["_seconds"] >= 4, result["_seconds"]  # Retry-After: 2, honoured twice


def test_throttling_without_end_reports_the_code_and_hint(faults):
    result = faults.result("429 without end")
    assert result.get("failed")
    assert result["status_code"] == 429 and result["error_code"] == "APIGW.0308"
    assert "429" in result["msg"] and "APIGW.0308" in result["msg"] and "page_concurrency" in result["msg"]
    assert faults.stats("429 without end")["list_calls"] == 3


def test_server_errors_are_retried(faults):
    result = faults.result("5xx")
    assert_listed(result)
    assert result["request_stats"]["retries"] == 4
    assert faults.stats("5xx")["statuses"] == {"500": 1, "502": 1, "503": 1, "504": 1, "200": 1}


def test_server_errors_beyond_max_retries_are_reported(faults):
    result = faults.result("5xx without end")
    assert result.get("failed")
    assert result["status_code"] == 503 and result["error_code"] == "APIGW.0203"
    for piece in ("503", "APIGW.0203", result["request_id"]):
        assert piece in result["msg"], result["msg"]
    assert faults.stats("5xx without end")["list_calls"] == 3


def test_html_error_pages_are_summarised_not_dumped(faults):
    result = faults.result("html 502")
    assert result.get("failed")
    assert result["status_code"] == 502
    assert "502" in result["msg"]
    assert "<html" not in result["msg"].lower() and "<center>" not in result["msg"], result["msg"]
    assert "\n" not in result["msg"]
    assert "<center>" not in faults.run_result.output


def test_an_html_page_on_a_client_error_is_not_retried(faults):
    result = faults.result("html 404")
    assert result.get("failed") and result["status_code"] == 404
    assert "<html" not in result["msg"].lower()
    assert "endpoint" in result["msg"]  # the 404 hint
    assert faults.stats("html 404")["list_calls"] == 1


def test_dropped_connections_are_retried(faults):
    result = faults.result("dropped")
    assert_listed(result)
    assert result["request_stats"]["retries"] == 2
    assert faults.stats("dropped")["dropped"] == 2


def test_dropped_connections_beyond_max_retries_are_reported(faults):
    result = faults.result("dropped without end")
    assert result.get("failed")
    assert "after 1 retr" in result["msg"] and "Traceback" not in result["msg"], result["msg"]
    assert result["request_stats"]["retries"] == 1


def test_a_truncated_answer_is_retried(faults):
    result = faults.result("truncated body")
    assert_listed(result)
    assert result["request_stats"]["retries"] == 1


def test_a_truncated_answer_without_end_is_reported(faults):
    result = faults.result("truncated body without end")
    assert result.get("failed")
    assert "Traceback" not in result["msg"] and "\n" not in result["msg"], result["msg"]
    assert "module_stderr" not in result and "exception" not in result, result
    assert faults.stats("truncated body without end")["list_calls"] == 2


@pytest.mark.parametrize("case", ["IAM login 503 once", "IAM lookup 429 once", "IAM login dropped once"])
def test_iam_faults_are_retried_too(faults, case):
    result = faults.result(case)
    assert_listed(result)
    assert result["request_stats"]["retries"] == 1
    assert result["request_stats"]["iam_calls"] == 2


def test_an_expired_token_is_renewed(faults):
    result = faults.result("token expiry")
    assert_listed(result)
    # 6 calls on tokens good for 3: the first login and one renewal.
    assert result["request_stats"]["iam_calls"] == 2
    assert faults.stats("token expiry")["iam_token_calls"] == 2
    assert faults.stats("token expiry")["statuses"].get("401") == 1


def test_a_token_that_expires_at_once_is_renewed_once_then_reported(faults):
    result = faults.result("token expires at once")
    assert result.get("failed")
    assert "APIGW.0307" in result["msg"] and "token" in result["msg"], result["msg"]
    assert faults.stats("token expires at once")["iam_token_calls"] == 2  # login and one renewal, no loop


def test_a_given_token_that_expired_is_reported_with_a_hint(faults):
    result = faults.result("given token expired")
    assert result.get("failed")
    assert result["error_code"] == "APIGW.0307" and "auth_token" in result["msg"], result["msg"]
    assert faults.stats("given token expired")["iam_token_calls"] == 0


def test_empty_result_422_is_an_empty_list(faults):
    nothing = faults.result("422 empty")
    assert not nothing.get("failed"), nothing.get("msg")
    assert nothing["jobs"] == [] and nothing["total_count"] == 0
    assert set(nothing["status_counts"].values()) == {0}
    assert len(faults.result("422 empty, then something")["jobs"]) == 10
    assert faults.stats("422 empty")["statuses"] == {"422": 1, "200": 1}


@pytest.mark.parametrize("status, code, hint", CLIENT_ERRORS)
def test_other_client_errors_fail_at_once_with_a_hint(faults, status, code, hint):
    result = faults.result("client error %s" % code)
    assert result.get("failed")
    assert (result["status_code"], result["error_code"], result["error_msg"]) == (status, code, "emulated %s" % code)
    for piece in (str(status), code, "emulated %s" % code, result["request_id"], hint):
        assert piece in result["msg"], (piece, result["msg"])
    assert faults.stats("client error %s" % code)["list_calls"] == 1, "a client error must not be retried"
