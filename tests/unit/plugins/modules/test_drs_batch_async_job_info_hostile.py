"""Issue 9: hostile input and broken servers, end to end through the module. No secret, no traceback.

The ``run`` fixture and the fake DRS come from test_drs_batch_async_job_info.py and hwcloud_drs_fakes.py.
"""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job_info

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_jobs, make_response  # pylint: disable=import-error
from test_drs_batch_async_job_info import (  # pylint: disable=import-error,unused-import
    AK_SK,
    ENDPOINTS,
    PASSWORD,
    ZERO_COUNTS,
    run,
)

LONG_TOKEN = "MIIZ" + "".join("%04d-abcdefghij" % index for index in range(20))  # 304 characters, as IAM's are


def leaked_prefixes(text, secret, shortest=8):
    """Every beginning of ``secret`` of ``shortest`` characters or more that ``text`` holds (escaped or not)."""
    texts = (text, text.replace("\\\\", "\\"))
    return [secret[:length] for length in range(shortest, len(secret) + 1)
            if any(secret[:length] in candidate for candidate in texts)]


def assert_clean_failure(outcome):
    """A failure with the module's one-line message and every result key an until expression reads."""
    result = outcome.result
    assert result["failed"] is True and "\n" not in result["msg"] and "Traceback" not in outcome.output
    assert isinstance(result["jobs"], list) and isinstance(result["total_count"], int)
    assert set(ZERO_COUNTS) <= set(result["status_counts"]) and "request_stats" in result
    return result["msg"]


# ------------------------------------------------------------------------------------------------- secrets

@pytest.mark.parametrize("suffix", ["\n", "  \n", "\r\n", "\t"])
def test_a_token_with_surrounding_whitespace_is_stripped_and_never_shown(run, suffix):
    fake = FakeDrs(jobs=make_jobs(2))
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID, auth_token=" " + LONG_TOKEN + suffix), fake)
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 2
    assert fake.calls[0].headers["X-Auth-Token"] == LONG_TOKEN
    assert leaked_prefixes(outcome.output, LONG_TOKEN) == []


def test_a_security_token_from_the_environment_ending_in_a_newline_is_stripped(run):
    environ = {"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "env-secret-key-1\n", "HW_SECURITY_TOKEN": LONG_TOKEN + "\n"}
    fake = FakeDrs(jobs=make_jobs(1))
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID), fake, environ)
    assert not outcome.result.get("failed")
    assert fake.calls[0].headers["X-Security-Token"] == LONG_TOKEN
    assert leaked_prefixes(outcome.output, LONG_TOKEN) == []


@pytest.mark.parametrize("option,environ", [
    ("auth_token", {}), ("secret_key", {}), ("iam_password", {}), ("HW_AUTH_TOKEN", {"HW_AUTH_TOKEN": True}),
])
def test_a_control_character_inside_a_credential_fails_naming_it_without_the_value(run, option, environ):
    secret = LONG_TOKEN[:100] + "\n" + LONG_TOKEN[100:]
    args = dict(ENDPOINTS, project_id=PROJECT_ID)
    if option == "secret_key":
        args.update(access_key="AK", secret_key=secret)
    elif option == "iam_password":
        args.update(iam_user_name="u", iam_password=secret, iam_domain_name="d")
    elif not environ:
        args[option] = secret
    fake = FakeDrs()
    outcome = run(args, fake, {"HW_AUTH_TOKEN": secret} if environ else None)
    msg = assert_clean_failure(outcome)
    assert option in msg and "control character" in msg and fake.calls == []
    for part in (LONG_TOKEN[:100], LONG_TOKEN[100:]):
        assert leaked_prefixes(outcome.output, part) == []


@pytest.mark.parametrize("answer", [
    lambda token: make_response(400, {"error_code": "DRS.M00201", "error_msg": "bad token %s" % token}),
    lambda token: make_response(400, {"error_code": "DRS.M00201", "error_msg": "bad token %r" % (token + "'")}),
    lambda token: make_response(400, {"error_code": "DRS.M00201", "error_msg": "bad " + json.dumps({"t": token})}),
    lambda token: make_response(400, {"error_code": "DRS.M00201", "error_msg": "x" * 250 + token}),
    lambda token: make_response(502, text="<html><title>Bad token %s</title></html>" % token,
                                headers={"Content-Type": "text/html"}),
    lambda token: make_response(302, text="", headers={"Location": "https://x.example/%s/y" % token}),
    lambda token: make_response(200, text="<html><title>Hello %s</title></html>" % token,
                                headers={"Content-Type": "text/html"}),
], ids=["plain", "repr", "json", "after-250-characters", "html-title", "redirect", "title-on-success"])
def test_a_token_echoed_by_the_service_never_reaches_the_output_even_in_part(run, answer):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, answer(LONG_TOKEN)))
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID, auth_token=LONG_TOKEN, max_retries=0), fake)
    assert_clean_failure(outcome)
    assert leaked_prefixes(outcome.output, LONG_TOKEN) == []


