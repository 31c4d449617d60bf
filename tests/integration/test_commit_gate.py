"""The role hwcloud.drs.commit_gate through tests/integration/playbooks/commit_gate.yml.

The playbook checks the outcome it is told to expect (it fails when the gate behaves otherwise); here it
runs against emulators set up for each outcome, concurrently, at -vvv, and the output is checked for
the message a user reads and for secrets.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from secret_scan import assert_no_secret
from support.ansible_env import REPO_ROOT
from support.jobs import make_jobs
from support.module_options import credentials

PLAYBOOK = REPO_ROOT / "tests" / "integration" / "playbooks" / "commit_gate.yml"
BATCH = make_jobs(4, statuses=("ASYNC_JOB_VALIDATING",), users=("migration-bot",), prefix="gate")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
OTHERS = make_jobs(6, statuses=("COMMIT_SUCCESS", "ASYNC_JOB_VALIDATE_FAILED"), users=("dba-li",), prefix="old")
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


def extra_vars(emulator, style, via_role=False, **gate):
    state = emulator.state
    variables = {"drs_endpoint": state["url"], "drs_ca_path": state["ca_path"], "drs_region": state["region"],
                 "gate_credentials_via_role": via_role, "gate_wait_sleep": 1}
    if style != "password":
        variables["drs_project_id"] = state["project_id"]
    variables.update({"drs_" + key: value for key, value in credentials(state, style).items()})
    variables.update(gate)
    return variables


# A broken gate fails fast: the playbook's gate_timeout is 30 s unless a case says otherwise (the commit cases
# wait for validation and for the commit: they get room for a loaded machine).
# name: (emulator options, credential style, pass credentials through commit_gate_auth, gate vars,
#        what the output must say)
CASES = {
    "committed, by ids": (
        dict(validate_after_calls=2, auto_commit_after_calls=6), "aksk", False,
        dict(gate_expect="passed", gate_job_ids=BATCH_IDS), ["commit_gate: passed"]),
    "committed, by user, credentials in commit_gate_auth": (
        dict(validate_after_calls=1, auto_commit_after_calls=3), "password", True,
        dict(gate_expect="passed", gate_user_name="migration-bot"),
        ["commit_gate: passed", "4 batches to reach COMMIT_SUCCESS"]),
    "validated, by domain and user, temporary keys": (
        dict(validate_after_calls=2), "temporary", True,
        dict(gate_expect="passed", gate_user_name="migration-bot", gate_domain_name="demo-domain",
             gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), ["commit_gate: passed"]),
    # Validation ends on the third listing of the four ids (a look, then two polls of the wait).
    "committed by the gate, by ids": (
        dict(validate_after_calls=12), "aksk", False,
        dict(gate_expect="passed", gate_job_ids=BATCH_IDS, gate_commit=True, gate_committed_job_ids=BATCH_IDS,
             gate_timeout=90, gate_page_size=7),
        ["commit_gate: passed", "committed 4 batches"]),
    "committed by the gate, by user, credentials in commit_gate_auth": (
        dict(validate_after_calls=1), "password", True,
        dict(gate_expect="passed", gate_user_name="migration-bot", gate_commit=True,
             gate_committed_job_ids=BATCH_IDS, gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", gate_timeout=90),
        ["commit_gate: passed", "4 batches to reach COMMIT_SUCCESS"]),
    "failed validation": (
        dict(validate_after_calls=2, fail_ids="gate-002"), "token", False,
        dict(gate_expect="failed_validation", gate_job_ids=BATCH_IDS, gate_failed_job_ids=["gate-002"],
             gate_expect_reasons=True),
        ["failed validation", "gate-002", "ASYNC_JOB_VALIDATE_FAILED"]),
    "failed validation, by user": (
        dict(validate_after_calls=1, fail_ids="gate-001,gate-003"), "password", True,
        dict(gate_expect="failed_validation", gate_user_name="migration-bot",
             gate_failed_job_ids=["gate-001", "gate-003"]),
        ["gate-001", "gate-003"]),
    # Validation fails on the second listing, after the first look saw every batch validating: the gate waits
    # for validation, stops, and commits none of the batches that passed.
    "failed validation while waiting to commit": (
        dict(validate_after_calls=6, fail_ids="gate-002"), "aksk", False,
        dict(gate_expect="failed_validation", gate_job_ids=BATCH_IDS, gate_failed_job_ids=["gate-002"],
             gate_commit=True, gate_expect_reasons=True),
        ["failed validation", "gate-002"]),
    # Check mode: one look, no commit, no wait; what a real run would wait for is in a warning and the result.
    "check mode, committing": (
        dict(validate_after_calls=12), "aksk", False,
        dict(gate_expect="checked", gate_check=True, gate_job_ids=BATCH_IDS, gate_commit=True),
        ["Check mode: not waiting for 4 batches", "would commit 4 batches"]),
    "check mode, validated ones to commit": (
        dict(validate_after_calls=0), "token", False,
        dict(gate_expect="checked", gate_check=True, gate_job_ids=BATCH_IDS, gate_commit=True),
        ["would commit 4 batches"]),
    "check mode, waiting for validation, by user": (
        dict(validate_after_calls=12), "password", True,
        dict(gate_expect="checked", gate_check=True, gate_user_name="migration-bot",
             gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", gate_pending_job_ids=BATCH_IDS),
        ["Check mode: not waiting for 4 batches", "4 batches to reach AUTO_PARAM_VALIDATE_SUCCESS"]),
    "validated but not committed": (
        dict(validate_after_calls=0), "aksk", True,
        dict(gate_expect="uncommitted", gate_job_ids=BATCH_IDS, gate_timeout=3),
        ["Timed out", "not committed", "gate-000 (AUTO_PARAM_VALIDATE_SUCCESS)"]),
    "validated but not committed, by user": (
        dict(validate_after_calls=0), "token", False,
        dict(gate_expect="uncommitted", gate_user_name="migration-bot", gate_timeout=3,
             gate_pending_job_ids=BATCH_IDS),
        ["Timed out", "not committed"]),
    "no match, by ids": (
        {}, "aksk", False, dict(gate_expect="no_match", gate_job_ids=[NO_SUCH_ID]),
        ["No batch async job matches", NO_SUCH_ID]),
    "no match, by user": (
        {}, "aksk", False, dict(gate_expect="no_match", gate_user_name="no-such-user"),
        ["No batch async job matches", "user_name=no-such-user"]),
}
# A gate that passes and one that stops: the smoke set, run on every ansible-core release.
SMOKE_CASES = ("committed, by ids", "failed validation")
# The cases other tests read, run whenever one of those tests is selected.
CASES_READ = {"test_the_gate_is_one_module_run_listing_every_id_together": "committed by the gate, by ids",
              "test_the_gate_takes_its_paging_and_leaves_the_other_modules_options_out": "committed by the gate, by ids",
              "test_the_gate_commits_each_validated_batch_once": "committed by the gate, by ids",
              "test_the_gate_commits_nothing_after_a_failed_validation": "failed validation while waiting to commit",
              "test_the_gate_in_check_mode_looks_once_and_commits_nothing": "check mode, validated ones to commit"}


@pytest.fixture(scope="module")
def gate_runs(request, module_ansible, start_module_emulator):
    def run(case):
        options, style, via_role, gate, _expected = CASES[case]
        emulator = start_module_emulator(seed_jobs=BATCH + OTHERS, **options)
        # Each result carries its module arguments (ansible-core 2.21 leaves them out unless asked).
        extra = ["-vvv"] + (["--check", "--diff"] if gate.get("gate_check") else [])
        return emulator, module_ansible.playbook(PLAYBOOK, extra=extra, env={"ANSIBLE_INJECT_INVOCATION": "1"},
                                                 extra_vars=extra_vars(emulator, style, via_role, **gate))

    # Only the cases of the selected tests (the smoke set selects two); each worker starts its emulator
    # and runs its playbook, so the playbooks run concurrently.
    selected = {item.callspec.params["case"] for item in request.session.items
                if item.originalname == "test_gate_outcome"}
    selected.update(CASES_READ[item.originalname] for item in request.session.items if item.originalname in CASES_READ)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(run, case) for case in sorted(selected)}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize("case", [pytest.param(case, marks=[pytest.mark.smoke] if case in SMOKE_CASES else [])
                                  for case in sorted(CASES)])
def test_gate_outcome(gate_runs, case):
    emulator, run = gate_runs[case]
    run.assert_ok()  # the playbook asserts the outcome itself
    for text in CASES[case][-1]:
        assert text in run.output, (text, run)
    assert_no_secret([run.stdout, run.stderr], emulator)


def gate_runs_of(run):
    """The results of the role's module task (hwcloud.drs.drs_commit_gate)."""
    return [result for name, result in run.task_results() if name == "hwcloud.drs.commit_gate : Gate on the selected batches"]


