"""The module end to end through AnsibleModule, against the in-process emulator (``drs``), on a fake clock.

An answer the emulator would never give (a secret echoed back by a careless service) comes from a scripted
FakeSession instead.
"""

import json
from urllib.parse import urlsplit

import pytest

from drs_service import TOKEN_EXPIRED  # pylint: disable=import-error
from fake_session import (  # pylint: disable=import-error
    ENDPOINTS,
    PASSWORD,
    FakeSession,
    jobs_answer,
    make_response,
    script,
    token_answer,
)
from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED, VALIDATING  # pylint: disable=import-error
from support.jobs import count_statuses, make_jobs, newest_first  # pylint: disable=import-error
from support.module_failures import INFO_KEYS, assert_failed  # pylint: disable=import-error

ZERO_COUNTS = count_statuses([])


def ids(jobs):
    return [job["async_job_id"] for job in jobs]


@pytest.mark.parametrize("credentials,options,words", [
    ("aksk", dict(limit=0), ["limit", "between 1 and 100000"]),
    ("aksk", dict(limit=100001), ["limit", "between 1 and 100000"]),
    ("aksk", dict(offset=-1), ["offset", "at least 0"]),
    ("aksk", dict(page_size=0), ["page_size"]),
    ("aksk", dict(page_concurrency=33), ["page_concurrency", "between 1 and 32"]),
    ("aksk", dict(page_concurrency=0), ["page_concurrency"]),
    ("aksk", dict(max_retries=-1), ["max_retries"]),
    ("aksk", dict(wait_timeout=-5), ["wait_timeout"]),
    ("aksk", dict(status="DONE"), ["status", "ASYNC_JOB_VALIDATING"]),
    ("aksk", dict(return_jobs="some"), ["return_jobs"]),
    ("aksk", dict(wait_for_status="ASYNC_JOB_VALIDATING"), ["wait_for_status"]),
    ("none", {}, ["No credentials"]),
    ("none", dict(access_key="AK"), ["secret_key"]),
    ("aksk", dict(auth_token="user-token-abcdef"), ["auth_token", "access_key/secret_key"]),
    ("none", dict(iam_user_name="u", iam_password="p"), ["iam_domain_name"]),
])
def test_bad_input_fails_naming_the_option_before_any_request(run_info, drs, credentials, options, words):
    outcome = run_info(drs.options(credentials, project=False, **options))
    # an until expression reading these keys must not raise, whatever failed
    assert_failed(outcome, *words, keys=INFO_KEYS, requests=0, jobs=[], total_count=0, status_counts=ZERO_COUNTS)
    assert drs.routes() == {}


def test_lists_every_page_with_signed_requests_and_looks_up_the_project(run_info, drs):
    jobs = drs.seed(make_jobs(2500, statuses=(VALIDATED,)))
    outcome = run_info(drs.options(project=False, iam_endpoint=drs.iam_url))
    result = outcome.result
    assert result["changed"] is False and not result.get("failed")
    assert ids(result["jobs"]) == ids(newest_first(jobs))
    assert result["total_count"] == 2500
    assert result["status_counts"] == dict(ZERO_COUNTS, AUTO_PARAM_VALIDATE_SUCCESS=2500)
    assert result["request_stats"] == {"requests": 4, "retries": 0, "polls": 1, "iam_calls": 1}
    assert drs.routes() == {"iam_projects": 1, "drs_list": 3}
    lookup = drs.calls[0]
    assert lookup.host == urlsplit(drs.iam_url).netloc and lookup.query == {"name": "cn-north-4"}
    for call in drs.drs_calls():
        assert call.host == urlsplit(drs.state["url"]).netloc
        assert call.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s, " % drs.state["access_key"])
        assert call.headers["X-Project-Id"] == drs.state["project_id"] and call.headers["X-Language"] == "en-us"
        assert call.headers["Content-Type"] == "application/json"
        assert set(call.query) == {"offset", "limit", "sort_key", "sort_dir"}
        assert call.kwargs["allow_redirects"] is False and call.kwargs["timeout"] == 30
    assert sorted((int(c.query["offset"]), int(c.query["limit"])) for c in drs.drs_calls()) == [
        (0, 1000), (1000, 1000), (2000, 500)]
    assert drs.session.closed


