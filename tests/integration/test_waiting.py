"""Waiting on a progressing batch: the `until` loop, wait_for_status, fail-fast, timeouts, unknown statuses."""

import re
import threading
import time

import pytest
import requests
import yaml

from scenarios import Scenarios
from support.ansible_env import REPO_ROOT
from support.ansible_runner import GROUP, MODULE
from support.jobs import make_jobs
from support.module_options import connection

BATCH = make_jobs(6, statuses=("ASYNC_JOB_VALIDATING",), prefix="batch")
BATCH_IDS = [job["async_job_id"] for job in BATCH]


def readme_until_tasks():
    """The README's `until` example (the YAML block with an `until:` task), as tasks."""
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO_ROOT / "README.md").read_text(), re.S)
    for block in blocks:
        tasks = yaml.safe_load(block)
        if isinstance(tasks, list) and any(isinstance(task, dict) and "until" in task for task in tasks):
            return tasks
    raise AssertionError("README.md has no until example")


def quick(tasks, retries):
    """The README's tasks with a short delay, so the test does not wait 30 s per try."""
    return [dict(task, retries=retries, delay=1) if "until" in task else dict(task) for task in tasks]


@pytest.mark.smoke
def test_until_loop_as_the_readme_shows(ansible, start_emulator):
    # Validation finishes after 2 list calls, the commit after 4: one module run per try.
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=2, auto_commit_after_calls=4)
    tasks = readme_until_tasks()
    plays = [{
        "name": "until committed", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {GROUP: connection(emulator.state)}, "vars": {"batch_id": "batch-003"},
        "tasks": quick(tasks, retries=10),
    }]
    failing = start_emulator(seed_jobs=BATCH, validate_after_calls=0, fail_ids="batch-003")
    plays.append(dict(plays[0], name="until validation failed", module_defaults={GROUP: connection(failing.state)}))
    # A module failure (here a revoked token) fails the loop with the module's message: the keys the
    # expression reads are there on failure too, so it never raises on an undefined variable.
    revoked = dict(connection(emulator.state, "none"), auth_token="MIIrevoked")
    plays.append(dict(plays[0], name="until on a failing run", module_defaults={GROUP: revoked},
                      tasks=quick(tasks, retries=1)))
    for play in plays:
        play["tasks"] = [dict(task, name="%s: %s" % (play["name"], index), ignore_errors=True)
                         for index, task in enumerate(play["tasks"])]
    run = ansible.playbook(plays)

    looped = run.task("until committed: 0")
    assert not looped.get("failed"), looped
    assert looped["attempts"] == 5, looped["attempts"]
    assert looped["status_counts"]["COMMIT_SUCCESS"] == 1 == looped["total_count"]
    assert not run.task("until committed: 1").get("failed")
    assert emulator.stats()["statuses"]["200"] == 5  # one list call per try (the failing play had 403s)

    stopped = run.task("until validation failed: 0")
    assert stopped["attempts"] == 1 and stopped["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 1
    assert run.task("until validation failed: 1").get("failed")  # the assert names the batch
    assert "batch-003" in run.task("until validation failed: 1")["msg"]

    broken = run.task("until on a failing run: 0")
    assert broken.get("failed")
    assert "DRS.M00100" in broken["msg"], broken["msg"]


@pytest.mark.smoke
def test_wait_for_validation_then_commit_in_one_session(ansible, start_emulator):
    # Counted in list calls, not seconds, so a slow machine sees every step: validated from call 3 on,
    # committed from call 6 on.
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=2, auto_commit_after_calls=5)
    # In one module run (no progress lines, which cost a module run and a login a line: test_progress.py).
    wait = {"wait_sleep": 1, "wait_timeout": 60, "progress_interval": 0}
    run = ansible.play([
        {"name": "validated", MODULE: dict(wait, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), "register": "r"},
        {"name": "committed", MODULE: dict(wait, wait_for_status="COMMIT_SUCCESS"), "register": "r"},
        # Already there: COMMIT_SUCCESS also satisfies AUTO_PARAM_VALIDATE_SUCCESS, in one poll.
        {"name": "committed is validated", MODULE: dict(wait, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"),
         "register": "r"},
    ], defaults=connection(emulator.state, "password")).assert_ok()

    validated = run.task("validated")
    assert {job["status"] for job in validated["jobs"]} == {"AUTO_PARAM_VALIDATE_SUCCESS"}
    assert validated["request_stats"]["polls"] == 3
    committed = run.task("committed")
    assert {job["status"] for job in committed["jobs"]} == {"COMMIT_SUCCESS"}
    assert committed["status_counts"]["COMMIT_SUCCESS"] == 6
    # One login per module run, however many polls: no re-authentication per poll.
    for name in ("validated", "committed"):
        assert run.task(name)["request_stats"]["iam_calls"] == 1, run.task(name)["request_stats"]
    assert committed["request_stats"]["polls"] == 3
    assert run.task("committed is validated")["request_stats"]["polls"] == 1


def test_a_wait_with_progress_lines_logs_in_once_a_step(ansible, start_emulator):
    # Each step of a wait is a module run: one login per step (per line, plus the last), never one per poll.
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=6)
    run = ansible.play([{"name": "validated", MODULE: {"wait_sleep": 1, "wait_timeout": 60, "progress_interval": 2,
                                                       "wait_for_status": "AUTO_PARAM_VALIDATE_SUCCESS"}}],
                       defaults=connection(emulator.state, "password"))
    run.assert_ok()
    lines = run.stdout.count("] validated: waiting for AUTO_PARAM_VALIDATE_SUCCESS")
    stats = run.task("validated")["request_stats"]
    assert lines >= 2 and stats["polls"] == 7, (run.stdout, stats)
    assert stats["iam_calls"] == lines + 1, (run.stdout, stats)


