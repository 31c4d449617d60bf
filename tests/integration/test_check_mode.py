"""Check mode never waits: every waiting option of every module, and the README's whole flow, look once.

Check mode changes nothing, so it cannot bring about what a wait waits for. Each wait here is against
batches that never move (a real run would block until its timeout); "did not wait" is proven by what the
emulator answered (one listing per task) and by the run ending with what it would wait for reported.
"""

import re

import pytest
import yaml

from drs_emulator.detail import task_count
from secret_scan import assert_no_secret
from support.ansible_env import REPO_ROOT
from support.ansible_runner import GROUP, MODULE
from support.jobs import make_jobs
from support.module_options import connection

COMMIT_MODULE = "hwcloud.drs.drs_batch_async_job"
GATE_MODULE = "hwcloud.drs.drs_commit_gate"
NEVER = 10 ** 6  # list calls before the emulator moves a batch: never, within a test


def readme_whole_flow():
    """The tasks of the README's section "The whole flow"."""
    section = (REPO_ROOT / "README.md").read_text().split("## The whole flow", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, re.S)[:1]
    return yaml.safe_load(block)


@pytest.mark.smoke
@pytest.mark.expected_warnings(r"Check mode: ")
@pytest.mark.parametrize("status", ["ASYNC_JOB_VALIDATING", "AUTO_PARAM_VALIDATE_SUCCESS"])
def test_the_readme_flow_under_check_ends_at_once_saying_what_it_would_do(ansible, start_emulator, status):
    jobs = make_jobs(3, statuses=(status,), prefix="batch")
    batch_ids = [job["async_job_id"] for job in jobs]
    emulator = start_emulator(seed_jobs=jobs, validate_after_calls=NEVER)
    run = ansible.playbook([{
        "name": "the README's whole flow", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {GROUP: connection(emulator.state)}, "vars": {"batch_ids": batch_ids},
        "tasks": readme_whole_flow(),
    }], extra=["--check"])
    run.assert_ok()
    routes = emulator.stats()["routes"]
    # One listing of every id by the wait for validation, one read per batch by the commits, one listing of
    # every id by the gate; the cutover's wait for the DRS jobs reads each batch's tasks and looks at their jobs
    # once (10 per call; none exists yet): nothing polled again, nothing committed.
    drs_jobs = sum(task_count(batch) for batch in batch_ids)
    assert routes == {"drs_list": 3 * len(batch_ids), "drs_detail": len(batch_ids),
                      "drs_jobs": -(-drs_jobs // 10)}, routes
    commits = run.task("Commit each batch (idempotent; check mode tells what it would commit)")
    assert commits["changed"] and all(result["changed"] for result in commits["results"])
    assert "commit_gate: checked (not waited for)" in run.stdout, run
    assert "Check mode: not waiting for 3 batches to reach COMMIT_SUCCESS" in run.output.replace("\n", " "), run
    assert "Check mode: not waiting for %d DRS jobs to reach incremental" % drs_jobs in run.output.replace("\n", " ")
    if status == "ASYNC_JOB_VALIDATING":
        waited = run.task("Wait until every batch passed validation, in one run however many batches")
        assert waited["would_wait_for"] == {"status": "AUTO_PARAM_VALIDATE_SUCCESS", "async_job_ids": batch_ids,
                                            "timeout": 1800}
    assert_no_secret([run.stdout, run.stderr], emulator)


# Each waiting option of each module, against batches that never move: (module, arguments, batch status,
# the status it would wait for, or None when a real run would not wait here).
WAITS = {
    "info, wait_for_status COMMIT_SUCCESS": (
        MODULE, dict(wait_for_status="COMMIT_SUCCESS"), "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"),
    "info, wait_for_status AUTO_PARAM_VALIDATE_SUCCESS": (
        MODULE, dict(wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), "ASYNC_JOB_VALIDATING",
        "AUTO_PARAM_VALIDATE_SUCCESS"),
    "commit, wait for validation": (
        COMMIT_MODULE, dict(wait=True), "ASYNC_JOB_VALIDATING", "AUTO_PARAM_VALIDATE_SUCCESS"),
    "commit, wait for the commit": (
        COMMIT_MODULE, dict(wait=True), "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"),
    "commit, wait false on a batch still validating": (
        COMMIT_MODULE, dict(wait=False), "ASYNC_JOB_VALIDATING", None),
    "gate, commit": (GATE_MODULE, dict(commit=True), "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"),
    "gate, wait for validation": (
        GATE_MODULE, dict(wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), "ASYNC_JOB_VALIDATING",
        "AUTO_PARAM_VALIDATE_SUCCESS"),
}


@pytest.mark.expected_warnings(r"Check mode: ")
@pytest.mark.parametrize("case", sorted(WAITS))
def test_every_wait_looks_once_in_check_mode(ansible, start_emulator, case):
    module, arguments, status, would_wait_for = WAITS[case]
    jobs = make_jobs(2, statuses=(status,), prefix="batch")
    emulator = start_emulator(seed_jobs=jobs, validate_after_calls=NEVER, commit_after_calls=NEVER)
    selection = {"async_job_id": jobs[0]["async_job_id"]} if module == COMMIT_MODULE else {
        "async_job_ids": [job["async_job_id"] for job in jobs]}
    waited_for = [job["async_job_id"] for job in jobs if module != COMMIT_MODULE or job is jobs[0]]
    task = {"name": case, module: dict(selection, wait_timeout=3600, **arguments), "register": "r"}
    run = ansible.playbook([{"name": case, "hosts": "localhost", "gather_facts": False,
                             "module_defaults": {GROUP: connection(emulator.state)}, "tasks": [task]}],
                           extra=["--check"])
    run.assert_ok()
    result = run.task(case)
    assert emulator.stats()["routes"] == {"drs_list": len(waited_for) if module != COMMIT_MODULE else 1}
    assert "Check mode: " in run.output
    if would_wait_for is None:
        assert "would_wait_for" not in result
    else:
        assert result["would_wait_for"] == {"status": would_wait_for, "async_job_ids": waited_for, "timeout": 3600}
    # The commit module and the committing gate report what a real run would change.
    assert result["changed"] is (module == COMMIT_MODULE or arguments.get("commit", False))