def test_filters_are_sent_as_given(run_info, drs):
    wanted = drs.seed(make_jobs(4))[3]
    assert wanted["status"] == COMMITTED
    outcome = run_info(drs.options(async_job_id=wanted["async_job_id"], status=wanted["status"],
                                   domain_name=wanted["domain_name"], user_name=wanted["user_name"], sort_dir="asc",
                                   language="zh-cn"))
    call = drs.calls[0]
    assert call.query == {"async_job_id": wanted["async_job_id"], "status": COMMITTED,
                          "domain_name": wanted["domain_name"], "user_name": wanted["user_name"],
                          "sort_key": "create_time", "sort_dir": "asc", "offset": "0", "limit": "1000"}
    assert call.headers["X-Language"] == "zh-cn"
    assert ids(outcome.result["jobs"]) == [wanted["async_job_id"]]
    assert outcome.result["request_stats"]["iam_calls"] == 0


def test_offset_and_limit(run_info, drs):
    jobs = drs.seed(make_jobs(50))
    outcome = run_info(drs.options(offset=10, limit=25, page_size=10))
    expected = newest_first(jobs)[10:35]
    assert ids(outcome.result["jobs"]) == ids(expected)
    assert outcome.result["total_count"] == 50
    assert outcome.result["status_counts"] == count_statuses(expected)


def test_page_over_the_service_limit_shrinks_and_carries_on(run_info, emulators):
    drs = emulators.service(page_cap=500)
    drs.seed(make_jobs(1200))
    outcome = run_info(drs.options(page_size=2000), session=drs.session)
    assert len(outcome.result["jobs"]) == 1200 and not outcome.result.get("failed")
    assert drs.stats()["statuses"]["400"] >= 1  # the service refused the first page size


def test_password_login_token_is_used_scrubbed_and_never_output(run_info, drs):
    drs.seed(make_jobs(3))
    outcome = run_info(drs.options("password", project=False))
    [token] = drs.issued_tokens()
    assert outcome.result["request_stats"]["iam_calls"] == 1 and len(outcome.result["jobs"]) == 3
    assert all(call.headers["X-Auth-Token"] == token for call in drs.drs_calls())
    assert token not in outcome.output and drs.state["iam_password"] not in outcome.output


@pytest.mark.parametrize("renewed", [False, True], ids=["login", "renewed-login"])
def test_a_token_obtained_at_run_time_and_echoed_in_the_jobs_is_masked(run_info, renewed):
    # As a careless API might: the token the run is using, in every job. (Renewed once after it expired.)
    tokens = ["iam-token-from-run-0001-1", "iam-token-from-run-0001-2"]
    used = tokens[1] if renewed else tokens[0]
    answers = [token_answer(tokens[0])]
    if renewed:
        answers += [make_response(401, {"error_code": "APIGW.0307", "error_msg": "The token must be updated."}),
                    token_answer(tokens[1])]
    session = FakeSession(script(*answers + [jobs_answer(make_jobs(3, users=("owner %s" % used,)))]))
    outcome = run_info(dict(PASSWORD), session=session)
    assert not outcome.result.get("failed") and outcome.result["request_stats"]["iam_calls"] == (2 if renewed else 1)
    assert session.calls[-1].headers["X-Auth-Token"] == used
    assert [job["user_name"] for job in outcome.result["jobs"]] == ["owner ********"] * 3
    assert used not in outcome.output and "right-password" not in outcome.output


def test_a_token_issued_at_run_time_is_registered_with_ansible_cores_masking_where_it_has_one(run_info, drs):
    # Each token IAM issues is new to this process: ansible-core sends along only secrets new to the process.
    drs.seed(make_jobs(1))
    outcome = run_info(drs.options("password", project=False))
    [token] = drs.issued_tokens()
    try:
        import ansible.module_utils.secrets  # noqa: F401  pylint: disable=unused-import
    except ImportError:  # before 2.22: masked through no_log_values instead, nothing to send along
        assert outcome.new_secrets == []
    else:
        assert token in outcome.new_secrets


def test_auth_token_option_is_sent_as_x_auth_token(run_info, drs):
    drs.seed(make_jobs(2))
    token = drs.state["auth_token"]
    outcome = run_info(drs.options("token"))
    assert len(outcome.result["jobs"]) == 2
    assert drs.calls[0].headers["X-Auth-Token"] == token
    assert "Authorization" not in drs.calls[0].headers
    assert token not in outcome.output


def test_environment_credentials_are_used_and_their_secrets_scrubbed(run_info, drs):
    state = drs.state
    # A careless service: the security token it was sent shows in a job.
    drs.seed(make_jobs(1, users=("owner %s" % state["security_token"],)))
    environ = {"HW_ACCESS_KEY": state["temporary_access_key"], "HW_SECRET_KEY": state["temporary_secret_key"],
               "HW_SECURITY_TOKEN": state["security_token"]}
    outcome = run_info(drs.options("none"), environ=environ)
    assert drs.calls[0].headers["X-Security-Token"] == state["security_token"]
    assert drs.calls[0].headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=%s, " % state["temporary_access_key"])
    assert outcome.result["jobs"][0]["user_name"] == "owner ********"
    assert state["security_token"] not in outcome.output and state["temporary_secret_key"] not in outcome.output


