"""The commit module end to end through AnsibleModule, against the in-process emulator (``drs``), on a fake clock.

The emulator moves the batch along by the list calls it answers: ``validate_after_calls`` N (call N + 1 sees
it validated), ``commit_after_calls`` N (a commit lands N list calls after it was accepted; a huge N, never).
"""

import json

import pytest
import requests

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job

from drs_service import TASK_REASONS  # pylint: disable=import-error
from module_args import run_main  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED, VALIDATING  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.module_failures import COMMIT_KEYS, assert_failed  # pylint: disable=import-error

BATCH = "batch-000"
NEVER = 10 ** 6


@pytest.fixture
def run(clean_environment, drs):  # pylint: disable=unused-argument
    """``run(args, check_mode=False)``: a ModuleRun of the module against the emulator, with access keys and the
    project id, max_retries 2 and wait_sleep 1 unless ``args`` says otherwise."""
    def run_module(args, check_mode=False):
        arguments = dict(drs.options(), max_retries=2, wait_sleep=1)
        arguments.update(args)
        if check_mode:
            arguments["_ansible_check_mode"] = True
        return run_main(drs_batch_async_job.main, arguments, session=drs.session)

    return run_module


def seed_batch(drs, status, **lifecycle):
    drs.seed(make_jobs(1, statuses=(status,), prefix="batch"), **lifecycle)


def test_a_committed_batch_is_left_alone(run, drs):
    seed_batch(drs, COMMITTED)
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is False and "commit" not in result
    assert result["job"]["status"] == COMMITTED
    assert drs.commit_calls() == [] and "drs_commit" not in drs.routes()
    assert result["diff"] == {"before": {"status": COMMITTED}, "after": {"status": COMMITTED}}


def test_a_validated_batch_is_committed_once_and_waited_for(run, drs):
    seed_batch(drs, VALIDATED)
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is True
    assert result["commit"] == {"async_job_id": BATCH, "status": COMMITTED, "msg": ""}
    assert result["job"]["status"] == COMMITTED
    [commit] = drs.commit_calls()
    assert commit.path == "/v5/%s/batch-async-jobs/%s/commit" % (drs.state["project_id"], BATCH)
    assert commit.headers["Content-Type"] == "application/json" and drs.routes()["drs_commit"] == 1
    assert result["diff"]["before"] == {"status": VALIDATED}


def test_the_commit_is_waited_for_until_the_batch_is_committed(run, drs):
    seed_batch(drs, VALIDATED, commit_after_calls=1)
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is True and result["job"]["status"] == COMMITTED
    assert result["request_stats"]["polls"] == 3


def test_a_commit_that_never_completes_times_out_saying_it_was_sent(run, drs):
    seed_batch(drs, VALIDATED, commit_after_calls=NEVER)
    outcome = run({"async_job_id": BATCH, "wait_timeout": 5})
    assert_failed(outcome, "Timed out after 5 seconds", BATCH, keys=COMMIT_KEYS, changed=True)
    assert outcome.result["commit"]["async_job_id"] == BATCH
    assert len(drs.commit_calls()) == 1


def test_the_wait_for_validation_and_the_wait_for_the_commit_share_one_deadline(run, drs):
    # Validated about 4 seconds into an 8-second wait_timeout, then a commit that never completes: the run
    # ends when the 8 seconds are out, not 8 seconds after the commit.
    seed_batch(drs, VALIDATING, validate_after_calls=4, commit_after_calls=NEVER)
    outcome = run({"async_job_id": BATCH, "wait_timeout": 8})
    assert_failed(outcome, "Timed out after 8 seconds", keys=COMMIT_KEYS)
    assert len(drs.commit_calls()) == 1
    # Polls are 1 second apart on the fake clock: one deadline makes 10 (4 before the commit, the first read
    # standing for the first poll of the wait for validation; the read after it, 5 more), a deadline per wait 13.
    assert outcome.result["request_stats"]["polls"] == 10, outcome.result["request_stats"]


