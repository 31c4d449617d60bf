"""From commit to cutover through the role hwcloud.drs.commit_gate, against the emulator, with the official SDK
reading the same DRS jobs afterwards.

Each case commits validated batches and follows the DRS jobs they created (commit_gate_wait_for_stage): one
replicates down to the lag bound and passes; one has a job whose incremental transfer fails; one has a stalled
full transfer and a lag that never comes down, and times out. The cases run concurrently, each against its own
emulator. The SDK's progress calls (which move no job on) then read what the gate saw last.
"""

import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from drs_emulator.detail import task_count, task_id
from official_sdk import SDK_JOBS_SCRIPT, run_sdk
from secret_scan import assert_no_secret
from support.jobs import make_jobs
from support.module_options import connection

BATCHES = make_jobs(4, statuses=("AUTO_PARAM_VALIDATE_SUCCESS",), users=("migration-bot",), prefix="cutover")
BATCH_IDS = [batch["async_job_id"] for batch in BATCHES]
JOB_IDS = [task_id(batch, index) for batch in BATCH_IDS for index in range(task_count(batch))]
# A short way to incremental replication: STARTJOBING, full transfer, complete, then a lag of 40, 20, 1 seconds.
PACE = {"create_polls": 0, "start_polls": 1, "full_polls": 1, "complete_polls": 1, "lag_start": 40, "lag_step": 20,
        "lag_floor": 1}
FAILED_JOB, STALLED_JOB, LAGGING_JOB = JOB_IDS[1], JOB_IDS[0], JOB_IDS[-1]
CASES = {
    "replicating": (PACE, dict(commit_gate_max_lag_seconds=30, commit_gate_timeout=300)),
    "a failed job": (dict(PACE, fail={FAILED_JOB: "INCRE_TRANSFER_FAILED"}), dict(commit_gate_timeout=300)),
    "stalled": (dict(PACE, stall={STALLED_JOB: "FULL_TRANSFER_STARTED"}, stuck_lag=[LAGGING_JOB]),
                dict(commit_gate_max_lag_seconds=30, commit_gate_timeout=12)),
}
SDK_INSTALLED = importlib.util.find_spec("huaweicloudsdkdrs") is not None


def play(emulator, variables):
    return [{"name": "From commit to cutover", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/hwcloud.drs.drs": connection(emulator.state)},
             "tasks": [
                 {"name": "Commit, then wait for replication",
                  "block": [{"name": "Gate", "ansible.builtin.include_role": {"name": "hwcloud.drs.commit_gate"},
                             "vars": dict({"commit_gate_async_job_ids": BATCH_IDS, "commit_gate_commit": True,
                                           "commit_gate_wait_for_stage": "incremental", "commit_gate_wait_sleep": 1},
                                          **variables)}],
                  "rescue": [{"name": "Stopped", "ansible.builtin.debug": {"msg": "the gate stopped"}}]},
                 {"name": "Keep the gate's result", "ansible.builtin.set_fact": {"gate": "{{ commit_gate_result }}"}},
             ]}]


@pytest.fixture(scope="module")
def gate_runs(module_ansible, start_module_emulator, tmp_path_factory):
    def run(case):
        schedule, variables = CASES[case]
        emulator = start_module_emulator(seed_jobs=BATCHES, replication=schedule)
        finished = module_ansible.playbook(play(emulator, variables))
        sdk = run_sdk(tmp_path_factory.mktemp("sdk"), emulator, SDK_JOBS_SCRIPT, json.dumps(JOB_IDS),
                      "progress") if SDK_INSTALLED else None
        return emulator, finished, sdk

    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
        futures = dict((case, pool.submit(run, case)) for case in CASES)
        return dict((case, future.result()) for case, future in futures.items())


def gate_of(run):
    run.assert_ok()
    return run.task("Keep the gate's result")["ansible_facts"]["gate"]


def assert_sdk_reads_the_same_jobs(sdk, gate):
    if sdk is None:
        pytest.skip("the official SDK (huaweicloudsdkdrs) is not installed")
    for job in gate["drs_jobs"]:
        progress = sdk["progress"][job["id"]]
        assert progress["status"] == job["status"], (progress, job)
        lag = progress["incr_trans_delay"]
        if job["incremental_delay"] is not None:
            assert float(lag) == job["incremental_delay"], (progress, job)


def test_the_gate_commits_and_waits_through_to_incremental_replication_under_the_lag_bound(gate_runs):
    emulator, run, sdk = gate_runs["replicating"]
    gate = gate_of(run)
    assert gate["passed"], gate["msg"]
    assert sorted(gate["committed_job_ids"]) == BATCH_IDS
    assert [job["id"] for job in gate["drs_jobs"]] == JOB_IDS and gate["missing_drs_job_ids"] == []
    assert all(job["status"] == "INCRE_TRANSFER_STARTED" and job["incremental_delay"] <= 30 for job in gate["drs_jobs"])
    assert gate["drs_job_status_counts"]["INCRE_TRANSFER_STARTED"] == len(JOB_IDS)
    assert "%d DRS jobs to reach incremental" % len(JOB_IDS) in run.output
    # Statuses 10 ids per list call; during the wait, progress only for the jobs whose lag decides.
    routes = emulator.stats()["routes"]
    polls = gate["request_stats"]["polls"]
    assert routes["drs_jobs"] <= polls * -(-len(JOB_IDS) // 10), routes
    assert_sdk_reads_the_same_jobs(sdk, gate)
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_the_gate_fails_fast_on_a_failed_job(gate_runs):
    emulator, run, sdk = gate_runs["a failed job"]
    gate = gate_of(run)
    assert not gate["passed"]
    batch = BATCH_IDS[0] if FAILED_JOB in JOB_IDS[:task_count(BATCH_IDS[0])] else BATCH_IDS[1]
    for phrase in ("1 DRS job failed", FAILED_JOB, "batch %s" % batch, "INCRE_TRANSFER_FAILED",
                   "DRS.M06012: The binlog the job needs has been purged from the source"):
        assert phrase in gate["msg"], gate["msg"]
    failed = [job for job in gate["drs_jobs"] if job["id"] == FAILED_JOB]
    assert failed and failed[0]["error_code"] == "DRS.M06012"
    assert_sdk_reads_the_same_jobs(sdk, gate)
    assert sdk is None or sdk["progress"][FAILED_JOB]["status"] == "INCRE_TRANSFER_FAILED"
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_the_gate_times_out_naming_a_stalled_job_and_a_lag_that_stays_high(gate_runs):
    emulator, run, sdk = gate_runs["stalled"]
    gate = gate_of(run)
    assert not gate["passed"]
    for phrase in ("Timed out after", "lag of at most 30 seconds",
                   "%s (batch %s, FULL_TRANSFER_STARTED, progress 0%%, lag not reported)" % (STALLED_JOB, BATCH_IDS[0]),
                   "%s (batch %s, INCRE_TRANSFER_STARTED, progress 100%%, lag 40 s)" % (LAGGING_JOB, BATCH_IDS[-1])):
        assert phrase in gate["msg"], gate["msg"]
    assert_sdk_reads_the_same_jobs(sdk, gate)
    assert sdk is None or (sdk["progress"][STALLED_JOB]["transfer_status"] == "FULL_TRANSFER_STARTED"
                           and sdk["progress"][LAGGING_JOB]["incr_trans_delay"] == "40")
    assert_no_secret([run.stdout, run.stderr], emulator)
