"""Waiting on a fake monotonic clock: success, fail fast, timeout naming jobs, unknown and empty = pending."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils import _waiting
from ansible_collections.hwcloud.drs.plugins.module_utils._waiting import WaitFailure, judge_jobs, wait_for_status


class FakeClock(object):
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def _job(job_id, status):
    return {"async_job_id": job_id, "status": status}


def _polls(*rounds):
    """A poll function returning these job lists in turn, the last one forever."""
    rounds = list(rounds)
    count = []

    def poll():
        count.append(1)
        return rounds[min(len(count), len(rounds)) - 1]

    poll.count = count
    return poll


def _wait(poll, wanted="COMMIT_SUCCESS", timeout=60, interval=10):
    clock = FakeClock()
    try:
        return wait_for_status(poll, wanted, timeout, interval, clock=clock, sleep=clock.sleep), clock
    except WaitFailure as failure:
        failure.clock = clock
        raise


def test_success_after_a_few_polls_sleeping_the_interval():
    poll = _polls([_job("a", "ASYNC_JOB_VALIDATING")], [_job("a", "AUTO_PARAM_VALIDATE_SUCCESS")],
                  [_job("a", "COMMIT_SUCCESS")])
    jobs, clock = _wait(poll)
    assert jobs == [_job("a", "COMMIT_SUCCESS")]
    assert len(poll.count) == 3 and clock.sleeps == [10, 10]


def test_commit_success_also_satisfies_validated():
    poll = _polls([_job("a", "COMMIT_SUCCESS"), _job("b", "AUTO_PARAM_VALIDATE_SUCCESS")])
    jobs, clock = _wait(poll, wanted="AUTO_PARAM_VALIDATE_SUCCESS")
    assert len(jobs) == 2 and clock.sleeps == []


def test_a_failed_job_fails_at_once_naming_it():
    poll = _polls([_job("a", "COMMIT_SUCCESS"), _job("bad-1", "ASYNC_JOB_VALIDATE_FAILED"),
                   _job("c", "ASYNC_JOB_VALIDATING")])
    with pytest.raises(WaitFailure) as caught:
        _wait(poll)
    msg = caught.value.msg
    assert "bad-1" in msg and "ASYNC_JOB_VALIDATE_FAILED" in msg and "1 matched job failed" in msg
    assert " a," not in msg and "c" not in msg.split(":", 1)[1].split(".")[0]
    assert len(poll.count) == 1 and caught.value.clock.sleeps == []
    assert len(caught.value.state) == 3


def test_timeout_names_each_pending_job_with_its_status_and_hints_at_commit():
    poll = _polls([_job("a", "COMMIT_SUCCESS"), _job("b", "AUTO_PARAM_VALIDATE_SUCCESS"),
                   _job("c", "ASYNC_JOB_VALIDATING")])
    with pytest.raises(WaitFailure) as caught:
        _wait(poll, timeout=30, interval=10)
    msg = caught.value.msg
    assert "Timed out after 30 seconds" in msg
    assert "b (AUTO_PARAM_VALIDATE_SUCCESS)" in msg and "c (ASYNC_JOB_VALIDATING)" in msg
    assert "a (" not in msg
    assert "Hint" in msg and "commit" in msg
    # polls at 0, 10, 20 and a last one at the deadline
    assert len(poll.count) == 4 and sum(caught.value.clock.sleeps) == 30


def test_no_commit_hint_when_nothing_waits_for_a_commit():
    with pytest.raises(WaitFailure) as caught:
        _wait(_polls([_job("c", "ASYNC_JOB_VALIDATING")]), timeout=5)
    assert "Hint" not in caught.value.msg


def test_last_sleep_is_cut_to_the_deadline():
    with pytest.raises(WaitFailure) as caught:
        _wait(_polls([_job("c", "ASYNC_JOB_VALIDATING")]), timeout=25, interval=10)
    assert caught.value.clock.sleeps == [10, 10, 5]


def test_unknown_status_is_pending_not_success_nor_crash():
    poll = _polls([_job("a", "ASYNC_JOB_QUEUED")], [_job("a", "COMMIT_SUCCESS")])
    jobs, clock = _wait(poll)
    assert len(poll.count) == 2
    assert judge_jobs([_job("a", "SOMETHING_NEW"), {"async_job_id": "b"}], "COMMIT_SUCCESS") == _waiting.PENDING


def test_no_matched_job_is_not_success():
    poll = _polls([], [], [_job("a", "COMMIT_SUCCESS")])
    jobs, clock = _wait(poll)
    assert len(poll.count) == 3


def test_no_matched_job_until_timeout_says_so():
    with pytest.raises(WaitFailure) as caught:
        _wait(_polls([]), timeout=20)
    assert "no job matched" in caught.value.msg and caught.value.state == []


def test_zero_timeout_polls_once():
    poll = _polls([_job("c", "ASYNC_JOB_VALIDATING")])
    with pytest.raises(WaitFailure):
        _wait(poll, timeout=0)
    assert len(poll.count) == 1


def test_long_lists_are_cut_in_messages():
    jobs = [_job("j%03d" % index, "ASYNC_JOB_VALIDATING") for index in range(100)]
    with pytest.raises(WaitFailure) as caught:
        _wait(_polls(jobs), timeout=0)
    assert "and 80 more" in caught.value.msg and "j020" not in caught.value.msg


def test_uses_the_monotonic_clock_by_default(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(_waiting.time, "monotonic", clock)
    monkeypatch.setattr(_waiting.time, "sleep", clock.sleep)
    monkeypatch.setattr(_waiting.time, "time", lambda: pytest.fail("wall clock used"))
    poll = _polls([_job("a", "ASYNC_JOB_VALIDATING")], [_job("a", "COMMIT_SUCCESS")])
    wait_for_status(poll, "COMMIT_SUCCESS", 100, 3)
    assert clock.sleeps == [3]