def test_without_wait_the_batch_is_read_once_more_after_the_commit(run, drs):
    seed_batch(drs, VALIDATED)
    result = run({"async_job_id": BATCH, "wait": False}).result
    assert result["changed"] is True and result["job"]["status"] == COMMITTED
    assert result["request_stats"]["polls"] == 2


def test_check_mode_reports_the_commit_without_sending_it(run, drs):
    seed_batch(drs, VALIDATED)
    result = run({"async_job_id": BATCH}, check_mode=True).result
    assert result["changed"] is True and drs.commit_calls() == []
    assert result["diff"] == {"before": {"status": VALIDATED}, "after": {"status": COMMITTED}}


@pytest.mark.parametrize("status, wait, would_wait_for", [
    (VALIDATED, True, COMMITTED),
    (VALIDATING, True, VALIDATED),
    (VALIDATING, False, None),
])
def test_check_mode_never_waits_and_says_what_a_real_run_would(run, drs, status, wait, would_wait_for):
    """A batch still validating counts as one to commit: check mode skipped the wait for validation before."""
    seed_batch(drs, status, validate_after_calls=NEVER)
    outcome = run({"async_job_id": BATCH, "wait": wait, "wait_timeout": 900}, check_mode=True)
    result = outcome.result
    assert result["changed"] is True and not result.get("failed"), result.get("msg")
    assert drs.routes() == {"drs_list": 1} and outcome.clock.sleeps == []
    assert result.get("would_wait_for") == (
        None if would_wait_for is None else {"status": would_wait_for, "async_job_ids": [BATCH], "timeout": 900})
    assert "Check mode: " in json.dumps(result["warnings"])


def test_a_validating_batch_is_waited_for_then_committed(run, drs):
    seed_batch(drs, VALIDATING, validate_after_calls=1)
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is True and result["job"]["status"] == COMMITTED
    assert len(drs.commit_calls()) == 1
    assert result["diff"]["before"] == {"status": VALIDATING}


def test_a_validating_batch_without_wait_fails_saying_so(run, drs):
    seed_batch(drs, VALIDATING)
    outcome = run({"async_job_id": BATCH, "wait": False})
    assert_failed(outcome, "still ASYNC_JOB_VALIDATING", "wait", keys=COMMIT_KEYS)
    assert drs.commit_calls() == [] and outcome.result["job"]["status"] == VALIDATING


def test_a_failed_batch_fails_with_its_reasons(run, drs):
    seed_batch(drs, VALIDATE_FAILED)
    outcome = run({"async_job_id": BATCH})
    # The batch is named once, before its first reasons (the precheck item before the line summing prechecks up).
    msg = assert_failed(outcome, "failed validation", TASK_REASONS[0][1].rstrip("."), keys=COMMIT_KEYS)
    assert msg.count(BATCH) == 1, msg
    assert drs.commit_calls() == []
    failures = outcome.result["validation_failures"]
    assert failures[0]["async_job_id"] == BATCH and failures[0]["tasks"][0]["reasons"] == TASK_REASONS[0]


def test_a_failed_batch_whose_reasons_cannot_be_read_still_fails_on_the_status(run, drs):
    seed_batch(drs, VALIDATE_FAILED)
    drs.faults({"route": "detail", "status": 500})
    outcome = run({"async_job_id": BATCH})
    assert_failed(outcome, "failed validation", "reasons could not be read", keys=COMMIT_KEYS, validation_failures=[])


def test_an_unknown_batch_fails_naming_the_id(run, drs):
    seed_batch(drs, COMMITTED)
    assert_failed(run({"async_job_id": "no-such-batch"}), "no-such-batch", keys=COMMIT_KEYS, job={})


def test_a_commit_that_timed_out_but_landed_is_not_sent_again(run, drs):
    seed_batch(drs, VALIDATED)
    # The service commits the batch; its answer does not come back in time.
    drs.session.lose_next_answer(lambda call: call.method == "POST", requests.exceptions.ReadTimeout("read timed out"))
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is True and result["job"]["status"] == COMMITTED
    assert len(drs.commit_calls()) == 1 and drs.routes()["drs_commit"] == 1 and "commit" not in result


