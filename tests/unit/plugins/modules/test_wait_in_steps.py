"""Waits run in steps, as the action plugin runs them (plugins/plugin_utils/_wait_progress.py), on a fake clock.

Each step is one module run that ends after a poll when a progress line is due; the next step starts from the
state the step before returned. What a user sees must be the same as one run waiting in one go: the same
polls, one commit per batch, the same result and the same deadline, plus the lines.
"""

import time

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job, drs_batch_async_job_info, drs_commit_gate

from module_args import run_main  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import GATE_KEYS, INFO_KEYS, assert_failed  # pylint: disable=import-error

BATCH = make_jobs(3, statuses=(VALIDATING,), prefix="steps-batch")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
NEVER = 10 ** 6


def in_steps(main, args, session, clock=None):
    """``(result, lines, steps)``: the module run the way the action plugin runs it, on one fake clock."""
    clock = clock or FakeClock(wall=time.time)
    lines, state, steps = [], {}, 0
    while True:
        steps += 1
        assert steps < 1000, "the steps never end"
        outcome = run_main(main, dict(args, _wait_state=state), session=session, clock=clock)
        state = outcome.result.pop("wait_state", None)
        line = outcome.result.pop("progress", None)
        if not state or outcome.result.get("failed"):
            return outcome, lines, steps
        assert line, outcome.result
        lines.append((clock.monotonic(), line))


@pytest.fixture
def seeded(clean_environment, drs):  # pylint: disable=unused-argument
    """``seeded(**lifecycle)``: the module options that reach the emulator, its batches seeded with ``lifecycle``."""
    def seed(**lifecycle):
        drs.seed(BATCH, **lifecycle)
        return drs.options(wait_sleep=10)

    return seed


def test_a_gate_in_steps_shows_the_start_each_change_and_a_heartbeat(seeded, drs):
    # Each listing is one list call per batch: validated at the 7th listing, committed 4 listings later.
    args = dict(seeded(validate_after_calls=6 * len(BATCH_IDS), commit_after_calls=4 * len(BATCH_IDS)),
                async_job_ids=BATCH_IDS, commit=True, progress_interval=30)
    outcome, lines, steps = in_steps(drs_commit_gate.main, args, drs.session)
    assert outcome.result["passed"] is True, outcome.result
    texts = [line for _at, line in lines]
    # The wait starts (the first look), heartbeats every 30 s while nothing changes, then the commit's wait.
    assert texts[0].startswith("waiting for AUTO_PARAM_VALIDATE_SUCCESS, 0 s of 30 min: ASYNC_JOB_VALIDATING 3; "
                               "pending steps-\u2026ch-000, steps-\u2026ch-001, steps-\u2026ch-002"), texts
    assert [at - lines[0][0] for at, _line in lines[:3]] == [0, 30, 60], lines
    assert any(line.startswith("waiting for COMMIT_SUCCESS") and "AUTO_PARAM_VALIDATE_SUCCESS 3" in line
               for line in texts), texts
    assert steps == len(lines) + 1
    # One commit per batch, though steps after the commit ran the module again; the result says so.
    assert drs.routes()["drs_commit"] == len(BATCH_IDS)
    assert outcome.result["changed"] is True
    assert sorted(outcome.result["committed_async_job_ids"]) == BATCH_IDS
    assert outcome.result["diff"]["before"] == dict((batch, "AUTO_PARAM_VALIDATE_SUCCESS") for batch in BATCH_IDS)


def test_steps_poll_as_often_as_one_run_and_count_every_request(seeded, drs):
    lifecycle = dict(validate_after_calls=6 * len(BATCH_IDS), commit_after_calls=4 * len(BATCH_IDS))
    args = dict(seeded(**lifecycle), async_job_ids=BATCH_IDS, commit=True, progress_interval=20)
    one_run = run_main(drs_commit_gate.main, args, session=drs.session)
    args = dict(seeded(**lifecycle), async_job_ids=BATCH_IDS, commit=True, progress_interval=20)
    stepped, lines, _steps = in_steps(drs_commit_gate.main, args, drs.session)
    assert len(lines) >= 3
    assert stepped.result["request_stats"] == one_run.result["request_stats"]
    assert stepped.result["elapsed_seconds"] == one_run.result["elapsed_seconds"]
    assert stepped.result["summary"] == one_run.result["summary"]


