"""Issue 9: hostile input and broken servers, end to end through the module. No secret, no traceback.

Hostile input goes to the emulator (``drs``), which must never see a request for it; a hostile or broken
server is a scripted FakeSession (fake_session.py), since the emulator answers as the service does.
"""

import json

import pytest

from fake_session import (  # pylint: disable=import-error
    AK_SK,
    ENDPOINTS,
    PASSWORD,
    PROJECT_ID,
    FakeSession,
    jobs_answer,
    make_response,
    script,
    token_answer,
)
from support.drs_statuses import COMMITTED, VALIDATED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import INFO_KEYS, assert_failed  # pylint: disable=import-error

LONG_TOKEN = "MIIZ" + "".join("%04d-abcdefghij" % index for index in range(20))  # 304 characters, as IAM's are
BY_ID = dict(AK_SK, project_id=PROJECT_ID)
# The most jobs one listing reads, as the documented range of limit says (1 to 100000).
MOST_LISTED_JOBS = 100000


def leaked_prefixes(text, secret, shortest=8):
    """Every beginning of ``secret`` of ``shortest`` characters or more that ``text`` holds (escaped or not)."""
    texts = (text, text.replace("\\\\", "\\"))
    return [secret[:length] for length in range(shortest, len(secret) + 1)
            if any(secret[:length] in candidate for candidate in texts)]


def answering(*answers):
    """A scripted session that answers these, in order."""
    return FakeSession(script(*answers))


def assert_refused_before_any_request(outcome, drs, *words):
    """Failed naming ``words``, with every key an until expression reads, and the emulator saw no request."""
    msg = assert_failed(outcome, *words, keys=INFO_KEYS, requests=0)
    assert drs.routes() == {}
    return msg


# ------------------------------------------------------------------------------------------------- secrets

@pytest.mark.parametrize("suffix", ["\n", "  \n", "\r\n", "\t"])
def test_a_token_with_surrounding_whitespace_is_stripped_and_never_shown(run_info, drs, suffix):
    drs.seed(make_jobs(2))
    token = drs.state["auth_token"]
    outcome = run_info(drs.options("none", auth_token=" " + token + suffix))
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 2
    assert drs.calls[0].headers["X-Auth-Token"] == token
    assert leaked_prefixes(outcome.output, token) == []


def test_a_security_token_from_the_environment_ending_in_a_newline_is_stripped(run_info, drs):
    state = drs.state
    drs.seed(make_jobs(1))
    environ = {"HW_ACCESS_KEY": state["temporary_access_key"], "HW_SECRET_KEY": state["temporary_secret_key"] + "\n",
               "HW_SECURITY_TOKEN": state["security_token"] + "\n"}
    outcome = run_info(drs.options("none"), environ=environ)
    assert not outcome.result.get("failed")
    assert drs.calls[0].headers["X-Security-Token"] == state["security_token"]
    assert leaked_prefixes(outcome.output, state["security_token"]) == []


@pytest.mark.parametrize("option,environ", [
    ("auth_token", {}), ("secret_key", {}), ("iam_password", {}), ("HW_AUTH_TOKEN", {"HW_AUTH_TOKEN": True}),
])
def test_a_control_character_inside_a_credential_fails_naming_it_without_the_value(run_info, drs, option, environ):
    secret = LONG_TOKEN[:100] + "\n" + LONG_TOKEN[100:]
    args = drs.options("none")
    if option == "secret_key":
        args.update(access_key="AK", secret_key=secret)
    elif option == "iam_password":
        args.update(iam_user_name="u", iam_password=secret, iam_domain_name="d")
    elif not environ:
        args[option] = secret
    outcome = run_info(args, environ={"HW_AUTH_TOKEN": secret} if environ else None)
    assert_refused_before_any_request(outcome, drs, option, "control character")
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
def test_a_token_echoed_by_the_service_never_reaches_the_output_even_in_part(run_info, answer):
    outcome = run_info(dict(ENDPOINTS, project_id=PROJECT_ID, auth_token=LONG_TOKEN, max_retries=0),
                       session=answering(answer(LONG_TOKEN)))
    assert_failed(outcome, keys=INFO_KEYS)
    assert leaked_prefixes(outcome.output, LONG_TOKEN) == []


