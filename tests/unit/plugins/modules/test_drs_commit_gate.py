"""The gate module end to end through AnsibleModule, against the in-process emulator (``drs``), on a fake clock.

The emulator moves batches along by the list calls it answers (``validate_after_calls``, ``commit_after_calls``;
each listing of the gate is one list call per id), so a wait takes as many polls as a test says, and no real time.
"""

import json
import time

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_commit_gate

from fake_session import FakeSession, make_response  # pylint: disable=import-error
from module_args import run_main  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import GATE_KEYS, assert_failed  # pylint: disable=import-error

BATCH = make_jobs(3, statuses=(VALIDATING,), users=("migration-bot",), prefix="gate")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
NEVER = 10 ** 6


@pytest.fixture
def gate(clean_environment, drs):  # pylint: disable=unused-argument
    """``gate(lifecycle, **args)``: the batch seeded with ``lifecycle`` (the emulator's seed keys), then a
    ModuleRun of the gate on its ids, wait_sleep 10, unless ``args`` says otherwise."""
    def run(lifecycle, **args):
        drs.seed(BATCH, **lifecycle)
        arguments = dict(drs.options(), async_job_ids=BATCH_IDS, wait_sleep=10)
        arguments.update(args)
        return run_main(drs_commit_gate.main, dict((key, value) for key, value in arguments.items()
                                                   if value is not None), session=drs.session)

    return run


def test_the_waits_for_validation_and_for_the_commit_share_one_deadline(gate, drs):
    """Validation takes 4 listings (30 s); the commit never lands: the run ends at wait_timeout in all, not
    30 s plus another whole wait_timeout."""
    outcome = gate(dict(validate_after_calls=3 * len(BATCH_IDS), commit_after_calls=NEVER), commit=True,
                   wait_timeout=100)
    assert_failed(outcome, "Timed out after 100 seconds", keys=GATE_KEYS, changed=True)
    assert sum(outcome.clock.sleeps) == 100, outcome.clock.sleeps
    assert sorted(outcome.result["committed_async_job_ids"]) == BATCH_IDS
    assert drs.routes()["drs_commit"] == len(BATCH_IDS)


def test_a_failed_validation_during_the_wait_commits_nothing(gate, drs):
    outcome = gate(dict(validate_after_calls=len(BATCH_IDS), fail_ids=["gate-001"]), commit=True)
    assert_failed(outcome, "gate-001", "ASYNC_JOB_VALIDATE_FAILED", keys=GATE_KEYS, changed=False,
                  committed_async_job_ids=[])
    assert outcome.result["request_stats"]["polls"] == 2  # the first look saw every batch validating
    assert "drs_commit" not in drs.routes(), drs.routes()
    assert outcome.result["validation_failures"][0]["async_job_id"] == "gate-001"


def test_a_timed_out_wait_for_validation_commits_nothing(gate, drs):
    outcome = gate(dict(validate_after_calls=NEVER), commit=True, wait_timeout=30)
    assert_failed(outcome, "Timed out after 30 seconds", "Nothing was committed", keys=GATE_KEYS,
                  committed_async_job_ids=[])
    assert "drs_commit" not in drs.routes(), drs.routes()


@pytest.mark.parametrize("commit, wait_for_status, validated", [
    (True, COMMITTED, False),
    (True, VALIDATED, True),
    (False, COMMITTED, True),
    (False, VALIDATED, False),
])
def test_check_mode_looks_once_and_reports_what_it_would_wait_for(gate, drs, commit, wait_for_status, validated):
    """Whatever it would wait for, check mode lists once, commits nothing, never sleeps, and passes."""
    outcome = gate(dict(validate_after_calls=0 if validated else NEVER), commit=commit,
                   wait_for_status=wait_for_status, _ansible_check_mode=True)
    result = outcome.result
    assert not result.get("failed"), result["msg"]
    assert result["passed"] and outcome.clock.sleeps == [] and result["request_stats"]["polls"] == 1
    assert drs.routes() == {"drs_list": len(BATCH_IDS)}, drs.routes()
    wanted = COMMITTED if commit else wait_for_status
    assert result["would_wait_for"] == {"status": wanted, "async_job_ids": BATCH_IDS, "timeout": 1800}
    # ansible-core 2.19 returns each warning as a structured summary: read them as text.
    assert "Check mode: not waiting for 3 batches to reach %s" % wanted in json.dumps(result["warnings"])
    # What a real run would commit: the batches validated, and those still validating (it waits for them).
    assert sorted(result["committed_async_job_ids"]) == (BATCH_IDS if commit else [])
    assert result["changed"] is commit
    assert result["summary"].startswith("checked (not waited for) after ")
    # The diff shows each batch's status as listed, and the one a real run would bring.
    assert result["diff"]["before"] == (dict.fromkeys(BATCH_IDS, VALIDATED if validated else VALIDATING) if commit
                                        else {})


