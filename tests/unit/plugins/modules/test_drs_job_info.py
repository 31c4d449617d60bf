"""drs_job_info end to end through AnsibleModule, against the in-process emulator (``drs``), on a fake clock.

A committed batch creates one DRS job per task of its detail; each job moves one step every time a job list call
returns it (the emulator's replication.py), so with the default schedule poll 1 sees CREATING, poll 3 the full
transfer start, poll 6 FULL_TRANSFER_COMPLETE, poll 7 incremental with a lag of 120 s, poll 8 60 s, poll 9 2 s.
"""

import json
import math

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_job_info

from drs_emulator.detail import task_count, task_id  # pylint: disable=import-error
from fake_session import AK_SK, PROJECT_ID, FakeSession, make_response  # pylint: disable=import-error
from module_args import run_main  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import JOB_INFO_KEYS, assert_failed  # pylint: disable=import-error

JOB_KEYS = {"id", "name", "status", "async_job_id", "transfer_status", "progress", "incremental_delay",
            "remaining_time", "error_code", "error_message"}


def batches(count, prefix="rep"):
    return make_jobs(count, statuses=(COMMITTED,), prefix=prefix)


def job_ids_of(batch_list):
    return [task_id(batch["async_job_id"], index) for batch in batch_list
            for index in range(task_count(batch["async_job_id"]))]


@pytest.fixture
def job_info(clean_environment, drs):  # pylint: disable=unused-argument
    """``job_info(seeded, replication=None, **args)``: the batches seeded (with the emulator's replication
    schedule), then a ModuleRun of drs_job_info, wait_sleep 10 when it waits."""
    def run(seeded, replication=None, **args):
        drs.seed(seeded, **({"replication": replication} if replication is not None else {}))
        arguments = dict(drs.options(), **args)
        if arguments.get("wait_for_stage"):
            arguments.setdefault("wait_sleep", 10)
        return run_main(drs_job_info.main, arguments, session=drs.session)

    return run


def job_list_calls(drs):
    return [call for call in drs.calls if call.path.endswith("/jobs")]


def progress_calls(drs):
    return [call for call in drs.calls if "/jobs/" in call.path and "type=progress" in call.url]


def test_it_lists_the_jobs_of_many_batches_ten_ids_per_list_call(job_info, drs):
    seeded = batches(12)
    ids = job_ids_of(seeded)
    result = job_info(seeded, async_job_ids=[batch["async_job_id"] for batch in seeded]).result
    assert not result.get("failed"), result.get("msg")
    assert [job["id"] for job in result["jobs"]] == ids
    assert all(set(job) == JOB_KEYS for job in result["jobs"])
    by_batch = dict((job["id"], job["async_job_id"]) for job in result["jobs"])
    assert by_batch[ids[0]] == "rep-000" and by_batch[ids[-1]] == "rep-011"
    assert result["status_counts"]["CREATING"] == len(ids) and result["missing_job_ids"] == []
    assert len(job_list_calls(drs)) == math.ceil(len(ids) / 10.0)
    assert all(len(call.query["name"][0].split(",")) <= 10 for call in job_list_calls(drs))
    # Nothing is transferring yet: no progress call.
    assert progress_calls(drs) == [] and drs.routes()["drs_detail"] == len(seeded)
    assert result["request_stats"]["polls"] == 1 and result["changed"] is False


def test_job_ids_not_listed_are_missing_and_progress_is_read_for_transferring_jobs(job_info, drs):
    seeded = batches(1)
    ids = job_ids_of(seeded)
    result = job_info(seeded, job_ids=ids + ["0000-unknown"]).result
    assert result["missing_job_ids"] == ["0000-unknown"] and [job["id"] for job in result["jobs"]] == ids
    drs.session.calls[:] = []
    result = job_info(seeded, {"create_polls": 0, "start_polls": 1}, job_ids=ids, wait_for_stage="started").result
    assert not result.get("failed"), result.get("msg")
    assert [job["id"] for job in result["jobs"]] == ids and result["missing_job_ids"] == []
    assert all(job["async_job_id"] is None for job in result["jobs"])
    assert all(job["progress"] == 0 and job["transfer_status"] == "FULL_TRANSFER_STARTED" for job in result["jobs"])
    assert len(progress_calls(drs)) == len(ids)  # once, for the result


