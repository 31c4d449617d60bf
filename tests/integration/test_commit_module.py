"""hwcloud.drs.drs_batch_async_job through real ansible runs: the behaviour table, check and diff mode, commits
that fail on the way, and a long wait under async/poll."""

import pytest

from secret_scan import assert_no_secret
from support.ansible_runner import GROUP
from support.module_options import connection

COMMIT_MODULE = "hwcloud.drs.drs_batch_async_job"


def job(async_job_id, status, index):
    return {"async_job_id": async_job_id, "status": status, "domain_name": "demo-domain", "user_name": "demo-user",
            "create_time": "2026-11-01T00:%02d:00Z" % index}


TABLE_JOBS = [job("committed", "COMMIT_SUCCESS", 0), job("validated", "AUTO_PARAM_VALIDATE_SUCCESS", 1),
              job("still-validating", "ASYNC_JOB_VALIDATING", 3), job("failed", "ASYNC_JOB_VALIDATE_FAILED", 4)]


def commit_task(name, async_job_id, **options):
    task = {"name": name, COMMIT_MODULE: dict(async_job_id=async_job_id, wait_sleep=1, wait_timeout=60, **options),
            "register": "result_" + name.replace(" ", "_"), "ignore_errors": True}
    return task


@pytest.fixture(scope="module")
def table_run(module_ansible, start_module_emulator):
    # The validating batch stays so (test_a_validating_batch_is_waited_for_then_committed covers the wait).
    emulator = start_module_emulator(seed_jobs=TABLE_JOBS, validate_after_seconds=3600)
    tasks = [
        commit_task("validating without wait", "still-validating", wait=False),
        dict(commit_task("check mode", "validated"), check_mode=True, diff=True),
        commit_task("committed", "committed"),
        commit_task("validated", "validated"),
        commit_task("validated again", "validated"),
        commit_task("failed", "failed"),
        commit_task("missing", "no-such-batch"),
    ]
    run = module_ansible.play(tasks, defaults=connection(emulator.state), extra=["-vvv"])
    return emulator, run, emulator.stats()


def test_the_behaviour_table(table_run):
    emulator, run, stats = table_run
    run.assert_ok()
    check = run.task("check mode")
    assert check["changed"] is True and "commit" not in check
    assert check["diff"] == {"before": {"status": "AUTO_PARAM_VALIDATE_SUCCESS"}, "after": {"status": "COMMIT_SUCCESS"}}

    committed = run.task("committed")
    assert committed["changed"] is False and committed["job"]["status"] == "COMMIT_SUCCESS" and "commit" not in committed

    validated = run.task("validated")
    assert validated["changed"] is True and validated["job"]["status"] == "COMMIT_SUCCESS"
    assert validated["commit"] == {"async_job_id": "validated", "status": "COMMIT_SUCCESS", "msg": ""}
    assert run.task("validated again")["changed"] is False

    without_wait = run.task("validating without wait")
    assert without_wait["failed"] and "still ASYNC_JOB_VALIDATING" in without_wait["msg"]

    failed = run.task("failed")
    assert failed["failed"] and "failed validation" in failed["msg"] and "failed" in failed["msg"]
    assert "validation_failures" in failed and failed["job"]["status"] == "ASYNC_JOB_VALIDATE_FAILED"

    missing = run.task("missing")
    assert missing["failed"] and "no-such-batch" in missing["msg"] and missing["job"] == {}

    # Only the batch that passed validation was committed, once; check mode sent nothing.
    assert stats["routes"].get("drs_commit", 0) == 1
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_a_failed_batch_fails_quoting_its_reasons(table_run):
    _emulator, run, _stats = table_run
    failed = run.task("failed")
    assert "could not be read" not in failed["msg"]
    assert failed["validation_failures"] and failed["validation_failures"][0]["async_job_id"] == "failed"
    reasons = [reason for task in failed["validation_failures"][0]["tasks"] for reason in task["reasons"]]
    # The first specific reason (the precheck item, not the line summing the prechecks up), once, after its task.
    assert reasons and "task mysql-to-mysql-failed-1: %s" % reasons[1].rstrip(".") in failed["msg"], failed["msg"]
    assert "failed: task" not in failed["msg"], failed["msg"]  # the batch is named once, by the message itself


