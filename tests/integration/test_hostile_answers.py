"""Issue 9, points 4, 5 and 7 from the server's side: odd answers give the module's message or data, never a
traceback; a lying total_count cannot change which jobs a limit returns; nested errors and the quoting of
project_id in the path are tested.

Job fields of the wrong type are kept as data (the issue: "kept as data, never crash"); a total_count
that is not a usable number either works or fails with the module's one-line message.
"""

import pytest

from scenarios import Scenarios
from support.hostile_checks import (
    assert_clean_failure,
    assert_clean_success,
    assert_no_crash,
    assert_no_secret_leak,
    outputs_of,
)
from support.hostile_server import (
    listing,
    make_job,
    random_secret,
    random_token,
    raw,
    requires_signature,
)

GOOD_JOB = make_job(1, "COMMIT_SUCCESS")

ODD_JOBS = {
    "status is a list": dict(make_job(0), status=["COMMIT_SUCCESS"]),
    "status is an object": dict(make_job(0), status={"name": "COMMIT_SUCCESS"}),
    "async_job_id is an object": dict(make_job(0), async_job_id={"id": "hostile-000000"}),
    "async_job_id is a list": dict(make_job(0), async_job_id=["hostile-000000"]),
    "status is a number": dict(make_job(0), status=3),
    "the job is a string": "hostile-000000",
    "the job is null": None,
}
ODD_TOTALS = ("1e400", "-1e400", "NaN", "-1", '"many"', "[20]", "1.5")
NESTED_DRS_ERROR = ('{"error": {"code": "APIGW.0301", "message": "Incorrect IAM authentication information: '
                    'verify aksk signature fail"}}')
NESTED_IAM_ERROR = '{"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}'
# Spaces are refused (a project id is one path segment without spaces); the rest must be quoted.
ODD_PROJECT_ID = "proj?#%\u00e9+&=~"
ODD_PROJECT_PATH = "/v5/proj%3F%23%25%C3%A9%2B%26%3D~/batch-async-jobs"
FIFTY = [make_job(index, "COMMIT_SUCCESS") for index in range(50)]
ACCESS_KEY, SECRET_KEY = "HOSTILEAKQUOTING0001", random_secret("sk")
TOKEN, PASSWORD = random_token(300), random_secret("pw-", 32)


@pytest.fixture(scope="module")
def answers(module_ansible, hostile_servers):
    cases = Scenarios(module_ansible, start_emulator=None)

    def add(name, server, **options):
        options.setdefault("auth_token", TOKEN)
        cases.add(name, style="none", emulator=server, **options)

    for name, job in ODD_JOBS.items():
        server = hostile_servers.start(list=listing([job, GOOD_JOB]))
        add("job: " + name, server)
        add("job: %s, waiting" % name, server, wait_for_status="COMMIT_SUCCESS", wait_timeout=1, wait_sleep=0.5)
    for total in ODD_TOTALS:
        add("total_count: " + total, hostile_servers.start(list=listing([GOOD_JOB], total_count=total)))
    liar = hostile_servers.start(list=listing(FIFTY, total_count=10))
    add("lying total, no limit", liar)
    add("lying total, limit 20", liar, limit=20)
    add("lying total, offset 5 and limit 20", liar, offset=5, limit=20)
    add("nested DRS error", hostile_servers.start(list=raw(401, NESTED_DRS_ERROR)))
    add("nested IAM error", hostile_servers.start(token=raw(401, NESTED_IAM_ERROR)), auth_token=None,
        iam_user_name="hostile-user", iam_password=PASSWORD, iam_domain_name="hostile-domain")
    signed = hostile_servers.start(list=requires_signature(ACCESS_KEY, SECRET_KEY, None, listing([GOOD_JOB])))
    add("odd project_id", signed,
        auth_token=None, access_key=ACCESS_KEY, secret_key=SECRET_KEY, project_id=ODD_PROJECT_ID)
    cases.run()
    cases.issued_tokens = hostile_servers.issued_tokens()
    return cases


def job_params(waiting):
    for name in ODD_JOBS:
        yield pytest.param("job: %s%s" % (name, ", waiting" if waiting else ""), id=name)


@pytest.mark.parametrize("case", list(job_params(waiting=False)))
def test_a_job_field_of_the_wrong_type_is_kept_as_data(answers, case):
    result = assert_clean_success(answers.result(case))
    assert len(result["jobs"]) == 2 and GOOD_JOB in result["jobs"], result["jobs"]
    assert result["status_counts"]["COMMIT_SUCCESS"] == 1 and sum(result["status_counts"].values()) == 2


@pytest.mark.parametrize("case", list(job_params(waiting=True)))
def test_waiting_on_a_job_field_of_the_wrong_type_times_out_cleanly(answers, case):
    # The odd job is not finished, whatever its field holds: the wait ends at wait_timeout with the message.
    msg = assert_clean_failure(answers.result(case))
    assert "Timed out" in msg, msg


@pytest.mark.parametrize("total", ODD_TOTALS)
def test_a_total_count_that_is_no_number_never_crashes(answers, total):
    result = answers.result("total_count: " + total)
    assert_no_crash(result)
    if result.get("failed"):
        assert_clean_failure(result)
    else:
        assert_clean_success(result)
        assert result["jobs"] == [GOOD_JOB]


def job_ids(result):
    return [job["async_job_id"] for job in result["jobs"]]


def test_a_lying_total_count_does_not_change_what_a_limit_returns(answers):
    everything = job_ids(assert_clean_success(answers.result("lying total, no limit")))
    assert job_ids(assert_clean_success(answers.result("lying total, limit 20"))) == everything[:20]
    assert job_ids(assert_clean_success(answers.result("lying total, offset 5 and limit 20"))) == everything[5:25]


def test_a_lying_total_count_keeps_every_job_the_service_gave(answers):
    result = assert_clean_success(answers.result("lying total, no limit"))
    assert job_ids(result) == [job["async_job_id"] for job in FIFTY]


def test_the_code_of_a_nested_error_reaches_the_result(answers):
    result = answers.result("nested DRS error")
    msg = assert_clean_failure(result)
    assert result["error_code"] == "APIGW.0301" and "APIGW.0301" in msg, msg
    assert "verify aksk signature fail" in result["error_msg"] and result["status_code"] == 401


def test_the_message_of_a_nested_iam_error_reaches_the_result(answers):
    result = answers.result("nested IAM error")
    msg = assert_clean_failure(result, "iam_password")
    assert result["error_code"] == "401" and result["error_msg"] == "The username or password is wrong."
    assert "The username or password is wrong." in msg, msg


def test_project_id_is_one_quoted_path_segment_and_signed_as_sent(answers):
    result = assert_clean_success(answers.result("odd project_id"))
    assert result["jobs"] == [GOOD_JOB]
    # requires_signature verified the AK/SK signature against this very path (the emulator's gateway check).
    assert [path.split("?")[0] for path in answers.stats("odd project_id")["paths"]] == [ODD_PROJECT_PATH]


def test_no_piece_of_a_secret_in_any_output(answers):
    known = {"auth_token": TOKEN, "iam_password": PASSWORD, "secret_key": SECRET_KEY}
    known.update(("token issued at run time #%d" % index, token) for index, token in enumerate(answers.issued_tokens))
    assert_no_secret_leak(outputs_of(answers.run_result), known)