def test_progress_and_lag_are_numbers_and_an_unreported_lag_is_null(job_info, drs):
    seeded = batches(1)
    ids = job_ids_of(seeded)
    schedule = {"create_polls": 0, "start_polls": 1, "full_polls": 1, "complete_polls": 1, "unreported_lag": [ids[1]]}
    result = job_info(seeded, schedule, async_job_ids=["rep-000"], wait_for_stage="incremental").result
    assert not result.get("failed"), result.get("msg")
    jobs = dict((job["id"], job) for job in result["jobs"])
    assert jobs[ids[0]]["progress"] == 100 and jobs[ids[0]]["incremental_delay"] == 120
    assert jobs[ids[0]]["transfer_status"] == "INCRE_TRANSFER_STARTED" and jobs[ids[0]]["remaining_time"] == "0s"
    assert jobs[ids[1]]["incremental_delay"] is None
    assert result["request_stats"]["polls"] == 4
    # Without a lag bound no progress call is needed during the wait; the result reads it once at the end.
    assert len(progress_calls(drs)) == len(ids)


def test_the_wait_reaches_incremental_under_the_lag_bound_reading_progress_only_where_lag_decides(job_info, drs):
    seeded = batches(3)
    ids = job_ids_of(seeded)
    outcome = job_info(seeded, async_job_ids=["rep-000", "rep-001", "rep-002"], wait_for_stage="incremental",
                       max_lag_seconds=30, progress=False)
    result = outcome.result
    assert not result.get("failed"), result.get("msg")
    assert result["request_stats"]["polls"] == 9 and outcome.clock.sleeps == [10] * 8
    assert all(job["incremental_delay"] == 2 for job in result["jobs"])
    # Polls 7, 8 and 9 saw every job incremental: one progress call each, none before.
    assert len(progress_calls(drs)) == 3 * len(ids)
    assert len(job_list_calls(drs)) == 9 * math.ceil(len(ids) / 10.0)


def test_a_failed_job_fails_the_wait_at_once_naming_job_batch_status_and_error(job_info):
    seeded = batches(2)
    failed = job_ids_of(seeded)[-1]
    outcome = job_info(seeded, {"fail": {failed: "FULL_TRANSFER_FAILED"}}, async_job_ids=["rep-000", "rep-001"],
                       wait_for_stage="incremental")
    msg = assert_failed(outcome, "1 DRS job failed", failed, "batch rep-001", "FULL_TRANSFER_FAILED",
                        "DRS.M06001: Full transfer failed: table shop.orders has no primary key",
                        "waiting longer would not help", keys=JOB_INFO_KEYS)
    assert outcome.result["request_stats"]["polls"] == 3  # poll 3 is the full transfer's first
    job = [job for job in outcome.result["jobs"] if job["id"] == failed][0]
    assert job["error_code"] == "DRS.M06001" and job["status"] == "FULL_TRANSFER_FAILED"
    assert "\n" not in msg


@pytest.mark.parametrize("status", ["CREATE_FAILED", "START_JOB_FAILED", "INCRE_TRANSFER_FAILED"])
def test_every_failed_state_fails_fast(job_info, status):
    seeded = batches(1)
    failed = job_ids_of(seeded)[0]
    outcome = job_info(seeded, {"fail": {failed: status}}, async_job_ids=["rep-000"], wait_for_stage="incremental")
    assert_failed(outcome, failed, status, "batch rep-000")


def test_a_timeout_names_a_stalled_job_and_a_lag_that_never_comes_down(job_info):
    seeded = batches(1)
    stalled, lagging = job_ids_of(seeded)[:2]
    outcome = job_info(seeded, {"stall": {stalled: "FULL_TRANSFER_STARTED"}, "stuck_lag": [lagging]},
                       async_job_ids=["rep-000"], wait_for_stage="incremental", max_lag_seconds=30, wait_timeout=120)
    msg = assert_failed(outcome, "Timed out after 120 seconds", "lag of at most 30 seconds",
                        "%s (batch rep-000, FULL_TRANSFER_STARTED, progress 33%%, lag not reported)" % stalled,
                        "%s (batch rep-000, INCRE_TRANSFER_STARTED, progress 100%%, lag 120 s)" % lagging,
                        keys=JOB_INFO_KEYS)
    assert sum(outcome.clock.sleeps) == 120
    assert msg


def test_an_unreported_lag_never_counts_as_under_the_bound(job_info):
    seeded = batches(1)
    ids = job_ids_of(seeded)
    outcome = job_info(seeded, {"unreported_lag": ids[:1]}, async_job_ids=["rep-000"], wait_for_stage="incremental",
                       max_lag_seconds=1000, wait_timeout=100)
    assert_failed(outcome, "Timed out", "%s (batch rep-000, INCRE_TRANSFER_STARTED, progress 100%%, lag not "
                  "reported)" % ids[0])


