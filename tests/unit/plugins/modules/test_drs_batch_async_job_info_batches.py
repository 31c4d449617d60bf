"""Many batches in one run (async_job_ids) and why validation failed (validation_failures), end to end."""

import json

import pytest

from hwcloud_drs_detail_fakes import FakeDrsWithDetail, failed_tasks  # pylint: disable=import-error
from hwcloud_drs_fakes import PROJECT_ID, make_jobs, make_response  # pylint: disable=import-error
from test_drs_batch_async_job_info import AK_SK, PASSWORD, run  # noqa: F401  pylint: disable=unused-import

BY_ID = dict(AK_SK, project_id=PROJECT_ID)


def batches(*statuses):
    """One job per batch, ``job-000000`` first, in the given statuses."""
    jobs = make_jobs(len(statuses))
    for job, status in zip(jobs, statuses):
        job["status"] = status
    return jobs


def ids_listed(fake):
    return sorted(call.query["async_job_id"] for call in fake.list_calls())


def test_many_ids_in_one_run_keep_their_order_and_name_the_missing(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("COMMIT_SUCCESS", "AUTO_PARAM_VALIDATE_SUCCESS", "ASYNC_JOB_VALIDATING"))
    ids = ["job-000002", "gone-1", "job-000000", "job-000002", "job-000001", "gone-2"]
    result = run(dict(PASSWORD, async_job_ids=ids), fake).result
    assert not result.get("failed"), result
    assert [job["async_job_id"] for job in result["jobs"]] == ["job-000002", "job-000000", "job-000001"]
    assert result["missing_async_job_ids"] == ["gone-1", "gone-2"]
    assert result["total_count"] == 3
    assert result["status_counts"] == {"ASYNC_JOB_VALIDATING": 1, "ASYNC_JOB_VALIDATE_FAILED": 0,
                                       "AUTO_PARAM_VALIDATE_SUCCESS": 1, "COMMIT_SUCCESS": 1}
    assert result["validation_failures"] == []
    # one listing per distinct id, one login for all of them
    assert ids_listed(fake) == ["gone-1", "gone-2", "job-000000", "job-000001", "job-000002"]
    assert result["request_stats"] == {"requests": 6, "retries": 0, "polls": 1, "iam_calls": 1}
    assert len({call.headers["X-Auth-Token"] for call in fake.list_calls()}) == 1


def test_other_filters_and_return_jobs_apply_to_every_id(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("COMMIT_SUCCESS", "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"))
    result = run(dict(BY_ID, async_job_ids=["job-000000", "job-000001", "job-000002"], status="COMMIT_SUCCESS",
                      return_jobs="none"), fake).result
    assert all(call.query["status"] == "COMMIT_SUCCESS" for call in fake.list_calls())
    assert result["jobs"] == [] and result["total_count"] == 2
    assert result["missing_async_job_ids"] == ["job-000001"]


@pytest.mark.parametrize("args,words", [
    (dict(BY_ID, async_job_ids=[]), ["async_job_ids", "at least one"]),
    (dict(BY_ID, async_job_ids=["job-000000", " "]), ["async_job_ids", "no empty"]),
    (dict(BY_ID, async_job_ids=["a"], async_job_id="b"), ["mutually exclusive", "async_job_id"]),
])
def test_bad_ids_fail_before_any_request(run, args, words):  # pylint: disable=redefined-outer-name
    outcome = run(args, FakeDrsWithDetail())
    assert outcome.result["failed"] is True, outcome.result
    for word in words:
        assert word in outcome.result["msg"]
    assert outcome.fake.calls == []
    assert outcome.result["missing_async_job_ids"] == [] and outcome.result["validation_failures"] == []


def test_a_single_missing_id_is_named_too(run):  # pylint: disable=redefined-outer-name
    result = run(dict(BY_ID, async_job_id="gone"), FakeDrsWithDetail()).result
    assert result["jobs"] == [] and result["missing_async_job_ids"] == ["gone"]


def test_wait_counts_a_missing_id_as_pending_until_it_appears(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("COMMIT_SUCCESS"))
    polls = []

    def appear_on_the_third_poll(call):
        polls.append(call)
        if len(polls) == 5:  # two ids per poll: the third poll's first listing
            fake.jobs.append(dict(make_jobs(1, prefix="late")[0]))

    fake.on_list = appear_on_the_third_poll
    outcome = run(dict(BY_ID, async_job_ids=["job-000000", "late-000000"], wait_for_status="COMMIT_SUCCESS",
                       wait_sleep=5), fake)
    assert not outcome.result.get("failed"), outcome.result
    assert outcome.result["missing_async_job_ids"] == [] and outcome.result["request_stats"]["polls"] == 3
    assert outcome.clock.sleeps == [5, 5]