def test_check_mode_still_stops_on_a_failed_validation(gate, drs):
    outcome = gate(dict(validate_after_calls=0, fail_ids=["gate-002"]), commit=True, _ansible_check_mode=True)
    assert_failed(outcome, "gate-002", keys=GATE_KEYS)
    assert "drs_commit" not in drs.routes()


def test_a_commit_gate_that_passes_reports_every_commit_and_a_summary(gate, drs):
    result = gate(dict(validate_after_calls=len(BATCH_IDS)), commit=True, _ansible_diff=True).result
    assert result["passed"] and not result.get("failed"), result.get("msg")
    assert drs.routes()["drs_commit"] == len(BATCH_IDS)
    assert result["status_counts"][COMMITTED] == len(BATCH_IDS) and result["changed"]
    assert result["diff"] == {"before": dict.fromkeys(BATCH_IDS, VALIDATED), "after": dict.fromkeys(BATCH_IDS, COMMITTED)}
    assert result["summary"].startswith("passed after ") and result["summary"].endswith(
        "; 3 batches to reach COMMIT_SUCCESS: COMMIT_SUCCESS 3; committed 3 batches")


def test_a_timeout_after_its_own_commits_says_they_were_sent_not_to_commit_by_hand(gate):
    outcome = gate(dict(validate_after_calls=0, commit_after_calls=NEVER), commit=True, wait_timeout=30)
    msg = assert_failed(outcome, "Timed out after 30 seconds", "3 batches committed by this run are not shown "
                        "COMMIT_SUCCESS yet", "not committed twice", keys=GATE_KEYS, changed=True)
    assert "nothing commits a batch by itself" not in msg, msg


@pytest.mark.parametrize("return_jobs, kept", [("all", 3), ("unfinished", 2), ("none", 0)])
def test_return_jobs_keeps_what_it_says_and_the_counts_cover_every_job(  # pylint: disable=unused-argument
        clean_environment, drs, return_jobs, kept):
    drs.seed(make_jobs(3, statuses=(COMMITTED, VALIDATED, VALIDATED), prefix="gate"))
    outcome = run_main(drs_commit_gate.main, dict(drs.options(), async_job_ids=BATCH_IDS, return_jobs=return_jobs,
                                                  wait_timeout=1, wait_sleep=1), session=drs.session)
    assert_failed(outcome, "Timed out", "2 batches passed validation but are not committed",
                  "set commit to true (commit_gate_commit in the role)", keys=GATE_KEYS)
    assert len(outcome.result["jobs"]) == kept and outcome.result["total_count"] == 3
    assert outcome.result["status_counts"][VALIDATED] == 2
    assert all(job["status"] != COMMITTED for job in outcome.result["jobs"]) or return_jobs == "all"


def test_a_commit_that_fails_names_the_batch_and_what_was_committed(gate, drs):
    drs.faults({"route": "commit", "status": 403, "error_code": "DRS.M00102", "error_msg": "Insufficient permissions.",
                "count": 1})
    outcome = gate(dict(validate_after_calls=0), commit=True, page_concurrency=1)
    msg = assert_failed(outcome, "1 batch could not be committed", "DRS.M00102", "committed: ", keys=GATE_KEYS,
                        changed=True, error_code="DRS.M00102")
    assert len(outcome.result["committed_async_job_ids"]) == len(BATCH_IDS) - 1, msg


