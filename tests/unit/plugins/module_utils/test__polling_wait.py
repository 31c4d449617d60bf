"""The generic waiter on a fake monotonic clock: success, fail fast, timeout at the deadline, last observation kept."""

import inspect
import time

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._polling import WaitFailed, WaitTimedOut, wait_until

from support.fake_clock import FakeClock  # pylint: disable=import-error


def _polls(*rounds):
    """A poll function returning these observations in turn, the last one forever."""
    rounds = list(rounds)
    count = []

    def poll():
        count.append(1)
        return rounds[min(len(count), len(rounds)) - 1]

    poll.count = count
    return poll


def _wait(poll, timeout=60, interval=10, clock=None):
    clock = clock or FakeClock()
    return wait_until(poll, succeeded=lambda value: value == "done", failed=lambda value: value == "broken",
                      timeout=timeout, interval=interval, clock=clock.monotonic, sleep=clock.sleep)


def test_success_after_a_few_polls_sleeping_the_interval():
    clock = FakeClock()
    poll = _polls("new", "half", "done")
    assert _wait(poll, clock=clock) == "done"
    assert len(poll.count) == 3 and clock.sleeps == [10, 10]


def test_a_failure_ends_at_once_with_the_observation():
    clock = FakeClock()
    poll = _polls("new", "broken", "done")
    with pytest.raises(WaitFailed) as caught:
        _wait(poll, clock=clock)
    assert caught.value.last == "broken" and len(poll.count) == 2 and clock.sleeps == [10]


def test_failure_is_judged_before_success():
    with pytest.raises(WaitFailed):
        wait_until(lambda: "both", succeeded=lambda value: True, failed=lambda value: True, timeout=60, interval=1,
                   clock=FakeClock().monotonic, sleep=FakeClock().sleep)


def test_timeout_polls_a_last_time_at_the_deadline_and_keeps_the_last_observation():
    clock = FakeClock()
    poll = _polls("new", "half")
    with pytest.raises(WaitTimedOut) as caught:
        _wait(poll, timeout=30, interval=10, clock=clock)
    # polls at 0, 10, 20 and a last one at the deadline
    assert len(poll.count) == 4 and sum(clock.sleeps) == 30
    assert caught.value.last == "half" and caught.value.waited == 30


def test_last_sleep_is_cut_to_the_deadline():
    clock = FakeClock()
    with pytest.raises(WaitTimedOut):
        _wait(_polls("new"), timeout=25, interval=10, clock=clock)
    assert clock.sleeps == [10, 10, 5]


def test_zero_timeout_polls_once():
    poll = _polls("new")
    with pytest.raises(WaitTimedOut):
        _wait(poll, timeout=0)
    assert len(poll.count) == 1


def test_the_default_clock_is_monotonic():
    # A wall clock set back or forward while waiting would stretch or cut the wait.
    assert inspect.signature(wait_until).parameters["clock"].default is time.monotonic


@pytest.mark.parametrize("interval", [0, 0.01, 0.5])
def test_polls_are_never_closer_than_the_floor(interval):
    clock = FakeClock()
    with pytest.raises(WaitTimedOut):
        _wait(_polls("new"), timeout=5, interval=interval, clock=clock)
    assert clock.sleeps == [1.0] * 5
