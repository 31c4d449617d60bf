"""Many batches in one run (async_job_ids) and why validation failed (validation_failures), end to end, against
the emulator, whose failed batches carry their reasons in the detail call (tests/drs_emulator/detail.py)."""

import json
import time

import pytest

from drs_emulator.detail import (  # pylint: disable=import-error
    SOURCE_DB_USER,
    SOURCE_IP,
    TARGET_IP,
    task_count,
    task_id,
)
from drs_service import TASK_REASONS  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED, VALIDATING  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error
from support.jobs import count_statuses, make_jobs  # pylint: disable=import-error
from support.module_failures import INFO_KEYS, assert_failed  # pylint: disable=import-error


def batches(*statuses):
    """One job per batch, ``job-000`` first, in the given statuses."""
    return make_jobs(len(statuses), statuses=statuses)


def task_name(async_job_id, index):
    return "mysql-to-mysql-%s-%d" % (async_job_id[:8], index + 1)


def ids_listed(drs):
    return sorted(call.query["async_job_id"] for call in drs.list_calls())


def test_many_ids_in_one_run_keep_their_order_and_name_the_missing(run_info, drs):
    jobs = drs.seed(batches(COMMITTED, VALIDATED, VALIDATING))
    ids = ["job-002", "gone-1", "job-000", "job-002", "job-001", "gone-2"]
    result = run_info(drs.options("password", project=False, async_job_ids=ids)).result
    assert not result.get("failed"), result
    assert [job["async_job_id"] for job in result["jobs"]] == ["job-002", "job-000", "job-001"]
    assert result["missing_async_job_ids"] == ["gone-1", "gone-2"]
    assert result["total_count"] == 3
    assert result["status_counts"] == count_statuses(jobs) == dict(
        count_statuses([]), ASYNC_JOB_VALIDATING=1, AUTO_PARAM_VALIDATE_SUCCESS=1, COMMIT_SUCCESS=1)
    assert result["validation_failures"] == []
    # one listing per distinct id, one login for all of them
    assert ids_listed(drs) == ["gone-1", "gone-2", "job-000", "job-001", "job-002"]
    assert result["request_stats"] == {"requests": 6, "retries": 0, "polls": 1, "iam_calls": 1}
    assert drs.routes() == {"iam_token": 1, "drs_list": 5}
    assert len({call.headers["X-Auth-Token"] for call in drs.list_calls()}) == 1


def test_other_filters_and_return_jobs_apply_to_every_id(run_info, drs):
    drs.seed(batches(COMMITTED, VALIDATED, COMMITTED))
    result = run_info(drs.options(async_job_ids=["job-000", "job-001", "job-002"], status=COMMITTED,
                                  return_jobs="none")).result
    assert all(call.query["status"] == COMMITTED for call in drs.list_calls())
    assert result["jobs"] == [] and result["total_count"] == 2
    assert result["missing_async_job_ids"] == ["job-001"]


@pytest.mark.parametrize("options,words", [
    (dict(async_job_ids=[]), ["async_job_ids", "at least one"]),
    (dict(async_job_ids=["job-000", " "]), ["async_job_ids", "no empty"]),
    (dict(async_job_ids=["a"], async_job_id="b"), ["mutually exclusive", "async_job_id"]),
])
def test_bad_ids_fail_before_any_request(run_info, drs, options, words):
    outcome = run_info(drs.options(**options))
    assert_failed(outcome, *words, keys=INFO_KEYS, requests=0, missing_async_job_ids=[], validation_failures=[])
    assert drs.routes() == {}


def test_a_single_missing_id_is_named_too(run_info, drs):
    result = run_info(drs.options(async_job_id="gone")).result
    assert result["jobs"] == [] and result["missing_async_job_ids"] == ["gone"]


def test_wait_counts_a_missing_id_as_pending_until_it_appears(run_info, drs):
    drs.seed(batches(COMMITTED))
    clock = FakeClock(wall=time.time)

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 2:  # the batch is created while the module waits for its third poll
            drs.seed(make_jobs(1, statuses=(COMMITTED,), prefix="late"), replace=False)

    outcome = run_info(drs.options(async_job_ids=["job-000", "late-000"], wait_for_status=COMMITTED, wait_sleep=5),
                       clock=clock, sleep=sleep)
    assert not outcome.result.get("failed"), outcome.result
    assert outcome.result["missing_async_job_ids"] == [] and outcome.result["request_stats"]["polls"] == 3
    assert clock.sleeps == [5, 5]


def test_wait_timeout_names_the_missing_ids(run_info, drs):
    drs.seed(batches(COMMITTED, VALIDATED))
    outcome = run_info(drs.options(async_job_ids=["job-000", "gone-1", "job-001"], wait_for_status=COMMITTED,
                                   wait_timeout=10, wait_sleep=10))
    assert_failed(outcome, "1 async_job_id matched no batch: gone-1", "job-001 (AUTO_PARAM_VALIDATE_SUCCESS)",
                  keys=INFO_KEYS, missing_async_job_ids=["gone-1"], total_count=2)


