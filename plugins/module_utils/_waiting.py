# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Poll on a monotonic clock until an observation succeeds, fails, or time runs out.

Private to this collection: the interface may change without notice.
"""

import time

# Polls are never closer than this: an interval of 0 would poll without pause until the deadline.
SHORTEST_INTERVAL = 1.0


class WaitEnded(Exception):
    """Waiting ended without success; ``last`` is the last observation."""

    def __init__(self, last):
        super(WaitEnded, self).__init__()
        self.last = last


class WaitFailed(WaitEnded):
    """An observation was a failure: waiting longer would not help."""


class WaitTimedOut(WaitEnded):
    """The timeout passed; ``waited`` is how long the wait took, in seconds."""

    def __init__(self, last, waited):
        super(WaitTimedOut, self).__init__(last)
        self.waited = waited


def wait_until(poll, succeeded, failed, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Call ``poll()`` until ``succeeded(observation)``; return that observation.

    Raises WaitFailed as soon as ``failed(observation)``, and WaitTimedOut when ``timeout`` seconds have
    passed. The last poll happens at the deadline, so what finishes just in time is seen. ``interval`` is
    at least SHORTEST_INTERVAL. ``clock`` must be monotonic: a wall clock set back or forward would stretch
    or cut the wait.
    """
    interval = max(interval, SHORTEST_INTERVAL)
    started = clock()
    deadline = started + timeout
    while True:
        observation = poll()
        if failed(observation):
            raise WaitFailed(observation)
        if succeeded(observation):
            return observation
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimedOut(observation, clock() - started)
        sleep(min(interval, remaining))