def test_check_mode_looks_once_and_says_what_it_would_wait_for(job_info, drs):
    seeded = batches(1)
    ids = job_ids_of(seeded)
    outcome = job_info(seeded, async_job_ids=["rep-000"], wait_for_stage="started", _ansible_check_mode=True)
    result = outcome.result
    assert not result.get("failed") and outcome.clock.sleeps == [] and result["request_stats"]["polls"] == 1
    assert result["would_wait_for"]["job_ids"] == ids and result["would_wait_for"]["timeout"] == 1800
    assert "Check mode: not waiting for %d DRS jobs" % len(ids) in json.dumps(result["warnings"])
    assert len(job_list_calls(drs)) == 1


def test_the_jobs_of_a_batch_not_committed_yet_are_missing_and_a_wait_counts_them_as_pending(job_info):
    seeded = make_jobs(1, statuses=(VALIDATING,), prefix="rep")
    result = job_info(seeded, async_job_ids=["rep-000"]).result
    assert not result.get("failed") and result["jobs"] == [] and result["missing_job_ids"] == job_ids_of(seeded)
    outcome = job_info(seeded, async_job_ids=["rep-000"], wait_for_stage="started", wait_timeout=20)
    assert_failed(outcome, "Timed out after 20 seconds", "%d job ids not listed by DRS" % len(job_ids_of(seeded)))


@pytest.mark.parametrize("args, phrases", [
    (dict(job_ids=["a"], max_lag_seconds=5), ["max_lag_seconds is only for wait_for_stage=incremental"]),
    (dict(job_ids=["a"], wait_for_stage="started", max_lag_seconds=5), ["max_lag_seconds is only for"]),
    (dict(job_ids=["a"], wait_for_stage="incremental", max_lag_seconds=-1), ["max_lag_seconds must be at least 0"]),
    (dict(job_ids=["a,b"]), ["holds a comma"]),
    (dict(job_ids=[""]), ["job_ids must hold at least one id"]),
    (dict(job_ids=["a"], async_job_ids=["b"]), ["mutually exclusive"]),
    (dict(), ["one of the following is required: job_ids, async_job_ids"]),
    (dict(job_ids=["a"], wait_for_stage="soon"), ["wait_for_stage"]),
])
def test_bad_input_fails_before_any_request(job_info, drs, args, phrases):
    outcome = job_info([], **args)
    assert_failed(outcome, *phrases, keys=JOB_INFO_KEYS, requests=0)
    assert drs.calls == [], [call.path for call in drs.calls]


def hostile_jobs_service(listed_job, progress):
    """A service (FakeSession handler) whose list call answers ``listed_job`` and progress call ``progress``."""
    def handler(call):
        if call.path.endswith("/jobs"):
            return make_response(200, {"total_count": 1, "jobs": [listed_job]})
        return make_response(200, {"job": progress})

    return FakeSession(handler)


@pytest.mark.parametrize("listed_status, progress_info, shown", [
    # A status the SDK does not document: not ready, never ready nor failed.
    ("INCRE_TRANSFER_QUEUED", {"incr_trans_delay": "0"}, "INCRE_TRANSFER_QUEUED, progress not reported"),
    # A lag that is not a number, negative or infinite: not known, never zero.
    ("INCRE_TRANSFER_STARTED", {"incr_trans_delay": "n/a", "progress": "100%"}, "progress 100%, lag not reported"),
    ("INCRE_TRANSFER_STARTED", {"incr_trans_delay": "-5"}, "lag not reported"),
    ("INCRE_TRANSFER_STARTED", {"incr_trans_delay": "1e400"}, "lag not reported"),
])
def test_an_unknown_status_or_an_unusable_lag_is_never_ready(clean_environment, listed_status, progress_info, shown):
    # pylint: disable=unused-argument
    session = hostile_jobs_service({"id": "job-1", "name": "j", "status": listed_status},
                                   {"id": "job-1", "status": listed_status, "progress_info": progress_info})
    outcome = run_main(drs_job_info.main, dict(AK_SK, project_id=PROJECT_ID, job_ids=["job-1"],
                                               wait_for_stage="incremental", max_lag_seconds=10, wait_timeout=30,
                                               wait_sleep=10), session=session)
    assert_failed(outcome, "Timed out after 30 seconds", "job-1 (%s" % listed_status, shown, keys=JOB_INFO_KEYS)
    assert outcome.result["jobs"][0]["status"] == listed_status
