"""Issue 9: hostile input and broken servers, end to end through the module. No secret, no traceback.

The ``run`` fixture and the fake DRS come from test_drs_batch_async_job_info.py and hwcloud_drs_fakes.py.
"""

import json

import pytest

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