def test_wait_timeout_names_the_missing_ids(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("COMMIT_SUCCESS", "AUTO_PARAM_VALIDATE_SUCCESS"))
    result = run(dict(BY_ID, async_job_ids=["job-000000", "gone-1", "job-000001"], wait_for_status="COMMIT_SUCCESS",
                      wait_timeout=10, wait_sleep=10), fake).result
    assert result["failed"] is True
    assert "1 async_job_id matched no job: gone-1" in result["msg"], result["msg"]
    assert "job-000001 (AUTO_PARAM_VALIDATE_SUCCESS)" in result["msg"]
    assert result["missing_async_job_ids"] == ["gone-1"] and result["total_count"] == 2


def test_wait_timeout_when_every_id_is_missing(run):  # pylint: disable=redefined-outer-name
    result = run(dict(BY_ID, async_job_ids=["gone-1", "gone-2"], wait_for_status="COMMIT_SUCCESS", wait_timeout=0),
                 FakeDrsWithDetail()).result
    assert "no job matched async_job_ids gone-1, gone-2" in result["msg"], result["msg"]


def test_failed_batches_selected_by_id_return_their_reasons(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATE_FAILED", "COMMIT_SUCCESS", "ASYNC_JOB_VALIDATE_FAILED"),
                             tasks={"job-000000": failed_tasks("job-000000", 3),
                                    "job-000002": failed_tasks("job-000002", 1)})
    outcome = run(dict(BY_ID, async_job_ids=["job-000002", "job-000001", "job-000000"], page_size=2), fake)
    result = outcome.result
    assert not result.get("failed"), result
    assert [failure["async_job_id"] for failure in result["validation_failures"]] == ["job-000002", "job-000000"]
    assert result["validation_failures"][1]["tasks"][2] == {
        "id": "job-000000-task-2", "name": "mysql-to-mysql-2", "status": "CREATE_FAILED",
        "reasons": ["job-000000 reason 2"]}
    # every page of each failed batch, and nothing of the batch that passed
    assert sorted((call.path.rsplit("/", 1)[1], call.query["offset"]) for call in fake.detail_calls()) == [
        ("job-000000", "0"), ("job-000000", "2"), ("job-000002", "0")]
    assert "hidden_dba" not in outcome.output and "10.20.30.40" not in outcome.output


def test_a_listing_by_filters_makes_no_detail_call(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATE_FAILED"), tasks={"job-000000": failed_tasks("x")})
    result = run(dict(BY_ID, status="ASYNC_JOB_VALIDATE_FAILED"), fake).result
    assert result["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 1
    assert result["validation_failures"] == [] and fake.detail_calls() == []


def test_failure_details_false_makes_no_detail_call(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATE_FAILED"), tasks={"job-000000": failed_tasks("x")})
    result = run(dict(BY_ID, async_job_id="job-000000", failure_details=False, wait_for_status="COMMIT_SUCCESS"),
                 fake).result
    assert result["failed"] is True and "DRS console" in result["msg"]
    assert result["validation_failures"] == [] and fake.detail_calls() == []


def test_fail_fast_quotes_the_first_reasons(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATING", "ASYNC_JOB_VALIDATE_FAILED"),
                             tasks={"job-000001": failed_tasks("job-000001", 5)})
    outcome = run(dict(BY_ID, async_job_ids=["job-000000", "job-000001"], wait_for_status="COMMIT_SUCCESS"), fake)
    result = outcome.result
    assert result["failed"] is True and outcome.clock.sleeps == []
    assert ("Reasons: job-000001: task mysql-to-mysql-0 (id job-000001-task-0): job-000001 reason 0; "
            "job-000001: task mysql-to-mysql-1 (id job-000001-task-1): job-000001 reason 1; ") in result["msg"]
    assert "and 2 more" in result["msg"] and "\n" not in result["msg"]
    assert len(result["validation_failures"][0]["tasks"]) == 5
    assert result["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 1


def test_detail_call_failing_still_fails_fast_saying_the_reasons_could_not_be_read(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATE_FAILED"), tasks={"job-000000": failed_tasks("x")})
    fake.faults.append((lambda call: call.path.endswith("/job-000000"), make_response(
        403, {"error_code": "DRS.M00102", "error_msg": "Insufficient permissions."})))
    result = run(dict(BY_ID, async_job_id="job-000000", wait_for_status="COMMIT_SUCCESS"), fake).result
    assert result["failed"] is True
    assert "1 matched job failed validation" in result["msg"] and "job-000000" in result["msg"]
    assert "The reasons could not be read (Reading the tasks of DRS batch async job job-000000 failed with HTTP 403, " \
           "error_code DRS.M00102" in result["msg"], result["msg"]
    assert result["validation_failures"] == [] and result["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 1


def test_without_wait_a_failed_detail_call_is_a_warning_not_a_failure(run):  # pylint: disable=redefined-outer-name
    fake = FakeDrsWithDetail(jobs=batches("ASYNC_JOB_VALIDATE_FAILED"))
    result = run(dict(BY_ID, async_job_id="job-000000"), fake).result
    assert not result.get("failed") and result["validation_failures"] == []
    assert "DRS.10000010" in json.dumps(result["warnings"])
    assert result["jobs"][0]["status"] == "ASYNC_JOB_VALIDATE_FAILED"