def test_task_credentials_beat_environment_credentials(run_info, drs):
    drs.seed(make_jobs(1))
    outcome = run_info(drs.options(), environ={"HW_AUTH_TOKEN": "env-token"})
    assert len(outcome.result["jobs"]) == 1
    assert "X-Auth-Token" not in drs.calls[0].headers and "Authorization" in drs.calls[0].headers


def test_secrets_echoed_by_the_service_never_reach_msg(run_info):
    environ = {"HW_USER_NAME": "demo-user", "HW_USER_PASSWORD": "right-password", "HW_DOMAIN_NAME": "demo-domain"}
    session = FakeSession(script(token_answer("iam-token-from-run-0001-1"), make_response(
        400, {"error_code": "DRS.M00201", "error_msg": "bad value right-password iam-token-from-run-0001-1"})))
    outcome = run_info(dict(ENDPOINTS), session=session, environ=environ)
    assert_failed(outcome, "********", keys=INFO_KEYS, secrets=("right-password", "iam-token-from-run-0001-1"))


def test_api_error_is_one_line_with_result_keys_and_the_keys_an_until_loop_reads(run_info, drs):
    drs.faults({"route": "list", "status": 403, "error_code": "DRS.M00102", "error_msg": "Insufficient permissions.",
                "count": 1})
    outcome = run_info(drs.options())
    request_id = drs.calls[0].response.headers["X-Request-Id"]
    assert_failed(outcome, "HTTP 403", "DRS.M00102", "Insufficient permissions.", request_id, "Hint:", keys=INFO_KEYS,
                  requests=1, status_code=403, error_code="DRS.M00102", error_msg="Insufficient permissions.",
                  request_id=request_id, jobs=[], total_count=0, status_counts=ZERO_COUNTS)


def test_empty_result_422_is_an_empty_list_not_a_failure(run_info, emulators):
    drs = emulators.service(empty_result_422=True)
    result = run_info(drs.options(), session=drs.session).result
    assert not result.get("failed")
    assert result["jobs"] == [] and result["total_count"] == 0 and result["status_counts"] == ZERO_COUNTS
    assert drs.stats()["statuses"] == {"422": 1}


def test_transient_errors_are_retried_inside_the_module(run_info, drs):
    drs.seed(make_jobs(5))
    drs.faults({"route": "list", "status": 429, "error_code": "APIGW.0308", "retry_after": 2, "count": 1},
               {"route": "list", "status": 502, "html": True, "count": 1})
    outcome = run_info(drs.options())
    assert len(outcome.result["jobs"]) == 5
    assert outcome.result["request_stats"]["retries"] == 2 and outcome.clock.sleeps[0] == 2.0
    assert drs.stats()["statuses"] == {"429": 1, "502": 1, "200": 1}


def test_redirect_is_an_error(run_info, drs):
    drs.faults({"route": "list", "redirect": "https://x.example/", "count": 1})
    outcome = run_info(drs.options())
    assert_failed(outcome, "redirect", keys=INFO_KEYS)
    assert len(drs.calls) == 1


@pytest.mark.parametrize("return_jobs,expected", [("all", 4), ("unfinished", 2), ("none", 0)])
def test_return_jobs_trims_jobs_but_not_the_counts(run_info, drs, return_jobs, expected):
    jobs = make_jobs(4, statuses=(COMMITTED,))
    jobs[1]["status"] = VALIDATED
    jobs[3]["status"] = "ASYNC_JOB_QUEUED"
    drs.seed(jobs)
    result = run_info(drs.options(return_jobs=return_jobs)).result
    assert len(result["jobs"]) == expected and result["total_count"] == 4
    assert result["status_counts"] == dict(ZERO_COUNTS, COMMIT_SUCCESS=2, AUTO_PARAM_VALIDATE_SUCCESS=1,
                                           ASYNC_JOB_QUEUED=1)


def test_unfinished_is_relative_to_wait_for_status(run_info, drs):
    drs.seed(make_jobs(3, statuses=(VALIDATED,)))
    result = run_info(drs.options(return_jobs="unfinished", wait_for_status=VALIDATED)).result
    assert result["jobs"] == [] and result["status_counts"][VALIDATED] == 3


def test_wait_polls_in_one_session_without_new_logins(run_info, drs):
    # Validated and committed as the fourth list call is answered.
    drs.seed(make_jobs(3, statuses=(VALIDATING,)), validate_after_calls=3, auto_commit_after_calls=3)
    outcome = run_info(drs.options("password", project=False, wait_for_status=COMMITTED, wait_sleep=5))
    result = outcome.result
    assert not result.get("failed") and result["status_counts"][COMMITTED] == 3
    assert result["request_stats"] == {"requests": 5, "retries": 0, "polls": 4, "iam_calls": 1}
    assert drs.routes() == {"iam_token": 1, "drs_list": 4}
    assert outcome.clock.sleeps == [5, 5, 5]


