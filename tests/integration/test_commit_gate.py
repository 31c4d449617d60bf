"""The role hwcloud.drs.commit_gate through its playbooks (tests/integration/playbooks/commit_gate_*.yml).

Each playbook checks its own outcome (it fails when the gate behaves otherwise); here they run against
emulators set up for that outcome, concurrently, at -vvv, and the output is checked for the message a
user reads and for secrets.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from harness import REPO_ROOT, assert_no_secret, credentials, make_jobs

PLAYBOOKS = REPO_ROOT / "tests" / "integration" / "playbooks"
BATCH = make_jobs(4, statuses=("ASYNC_JOB_VALIDATING",), users=("migration-bot",), prefix="gate")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
OTHERS = make_jobs(6, statuses=("COMMIT_SUCCESS", "ASYNC_JOB_VALIDATE_FAILED"), users=("dba-li",), prefix="old")


def extra_vars(emulator, style, via_role=False, **gate):
    state = emulator.state
    variables = {"drs_endpoint": state["url"], "drs_ca_path": state["ca_path"], "drs_region": state["region"],
                 "gate_credentials_via_role": via_role, "gate_wait_sleep": 0.3}
    if style != "password":
        variables["drs_project_id"] = state["project_id"]
    variables.update({"drs_" + key: value for key, value in credentials(emulator, style).items()})
    variables.update(gate)
    return variables


# name: (playbook, emulator options, credential style, pass credentials through commit_gate_auth, gate vars,
#        what the output must say)
CASES = {
    "committed, by ids": (
        "commit_gate_all_committed.yml",
        dict(validate_after_calls=2, auto_commit_after_calls=6), "aksk", False,
        dict(gate_job_ids=BATCH_IDS), ["commit_gate: passed"]),
    "committed, by user, credentials in commit_gate_auth": (
        "commit_gate_all_committed.yml",
        dict(validate_after_calls=1, auto_commit_after_calls=3), "password", True,
        dict(gate_user_name="migration-bot"), ["commit_gate: passed", "4 job(s) to reach COMMIT_SUCCESS"]),
    "validated, by domain and user, temporary keys": (
        "commit_gate_all_committed.yml",
        dict(validate_after_calls=2), "temporary", True,
        dict(gate_user_name="migration-bot", gate_domain_name="demo-domain",
             gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), ["commit_gate: passed"]),
    "failed validation": (
        "commit_gate_failed_validation.yml",
        dict(validate_after_calls=2, fail_ids="gate-002"), "token", False,
        dict(gate_job_ids=BATCH_IDS, gate_failed_job_ids=["gate-002"]),
        ["failed validation", "gate-002", "ASYNC_JOB_VALIDATE_FAILED"]),
    "failed validation, by user": (
        "commit_gate_failed_validation.yml",
        dict(validate_after_calls=1, fail_ids="gate-001,gate-003"), "password", True,
        dict(gate_user_name="migration-bot", gate_failed_job_ids=["gate-001", "gate-003"]),
        ["gate-001", "gate-003"]),
    "validated but not committed": (
        "commit_gate_uncommitted.yml",
        dict(validate_after_calls=0), "aksk", True,
        dict(gate_job_ids=BATCH_IDS, gate_timeout=3), ["Timed out", "not committed", "gate-000 (AUTO_PARAM_VALIDATE_SUCCESS)"]),
    "validated but not committed, by user": (
        "commit_gate_uncommitted.yml",
        dict(validate_after_calls=0), "token", False,
        dict(gate_user_name="migration-bot", gate_timeout=3, gate_pending_job_ids=BATCH_IDS),
        ["Timed out", "not committed"]),
    "no match": (
        "commit_gate_no_match.yml", {}, "aksk", False, {}, ["no batch async job matches"]),
}


@pytest.fixture(scope="module")
def gate_runs(module_ansible, start_module_emulator):
    def run(case):
        playbook, options, style, via_role, gate, _expected = CASES[case]
        emulator = start_module_emulator(seed_jobs=BATCH + OTHERS, **options)
        return emulator, module_ansible.playbook(PLAYBOOKS / playbook, extra=["-vvv"],
                                                 extra_vars=extra_vars(emulator, style, via_role, **gate))

    # Each worker starts its emulator and runs its playbook: the playbooks run concurrently.
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(run, case) for case in CASES}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gate_outcome(gate_runs, case):
    emulator, run = gate_runs[case]
    run.assert_ok()  # the playbook asserts the outcome itself
    for text in CASES[case][-1]:
        assert text in run.stdout, (text, run)
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_gate_waits_inside_the_module_not_per_poll(gate_runs):
    """With a list of ids: one look per id, then one waiting run per id not there yet (never one run per poll)."""
    _emulator, run = gate_runs["committed, by ids"]
    module_runs = [result for name, result in run.task_results()
                   if name.startswith("hwcloud.drs.commit_gate : ") and "request_stats" in result]
    assert len(module_runs) <= 2 * len(BATCH_IDS), [name for name, _result in run.task_results()]
    assert any(result["request_stats"]["polls"] > 1 for result in module_runs)
