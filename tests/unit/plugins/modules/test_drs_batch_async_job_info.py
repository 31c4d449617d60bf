"""The module end to end through AnsibleModule, against an in-memory DRS behind a fake session."""

import contextlib
import io
import json

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job_info

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_jobs, make_response  # pylint: disable=import-error
from module_args import module_args, module_output  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error

ENDPOINTS = {"region": "cn-north-4", "endpoint": "https://drs.test:8443", "iam_endpoint": "https://iam.test:8443"}
AK_SK = dict(ENDPOINTS, access_key="AKMODULETEST", secret_key="sk-module-secret-000")
PASSWORD = dict(ENDPOINTS, iam_user_name="demo-user", iam_password="right-password", iam_domain_name="demo-domain")
ZERO_COUNTS = {"ASYNC_JOB_VALIDATING": 0, "ASYNC_JOB_VALIDATE_FAILED": 0, "AUTO_PARAM_VALIDATE_SUCCESS": 0,
               "COMMIT_SUCCESS": 0}


class Run(object):
    """``output``: the printed result as the controller passes it on; ``new_secrets``: the secrets the module
    registered with ansible-core's masking (2.22 and later, else empty)."""

    def __init__(self, result, output, fake, clock, new_secrets):
        self.result = result
        self.output = output
        self.fake = fake
        self.clock = clock
        self.new_secrets = new_secrets


@pytest.fixture
def run(clean_environment):
    def run_module(args, fake=None, environ=None):
        fake = fake or FakeDrs(jobs=make_jobs(3))
        clock = FakeClock()
        for name, value in (environ or {}).items():
            clean_environment.setenv(name, value)
        stdout = io.StringIO()
        with module_args(args), contextlib.redirect_stdout(stdout):
            with pytest.raises(SystemExit):
                drs_batch_async_job_info.main(session=fake.session, clock=clock, sleep=clock.sleep)
        result, output, new_secrets = module_output(stdout.getvalue())
        return Run(result, output, fake, clock, new_secrets)

    return run_module


def echo_auth_into_jobs(fake):
    """Have the fake service put the credentials it received into every job, as a careless API might."""
    def echo(call):
        for job in fake.jobs:
            job["user_name"] = "owner %s" % (call.headers.get("X-Auth-Token") or call.headers.get("X-Security-Token"))
    fake.on_list = echo


@pytest.mark.parametrize("args,words", [
    (dict(AK_SK, limit=0), ["limit", "between 1 and 100000"]),
    (dict(AK_SK, limit=100001), ["limit", "between 1 and 100000"]),
    (dict(AK_SK, offset=-1), ["offset", "at least 0"]),
    (dict(AK_SK, page_size=0), ["page_size"]),
    (dict(AK_SK, page_concurrency=33), ["page_concurrency", "between 1 and 32"]),
    (dict(AK_SK, page_concurrency=0), ["page_concurrency"]),
    (dict(AK_SK, max_retries=-1), ["max_retries"]),
    (dict(AK_SK, wait_timeout=-5), ["wait_timeout"]),
    (dict(AK_SK, status="DONE"), ["status", "ASYNC_JOB_VALIDATING"]),
    (dict(AK_SK, return_jobs="some"), ["return_jobs"]),
    (dict(AK_SK, wait_for_status="ASYNC_JOB_VALIDATING"), ["wait_for_status"]),
    (dict(ENDPOINTS), ["No credentials"]),
    (dict(ENDPOINTS, access_key="AK"), ["secret_key"]),
    (dict(AK_SK, auth_token="user-token-abcdef"), ["auth_token", "access_key/secret_key"]),
    (dict(ENDPOINTS, iam_user_name="u", iam_password="p"), ["iam_domain_name"]),
])
def test_bad_input_fails_naming_the_option_before_any_request(run, args, words):
    outcome = run(args)
    assert outcome.result["failed"] is True
    for word in words:
        assert word in outcome.result["msg"]
    assert outcome.fake.calls == []
    # an until expression reading these keys must not raise, whatever failed
    assert outcome.result["jobs"] == [] and outcome.result["total_count"] == 0
    assert outcome.result["status_counts"] == ZERO_COUNTS
    assert outcome.result["request_stats"]["requests"] == 0