def test_a_commit_lost_before_it_landed_is_sent_again_after_reading_the_batch(run, drs):
    seed_batch(drs, VALIDATED)
    drs.faults({"route": "commit", "drop": True, "count": 1})  # the connection closes before the service acts
    result = run({"async_job_id": BATCH}).result
    assert result["changed"] is True and len(drs.commit_calls()) == 2
    methods = [call.method for call in drs.drs_calls()]
    # list, POST (lost), list (still validated), POST, list (committed)
    assert methods == ["GET", "POST", "GET", "POST", "GET"], methods
    assert result["request_stats"]["retries"] == 1


def test_a_commit_that_keeps_failing_stops_after_max_retries(run, drs):
    seed_batch(drs, VALIDATED)
    drs.faults({"route": "commit", "status": 503, "error_code": "APIGW.0203", "error_msg": "Busy.", "count": 5})
    outcome = run({"async_job_id": BATCH})
    msg = assert_failed(outcome, "; 3 commit attempts were sent and, read after the last, the batch is still "
                        "AUTO_PARAM_VALIDATE_SUCCESS (not committed). Hint: ", keys=COMMIT_KEYS, error_code="APIGW.0203")
    assert "not sent again" not in msg, msg
    assert len(drs.commit_calls()) == 3  # max_retries 2: three attempts, no more


def test_a_commit_refused_for_lack_of_rights_names_a_policy_that_can_commit(run, drs):
    seed_batch(drs, VALIDATED)
    drs.faults({"route": "commit", "status": 403, "error_code": "DRS.M00102", "error_msg": "No permission.",
                "count": 1})
    msg = assert_failed(run({"async_job_id": BATCH}), "DRS FullAccess", "not sent again", keys=COMMIT_KEYS)
    assert "ReadOnlyAccess" not in msg, msg


def test_a_rejected_commit_is_not_sent_again(run, drs):
    seed_batch(drs, VALIDATED)
    drs.faults({"route": "commit", "status": 400, "error_code": "DRS.10000001", "error_msg": "Failed.", "count": 1})
    outcome = run({"async_job_id": BATCH})
    assert_failed(outcome, VALIDATED, keys=COMMIT_KEYS, error_code="DRS.10000001")
    assert len(drs.commit_calls()) == 1


@pytest.mark.parametrize("args,words", [
    ({"async_job_id": "  "}, ["async_job_id", "empty"]),
    ({"async_job_id": BATCH, "state": "absent"}, ["state", "committed"]),
    ({"async_job_id": BATCH, "wait_timeout": -1}, ["wait_timeout"]),
    ({"async_job_id": BATCH, "wait_timeout": 31 * 86400 + 1}, ["wait_timeout"]),
    ({"async_job_id": BATCH, "wait_sleep": float("nan")}, ["wait_sleep", "finite"]),
    ({"async_job_id": BATCH, "wait_sleep": 3601}, ["wait_sleep"]),
    ({}, ["async_job_id"]),
])
def test_bad_input_fails_before_any_request(run, drs, args, words):
    seed_batch(drs, VALIDATED)
    assert_failed(run(args), *words, keys=COMMIT_KEYS, requests=0)
    assert drs.routes() == {}


def test_wait_options_without_wait_are_ignored_with_a_warning(run, drs):
    seed_batch(drs, VALIDATED)
    result = run({"async_job_id": BATCH, "wait": False, "wait_timeout": 60}).result
    assert result["changed"] is True
    assert "wait_timeout and wait_sleep are ignored with wait=false" in json.dumps(result["warnings"])


def test_a_wait_sleep_below_the_floor_is_raised_with_a_warning(run, drs):
    seed_batch(drs, VALIDATED, commit_after_calls=1)
    result = run({"async_job_id": BATCH, "wait_sleep": 0.1}).result
    assert result["changed"] is True
    assert "below the floor of 1 second" in json.dumps(result["warnings"])