def test_a_token_issued_at_run_time_and_echoed_is_scrubbed_even_in_part(run):
    fake = FakeDrs(jobs=make_jobs(1), token=LONG_TOKEN)
    fake.faults.append((lambda call: "/batch-async-jobs" in call.path, make_response(
        400, {"error_code": "DRS.M00201", "error_msg": "z" * 280 + LONG_TOKEN + "-1"})))
    outcome = run(dict(PASSWORD), fake)
    assert_clean_failure(outcome)
    assert leaked_prefixes(outcome.output, LONG_TOKEN + "-1") == []


def test_an_iam_error_echoing_the_login_body_never_shows_the_password(run):
    password = "right-password"
    fake = FakeDrs()

    def echo_login(call):
        return call.path == "/v3/auth/tokens"

    body = {"auth": {"identity": {"password": {"user": {"name": "demo-user", "password": password}}}}}
    fake.faults.append((echo_login, make_response(400, {"error": {"code": "IAM.0001", "message": "bad body %s" % (
        json.dumps(body))}})))
    outcome = run(dict(PASSWORD), fake)
    msg = assert_clean_failure(outcome)
    assert "IAM.0001" in msg and leaked_prefixes(outcome.output, password) == []


def test_a_huge_error_msg_is_shortened_saying_so(run):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(400, {"error_code": "DRS.M00201", "error_msg": "e" * 10 ** 6})))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID), fake)
    msg = assert_clean_failure(outcome)
    assert len(msg) < 1000 and len(outcome.output) < 10000
    assert "shortened from 1000000 characters" in outcome.result["error_msg"]


# --------------------------------------------------------------------------------------- option values

@pytest.mark.parametrize("args,words", [
    (dict(AK_SK, timeout=float("inf")), ["timeout", "finite"]),
    (dict(AK_SK, timeout=float("nan")), ["timeout", "finite"]),
    (dict(AK_SK, wait_sleep=float("nan"), wait_for_status="COMMIT_SUCCESS"), ["wait_sleep", "finite"]),
    (dict(AK_SK, wait_sleep=float("inf"), wait_for_status="COMMIT_SUCCESS"), ["wait_sleep", "finite"]),
    (dict(AK_SK, timeout=1e300), ["timeout", "between 0.001 and 3600"]),
    (dict(AK_SK, wait_timeout=10 ** 30, wait_for_status="COMMIT_SUCCESS"), ["wait_timeout"]),
    (dict(AK_SK, endpoint="http://127.0.0.1:99999", allow_insecure_http=True), ["endpoint", "not a valid URL"]),
    (dict(AK_SK, endpoint="http://[::1", allow_insecure_http=True), ["endpoint", "not a valid URL"]),
    (dict(AK_SK, iam_endpoint="https://[::1"), ["iam_endpoint", "not a valid URL"]),
    (dict(AK_SK, endpoint="https://"), ["endpoint", "no host"]),
    (dict(AK_SK, endpoint="https://drs.test/?x=1"), ["endpoint", "query"]),
    (dict(AK_SK, endpoint="ftp://drs.test"), ["endpoint", "https://"]),
    (dict(AK_SK, endpoint="http://drs.test:8080"), ["endpoint", "plain http://", "allow_insecure_http"]),
    (dict(AK_SK, iam_endpoint="http://iam.test"), ["iam_endpoint", "plain http://", "allow_insecure_http"]),
    (dict(AK_SK, region="evil.example/"), ["region", "cn-north-4"]),
    (dict(AK_SK, region="CN-NORTH-4"), ["region"]),
    (dict(AK_SK, project_id=".."), ["project_id", "one path segment"]),
    (dict(AK_SK, project_id="."), ["project_id", "one path segment"]),
    (dict(AK_SK, project_id="a/b"), ["project_id", "one path segment"]),
    (dict(AK_SK, async_job_id=""), ["async_job_id", "empty"]),
    (dict(AK_SK, async_job_id="   "), ["async_job_id", "empty"]),
    (dict(AK_SK, domain_name=" ", user_name=""), ["domain_name and user_name", "empty"]),
    (dict(AK_SK, status="ASYNC_JOB_VALIDATING", wait_for_status="COMMIT_SUCCESS"),
     ["status ASYNC_JOB_VALIDATING", "wait_for_status COMMIT_SUCCESS", "contradict"]),
    (dict(AK_SK, status="AUTO_PARAM_VALIDATE_SUCCESS", wait_for_status="COMMIT_SUCCESS"), ["contradict"]),
    (dict(AK_SK, status="ASYNC_JOB_VALIDATE_FAILED", wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"),
     ["contradict", "AUTO_PARAM_VALIDATE_SUCCESS or COMMIT_SUCCESS"]),
])
def test_a_bad_option_value_fails_naming_it_before_any_request(run, args, words):
    outcome = run(args)
    msg = assert_clean_failure(outcome)
    for word in words:
        assert word in msg
    assert outcome.fake.calls == []


@pytest.mark.parametrize("region", ["cn-north-4", "ap-southeast-1", "eu-west-101", "la-south-2", "cn-north-9",
                                    "my-kualalumpur-1"])
def test_huawei_region_ids_are_accepted(run, region):
    outcome = run(dict(AK_SK, region=region, project_id=PROJECT_ID))
    assert not outcome.result.get("failed")


def test_plain_http_works_when_allowed(run):
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, endpoint="http://drs.test:8080", allow_insecure_http=True))
    assert not outcome.result.get("failed") and outcome.fake.calls[0].url.startswith("http://drs.test:8080/")