def test_the_gate_is_one_module_run_listing_every_id_together(gate_runs):
    """One module run waits for validation, commits and waits for the commit: every listing covers every id
    (one list call per id), never one run per id nor per poll."""
    emulator, run = gate_runs["committed by the gate, by ids"]
    (result,) = gate_runs_of(run)
    polls = result["request_stats"]["polls"]
    assert polls > 2, result["request_stats"]  # a look, the wait for validation, the wait for the commit
    assert emulator.stats()["routes"]["drs_list"] == polls * len(BATCH_IDS)


def test_the_gate_takes_its_paging_and_leaves_the_other_modules_options_out(gate_runs):
    """commit_gate_page_size reaches the module; the group's defaults for the other modules (async_job_id,
    status, limit, ... in the playbook) do not."""
    _emulator, run = gate_runs["committed by the gate, by ids"]
    (result,) = gate_runs_of(run)
    arguments = result["invocation"]["module_args"]
    assert arguments["page_size"] == 7, arguments
    assert not set(arguments) & {"async_job_id", "status", "offset", "limit", "sort_dir", "failure_details", "state",
                                 "wait"}, arguments


def test_the_gate_commits_each_validated_batch_once(gate_runs):
    emulator, run = gate_runs["committed by the gate, by ids"]
    (result,) = gate_runs_of(run)
    assert emulator.stats()["routes"]["drs_commit"] == len(BATCH_IDS)
    assert sorted(result["committed_async_job_ids"]) == BATCH_IDS and result["changed"]