def test_a_token_issued_at_run_time_and_echoed_is_scrubbed_even_in_part(run_info):
    session = answering(token_answer(LONG_TOKEN + "-1"), make_response(
        400, {"error_code": "DRS.M00201", "error_msg": "z" * 280 + LONG_TOKEN + "-1"}))
    outcome = run_info(dict(PASSWORD), session=session)
    assert_failed(outcome, keys=INFO_KEYS)
    assert leaked_prefixes(outcome.output, LONG_TOKEN + "-1") == []


def test_an_iam_error_echoing_the_login_body_never_shows_the_password(run_info):
    password = PASSWORD["iam_password"]
    body = {"auth": {"identity": {"password": {"user": {"name": "demo-user", "password": password}}}}}
    session = answering(make_response(400, {"error": {"code": "IAM.0001", "message": "bad body %s" % (
        json.dumps(body))}}))
    outcome = run_info(dict(PASSWORD), session=session)
    assert_failed(outcome, "IAM.0001", keys=INFO_KEYS)
    assert leaked_prefixes(outcome.output, password) == []


def test_a_huge_error_msg_is_shortened_saying_so(run_info):
    session = answering(make_response(400, {"error_code": "DRS.M00201", "error_msg": "e" * 10 ** 6}))
    outcome = run_info(dict(BY_ID), session=session)
    msg = assert_failed(outcome, keys=INFO_KEYS)
    assert len(msg) < 1000 and len(outcome.output) < 10000
    assert "shortened from 1000000 characters" in outcome.result["error_msg"]


# --------------------------------------------------------------------------------------- option values

@pytest.mark.parametrize("options,words", [
    (dict(timeout=float("inf")), ["timeout", "finite"]),
    (dict(timeout=float("nan")), ["timeout", "finite"]),
    (dict(wait_sleep=float("nan"), wait_for_status=COMMITTED), ["wait_sleep", "finite"]),
    (dict(wait_sleep=float("inf"), wait_for_status=COMMITTED), ["wait_sleep", "finite"]),
    (dict(timeout=1e300), ["timeout", "between 0.001 and 3600"]),
    (dict(wait_timeout=10 ** 30, wait_for_status=COMMITTED), ["wait_timeout"]),
    (dict(endpoint="http://127.0.0.1:99999", allow_insecure_http=True), ["endpoint", "not a valid URL"]),
    (dict(endpoint="http://[::1", allow_insecure_http=True), ["endpoint", "not a valid URL"]),
    (dict(iam_endpoint="https://[::1"), ["iam_endpoint", "not a valid URL"]),
    (dict(endpoint="https://"), ["endpoint", "no host"]),
    (dict(endpoint="https://drs.test/?x=1"), ["endpoint", "query"]),
    (dict(endpoint="ftp://drs.test"), ["endpoint", "https://"]),
    (dict(endpoint="http://drs.test:8080"), ["endpoint", "plain http://", "allow_insecure_http"]),
    (dict(iam_endpoint="http://iam.test"), ["iam_endpoint", "plain http://", "allow_insecure_http"]),
    (dict(region="evil.example/"), ["region", "cn-north-4"]),
    (dict(region="CN-NORTH-4"), ["region"]),
    (dict(project_id=".."), ["project_id", "one path segment"]),
    (dict(project_id="."), ["project_id", "one path segment"]),
    (dict(project_id="a/b"), ["project_id", "one path segment"]),
    (dict(async_job_id=""), ["async_job_id", "empty"]),
    (dict(async_job_id="   "), ["async_job_id", "empty"]),
    (dict(domain_name=" ", user_name=""), ["domain_name and user_name", "empty"]),
    (dict(status="ASYNC_JOB_VALIDATING", wait_for_status=COMMITTED),
     ["status ASYNC_JOB_VALIDATING", "wait_for_status COMMIT_SUCCESS", "contradict"]),
    (dict(status="AUTO_PARAM_VALIDATE_SUCCESS", wait_for_status=COMMITTED), ["contradict"]),
    (dict(status="ASYNC_JOB_VALIDATE_FAILED", wait_for_status=VALIDATED),
     ["contradict", "AUTO_PARAM_VALIDATE_SUCCESS or COMMIT_SUCCESS"]),
])
def test_a_bad_option_value_fails_naming_it_before_any_request(run_info, drs, options, words):
    assert_refused_before_any_request(run_info(drs.options(project=False, **options)), drs, *words)