def test_a_status_filter_that_can_meet_the_wait_is_accepted(run):
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, status="COMMIT_SUCCESS",
                       wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"))
    assert not outcome.result.get("failed")


def warnings_of(outcome):
    # ansible-core 2.19 returns each warning as a structured summary
    return json.dumps(outcome.result.get("warnings", []))


def test_wait_timeout_without_wait_for_status_is_a_warning_naming_both(run):
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, wait_timeout=60))
    assert not outcome.result.get("failed")
    assert "wait_timeout is ignored without wait_for_status" in warnings_of(outcome)


def test_wait_sleep_below_the_floor_is_raised_with_a_warning(run):
    fake = FakeDrs(jobs=make_jobs(1, status="ASYNC_JOB_VALIDATING"))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, wait_for_status="COMMIT_SUCCESS", wait_sleep=0,
                       wait_timeout=3), fake)
    assert outcome.result["failed"] is True and outcome.clock.sleeps == [1.0, 1.0, 1.0]
    assert "wait_sleep 0.0 is below the floor of 1 second" in warnings_of(outcome)


# ------------------------------------------------------------------------------------- server answers

@pytest.mark.parametrize("job", [
    {"async_job_id": "a", "status": ["COMMIT_SUCCESS"]},
    {"async_job_id": {"id": "a"}, "status": "COMMIT_SUCCESS"},
    {"async_job_id": ["a"], "status": {"x": 1}},
    "not a job",
    None,
], ids=["status-list", "id-object", "both", "text", "null"])
@pytest.mark.parametrize("wait", [False, True])
def test_jobs_with_fields_of_the_wrong_type_are_data_never_a_crash(run, job, wait):
    fake = FakeDrs()
    jobs = [job, dict(make_jobs(1)[0]), job]
    fake.faults.append((lambda call: True, make_response(200, {"total_count": 3, "jobs": jobs})))
    args = dict(AK_SK, project_id=PROJECT_ID)
    if wait:
        args.update(wait_for_status="COMMIT_SUCCESS", wait_timeout=0)
    outcome = run(args, fake)
    assert "Traceback" not in outcome.output
    result = outcome.result
    if result.get("failed"):
        assert wait and assert_clean_failure(outcome)
    assert sum(result["status_counts"].values()) == len(result["jobs"]) >= 2
    assert result["status_counts"]["COMMIT_SUCCESS"] >= 1 and jobs[1] in result["jobs"]


@pytest.mark.parametrize("total", ["1e400", "-3", '"many"', "[]", "null", "1.5", "true"])
def test_a_total_count_that_is_not_a_count_is_handled(run, total):
    fake = FakeDrs()
    body = '{"total_count": %s, "jobs": %s}' % (total, json.dumps(make_jobs(2)))
    fake.faults.append((lambda call: True, make_response(200, text=body, headers={"Content-Type": "application/json"})))
    outcome = run(dict(AK_SK, project_id=PROJECT_ID), fake)
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 2
    assert outcome.result["total_count"] == 2


def test_a_lying_total_count_costs_at_most_one_wave_of_requests(run):
    fake = FakeDrs(jobs=make_jobs(5), page_cap=5)

    def lie(call):
        offset, limit = int(call.query["offset"]), min(int(call.query["limit"]), 5)
        return make_response(200, {"total_count": 20000, "jobs": fake.jobs[offset:offset + limit]})

    fake.session.handler = lie
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, page_size=5, page_concurrency=4), fake)
    assert len(outcome.result["jobs"]) == 5 and len(fake.calls) <= 1 + 4
    limited = run(dict(AK_SK, project_id=PROJECT_ID, page_size=5, page_concurrency=4, limit=20), fake)
    assert limited.result["jobs"] == outcome.result["jobs"]