def test_lists_every_page_with_signed_requests_and_looks_up_the_project(run):
    fake = FakeDrs(jobs=make_jobs(2500, status="AUTO_PARAM_VALIDATE_SUCCESS"))
    outcome = run(dict(AK_SK), fake)
    result = outcome.result
    assert result["changed"] is False and not result.get("failed")
    assert [job["async_job_id"] for job in result["jobs"]] == [job["async_job_id"] for job in fake.jobs]
    assert result["total_count"] == 2500
    assert result["status_counts"] == dict(ZERO_COUNTS, AUTO_PARAM_VALIDATE_SUCCESS=2500)
    assert result["request_stats"] == {"requests": 4, "retries": 0, "polls": 1, "iam_calls": 1}
    lookup = fake.calls[0]
    assert lookup.host == "iam.test:8443" and lookup.query == {"name": "cn-north-4"}
    for call in fake.drs_calls():
        assert call.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AKMODULETEST, ")
        assert call.headers["X-Project-Id"] == PROJECT_ID and call.headers["X-Language"] == "en-us"
        assert call.headers["Content-Type"] == "application/json"
        assert set(call.query) == {"offset", "limit", "sort_key", "sort_dir"}
        assert call.kwargs["allow_redirects"] is False and call.kwargs["timeout"] == 30
    assert sorted((int(c.query["offset"]), int(c.query["limit"])) for c in fake.drs_calls()) == [
        (0, 1000), (1000, 1000), (2000, 500)]
    assert fake.session.closed


def test_filters_are_sent_as_given(run):
    fake = FakeDrs(jobs=make_jobs(3))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, async_job_id="job-000001", status="COMMIT_SUCCESS",
                       domain_name="demo-domain", user_name="demo-user", sort_dir="asc", language="zh-cn"), fake)
    call = fake.calls[0]
    assert call.query == {"async_job_id": "job-000001", "status": "COMMIT_SUCCESS", "domain_name": "demo-domain",
                          "user_name": "demo-user", "sort_key": "create_time", "sort_dir": "asc", "offset": "0",
                          "limit": "1000"}
    assert call.headers["X-Language"] == "zh-cn"
    assert [job["async_job_id"] for job in outcome.result["jobs"]] == ["job-000001"]
    assert outcome.result["request_stats"]["iam_calls"] == 0


def test_offset_and_limit(run):
    fake = FakeDrs(jobs=make_jobs(50))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, offset=10, limit=25, page_size=10), fake)
    assert [job["async_job_id"] for job in outcome.result["jobs"]] == ["job-%06d" % i for i in range(10, 35)]
    assert outcome.result["total_count"] == 50
    assert outcome.result["status_counts"]["COMMIT_SUCCESS"] == 25


def test_page_over_the_service_limit_shrinks_and_carries_on(run):
    fake = FakeDrs(jobs=make_jobs(1200), page_cap=500)
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, page_size=2000), fake)
    assert len(outcome.result["jobs"]) == 1200 and not outcome.result.get("failed")


def test_password_login_token_is_used_scrubbed_and_never_output(run):
    fake = FakeDrs(jobs=make_jobs(3))
    echo_auth_into_jobs(fake)
    outcome = run(dict(PASSWORD), fake)
    token = "iam-token-from-run-0001-1"
    assert outcome.result["request_stats"]["iam_calls"] == 1
    assert all(call.headers["X-Auth-Token"] == token for call in fake.drs_calls())
    assert [job["user_name"] for job in outcome.result["jobs"]] == ["owner ********"] * 3
    assert token not in outcome.output and "right-password" not in outcome.output


def test_a_token_issued_at_run_time_is_registered_with_ansible_cores_masking_where_it_has_one(run):
    # A token no other test of this process saw: ansible-core sends along only secrets new to the process.
    outcome = run(dict(PASSWORD), FakeDrs(jobs=make_jobs(1), token="iam-token-only-this-test"))
    try:
        import ansible.module_utils.secrets  # noqa: F401  pylint: disable=unused-import
    except ImportError:  # before 2.22: masked through no_log_values instead, nothing to send along
        assert outcome.new_secrets == []
    else:
        assert "iam-token-only-this-test-1" in outcome.new_secrets


def test_auth_token_option_is_sent_as_x_auth_token(run):
    fake = FakeDrs(jobs=make_jobs(2))
    outcome = run(dict(ENDPOINTS, auth_token="user-token-xyz", project_id=PROJECT_ID), fake)
    assert fake.calls[0].headers["X-Auth-Token"] == "user-token-xyz"
    assert "Authorization" not in fake.calls[0].headers
    assert "user-token-xyz" not in outcome.output