def test_a_timeout_in_steps_counts_from_the_start_of_the_wait(seeded, drs):
    args = dict(seeded(validate_after_calls=NEVER), async_job_ids=BATCH_IDS, wait_timeout=100, progress_interval=15)
    clock = FakeClock(wall=time.time)
    outcome, lines, _steps = in_steps(drs_commit_gate.main, args, drs.session, clock)
    assert_failed(outcome, "Timed out after 100 seconds", keys=GATE_KEYS)
    assert sum(clock.sleeps) == 100, clock.sleeps
    # Every 15 s, on polls 10 s apart: at 0, 20, 40, 60 and 80 s; the poll at 100 s ends the wait.
    assert [at - lines[0][0] for at, _line in lines] == [0, 20, 40, 60, 80], lines
    assert lines[-1][1].startswith("waiting for COMMIT_SUCCESS, 1 min 20 s of 1 min 40 s"), lines


def test_a_commit_in_steps_goes_out_once(seeded, drs):
    args = dict(seeded(validate_after_calls=3, commit_after_calls=5), async_job_id=BATCH_IDS[0], progress_interval=10)
    outcome, lines, _steps = in_steps(drs_batch_async_job.main, args, drs.session)
    assert outcome.result["changed"] is True and outcome.result["job"]["status"] == COMMITTED, outcome.result
    assert drs.routes()["drs_commit"] == 1
    assert outcome.result["diff"] == {"before": {"status": VALIDATING}, "after": {"status": COMMITTED}}
    assert "commit" in outcome.result
    assert lines[0][1].startswith("waiting for validation to end, 0 s of 30 min: ASYNC_JOB_VALIDATING 1; pending "
                                  "steps-\u2026ch-000"), lines
    assert any(line.startswith("waiting for the commit to reach COMMIT_SUCCESS") for _at, line in lines), lines


def test_an_info_wait_in_steps_fails_fast_with_its_reasons(seeded, drs):
    args = dict(seeded(validate_after_calls=4, fail_ids=[BATCH_IDS[1]]), async_job_ids=BATCH_IDS,
                wait_for_status=COMMITTED, progress_interval=10)
    outcome, lines, _steps = in_steps(drs_batch_async_job_info.main, args, drs.session)
    assert_failed(outcome, BATCH_IDS[1], "ASYNC_JOB_VALIDATE_FAILED", keys=INFO_KEYS)
    assert outcome.result["validation_failures"], outcome.result
    assert lines, "the wait showed no line before it failed"