def test_wait_timeout_fails_naming_pending_jobs_and_keeps_the_last_state(run_info, drs):
    drs.seed(make_jobs(2, statuses=(VALIDATED,)))
    outcome = run_info(drs.options(wait_for_status=COMMITTED, wait_timeout=20, wait_sleep=10))
    result = outcome.result
    assert_failed(outcome, "job-000 (AUTO_PARAM_VALIDATE_SUCCESS)", "commit", keys=INFO_KEYS, total_count=2)
    assert len(result["jobs"]) == 2 and result["status_counts"][VALIDATED] == 2
    assert result["request_stats"]["polls"] == 3


def test_wait_fails_fast_on_a_failed_job(run_info, drs):
    jobs = make_jobs(3, statuses=(VALIDATING,))
    jobs[2]["status"] = VALIDATE_FAILED
    drs.seed(jobs)
    outcome = run_info(drs.options(wait_for_status=COMMITTED))
    assert_failed(outcome, "job-002", keys=INFO_KEYS)
    assert outcome.result["request_stats"]["polls"] == 1 and outcome.clock.sleeps == []


def test_check_mode_reads_as_usual(run_info, drs):
    drs.seed(make_jobs(3, statuses=(COMMITTED,)))
    result = run_info(drs.options(_ansible_check_mode=True)).result
    assert result["changed"] is False and len(result["jobs"]) == 3


@pytest.mark.parametrize("status, wanted", [(VALIDATING, VALIDATED), (VALIDATED, COMMITTED)])
def test_check_mode_looks_once_instead_of_waiting_and_says_for_what(run_info, drs, status, wanted):
    jobs = drs.seed(make_jobs(2, statuses=(status,)))
    outcome = run_info(drs.options(async_job_ids=["job-000", "job-001", "job-404"], wait_for_status=wanted,
                                   wait_timeout=600, _ansible_check_mode=True))
    result = outcome.result
    assert not result.get("failed"), result["msg"]
    assert result["request_stats"]["polls"] == 1 and outcome.clock.sleeps == []
    assert result["would_wait_for"] == {"status": wanted, "async_job_ids": [job["async_job_id"] for job in jobs]
                                        + ["job-404"], "timeout": 600}
    assert "Check mode: not waiting for 3 batches to reach %s" % wanted in json.dumps(result["warnings"])


def test_check_mode_still_fails_fast_on_a_failed_validation(run_info, drs):
    drs.seed(make_jobs(2, statuses=(VALIDATE_FAILED,)))
    outcome = run_info(drs.options(async_job_id="job-000", wait_for_status=COMMITTED, _ansible_check_mode=True))
    assert_failed(outcome, "job-000", "ASYNC_JOB_VALIDATE_FAILED", keys=INFO_KEYS)
    assert "would_wait_for" not in outcome.result


def test_expired_iam_token_is_renewed_once_within_a_run(run_info, drs):
    drs.seed(make_jobs(3))
    drs.faults(dict(TOKEN_EXPIRED, count=1))
    outcome = run_info(drs.options("password", project=False))
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 3
    assert outcome.result["request_stats"]["iam_calls"] == 2 and drs.routes()["iam_token"] == 2
    first, renewed = drs.issued_tokens()
    assert [call.headers["X-Auth-Token"] for call in drs.drs_calls()] == [first, renewed]
    assert first not in outcome.output and renewed not in outcome.output


def test_validate_certs_false_warns_and_is_passed_to_requests(run_info, drs):
    outcome = run_info(drs.options(ca_path=None, validate_certs=False))
    assert not outcome.result.get("failed")
    assert drs.calls[0].kwargs["verify"] is False
    # ansible-core 2.19 returns each warning as a structured summary
    assert "validate_certs is false" in json.dumps(outcome.result["warnings"])


def test_ca_path_is_used_for_verification(run_info, drs):
    outcome = run_info(drs.options(validate_certs=False))
    assert not outcome.result.get("failed")
    assert drs.calls[0].kwargs["verify"] == drs.state["ca_path"]


def test_missing_ca_path_fails_naming_it_before_any_request(run_info, drs, tmp_path):
    outcome = run_info(drs.options(project=False, ca_path=str(tmp_path / "gone.pem")))
    assert_failed(outcome, "ca_path", "gone.pem", keys=INFO_KEYS, requests=0)
    assert drs.routes() == {}
