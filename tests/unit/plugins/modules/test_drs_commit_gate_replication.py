"""The gate past COMMIT_SUCCESS (wait_for_stage): the DRS jobs every selected batch created, within the one deadline.

The emulator creates the jobs when a batch is committed and moves each one step per job list call that returns it
(its replication.py), so with the default schedule the jobs reach incremental on their 7th observation, with a lag
of 120 s, then 60 s, then 2 s.
"""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_commit_gate

from drs_emulator.detail import task_count, task_id  # pylint: disable=import-error
from module_args import run_main  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import GATE_KEYS, assert_failed  # pylint: disable=import-error

BATCH = make_jobs(3, statuses=(VALIDATING,), users=("migration-bot",), prefix="cut")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
JOB_IDS = [task_id(batch, index) for batch in BATCH_IDS for index in range(task_count(batch))]


@pytest.fixture
def gate(clean_environment, drs):  # pylint: disable=unused-argument
    """``gate(replication, **args)``: the batch seeded (validated after the first look) with this replication
    schedule, then a ModuleRun of the gate committing it and following its DRS jobs, wait_sleep 10."""
    def run(replication=None, batch=BATCH, **args):
        drs.seed(batch, validate_after_calls=len(BATCH_IDS), replication=replication or {})
        arguments = dict(drs.options(), async_job_ids=BATCH_IDS, commit=True, wait_for_stage="incremental",
                         wait_sleep=10)
        arguments.update(args)
        return run_main(drs_commit_gate.main, dict((key, value) for key, value in arguments.items()
                                                   if value is not None), session=drs.session)

    return run


def drs_job_calls(drs):
    return [call for call in drs.calls if "/jobs" in call.path]


def test_it_commits_and_waits_through_to_incremental_replication_under_the_lag_bound(gate, drs):
    outcome = gate(max_lag_seconds=30)
    result = outcome.result
    assert result["passed"] and not result.get("failed"), result.get("msg")
    assert sorted(result["committed_async_job_ids"]) == BATCH_IDS
    assert [job["id"] for job in result["drs_jobs"]] == JOB_IDS
    assert all(job["status"] == "INCRE_TRANSFER_STARTED" and job["incremental_delay"] == 2 and job["progress"] == 100
               for job in result["drs_jobs"])
    assert dict((job["id"], job["async_job_id"]) for job in result["drs_jobs"]) == dict(
        (task_id(batch, index), batch) for batch in BATCH_IDS for index in range(task_count(batch)))
    assert result["drs_job_status_counts"]["INCRE_TRANSFER_STARTED"] == len(JOB_IDS)
    assert result["wait_for_stage"] == "incremental" and result["missing_job_ids"] == []
    # A look, a poll that sees validation, the commits, the look at COMMIT_SUCCESS; then 9 observations of the jobs.
    assert outcome.clock.sleeps == [10] + [10] * 8, outcome.clock.sleeps
    assert drs.routes()["drs_detail"] == len(BATCH_IDS)
    assert result["summary"].endswith("; %d DRS jobs to reach incremental: INCRE_TRANSFER_STARTED %d; largest lag 2 s"
                                      % (len(JOB_IDS), len(JOB_IDS))), result["summary"]


def test_a_failed_job_stops_the_gate_at_once_naming_job_batch_status_and_error(gate):
    failed = JOB_IDS[0]
    outcome = gate({"fail": {failed: "START_JOB_FAILED"}})
    assert_failed(outcome, "1 DRS job failed", "%s (batch cut-000, START_JOB_FAILED): DRS.M05004: Connecting to the "
                  "source database timed out" % failed, keys=GATE_KEYS, changed=True)
    assert outcome.result["summary"].startswith("stopped after ")
    assert [job["status"] for job in outcome.result["drs_jobs"]].count("START_JOB_FAILED") == 1
    assert len(outcome.clock.sleeps) == 1 + 1  # the wait for validation; the jobs' second observation failed


def test_the_replication_wait_shares_the_one_deadline_and_names_a_stalled_job_with_its_lag(gate):
    stalled, lagging = JOB_IDS[0], JOB_IDS[-1]
    outcome = gate({"stall": {stalled: "FULL_TRANSFER_STARTED"}, "stuck_lag": [lagging]}, max_lag_seconds=30,
                   wait_timeout=200)
    msg = assert_failed(outcome, "Timed out after 200 seconds",
                        "%s (batch cut-000, FULL_TRANSFER_STARTED, progress 33%%, lag not reported)" % stalled,
                        "%s (batch cut-002, INCRE_TRANSFER_STARTED, progress 100%%, lag 120 s)" % lagging,
                        keys=GATE_KEYS, changed=True)
    assert "2 still pending" in msg, msg
    assert sum(outcome.clock.sleeps) == 200, outcome.clock.sleeps


@pytest.mark.parametrize("args, phrase", [
    (dict(commit=False, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"),
     "wait_for_stage (commit_gate_wait_for_stage in the role) follows the DRS jobs of committed batches: set commit "
     "(commit_gate_commit in the role) to true, or wait_for_status (commit_gate_wait_for_status in the role) to "
     "COMMIT_SUCCESS"),
    (dict(wait_for_stage="started", max_lag_seconds=3), "max_lag_seconds (commit_gate_max_lag_seconds in the role) is "
     "only for wait_for_stage (commit_gate_wait_for_stage in the role)=incremental"),
    (dict(max_lag_seconds=-1), "max_lag_seconds (commit_gate_max_lag_seconds in the role) must be at least 0"),
])
def test_bad_replication_options_fail_before_any_request(gate, drs, args, phrase):
    assert_failed(gate(**args), phrase, keys=GATE_KEYS, requests=0)
    assert drs.calls == []


def test_check_mode_looks_once_at_the_jobs_of_committed_batches(gate, drs):
    committed = [dict(job, status=COMMITTED) for job in BATCH]
    outcome = gate(batch=committed, _ansible_check_mode=True)
    result = outcome.result
    assert result["passed"] and outcome.clock.sleeps == [], result.get("msg")
    assert result["would_wait_for"]["job_ids"] == JOB_IDS
    assert "Check mode: not waiting for %d DRS jobs to reach incremental" % len(JOB_IDS) in json.dumps(
        result["warnings"])
    assert len(drs_job_calls(drs)) == 1 and "drs_commit" not in drs.routes()


def test_without_wait_for_stage_the_gate_ends_at_the_commit_and_reads_no_job(gate, drs):
    result = gate(wait_for_stage=None).result
    assert result["passed"] and result["drs_jobs"] == [] and result["wait_for_stage"] is None
    assert drs_job_calls(drs) == [] and "drs_detail" not in drs.routes()