def test_the_gate_commits_nothing_after_a_failed_validation(gate_runs):
    emulator, run = gate_runs["failed validation while waiting to commit"]
    (result,) = gate_runs_of(run)
    assert result["request_stats"]["polls"] >= 2, result["request_stats"]  # it did wait for validation
    assert result["status_counts"]["AUTO_PARAM_VALIDATE_SUCCESS"] >= 1, result["status_counts"]
    assert "drs_commit" not in emulator.stats()["routes"], emulator.stats()
    assert not result["changed"]


def test_the_gate_in_check_mode_looks_once_and_commits_nothing(gate_runs):
    emulator, run = gate_runs["check mode, validated ones to commit"]
    (result,) = gate_runs_of(run)
    assert emulator.stats()["routes"] == {"drs_list": len(BATCH_IDS)}, emulator.stats()
    assert result["changed"] and sorted(result["committed_async_job_ids"]) == BATCH_IDS
    assert result["would_wait_for"]["status"] == "COMMIT_SUCCESS"
    assert sorted(result["diff"]["after"]) == BATCH_IDS


def test_a_failed_gate_prints_its_reason_once(module_ansible, start_module_emulator):
    """At the verbosity a user runs with, the module task reports ok and only the role's last task prints the
    message: once, and never as a JSON dump."""
    options, style, via_role, gate, _expected = CASES["failed validation"]
    emulator = start_module_emulator(seed_jobs=BATCH + OTHERS, **options)
    run = module_ansible.playbook(PLAYBOOK, extra_vars=extra_vars(emulator, style, via_role, **gate))
    run.assert_ok()
    failure = run.task("Keep the message the gate failed with")["ansible_facts"]["gate_failure_msg"]
    assert "gate-002" in failure
    # The role's tasks, each with what it printed (the playbook's own checks come after them).
    role_output = run.stdout.split("TASK [Keep the message the gate failed with]")[0]
    printing = [task.splitlines()[0] for task in role_output.split("TASK [")[1:] if failure.split(". Reasons: ")[0] in task]
    assert printing == ["hwcloud.drs.commit_gate : Stop the play when the gate did not pass] " + "*" * 6], run
    assert_no_secret([run.stdout, run.stderr], emulator)
