"""Many batches in one run (async_job_ids) and why validation failed (validation_failures), through ansible-playbook.

Every case runs in one ansible-playbook run, each against its own emulator (its statistics are the case's).
"""

import json

import pytest

from drs_emulator.detail import SOURCE_DB_USER, SOURCE_IP, task_count
from scenarios import Scenarios
from support.drs_statuses import STATUSES
from support.jobs import make_jobs

# batch-000 validating, batch-001 failed, batch-002 validated, batch-003 committed, batch-004 validating, ...
BATCHES = make_jobs(8, prefix="batch")
COMMITTED = make_jobs(3, statuses=("COMMIT_SUCCESS",), prefix="batch")
FAILING = {"seed_jobs": make_jobs(4, statuses=("ASYNC_JOB_VALIDATING",), prefix="batch"),
           "validate_after_calls": 0, "fail_ids": "batch-001,batch-003"}
FAILING_IDS = ["batch-000", "batch-001", "batch-002", "batch-003"]
WAIT = {"wait_for_status": "COMMIT_SUCCESS", "wait_sleep": 1}
# The emulator's first failed task says this (precheck item and error log).
FIRST_REASON = "The source database is unreachable: connection refused."


@pytest.fixture(scope="module")
def cases(module_ansible, start_module_emulator):
    scenarios = Scenarios(module_ansible, start_module_emulator)
    scenarios.add("many ids", {"seed_jobs": BATCHES}, style="password",
                  async_job_ids=["batch-003", "gone-1", "batch-000", "batch-003", "batch-006", "batch-001", "gone-2"],
                  page_concurrency=4)
    scenarios.add("many ids, return none", {"seed_jobs": BATCHES}, async_job_ids=["batch-002", "batch-003"],
                  status="COMMIT_SUCCESS", return_jobs="none")
    scenarios.add("wait with a missing id", {"seed_jobs": COMMITTED},
                  async_job_ids=["batch-000", "batch-not-yet", "batch-002"], wait_timeout=1, **WAIT)
    scenarios.add("wait on many ids", {"seed_jobs": COMMITTED}, style="token",
                  async_job_ids=["batch-000", "batch-001", "batch-002"], wait_timeout=30, **WAIT)
    scenarios.add("fail fast with reasons", FAILING, async_job_ids=FAILING_IDS, wait_timeout=60, **WAIT)
    scenarios.add("failure_details false", FAILING, async_job_ids=FAILING_IDS, wait_timeout=60,
                  failure_details=False, **WAIT)
    scenarios.add("detail call fails", dict(FAILING, fault=[{"route": "detail", "status": 403,
                                                             "error_code": "DRS.M00102",
                                                             "error_msg": "Insufficient permissions."}]),
                  async_job_id="batch-001", wait_timeout=60, **WAIT)
    scenarios.add("reasons without wait", FAILING, async_job_id="batch-003", page_size=1)
    scenarios.add("listing by filters", FAILING, status="ASYNC_JOB_VALIDATE_FAILED")
    scenarios.run()
    return scenarios


def test_many_ids_in_one_run_one_session_one_login(cases):
    result = cases.result("many ids")
    assert not result.get("failed"), result
    assert [job["async_job_id"] for job in result["jobs"]] == ["batch-003", "batch-000", "batch-006", "batch-001"]
    assert result["missing_async_job_ids"] == ["gone-1", "gone-2"]
    assert result["total_count"] == 4
    assert result["status_counts"] == dict.fromkeys(STATUSES, 1)
    stats = cases.stats("many ids")
    # one IAM login for the whole run, one listing per distinct id
    assert stats["iam_token_calls"] == 1 and stats["list_calls"] == 6, stats
    assert result["request_stats"]["polls"] == 1 and result["request_stats"]["iam_calls"] == 1
    # batch-001 failed validation: its reasons come with the listing
    assert [failure["async_job_id"] for failure in result["validation_failures"]] == ["batch-001"]
    assert stats["detail_calls"] == 1


def test_filters_and_return_jobs_apply_to_every_id(cases):
    result = cases.result("many ids, return none")
    assert result["jobs"] == [] and result["total_count"] == 1
    assert result["missing_async_job_ids"] == ["batch-002"]


def test_wait_counts_a_missing_id_as_pending_and_the_timeout_names_it(cases):
    result = cases.result("wait with a missing id")
    assert result.get("failed") and "Timed out" in result["msg"], result
    assert "1 async_job_id matched no batch: batch-not-yet" in result["msg"], result["msg"]
    assert result["missing_async_job_ids"] == ["batch-not-yet"]
    assert result["status_counts"]["COMMIT_SUCCESS"] == 2
    assert cases.stats("wait with a missing id")["list_calls"] >= 2 * 3


def test_wait_on_many_ids_that_are_there(cases):
    result = cases.result("wait on many ids")
    assert not result.get("failed"), result
    assert result["request_stats"]["polls"] == 1 and result["total_count"] == 3
    assert cases.stats("wait on many ids")["detail_calls"] == 0


def test_fail_fast_quotes_the_reasons(cases):
    result = cases.result("fail fast with reasons")
    assert result.get("failed")
    message = result["msg"]
    assert "2 matched batches failed validation (ASYNC_JOB_VALIDATE_FAILED): batch-001: task " in message, message
    assert "; batch-003: task " in message and message.count("batch-001") == message.count("batch-003") == 1, message
    assert FIRST_REASON.rstrip(".") in message and "(and " in message and "more)" in message
    failures = result["validation_failures"]
    assert [failure["async_job_id"] for failure in failures] == ["batch-001", "batch-003"]
    assert [len(failure["tasks"]) for failure in failures] == [task_count("batch-001"), task_count("batch-003")]
    assert all(failure["tasks"][0]["reasons"] for failure in failures)
    text = json.dumps(result)
    assert SOURCE_IP not in text and SOURCE_DB_USER not in text
    assert cases.stats("fail fast with reasons")["detail_calls"] == 2


def test_failure_details_false_makes_no_detail_call(cases):
    result = cases.result("failure_details false")
    assert result.get("failed") and "batch-001" in result["msg"] and "DRS console" in result["msg"], result["msg"]
    assert result["validation_failures"] == []
    assert cases.stats("failure_details false")["detail_calls"] == 0


def test_a_failing_detail_call_still_fails_fast_saying_the_reasons_could_not_be_read(cases):
    result = cases.result("detail call fails")
    assert result.get("failed")
    message = result["msg"]
    assert "1 matched batch failed validation" in message and "batch-001" in message, message
    assert "The reasons could not be read (Reading the tasks of DRS batch async job batch-001 failed with HTTP " \
           "403, error_code DRS.M00102" in message, message
    assert result["validation_failures"] == [] and result["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 1


def test_without_wait_the_reasons_are_returned_every_page(cases):
    result = cases.result("reasons without wait")
    assert not result.get("failed"), result
    tasks = result["validation_failures"][0]["tasks"]
    assert len(tasks) == task_count("batch-003") and cases.stats("reasons without wait")["detail_calls"] == len(tasks)
    assert set(tasks[0]) == {"id", "name", "status", "reasons"}
    assert FIRST_REASON in " ".join(tasks[0]["reasons"])
    assert any(reason.startswith("connection test: DRS.") for reason in tasks[1]["reasons"]), tasks[1]


def test_a_listing_by_filters_makes_no_detail_call(cases):
    result = cases.result("listing by filters")
    assert result["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 2
    assert result["validation_failures"] == [] and result["missing_async_job_ids"] == []
    assert cases.stats("listing by filters")["detail_calls"] == 0