@pytest.mark.smoke
def test_a_validating_batch_is_waited_for_then_committed(ansible, start_emulator):
    # Validation ends once 2 list calls were answered: the module's first read sees it validating.
    emulator = start_emulator(seed_jobs=[job("validating", "ASYNC_JOB_VALIDATING", 0)], validate_after_calls=2)
    run = ansible.adhoc(dict(connection(emulator.state), async_job_id="validating", wait_sleep=1),
                        module=COMMIT_MODULE).assert_ok()
    result = run.module_result()
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert result["request_stats"]["polls"] > 2
    assert emulator.stats()["routes"]["drs_commit"] == 1


def test_diff_mode_shows_the_status_before_and_after(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=[job("validated", "AUTO_PARAM_VALIDATE_SUCCESS", 0)])
    run = ansible.play([{"name": "would commit", COMMIT_MODULE: {"async_job_id": "validated"}}],
                       defaults=connection(emulator.state), extra=["--check", "--diff"]).assert_ok()
    assert '-    "status": "AUTO_PARAM_VALIDATE_SUCCESS"' in run.stdout, run
    assert '+    "status": "COMMIT_SUCCESS"' in run.stdout, run
    assert "changed: [localhost]" in run.stdout
    assert emulator.stats()["routes"].get("drs_commit", 0) == 0


@pytest.mark.parametrize("fault,commit_calls", [
    # The connection drops before the service acted: read the batch, still validated, so commit again.
    ({"route": "commit", "drop": True, "count": 1}, 2),
    # A gateway error: the same, never repeated by the transport on its own.
    ({"route": "commit", "status": 503, "count": 1}, 2),
    # Rejected: not sent again, and the failure names the batch's status.
    ({"route": "commit", "status": 400, "error_code": "DRS.10000001", "error_msg": "Failed.", "count": 1}, 1),
])
def test_a_commit_that_fails_is_repeated_only_after_reading_the_batch(ansible, start_emulator, fault, commit_calls):
    emulator = start_emulator(seed_jobs=[job("validated", "AUTO_PARAM_VALIDATE_SUCCESS", 0)], fault=[fault])
    arguments = dict(connection(emulator.state), async_job_id="validated", wait_sleep=1, max_retries=3)
    run = ansible.adhoc(arguments, module=COMMIT_MODULE)
    result = run.module_result()
    stats = emulator.stats()
    assert stats["routes"]["drs_commit"] == commit_calls, (stats, run)
    if commit_calls == 1:
        run.assert_failed()
        assert result["error_code"] == "DRS.10000001" and "AUTO_PARAM_VALIDATE_SUCCESS" in result["msg"]
        assert "not sent again" in result["msg"]
    else:
        run.assert_ok()
        assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
        # Every commit after the first follows a read of the batch.
        assert stats["routes"]["drs_list"] >= 3


def test_a_long_wait_under_async_prints_a_line_at_every_poll(ansible, start_emulator):
    """The guide's advice for CI jobs that end after some minutes of silence: async + poll."""
    # Validation ends after 16 reads, about 8 s into the module's wait (polls every 0.5 s), whenever it starts.
    emulator = start_emulator(seed_jobs=[job("validating", "ASYNC_JOB_VALIDATING", 0)], validate_after_calls=16)
    run = ansible.play([{
        "name": "commit once validated",
        COMMIT_MODULE: {"async_job_id": "validating", "wait_sleep": 1, "wait_timeout": 60},
        "async": 120,
        "poll": 1,
        "register": "committed",
    }], defaults=connection(emulator.state)).assert_ok()
    polls = [line for line in run.stdout.splitlines() if line.startswith("ASYNC POLL on localhost")]
    assert len(polls) >= 2, run
    result = run.task("commit once validated")
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert emulator.stats()["routes"]["drs_commit"] == 1
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_the_module_joins_the_action_group(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=[job("committed", "COMMIT_SUCCESS", 0)])
    run = ansible.play([{"name": "commit", COMMIT_MODULE: {"async_job_id": "committed"}}],
                       defaults=connection(emulator.state)).assert_ok()
    assert run.task("commit")["changed"] is False
    assert GROUP == "group/hwcloud.drs.drs"
