"""The gate module end to end through AnsibleModule, against the in-process emulator, on a fake clock.

The emulator moves batches along by the list calls it answers (validate_after_calls, commit_after_calls), so
a wait takes as many polls as a test says, and no real time. (A token, not access keys: the fake clock would
date an access key signature years away from the emulator's.)
"""

import contextlib
import io
import json

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_commit_gate

from drs_emulator.testing import EmulatorProcess  # pylint: disable=import-error
from module_args import module_args, module_output  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error

BATCH = make_jobs(3, statuses=("ASYNC_JOB_VALIDATING",), users=("migration-bot",), prefix="gate")
BATCH_IDS = [job["async_job_id"] for job in BATCH]


@pytest.fixture
def gate(clean_environment):  # pylint: disable=unused-argument
    """``gate(emulator options, **module arguments)`` -> (result, emulator statistics, clock)."""
    running = []

    def run(options, **args):
        emulator = EmulatorProcess(seed_jobs=BATCH, in_process=True, **options).start()
        running.append(emulator)
        state = emulator.state
        arguments = dict(endpoint=state["url"], iam_endpoint=state["url"], ca_path=state["ca_path"],
                         region=state["region"], project_id=state["project_id"], auth_token=state["auth_token"],
                         async_job_ids=BATCH_IDS, wait_sleep=10)
        arguments.update(args)
        clock = FakeClock()
        stdout = io.StringIO()
        with module_args(arguments), contextlib.redirect_stdout(stdout):
            with pytest.raises(SystemExit):
                drs_commit_gate.main(clock=clock, sleep=clock.sleep)
        return module_output(stdout.getvalue())[0], emulator.stats(), clock

    yield run
    for emulator in running:
        emulator.stop()


def test_the_waits_for_validation_and_for_the_commit_share_one_deadline(gate):
    """Validation takes 4 polls (40 s); the commit never lands: the run ends at wait_timeout in all, not
    40 s plus another whole wait_timeout."""
    result, _stats, clock = gate(dict(validate_after_calls=4 * len(BATCH_IDS), commit_after_calls=10 ** 6),
                                 commit=True, wait_timeout=100)
    assert result["failed"] and "Timed out after 100 seconds" in result["msg"], result["msg"]
    assert sum(clock.sleeps) == 100, clock.sleeps
    assert sorted(result["committed_async_job_ids"]) == BATCH_IDS and result["changed"]


def test_a_failed_validation_during_the_wait_commits_nothing(gate):
    result, stats, _clock = gate(dict(validate_after_calls=2 * len(BATCH_IDS), fail_ids="gate-001"), commit=True)
    assert result["failed"] and "gate-001" in result["msg"] and "ASYNC_JOB_VALIDATE_FAILED" in result["msg"]
    assert result["request_stats"]["polls"] >= 2  # the first look saw every batch validating
    assert "drs_commit" not in stats["routes"], stats
    assert result["committed_async_job_ids"] == [] and not result["changed"]
    assert result["validation_failures"][0]["async_job_id"] == "gate-001"


def test_a_timed_out_wait_for_validation_commits_nothing(gate):
    result, stats, _clock = gate(dict(validate_after_calls=10 ** 6), commit=True, wait_timeout=30)
    assert result["failed"] and "Timed out after 30 seconds" in result["msg"]
    assert "drs_commit" not in stats["routes"], stats


@pytest.mark.parametrize("commit, wait_for_status, validated", [
    (True, "COMMIT_SUCCESS", 0),
    (True, "AUTO_PARAM_VALIDATE_SUCCESS", 3),
    (False, "COMMIT_SUCCESS", 3),
    (False, "AUTO_PARAM_VALIDATE_SUCCESS", 0),
])
def test_check_mode_looks_once_and_reports_what_it_would_wait_for(gate, commit, wait_for_status, validated):
    """Whatever it would wait for, check mode lists once, commits nothing, never sleeps, and passes."""
    options = dict(validate_after_calls=0) if validated else dict(validate_after_calls=10 ** 6)
    result, stats, clock = gate(options, commit=commit, wait_for_status=wait_for_status, _ansible_check_mode=True)
    assert not result.get("failed"), result["msg"]
    assert result["passed"] and clock.sleeps == [] and result["request_stats"]["polls"] == 1
    assert stats["routes"] == {"drs_list": len(BATCH_IDS)}, stats
    wanted = "COMMIT_SUCCESS" if commit else wait_for_status
    assert result["would_wait_for"] == {"status": wanted, "async_job_ids": BATCH_IDS, "timeout": 1800}
    # ansible-core 2.19 returns each warning as a structured summary: read them as text.
    assert "Check mode: not waiting for 3 jobs to reach %s" % wanted in json.dumps(result["warnings"])
    # What a real run would commit now: the batches that passed validation.
    assert sorted(result["committed_async_job_ids"]) == (BATCH_IDS if commit and validated else [])
    assert result["changed"] is bool(commit and validated)


def test_check_mode_still_stops_on_a_failed_validation(gate):
    result, stats, _clock = gate(dict(validate_after_calls=0, fail_ids="gate-002"), commit=True,
                                 _ansible_check_mode=True)
    assert result["failed"] and "gate-002" in result["msg"]
    assert "drs_commit" not in stats["routes"]


def test_a_commit_gate_that_passes_reports_every_commit_and_a_summary(gate):
    result, stats, _clock = gate(dict(validate_after_calls=len(BATCH_IDS)), commit=True, _ansible_diff=True)
    assert result["passed"] and not result.get("failed"), result.get("msg")
    assert stats["routes"]["drs_commit"] == len(BATCH_IDS)
    assert result["status_counts"]["COMMIT_SUCCESS"] == len(BATCH_IDS)
    assert result["diff"] == {"before": dict.fromkeys(BATCH_IDS, "AUTO_PARAM_VALIDATE_SUCCESS"),
                              "after": dict.fromkeys(BATCH_IDS, "COMMIT_SUCCESS")}
    assert result["summary"].startswith("passed after ") and result["summary"].endswith(
        "; 3 jobs to reach COMMIT_SUCCESS: COMMIT_SUCCESS 3; committed 3 batches")


@pytest.mark.parametrize("args, phrase", [
    (dict(async_job_ids=None), "Select the jobs to gate on with async_job_ids, domain_name or user_name"),
    (dict(async_job_ids=[]), "async_job_ids must hold at least one id"),
    (dict(async_job_ids=None, user_name=" "), "user_name is empty"),
    (dict(wait_timeout=0), "wait_timeout must be"),
    (dict(page_concurrency=0), "page_concurrency must be"),
])
def test_a_selection_or_a_setting_that_cannot_work_is_refused_before_any_request(gate, args, phrase):
    result, stats, _clock = gate({}, **args)
    assert result["failed"] and phrase in result["msg"], result["msg"]
    assert stats["total"] == 0, stats
    assert result["passed"] is False and result["jobs"] == [] and result["committed_async_job_ids"] == []


@pytest.mark.parametrize("args, phrase", [
    (dict(async_job_ids=BATCH_IDS + ["no-such-batch"]), "No batch async job matches async_job_id no-such-batch"),
    (dict(async_job_ids=None, user_name="nobody"), "No batch async job matches user_name=nobody"),
])
def test_what_matches_nothing_is_named_after_one_look(gate, args, phrase):
    result, _stats, clock = gate({}, **args)
    assert result["failed"] and phrase in result["msg"], result["msg"]
    assert result["request_stats"]["polls"] == 1 and clock.sleeps == []