def test_a_project_id_from_iam_that_is_not_one_path_segment_is_refused(run):
    fake = FakeDrs()
    fake.faults.append((lambda call: call.path == "/v3/projects", make_response(
        200, {"projects": [{"id": "..", "name": "cn-north-4"}]})))
    msg = assert_clean_failure(run(dict(AK_SK), fake))
    assert "IAM returned" in msg and "one path segment" in msg and not fake.drs_calls()


# ----------------------------------------------------------------------------------------------- hints

def test_a_ca_path_that_is_not_pem_names_the_file_and_the_problem(run, tmp_path):
    bundle = tmp_path / "ca.der"
    bundle.write_bytes(b"\x30\x82\x01\x0a binary")
    outcome = run(dict(AK_SK, project_id=PROJECT_ID, ca_path=str(bundle)))
    msg = assert_clean_failure(outcome)
    assert str(bundle) in msg and "not a PEM bundle" in msg and outcome.fake.calls == []


def test_an_unreadable_ca_path_names_the_file(run, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    bundle.chmod(0)
    try:
        open(str(bundle)).close()
        pytest.skip("running as a user who reads any file")
    except (IOError, OSError):
        pass
    msg = assert_clean_failure(run(dict(AK_SK, project_id=PROJECT_ID, ca_path=str(bundle))))
    assert str(bundle) in msg and "cannot be read" in msg


@pytest.mark.parametrize("credentials", [PASSWORD, AK_SK], ids=["login", "project-lookup"])
def test_a_404_from_iam_blames_iam_endpoint(run, credentials):
    fake = FakeDrs()
    fake.faults.append((lambda call: call.host == "iam.test:8443", make_response(
        404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published."})))
    msg = assert_clean_failure(run(dict(credentials), fake))
    hint = msg.split("Hint:", 1)[1]
    assert "iam_endpoint" in hint and "set endpoint" not in hint


def test_the_validate_certs_warning_names_both_endpoints(run):
    outcome = run(dict(AK_SK, validate_certs=False))
    assert "https://drs.test:8443 (endpoint) and https://iam.test:8443 (iam_endpoint)" in warnings_of(outcome)


def test_endless_new_jobs_fail_clearly_past_the_most_one_listing_reads(run, monkeypatch):
    monkeypatch.setattr(drs_batch_async_job_info, "MOST_LISTED_JOBS", 40)
    fake = FakeDrs(page_cap=10)

    def endless(call):
        offset, limit = int(call.query["offset"]), int(call.query["limit"])
        jobs = [dict(make_jobs(1)[0], async_job_id="endless-%06d" % index) for index in range(offset, offset + limit)]
        return make_response(200, {"total_count": 10 ** 9, "jobs": jobs})

    fake.session.handler = endless
    msg = assert_clean_failure(run(dict(AK_SK, project_id=PROJECT_ID, page_size=10, page_concurrency=4), fake))
    assert "more than 40 jobs" in msg and "limit" in msg and "offset" in msg, msg
    assert len(fake.calls) <= 4 + 1 + 4  # four full pages, the fifth passes the cap, at most one wave more


def test_a_password_is_masked_whole_and_the_words_around_it_stay_readable(run):
    # A password made of words: IAM's "password is wrong" and the hint naming iam_password keep their words.
    password = "not-the-password"
    fake = FakeDrs()
    fake.faults.append((lambda call: call.path == "/v3/auth/tokens", make_response(401, {"error": {
        "code": "IAM.0101", "message": "The username or password is wrong (%s)." % password}})))
    outcome = run(dict(PASSWORD, iam_password=password), fake)
    msg = assert_clean_failure(outcome)
    assert "The username or password is wrong (********)." in msg and "iam_password" in msg, msg
    assert password not in outcome.output


def test_environment_secrets_reach_ansible_cores_masking_on_the_releases_that_have_it(run):
    environ = {"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "env-secret-key-only-this-test"}
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID), FakeDrs(jobs=make_jobs(1)), environ)
    try:
        import ansible.module_utils.secrets  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        assert outcome.new_secrets == []
    else:
        assert "env-secret-key-only-this-test" in outcome.new_secrets


def test_an_injected_invocation_never_shows_a_no_log_value(run):
    # ANSIBLE_INJECT_INVOCATION: ansible-core 2.22 would add the parameters as given.
    outcome = run(dict(ENDPOINTS, project_id=PROJECT_ID, auth_token="token-for-invocation-test",
                       _ansible_inject_invocation=True), FakeDrs(jobs=make_jobs(1)))
    assert "token-for-invocation-test" not in outcome.output
    invocation = outcome.result.get("invocation")
    assert invocation is None or invocation["module_args"]["auth_token"] != "token-for-invocation-test"
