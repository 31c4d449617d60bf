"""The DRS job vocabulary: what satisfies what, what counts as failed, counts, and the messages users read."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils import _statuses
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    all_satisfy,
    any_failed,
    count_statuses,
    failure_message,
    job_id,
    timeout_message,
)


def _job(job_id_, status):
    return {"async_job_id": job_id_, "status": status}


def test_commit_success_also_satisfies_validated_but_not_the_reverse():
    jobs = [_job("a", "COMMIT_SUCCESS"), _job("b", "AUTO_PARAM_VALIDATE_SUCCESS")]
    assert all_satisfy(jobs, "AUTO_PARAM_VALIDATE_SUCCESS")
    assert not all_satisfy(jobs, "COMMIT_SUCCESS")


@pytest.mark.parametrize("jobs", [
    [], [_job("a", "ASYNC_JOB_QUEUED")], [{"async_job_id": "b"}], ["not a job"], [_job("a", "ASYNC_JOB_VALIDATING")],
])
def test_no_job_unknown_and_missing_statuses_are_pending_not_success_nor_failure(jobs):
    assert not all_satisfy(jobs, "COMMIT_SUCCESS") and not any_failed(jobs)


def test_one_failed_job_is_a_failure():
    assert any_failed([_job("a", "COMMIT_SUCCESS"), _job("b", "ASYNC_JOB_VALIDATE_FAILED")])


def test_status_counts_have_every_known_status_and_any_other_seen():
    counts = count_statuses([_job("a", "COMMIT_SUCCESS"), _job("b", "NEW_STATUS"), {"async_job_id": "c"}])
    assert counts == {"ASYNC_JOB_VALIDATING": 0, "ASYNC_JOB_VALIDATE_FAILED": 0, "AUTO_PARAM_VALIDATE_SUCCESS": 0,
                      "COMMIT_SUCCESS": 1, "NEW_STATUS": 1, "UNKNOWN": 1}


def test_job_id_of_something_odd_is_none():
    assert job_id("odd") is None and job_id(_job("a", "x")) == "a"


def test_failure_message_names_only_the_failed_jobs():
    msg = failure_message([_job("a", "COMMIT_SUCCESS"), _job("bad-1", "ASYNC_JOB_VALIDATE_FAILED"),
                           _job("c", "ASYNC_JOB_VALIDATING")])
    assert "1 matched batch failed validation (ASYNC_JOB_VALIDATE_FAILED): bad-1." in msg and "Hint" in msg
    assert " a," not in msg and "c (" not in msg


def test_timeout_names_each_pending_job_with_its_status_and_hints_at_commit():
    msg = timeout_message([_job("a", "COMMIT_SUCCESS"), _job("b", "AUTO_PARAM_VALIDATE_SUCCESS"),
                           _job("c", "ASYNC_JOB_VALIDATING")], "COMMIT_SUCCESS", 30)
    assert msg.startswith("Timed out after 30 seconds waiting for 3 batches to reach COMMIT_SUCCESS; 2 still pending")
    assert "b (AUTO_PARAM_VALIDATE_SUCCESS)" in msg and "c (ASYNC_JOB_VALIDATING)" in msg and "a (" not in msg
    assert "Hint: 1 batch passed validation but is not committed" in msg


def test_no_commit_hint_when_nothing_waits_for_a_commit():
    assert "Hint" not in timeout_message([_job("c", "ASYNC_JOB_VALIDATING")], "COMMIT_SUCCESS", 5)


def test_timeout_with_no_matched_job_says_so():
    msg = timeout_message([], "COMMIT_SUCCESS", 20)
    assert "no batch matched" in msg and "async_job_id" in msg


def test_long_lists_are_cut_in_messages():
    jobs = [_job("j%03d" % index, "ASYNC_JOB_VALIDATING") for index in range(100)]
    msg = timeout_message(jobs, "COMMIT_SUCCESS", 0)
    assert "j019" in msg and "and 80 more" in msg and "j020" not in msg


def test_only_validated_and_committed_can_be_waited_for():
    waitable = {"AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"}
    assert set(_statuses.SATISFIES) == set(_statuses.WAITABLE_STATUSES) == waitable