@pytest.mark.parametrize("region", ["cn-north-4", "ap-southeast-1", "eu-west-101", "la-south-2", "cn-north-9",
                                    "my-kualalumpur-1"])
def test_huawei_region_ids_are_accepted(run_info, drs, region):
    outcome = run_info(drs.options(region=region))
    assert not outcome.result.get("failed")


def test_plain_http_works_when_allowed(run_info):
    session = answering(jobs_answer(make_jobs(3)))
    outcome = run_info(dict(BY_ID, endpoint="http://drs.test:8080", allow_insecure_http=True), session=session)
    assert not outcome.result.get("failed") and session.calls[0].url.startswith("http://drs.test:8080/")


def test_a_status_filter_that_can_meet_the_wait_is_accepted(run_info, drs):
    drs.seed(make_jobs(3, statuses=(COMMITTED,)))
    outcome = run_info(drs.options(status=COMMITTED, wait_for_status=VALIDATED))
    assert not outcome.result.get("failed")


def warnings_of(outcome):
    # ansible-core 2.19 returns each warning as a structured summary
    return json.dumps(outcome.result.get("warnings", []))


def test_wait_timeout_without_wait_for_status_is_a_warning_naming_both(run_info, drs):
    outcome = run_info(drs.options(wait_timeout=60))
    assert not outcome.result.get("failed")
    assert "wait_timeout is ignored without wait_for_status" in warnings_of(outcome)


def test_wait_sleep_below_the_floor_is_raised_with_a_warning(run_info, drs):
    drs.seed(make_jobs(1, statuses=(VALIDATING,)))
    outcome = run_info(drs.options(wait_for_status=COMMITTED, wait_sleep=0, wait_timeout=3))
    assert_failed(outcome, keys=INFO_KEYS)
    assert outcome.clock.sleeps == [1.0, 1.0, 1.0]
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
def test_jobs_with_fields_of_the_wrong_type_are_data_never_a_crash(run_info, job, wait):
    jobs = [job, dict(make_jobs(1, statuses=(COMMITTED,))[0]), job]
    args = dict(BY_ID)
    if wait:
        args.update(wait_for_status=COMMITTED, wait_timeout=0)
    outcome = run_info(args, session=answering(jobs_answer(jobs)))
    assert "Traceback" not in outcome.output
    result = outcome.result
    if result.get("failed"):
        assert wait and assert_failed(outcome, keys=INFO_KEYS)
    assert sum(result["status_counts"].values()) == len(result["jobs"]) >= 2
    assert result["status_counts"][COMMITTED] >= 1 and jobs[1] in result["jobs"]


@pytest.mark.parametrize("total", ["1e400", "-3", '"many"', "[]", "null", "1.5", "true"])
def test_a_total_count_that_is_not_a_count_is_handled(run_info, total):
    body = '{"total_count": %s, "jobs": %s}' % (total, json.dumps(make_jobs(2)))
    session = answering(make_response(200, text=body, headers={"Content-Type": "application/json"}))
    outcome = run_info(dict(BY_ID), session=session)
    assert not outcome.result.get("failed") and len(outcome.result["jobs"]) == 2
    assert outcome.result["total_count"] == 2


def test_a_lying_total_count_costs_at_most_one_wave_of_requests(run_info):
    jobs = make_jobs(5)

    def lie(call):
        offset, limit = int(call.query["offset"]), min(int(call.query["limit"]), 5)
        return jobs_answer(jobs[offset:offset + limit], total_count=20000)

    session = FakeSession(lie)
    outcome = run_info(dict(BY_ID, page_size=5, page_concurrency=4), session=session)
    assert len(outcome.result["jobs"]) == 5 and len(session.calls) <= 1 + 4
    limited = run_info(dict(BY_ID, page_size=5, page_concurrency=4, limit=20), session=session)
    assert limited.result["jobs"] == outcome.result["jobs"]


def test_a_project_id_from_iam_that_is_not_one_path_segment_is_refused(run_info):
    session = answering(make_response(200, {"projects": [{"id": "..", "name": "cn-north-4"}]}))
    outcome = run_info(dict(AK_SK), session=session)
    assert_failed(outcome, "IAM returned", "one path segment", keys=INFO_KEYS)
    assert [call.path for call in session.calls] == ["/v3/projects"]