def test_environment_credentials_are_used_and_their_secrets_scrubbed(run):
    environ = {"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "env-secret-key-1", "HW_SECURITY_TOKEN": "env-sec-token"}
    fake = FakeDrs(jobs=make_jobs(1))
    echo_auth_into_jobs(fake)
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID), fake, environ)
    assert fake.calls[0].headers["X-Security-Token"] == "env-sec-token"
    assert fake.calls[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=ENVAK, ")
    assert outcome.result["jobs"][0]["user_name"] == "owner ********"
    assert "env-sec-token" not in outcome.output and "env-secret-key-1" not in outcome.output


def test_task_credentials_beat_environment_credentials(run):
    fake = FakeDrs(jobs=make_jobs(1))
    run(dict(AK_SK, project_id=PROJECT_ID), fake, {"HW_AUTH_TOKEN": "env-token"})
    assert "X-Auth-Token" not in fake.calls[0].headers and "Authorization" in fake.calls[0].headers


def test_secrets_echoed_by_the_service_never_reach_msg(run):
    environ = {"HW_USER_NAME": "demo-user", "HW_USER_PASSWORD": "right-password", "HW_DOMAIN_NAME": "demo-domain"}
    fake = FakeDrs(jobs=make_jobs(1))
    fake.faults.append((lambda call: "/batch-async-jobs" in call.path, make_response(
        400, {"error_code": "DRS.M00201", "error_msg": "bad value right-password iam-token-from-run-0001-1"})))
    outcome = run(dict(ENDPOINTS), fake, environ)
    assert outcome.result["failed"] is True
    assert "right-password" not in outcome.output and "iam-token-from-run-0001-1" not in outcome.output
    assert "********" in outcome.result["msg"]


def test_api_error_is_one_line_with_result_keys_and_the_keys_an_until_loop_reads(run):
    fake = FakeDrs(jobs=make_jobs(1))
    fake.faults.append((lambda call: True, make_response(
        403, {"error_code": "DRS.M00102", "error_msg": "Insufficient permissions."}, headers={"X-Request-Id": "rid-9"})))
    result = run(dict(AK_SK, project_id=PROJECT_ID), fake).result
    assert result["failed"] is True and "\n" not in result["msg"]
    for part in ("HTTP 403", "DRS.M00102", "Insufficient permissions.", "rid-9", "Hint:"):
        assert part in result["msg"]
    assert (result["status_code"], result["error_code"], result["error_msg"], result["request_id"]) == (
        403, "DRS.M00102", "Insufficient permissions.", "rid-9")
    assert result["jobs"] == [] and result["total_count"] == 0 and result["status_counts"] == ZERO_COUNTS
    assert result["request_stats"]["requests"] == 1
    assert "Traceback" not in result["msg"]


def test_empty_result_422_is_an_empty_list_not_a_failure(run):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(
        422, {"error_code": "DRS.M00002", "error_msg": "The returned result is empty."})))
    result = run(dict(AK_SK, project_id=PROJECT_ID), fake).result
    assert not result.get("failed")
    assert result["jobs"] == [] and result["total_count"] == 0 and result["status_counts"] == ZERO_COUNTS


def test_transient_errors_are_retried_inside_the_module(run):
    fake = FakeDrs(jobs=make_jobs(5))
    fake.faults.append((lambda call: True, make_response(429, {"error_code": "APIGW.0308"},
                                                         headers={"Retry-After": "2"})))
    fake.faults.append((lambda call: True, make_response(502, text="<html>bad gateway</html>")))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID), fake)
    assert len(outcome.result["jobs"]) == 5
    assert outcome.result["request_stats"]["retries"] == 2 and outcome.clock.sleeps[0] == 2.0


def test_redirect_is_an_error(run):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(302, text="", headers={"Location": "https://x.example/"})))
    result = run(dict(AK_SK, project_id=PROJECT_ID), fake).result
    assert result["failed"] is True and "redirect" in result["msg"] and len(fake.calls) == 1


@pytest.mark.parametrize("return_jobs,expected", [("all", 4), ("unfinished", 2), ("none", 0)])
def test_return_jobs_trims_jobs_but_not_the_counts(run, return_jobs, expected):
    jobs = make_jobs(4)
    jobs[1]["status"] = "AUTO_PARAM_VALIDATE_SUCCESS"
    jobs[3]["status"] = "ASYNC_JOB_QUEUED"
    result = run(dict(AK_SK, project_id=PROJECT_ID, return_jobs=return_jobs), FakeDrs(jobs=jobs)).result
    assert len(result["jobs"]) == expected and result["total_count"] == 4
    assert result["status_counts"] == dict(ZERO_COUNTS, COMMIT_SUCCESS=2, AUTO_PARAM_VALIDATE_SUCCESS=1,
                                           ASYNC_JOB_QUEUED=1)