def test_wait_timeout_when_every_id_is_missing(run_info, drs):
    outcome = run_info(drs.options(async_job_ids=["gone-1", "gone-2"], wait_for_status=COMMITTED, wait_timeout=0))
    assert_failed(outcome, "no batch matched async_job_ids gone-1, gone-2", keys=INFO_KEYS)


def test_failed_batches_selected_by_id_return_their_reasons(run_info, drs):
    drs.seed(batches(VALIDATE_FAILED, COMMITTED, VALIDATE_FAILED))
    outcome = run_info(drs.options(async_job_ids=["job-002", "job-001", "job-000"], page_size=2))
    result = outcome.result
    assert not result.get("failed"), result
    assert [failure["async_job_id"] for failure in result["validation_failures"]] == ["job-002", "job-000"]
    assert len(result["validation_failures"][1]["tasks"]) == task_count("job-000") == 3
    assert result["validation_failures"][1]["tasks"][2] == {
        "id": task_id("job-000", 2), "name": task_name("job-000", 2), "status": "CREATE_FAILED",
        "reasons": TASK_REASONS[2]}
    # every page of each failed batch, and nothing of the batch that passed
    assert sorted((call.path.rsplit("/", 1)[1], call.query["offset"]) for call in drs.detail_calls()) == [
        ("job-000", "0"), ("job-000", "2"), ("job-002", "0"), ("job-002", "2")]
    for endpoint_detail in (SOURCE_IP, SOURCE_DB_USER, TARGET_IP):
        assert endpoint_detail not in outcome.output


def test_a_listing_by_filters_makes_no_detail_call(run_info, drs):
    drs.seed(batches(VALIDATE_FAILED))
    result = run_info(drs.options(status=VALIDATE_FAILED)).result
    assert result["status_counts"][VALIDATE_FAILED] == 1
    assert result["validation_failures"] == [] and "drs_detail" not in drs.routes()


def test_failure_details_false_makes_no_detail_call(run_info, drs):
    drs.seed(batches(VALIDATE_FAILED))
    outcome = run_info(drs.options(async_job_id="job-000", failure_details=False, wait_for_status=COMMITTED))
    assert_failed(outcome, "DRS console", keys=INFO_KEYS, validation_failures=[])
    assert "drs_detail" not in drs.routes()


def test_fail_fast_quotes_the_first_reasons(run_info, drs):
    drs.seed(batches(VALIDATING, VALIDATE_FAILED))
    outcome = run_info(drs.options(async_job_ids=["job-000", "job-001"], wait_for_status=COMMITTED))
    # The batch named once; the first task's precheck item before the line that sums the prechecks up.
    assert_failed(outcome, "failed validation (ASYNC_JOB_VALIDATE_FAILED): job-001: task %s: %s; task %s: %s; %s "
                  "(and 2 more). Hint:" % (task_name("job-001", 0), TASK_REASONS[0][1].rstrip("."),
                                           task_name("job-001", 1), TASK_REASONS[1][0].rstrip("."),
                                           TASK_REASONS[1][1].rstrip(".")), keys=INFO_KEYS)
    assert outcome.clock.sleeps == []
    assert len(outcome.result["validation_failures"][0]["tasks"]) == task_count("job-001") == 3
    assert outcome.result["status_counts"][VALIDATE_FAILED] == 1


def test_detail_call_failing_still_fails_fast_saying_the_reasons_could_not_be_read(run_info, drs):
    drs.seed(batches(VALIDATE_FAILED))
    drs.faults({"route": "detail", "status": 403, "error_code": "DRS.M00102", "error_msg": "Insufficient permissions.",
                "count": 1})
    outcome = run_info(drs.options(async_job_id="job-000", wait_for_status=COMMITTED))
    assert_failed(outcome, "1 matched batch failed validation", "job-000",
                  "The reasons could not be read (Reading the tasks of DRS batch async job job-000 failed with HTTP "
                  "403, error_code DRS.M00102", keys=INFO_KEYS, validation_failures=[])
    assert outcome.result["status_counts"][VALIDATE_FAILED] == 1


def test_without_wait_a_failed_detail_call_is_a_warning_not_a_failure(run_info, drs):
    drs.seed(batches(VALIDATE_FAILED))
    drs.faults({"route": "detail", "status": 400, "error_code": "DRS.10000010", "error_msg": "The job does not exist."})
    result = run_info(drs.options(async_job_id="job-000")).result
    assert not result.get("failed") and result["validation_failures"] == []
    assert "DRS.10000010" in json.dumps(result["warnings"])
    assert result["jobs"][0]["status"] == VALIDATE_FAILED