# ----------------------------------------------------------------------------------------------- hints

def test_a_ca_path_that_is_not_pem_names_the_file_and_the_problem(run_info, drs, tmp_path):
    bundle = tmp_path / "ca.der"
    bundle.write_bytes(b"\x30\x82\x01\x0a binary")
    assert_refused_before_any_request(run_info(drs.options(ca_path=str(bundle))), drs, str(bundle), "not a PEM bundle")


def test_an_unreadable_ca_path_names_the_file(run_info, drs, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    bundle.chmod(0)
    try:
        open(str(bundle)).close()
        pytest.skip("running as a user who reads any file")
    except (IOError, OSError):
        pass
    assert_refused_before_any_request(run_info(drs.options(ca_path=str(bundle))), drs, str(bundle), "cannot be read")


@pytest.mark.parametrize("credentials,route", [("password", "token"), ("aksk", "projects")],
                         ids=["login", "project-lookup"])
def test_a_404_from_iam_blames_iam_endpoint(run_info, drs, credentials, route):
    drs.faults({"route": route, "status": 404})  # APIGW.0101: the API does not exist or has not been published
    msg = assert_failed(run_info(drs.options(credentials, project=False)), "APIGW.0101", keys=INFO_KEYS)
    hint = msg.split("Hint:", 1)[1]
    assert "iam_endpoint" in hint and "set endpoint" not in hint


def test_the_validate_certs_warning_names_both_endpoints(run_info, drs):
    outcome = run_info(drs.options(project=False, iam_endpoint=drs.iam_url, ca_path=None, validate_certs=False))
    assert "%s (endpoint) and %s (iam_endpoint)" % (drs.state["url"], drs.iam_url) in warnings_of(outcome)


def test_endless_new_jobs_fail_clearly_past_the_most_one_listing_reads(run_info):
    page_size = MOST_LISTED_JOBS // 4

    def endless(call):
        offset, limit = int(call.query["offset"]), int(call.query["limit"])
        page = ", ".join('{"async_job_id": "endless-%06d", "status": "COMMIT_SUCCESS"}' % index
                         for index in range(offset, offset + limit))
        return make_response(200, text='{"total_count": 1000000000, "jobs": [%s]}' % page)

    session = FakeSession(endless)
    outcome = run_info(dict(BY_ID, page_size=page_size, page_concurrency=4), session=session)
    assert_failed(outcome, "more than %d batches" % MOST_LISTED_JOBS, "limit", "offset", keys=INFO_KEYS)
    assert len(session.calls) <= 4 + 1 + 4  # four full pages, the fifth passes the cap, at most one wave more


def test_a_password_is_masked_whole_and_the_words_around_it_stay_readable(run_info):
    # A password made of words: IAM's "password is wrong" and the hint naming iam_password keep their words.
    password = "not-the-password"
    session = answering(make_response(401, {"error": {
        "code": "IAM.0101", "message": "The username or password is wrong (%s)." % password}}))
    outcome = run_info(dict(PASSWORD, iam_password=password), session=session)
    assert_failed(outcome, "The username or password is wrong (********).", "iam_password", keys=INFO_KEYS,
                  secrets=(password,))


def test_environment_secrets_reach_ansible_cores_masking_on_the_releases_that_have_it(run_info):
    # A secret no other test of this process used (ansible-core sends along only secrets new to the process),
    # which nothing checks: the session is scripted.
    environ = {"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "env-secret-key-only-this-test"}
    outcome = run_info(dict(ENDPOINTS, project_id=PROJECT_ID), session=answering(jobs_answer(make_jobs(1))),
                       environ=environ)
    try:
        import ansible.module_utils.secrets  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        assert outcome.new_secrets == []
    else:
        assert "env-secret-key-only-this-test" in outcome.new_secrets


def test_an_injected_invocation_never_shows_a_no_log_value(run_info, drs):
    # ANSIBLE_INJECT_INVOCATION: ansible-core 2.22 would add the parameters as given.
    token = drs.state["auth_token"]
    outcome = run_info(drs.options("token", _ansible_inject_invocation=True))  # unknown to older releases: a failure
    assert token not in outcome.output
    invocation = outcome.result.get("invocation")
    assert invocation is None or invocation["module_args"]["auth_token"] != token