def test_progress_interval_0_and_check_mode_wait_in_one_run(seeded, drs):
    args = dict(seeded(validate_after_calls=2 * len(BATCH_IDS)), async_job_ids=BATCH_IDS, progress_interval=0,
                wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS")
    outcome, lines, steps = in_steps(drs_batch_async_job_info.main, args, drs.session)
    assert (lines, steps) == ([], 1)
    assert not outcome.result.get("failed"), outcome.result
    args = dict(seeded(validate_after_calls=NEVER), async_job_ids=BATCH_IDS, wait_for_status=COMMITTED,
                _ansible_check_mode=True)
    outcome, lines, steps = in_steps(drs_batch_async_job_info.main, args, drs.session)
    assert (lines, steps) == ([], 1)
    assert outcome.result["would_wait_for"]["async_job_ids"] == BATCH_IDS


@pytest.mark.parametrize("state", [
    {"started": "yesterday", "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef"},
    {"started": 1e12, "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef"},
    {"started": 1, "next_poll": 1, "shown_at": 1, "counts": ["VALIDATING"]},
    {"counts": "0123456789abcdef"},
    {"started": float("nan"), "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef"},
    {"started": 1, "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef", "stats": {"requests": "many"}},
    {"started": 1, "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef", "carried": ["x"]},
    {"started": 1, "next_poll": 1e9, "shown_at": 1, "counts": "0123456789abcdef"},  # would sleep for years
    {"started": 1, "next_poll": "inf", "shown_at": 1, "counts": "0123456789abcdef"},
    {"started": -5000, "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef"},  # older than its timeout
    {"started": 10, "next_poll": 1, "shown_at": 1, "counts": "0123456789abcdef"},  # shown before it began
])
def test_a_wait_state_set_by_hand_fails_before_any_request(seeded, drs, state):
    args = dict(seeded(), async_job_ids=BATCH_IDS, _wait_state=state)
    outcome = run_main(drs_commit_gate.main, args, session=drs.session)
    assert_failed(outcome, "_wait_state is internal", "progress_interval", keys=GATE_KEYS)
    assert drs.routes() == {}, drs.routes()


def test_progress_interval_out_of_range_is_refused_naming_the_role_variable(seeded, drs):
    args = dict(seeded(), async_job_ids=BATCH_IDS, progress_interval=-1)
    outcome = run_main(drs_commit_gate.main, args, session=drs.session)
    assert_failed(outcome, "progress_interval (commit_gate_progress_interval in the role) must be between 0 and 86400",
                  keys=GATE_KEYS)


def test_a_line_stays_short_and_secret_free_whatever_the_service_lists(clean_environment, drs):  # pylint: disable=unused-argument
    # 30 invented statuses, one of them 10,000 characters long and one quoting a piece of the secret key, and
    # an id that holds the secret key's end: the line shows the 8 most frequent statuses, each cut, and no
    # piece of a secret.
    args = drs.options(wait_sleep=10)
    secret = args["secret_key"]
    jobs = [dict(job, status="STATUS_%02d" % index) for index, job in enumerate(make_jobs(30, prefix="odd"))]
    jobs[0]["status"] = "X" * 10000
    jobs[1]["status"] = "ECHO_%s_ECHO" % secret[4:16]
    jobs[2]["async_job_id"] = "id-%s" % secret[-10:]
    drs.seed(jobs)
    args.update(wait_for_status=COMMITTED, wait_timeout=30, progress_interval=10)
    outcome, lines, _steps = in_steps(drs_batch_async_job_info.main, args, drs.session)
    assert_failed(outcome, "Timed out after 30 seconds", keys=INFO_KEYS)
    assert lines
    for _at, line in lines:
        assert len(line) < 700, len(line)
        assert "22 other statuses 22" in line, line
        assert not any(secret[index:index + 8] in line for index in range(len(secret) - 7)), line


def test_a_replication_wait_in_steps_ends_as_one_run_does(clean_environment, drs):  # pylint: disable=unused-argument
    from ansible_collections.hwcloud.drs.plugins.modules import drs_job_info  # pylint: disable=import-outside-toplevel
    committed = make_jobs(2, statuses=(COMMITTED,), prefix="steps-rep")
    args = dict(drs.options(wait_sleep=10), async_job_ids=[batch["async_job_id"] for batch in committed],
                wait_for_stage="incremental", max_lag_seconds=5, progress_interval=20)
    drs.seed(committed)
    one_run = run_main(drs_job_info.main, dict(args, progress_interval=0), session=drs.session)
    drs.seed(committed)
    stepped, lines, _steps = in_steps(drs_job_info.main, args, drs.session)
    assert not stepped.result.get("failed"), stepped.result.get("msg")
    assert [(job["id"], job["status"], job["incremental_delay"]) for job in stepped.result["jobs"]] == [
        (job["id"], job["status"], job["incremental_delay"]) for job in one_run.result["jobs"]]
    assert len(lines) >= 2, lines
    assert lines[0][1].startswith("waiting for incremental replication (INCRE_TRANSFER_STARTED) with a lag of at "
                                  "most 5 seconds, 0 s of 30 min: CREATING "), lines


def test_a_gate_that_follows_the_replication_in_steps_commits_once(seeded, drs):
    args = dict(seeded(validate_after_calls=2 * len(BATCH_IDS), commit_after_calls=2 * len(BATCH_IDS)),
                async_job_ids=BATCH_IDS, commit=True, wait_for_stage="started", progress_interval=10)
    outcome, lines, _steps = in_steps(drs_commit_gate.main, args, drs.session)
    assert outcome.result["passed"] is True, outcome.result.get("msg")
    assert drs.routes()["drs_commit"] == len(BATCH_IDS)
    assert sorted(outcome.result["committed_async_job_ids"]) == BATCH_IDS
    assert any(line.startswith("waiting for started") for _at, line in lines), lines
    assert outcome.result["drs_jobs"] and all(job["status"] != "CREATING" for job in outcome.result["drs_jobs"])