def commit_when_polled(emulator, polls):
    """Commit every job of BATCH through the real commit API once the module has listed ``polls`` times."""
    state = emulator.state
    headers = {"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]}
    deadline = time.monotonic() + 60
    while emulator.stats()["list_calls"] < polls and time.monotonic() < deadline:
        time.sleep(0.1)
    for job_id in BATCH_IDS:
        answer = requests.post("%s/v5/%s/batch-async-jobs/%s/commit" % (state["url"], state["project_id"], job_id),
                               headers=headers, verify=state["ca_path"], timeout=10)
        answer.raise_for_status()


def test_commit_through_the_api_while_the_module_waits(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=0)
    committer = threading.Thread(target=commit_when_polled, args=(emulator, 2), daemon=True)
    committer.start()
    run = ansible.play([{"name": "committed", MODULE: {
        "wait_for_status": "COMMIT_SUCCESS", "wait_sleep": 1, "wait_timeout": 60, "return_jobs": "unfinished"},
        "register": "r"}], defaults=connection(emulator.state, "token")).assert_ok()
    committer.join(10)
    result = run.task("committed")
    assert result["jobs"] == []  # none unfinished
    assert result["status_counts"]["COMMIT_SUCCESS"] == 6 and result["total_count"] == 6
    assert result["request_stats"]["polls"] >= 3


def test_failures_and_timeouts(module_ansible, start_emulator):
    cases = Scenarios(module_ansible, start_emulator)
    validating = start_emulator(seed_jobs=BATCH)
    unknown = start_emulator(seed_jobs=make_jobs(4, statuses=("COMMIT_SUCCESS",)), unknown_status_count=2)
    wait = {"wait_sleep": 1}
    cases.add("fail fast", {"seed_jobs": BATCH, "validate_after_seconds": 1, "fail_ids": "batch-002,batch-004"},
              wait_for_status="COMMIT_SUCCESS", wait_timeout=120, **wait)
    cases.add("validated, never committed", {"seed_jobs": BATCH, "validate_after_calls": 0},
              wait_for_status="COMMIT_SUCCESS", wait_timeout=2, **wait)
    cases.add("still validating", emulator=validating, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS",
              wait_timeout=1, **wait)
    cases.add("unknown status is pending", emulator=unknown, wait_for_status="COMMIT_SUCCESS", wait_timeout=1,
              **wait)
    cases.add("unknown status is counted", emulator=unknown)
    cases.add("nothing matches", emulator=validating, async_job_id="no-such-batch", wait_for_status="COMMIT_SUCCESS",
              wait_timeout=1, **wait)
    cases.run()

    fail_fast = cases.result("fail fast")
    assert fail_fast.get("failed")
    # The failed validation stopped the task long before its 120 s timeout: polls are at least 1 s apart and
    # the batch failed 1 s after the emulator started, so a few polls at most (fewer on a busier machine).
    assert 1 <= fail_fast["request_stats"]["polls"] <= 10, fail_fast["request_stats"]
    assert "ASYNC_JOB_VALIDATE_FAILED" in fail_fast["msg"]
    assert "batch-002" in fail_fast["msg"] and "batch-004" in fail_fast["msg"], fail_fast["msg"]
    assert "batch-001" not in fail_fast["msg"]
    assert fail_fast["status_counts"]["ASYNC_JOB_VALIDATE_FAILED"] == 2
    assert len(fail_fast["jobs"]) == 6

    never = cases.result("validated, never committed")
    assert never.get("failed")
    assert "Timed out" in never["msg"] and "commit" in never["msg"].lower(), never["msg"]
    for job_id in BATCH_IDS:
        assert "%s (AUTO_PARAM_VALIDATE_SUCCESS)" % job_id in never["msg"], never["msg"]
    assert never["status_counts"]["AUTO_PARAM_VALIDATE_SUCCESS"] == 6

    still = cases.result("still validating")
    assert still.get("failed") and "Timed out" in still["msg"]
    assert "batch-000 (ASYNC_JOB_VALIDATING)" in still["msg"]
    assert "not committed" not in still["msg"], still["msg"]

    pending = cases.result("unknown status is pending")
    assert pending.get("failed") and "Timed out" in pending["msg"], pending["msg"]
    assert "ASYNC_JOB_QUEUED" in pending["msg"]
    counted = cases.result("unknown status is counted")
    assert not counted.get("failed")
    assert counted["status_counts"]["ASYNC_JOB_QUEUED"] == 2
    assert counted["status_counts"]["COMMIT_SUCCESS"] == 2

    nothing = cases.result("nothing matches")
    assert nothing.get("failed") and "no batch matched" in nothing["msg"], nothing["msg"]
    assert nothing["jobs"] == [] and nothing["total_count"] == 0