# Each refusal names the option, and the role's variable for it (the role passes its variables through).
@pytest.mark.parametrize("args, phrase", [
    (dict(async_job_ids=None), "Select the batches to gate on with async_job_ids, domain_name or user_name "
                               "(commit_gate_async_job_ids, commit_gate_domain_name or commit_gate_user_name"),
    (dict(async_job_ids=[]), "async_job_ids (commit_gate_async_job_ids in the role) must hold at least one id"),
    (dict(async_job_ids=["gate-000", " "]), "async_job_ids (commit_gate_async_job_ids in the role) must hold"),
    (dict(async_job_ids=None, user_name=" "), "user_name (commit_gate_user_name in the role) is empty"),
    (dict(wait_timeout=0), "wait_timeout (commit_gate_timeout in the role) must be between 1 and 2678400, got 0"),
    (dict(wait_sleep=float("nan")), "wait_sleep (commit_gate_wait_sleep in the role) must be a finite number"),
    (dict(page_concurrency=0), "page_concurrency (commit_gate_page_concurrency in the role) must be between 1"),
    (dict(commit="maybe"), "argument 'commit' is of type"),
])
def test_a_selection_or_a_setting_that_cannot_work_is_refused_before_any_request(gate, drs, args, phrase):
    outcome = gate({}, **args)
    assert_failed(outcome, phrase, keys=GATE_KEYS, requests=0, jobs=[], committed_async_job_ids=[])
    assert drs.routes() == {}, drs.routes()


@pytest.mark.parametrize("args, phrase", [
    (dict(async_job_ids=BATCH_IDS + ["no-such-batch"]), "No batch async job matches async_job_id no-such-batch"),
    (dict(async_job_ids=None, user_name="nobody"), "No batch async job matches user_name=nobody"),
])
def test_what_matches_nothing_is_named_after_one_look(gate, args, phrase):
    outcome = gate({}, **args)
    assert_failed(outcome, phrase, keys=GATE_KEYS)
    assert outcome.result["request_stats"]["polls"] == 1 and outcome.clock.sleeps == []


def lax_service(clock=None, slow_seconds=0):
    """A FakeSession for a service that ignores the list call's filters (it lists every batch of the project)
    and commits what it is asked to; ``slow_seconds`` of the fake clock pass with every listing."""
    batches = make_jobs(3, statuses=(VALIDATED,), users=("migration-bot",), prefix="gate")

    def handle(call):
        if call.method == "GET":
            if clock is not None:
                clock.now += slow_seconds
            return make_response(200, {"total_count": len(batches), "jobs": batches})
        batch = call.path.split("/")[-2]
        for job in batches:
            if job["async_job_id"] == batch:
                job["status"] = COMMITTED
        return make_response(200, {"job": {"async_job_id": batch, "status": COMMITTED, "msg": ""}})

    return FakeSession(handle)


def test_a_service_that_ignores_the_id_filter_never_has_other_batches_committed(  # pylint: disable=unused-argument
        clean_environment, drs):
    session = lax_service()
    outcome = run_main(drs_commit_gate.main, dict(drs.options("token"), async_job_ids=["gate-001"], commit=True),
                       session=session)
    assert outcome.result["passed"], outcome.result.get("msg")
    assert [call.path.split("/")[-2] for call in session.calls if call.method == "POST"] == ["gate-001"]
    assert [job["async_job_id"] for job in outcome.result["jobs"]] == ["gate-001"]


def test_a_service_that_ignores_the_user_filter_never_has_other_users_batches_committed(  # pylint: disable=W0613
        clean_environment, drs):
    session = lax_service()
    outcome = run_main(drs_commit_gate.main, dict(drs.options("token"), user_name="dba-li", commit=True,
                                                  wait_timeout=5), session=session)
    assert [call for call in session.calls if call.method == "POST"] == []
    assert outcome.result["committed_async_job_ids"] == []


def test_no_commit_goes_out_once_the_deadline_has_passed(clean_environment, drs):  # pylint: disable=unused-argument
    clock = FakeClock(wall=time.time)
    session = lax_service(clock, slow_seconds=50)
    outcome = run_main(drs_commit_gate.main, dict(drs.options("token"), async_job_ids=BATCH_IDS, commit=True,
                                                  wait_timeout=10), session=session, clock=clock)
    assert_failed(outcome, "passed validation, but only once wait_timeout had run out, so nothing was committed",
                  keys=GATE_KEYS, committed_async_job_ids=[])
    assert [call for call in session.calls if call.method == "POST"] == []