def test_unfinished_is_relative_to_wait_for_status(run):
    jobs = make_jobs(3, status="AUTO_PARAM_VALIDATE_SUCCESS")
    result = run(dict(AK_SK, project_id=PROJECT_ID, return_jobs="unfinished",
                      wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), FakeDrs(jobs=jobs)).result
    assert result["jobs"] == [] and result["status_counts"]["AUTO_PARAM_VALIDATE_SUCCESS"] == 3


def test_wait_polls_in_one_session_without_new_logins(run):
    fake = FakeDrs(jobs=make_jobs(3, status="ASYNC_JOB_VALIDATING"))
    lists = []

    def progress(call):
        lists.append(call)
        if len(lists) == 4:
            for job in fake.jobs:
                job["status"] = "COMMIT_SUCCESS"

    fake.on_list = progress
    outcome = run(dict(PASSWORD, wait_for_status="COMMIT_SUCCESS", wait_sleep=5), fake)
    result = outcome.result
    assert not result.get("failed") and result["status_counts"]["COMMIT_SUCCESS"] == 3
    assert result["request_stats"] == {"requests": 5, "retries": 0, "polls": 4, "iam_calls": 1}
    assert outcome.clock.sleeps == [5, 5, 5]


def test_wait_timeout_fails_naming_pending_jobs_and_keeps_the_last_state(run):
    jobs = make_jobs(2, status="AUTO_PARAM_VALIDATE_SUCCESS")
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, wait_for_status="COMMIT_SUCCESS", wait_timeout=20,
                       wait_sleep=10), FakeDrs(jobs=jobs))
    result = outcome.result
    assert result["failed"] is True
    assert "job-000000 (AUTO_PARAM_VALIDATE_SUCCESS)" in result["msg"] and "commit" in result["msg"]
    assert len(result["jobs"]) == 2 and result["total_count"] == 2
    assert result["status_counts"]["AUTO_PARAM_VALIDATE_SUCCESS"] == 2
    assert result["request_stats"]["polls"] == 3


def test_wait_fails_fast_on_a_failed_job(run):
    jobs = make_jobs(3, status="ASYNC_JOB_VALIDATING")
    jobs[2]["status"] = "ASYNC_JOB_VALIDATE_FAILED"
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, wait_for_status="COMMIT_SUCCESS"), FakeDrs(jobs=jobs))
    assert outcome.result["failed"] is True and "job-000002" in outcome.result["msg"]
    assert outcome.result["request_stats"]["polls"] == 1 and outcome.clock.sleeps == []


def test_check_mode_reads_as_usual(run):
    result = run(dict(AK_SK, project_id=PROJECT_ID, _ansible_check_mode=True)).result
    assert result["changed"] is False and len(result["jobs"]) == 3


def test_expired_iam_token_is_renewed_once_within_a_run(run):
    fake = FakeDrs(jobs=make_jobs(3))
    fake.expire_next_drs_calls = 1
    echo_auth_into_jobs(fake)
    outcome = run(dict(PASSWORD), fake)
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 3
    assert outcome.result["request_stats"]["iam_calls"] == 2
    assert fake.drs_calls()[-1].headers["X-Auth-Token"] == "iam-token-from-run-0001-2"
    assert [job["user_name"] for job in outcome.result["jobs"]] == ["owner ********"] * 3
    assert "iam-token-from-run-0001-2" not in outcome.output


def test_validate_certs_false_warns_and_is_passed_to_requests(run):
    fake = FakeDrs(jobs=make_jobs(1))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, validate_certs=False), fake)
    assert fake.calls[0].kwargs["verify"] is False
    # ansible-core 2.19 returns each warning as a structured summary
    assert "validate_certs is false" in json.dumps(outcome.result["warnings"])


def test_ca_path_is_used_for_verification(run, tmp_path):
    bundle = tmp_path / "emulator-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    fake = FakeDrs(jobs=make_jobs(1))
    run(dict(AK_SK, project_id=PROJECT_ID, ca_path=str(bundle), validate_certs=False), fake)
    assert fake.calls[0].kwargs["verify"] == str(bundle)


def test_missing_ca_path_fails_naming_it_before_any_request(run, tmp_path):
    fake = FakeDrs(jobs=make_jobs(1))
    result = run(dict(AK_SK, ca_path=str(tmp_path / "gone.pem")), fake).result
    assert result["failed"] is True and "ca_path" in result["msg"] and "gone.pem" in result["msg"]
    assert fake.calls == []
