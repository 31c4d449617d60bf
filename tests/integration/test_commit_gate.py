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
# make one module run per batch, about 20 s in all on a quiet machine: they get room for a loaded one).
# name: (emulator options, credential style, pass credentials through commit_gate_auth, gate vars,
#        what the output must say)
CASES = {
    "committed, by ids": (
        dict(validate_after_calls=2, auto_commit_after_calls=6), "aksk", False,
        dict(gate_expect="passed", gate_job_ids=BATCH_IDS), ["commit_gate: passed"]),
    "committed, by user, credentials in commit_gate_auth": (
        dict(validate_after_calls=1, auto_commit_after_calls=3), "password", True,
        dict(gate_expect="passed", gate_user_name="migration-bot"),
        ["commit_gate: passed", "4 job(s) to reach COMMIT_SUCCESS"]),
    "validated, by domain and user, temporary keys": (
        dict(validate_after_calls=2), "temporary", True,
        dict(gate_expect="passed", gate_user_name="migration-bot", gate_domain_name="demo-domain",
             gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), ["commit_gate: passed"]),
    # Validation ends on the third listing of the four ids (a look, then two polls of the wait).
    "committed by the gate, by ids": (
        dict(validate_after_calls=12), "aksk", False,
        dict(gate_expect="passed", gate_job_ids=BATCH_IDS, gate_commit=True, gate_committed_job_ids=BATCH_IDS,
             gate_timeout=90),
        ["commit_gate: passed", "committed 4 batch(es)"]),
    "committed by the gate, by user, credentials in commit_gate_auth": (
        dict(validate_after_calls=1), "password", True,
        dict(gate_expect="passed", gate_user_name="migration-bot", gate_commit=True,
             gate_committed_job_ids=BATCH_IDS, gate_wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", gate_timeout=90),
        ["commit_gate: passed", "4 job(s) to reach COMMIT_SUCCESS"]),
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
        ["no batch async job matches", NO_SUCH_ID]),
    "no match, by user": (
        {}, "aksk", False, dict(gate_expect="no_match", gate_user_name="no-such-user"),
        ["no batch async job matches", "user_name=no-such-user"]),
}
# A gate that passes and one that stops: the smoke set, run on every ansible-core release.
SMOKE_CASES = ("committed, by ids", "failed validation")
# The cases other tests read, run whenever one of those tests is selected.
CASES_READ = {"test_gate_looks_and_waits_in_two_module_runs_however_many_ids": "committed, by ids",
              "test_gate_commits_each_validated_batch_once": "committed by the gate, by ids",
              "test_gate_waits_share_one_deadline": "committed by the gate, by ids"}


@pytest.fixture(scope="module")
def gate_runs(request, module_ansible, start_module_emulator):
    def run(case):
        options, style, via_role, gate, _expected = CASES[case]
        emulator = start_module_emulator(seed_jobs=BATCH + OTHERS, **options)
        # Each result carries its module arguments (ansible-core 2.21 leaves them out unless asked).
        return emulator, module_ansible.playbook(PLAYBOOK, extra=["-vvv"], env={"ANSIBLE_INJECT_INVOCATION": "1"},
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
        assert text in run.stdout, (text, run)
    assert_no_secret([run.stdout, run.stderr], emulator)


def module_runs(run):
    """``[(task name, result)]`` of the role's info module runs (a looped task's result has no request_stats)."""
    return [(name, result) for name, result in run.task_results()
            if name.startswith("hwcloud.drs.commit_gate : ") and "request_stats" in result]


def test_gate_looks_and_waits_in_two_module_runs_however_many_ids(gate_runs):
    """All ids in one look and one wait (never one run per id, nor per poll)."""
    _emulator, run = gate_runs["committed, by ids"]
    runs = module_runs(run)
    assert len(runs) == 2, [name for name, _result in run.task_results()]
    assert runs[-1][1]["request_stats"]["polls"] > 1


def test_gate_commits_each_validated_batch_once(gate_runs):
    emulator, run = gate_runs["committed by the gate, by ids"]
    names = [name for name, _result in module_runs(run)]
    # a look, a wait for validation, then a wait for the commit; the commits are one looped task
    assert len(names) == 3, names
    assert emulator.stats()["routes"]["drs_commit"] == len(BATCH_IDS)


def test_gate_waits_share_one_deadline(gate_runs):
    """The wait for validation and the wait for the commit share commit_gate_timeout: the second one only
    gets the time left, never the whole timeout again."""
    _emulator, run = gate_runs["committed by the gate, by ids"]
    waits = [result for _name, result in module_runs(run) if result["invocation"]["module_args"]["wait_for_status"]]
    assert len(waits) == 2, waits
    (first, second) = [result["invocation"]["module_args"]["wait_timeout"] for result in waits]
    first_seconds = waits[0]["_seconds"]
    assert first_seconds >= 1, waits[0]  # validation took two polls
    assert first <= CASES["committed by the gate, by ids"][3]["gate_timeout"]
    assert second <= first - int(first_seconds), (first, first_seconds, second)
