"""A clock that only moves when something sleeps on it: waiting and retrying without real time passing.

Stands in for the ``time`` module where code takes a clock (``monotonic()`` and ``time()``) and a
``sleep`` function; every pause is recorded in ``sleeps``.
"""

# Far from 0, so that code treating 0 as "unset" would show itself.
START = 5000.0
# A plausible epoch for wall-clock readings (X-Sdk-Date, Retry-After dates): 2023-11-14.
EPOCH_OFFSET = 1700000000.0


class FakeClock(object):
    """``wall``: a real wall clock (``time.time``) to answer ``time()`` with instead of the fixed readings from
    EPOCH_OFFSET: requests signed on it carry a date that a server checking it against its own clock (the
    emulator, as API Gateway: within 15 minutes) accepts. ``monotonic()`` still moves only when slept on."""

    def __init__(self, now=START, wall=None):
        self.now = now
        self.wall = wall
        self.sleeps = []

    def monotonic(self):
        return self.now

    def time(self):
        if self.wall is not None:
            return self.wall()
        return EPOCH_OFFSET + self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
