# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run cost: requests, retries, listings, IAM calls, counted from several threads.

Private to this collection: the interface may change without notice.
"""

import threading


class RequestStats(object):
    """What a run cost, reported as the ``request_stats`` result key; safe to count from several threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.listings = 0
        self.iam_calls = 0
        # HTTP 429 answers, retried or not: a pager reads it to lower its concurrency. Not reported.
        self.throttled = 0

    def add(self, name, amount=1):
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def as_dict(self):
        # "polls" is the result key users and benchmarks know: one per complete listing.
        return {"requests": self.requests, "retries": self.retries, "polls": self.listings,
                "iam_calls": self.iam_calls}
