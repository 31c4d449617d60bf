# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Polling: reading every page, many ids at once, and waiting, each independent of what is read.

Pager reads the first page alone and the rest concurrently; the caller says what "page too large" means.
map_in_order runs one call on many items, a bounded number at once. wait_until polls on a monotonic clock
until success, failure or timeout.

Private to this collection: the interface may change without notice.
"""

import collections
import json
import sys
import threading
import time


# ----------------------------------------------------------------------------------------------------
# Read every item of an offset/limit listing: first page alone, the rest concurrently.


# Many services cap pages at 1000 (DRS v5's sibling list calls do): the first size to try after a refusal.
COMMON_PAGE_CAP = 1000


def smaller_page(size):
    if size > COMMON_PAGE_CAP:
        return COMMON_PAGE_CAP
    return max(1, size // 2)


# The end of a listing whose total the service did not tell (or told as something that is not a count).
UNKNOWN_END = sys.maxsize


def _hashable(key):
    """``key`` usable in a set: an id of the wrong type (a list, an object) is data, not a crash."""
    try:
        hash(key)
        return key
    except TypeError:
        return ("unhashable", json.dumps(key, sort_keys=True, default=str))


class TooManyItems(Exception):
    """The listing passed ``most`` distinct items: a service that invents new items without end is cut here."""

    def __init__(self, most):
        super(TooManyItems, self).__init__("more than %d items" % most)
        self.most = most


def _never_too_large(error):
    return False


class _NeverThrottled(object):
    count = 0


class Pager(object):
    """Lists ``[offset, offset + limit)`` of a collection through ``fetch_page(offset, size) -> (total, items)``.

    The first page tells the total, so the remaining pages are known and fetched ``concurrency`` at a
    time, never past the end (no empty-page request). The total is a claim, not a promise: paging stops
    when a page brings no new item (empty, or only items already seen), so a service that lies about its
    total costs at most the pages already in flight. ``fetch_page`` may return ``None`` as the total when
    the service gave none; the pages then go on until one brings nothing new. A page refused with an error for which
    ``is_page_too_large(error)`` is true is asked again smaller, and the page size shrinks for the rest of
    the run. ``throttle.count`` (a shared _http.Throttle) tells how often the service has asked to slow
    down so far: each new time halves the concurrency. ``identity(item)`` names an item, so that one seen twice is kept once.
    ``most_items`` bounds a listing whatever the service answers: once more distinct items than that have
    come, it raises TooManyItems (a ``limit`` of at most ``most_items`` never does).
    """

    def __init__(self, fetch_page, page_size=1000, concurrency=10, identity=None, is_page_too_large=None,
                 throttle=None, most_items=None):
        self.fetch_page = fetch_page
        self.page_size = page_size
        self.concurrency = concurrency
        self.identity = identity
        self.is_page_too_large = is_page_too_large or _never_too_large
        self.throttle = throttle or _NeverThrottled()
        self.most_items = most_items
        self._throttles_seen = self.throttle.count
        self._lock = threading.Lock()
        # Per listing: the identities seen, how many new items came, and the offset of the first page that
        # brought nothing new.
        self._seen = set()
        self._new_items = 0
        self._stop_at = UNKNOWN_END

    def _slow_down_when_throttled(self):
        throttles = self.throttle.count
        while self._throttles_seen < throttles:
            self._throttles_seen += 1
            self.concurrency = max(1, self.concurrency // 2)

    def _refused_as_too_large(self, error, size):
        return size > 1 and self.is_page_too_large(error)

    def _shrink(self, refused_size):
        with self._lock:
            # Pages in flight may be refused together; shrink once per size.
            if self.page_size >= refused_size:
                self.page_size = smaller_page(refused_size)

    def list(self, offset=0, limit=None):
        """Return ``(total_count, items)``: the service's total, and the items of the range without repeats.

        Without a usable total from the service, the total is ``offset`` plus the items listed.
        """
        self._seen = set()
        self._new_items = 0
        self._stop_at = UNKNOWN_END
        size = self.page_size if limit is None else min(self.page_size, limit)
        while True:
            try:
                total, items = self.fetch_page(offset, size)
                break
            # Any error: the caller's is_page_too_large() says which ones mean "ask again smaller".
            except Exception as error:
                if not self._refused_as_too_large(error, size):
                    raise
                self._shrink(size)
                size = min(size, self.page_size)
        items = list(items[:size])
        self._brings_new(items)
        end = UNKNOWN_END if total is None else total
        if limit is not None:
            end = min(end, offset + limit)
        pages = {offset: items}
        if items and offset + len(items) < end and (total is not None or len(items) == size):
            if len(items) < size:
                # The service gave fewer than asked while more exist: that is its real page cap.
                self.page_size = len(items)
            pending = collections.deque([(offset + len(items), end)])
            if self.concurrency > 1:
                self._fetch_concurrently(pending, pages)
            else:
                self._fetch_serially(pending, pages)
        merged = self._merge(pages, limit)
        return (offset + len(merged) if total is None else total), merged

    def _brings_new(self, items):
        """True when ``items`` hold one not seen before in this listing (any item, without an identity).

        Raises TooManyItems once the listing has brought more than ``most_items`` new items.
        """
        if self.identity is None:
            new = len(items)
        else:
            new = 0
            for item in items:
                key = self._key(item)
                if key not in self._seen:
                    new += 1
                    self._seen.add(key)
        self._new_items += new
        if self.most_items is not None and self._new_items > self.most_items:
            raise TooManyItems(self.most_items)
        return new > 0

    def _key(self, item):
        key = self.identity(item)
        if key is None:
            # An item without an identity is told apart by its content.
            return ("content", json.dumps(item, sort_keys=True, default=str))
        return _hashable(key)

    def _has_next_page(self, pending):
        # Nothing is asked at or past the page that brought nothing new.
        kept = [(start, stop) for start, stop in pending if start < self._stop_at]
        if len(kept) < len(pending):
            pending.clear()
            pending.extend(kept)
        return bool(pending)

    def _next_page(self, pending):
        start, stop = pending.popleft()
        stop = min(stop, self._stop_at)
        size = min(self.page_size, stop - start)
        if start + size < stop:
            pending.appendleft((start + size, stop))
        return start, size

    def _accept(self, pending, pages, start, size, outcome):
        total, items = outcome
        items = list(items[:size])
        if not self._brings_new(items):
            # Empty, or only repeats: the service has nothing more, whatever its total says.
            self._stop_at = min(self._stop_at, start)
            return
        pages[start] = items
        if len(items) < size:
            # Short page while the total says more exist: ask for the rest. An empty page ends the range
            # (jobs can vanish between requests), so this never loops.
            pending.appendleft((start + len(items), start + size))

    def _requeue_smaller(self, error, pending, start, size):
        """A page refused as too large goes back to the queue, to be asked again smaller; other errors end the run."""
        if not self._refused_as_too_large(error, size):
            raise error
        self._shrink(size)
        pending.appendleft((start, start + size))

    def _fetch_serially(self, pending, pages):
        while self._has_next_page(pending):
            start, size = self._next_page(pending)
            try:
                outcome = self.fetch_page(start, size)
            # Any error: the caller's is_page_too_large() says which ones mean "ask again smaller".
            except Exception as error:
                self._requeue_smaller(error, pending, start, size)
                continue
            self._accept(pending, pages, start, size, outcome)

    def _fetch_concurrently(self, pending, pages):
        # Imported here: a run that fits in one page never pays for it.
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        in_flight = {}
        try:
            while self._has_next_page(pending) or in_flight:
                self._slow_down_when_throttled()
                while self._has_next_page(pending) and len(in_flight) < self.concurrency:
                    start, size = self._next_page(pending)
                    in_flight[pool.submit(self.fetch_page, start, size)] = (start, size)
                done, dummy = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for future in done:
                    start, size = in_flight.pop(future)
                    error = future.exception()
                    if error is not None:
                        self._requeue_smaller(error, pending, start, size)
                        continue
                    self._accept(pending, pages, start, size, future.result())
        finally:
            # A page failed for good: pages not started are dropped, and the run does not wait for those in
            # flight (whoever owns the transport stops their retries when it closes it).
            for future in in_flight:
                future.cancel()
            pool.shutdown(wait=False)

    def _merge(self, pages, limit):
        merged = []
        seen = set()
        identity = self.identity
        for start in sorted(pages):
            if identity is None:
                merged.extend(pages[start])
                continue
            for item in pages[start]:
                key = identity(item)
                if key is not None:
                    key = _hashable(key)
                    # Jobs created while paging shift later pages; the same job must not appear twice.
                    if key in seen:
                        continue
                    seen.add(key)
                merged.append(item)
        if limit is not None:
            del merged[limit:]
        return merged


# ----------------------------------------------------------------------------------------------------
# Call one function on many items at the same time, a bounded number at once, keeping the items' order.


def map_in_order(function, items, concurrency=10):
    """``[function(item) for item in items]``, at most ``concurrency`` calls at a time.

    The first call that raises ends the run with its exception: calls not started are dropped and those in
    flight are not waited for (whoever owns the transport stops their retries when it closes it).
    """
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    # Imported here: a run on one item never pays for it.
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(items)))
    futures = [pool.submit(function, item) for item in items]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            if future.done() and future.exception() is not None:
                raise future.exception()
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=False)


# ----------------------------------------------------------------------------------------------------
# Poll on a monotonic clock until an observation succeeds, fails, or time runs out.


# Polls are never closer than this: an interval of 0 would poll without pause until the deadline.
SHORTEST_INTERVAL = 1.0


class WaitEnded(Exception):
    """Waiting ended without success; ``last`` is the last observation."""

    def __init__(self, last):
        super(WaitEnded, self).__init__()
        self.last = last


class WaitFailed(WaitEnded):
    """An observation was a failure: waiting longer would not help."""


class WaitPaused(WaitEnded):
    """``pause(observation)`` asked to end this part of the wait, which goes on in a next module run."""


class WaitTimedOut(WaitEnded):
    """The timeout passed; ``waited`` is how long the wait took, in seconds."""

    def __init__(self, last, waited):
        super(WaitTimedOut, self).__init__(last)
        self.waited = waited


def wait_until(poll, succeeded, failed, timeout, interval, clock=time.monotonic, sleep=time.sleep, first=None,
               pause=None):
    """Call ``poll()`` until ``succeeded(observation)``; return that observation.

    Raises WaitFailed as soon as ``failed(observation)``, and WaitTimedOut when ``timeout`` seconds have
    passed. The last poll happens at the deadline, so what finishes just in time is seen. ``interval`` is
    at least SHORTEST_INTERVAL. ``clock`` must be monotonic: a wall clock set back or forward would stretch
    or cut the wait. ``first``, an observation just made, stands for the first poll. ``pause(observation)``,
    asked after each observation that leaves time to wait, raises WaitPaused when true: the wait goes on
    later, from the next poll (the progress lines of _drs_module.DrsModule.wait_until).
    """
    interval = max(interval, SHORTEST_INTERVAL)
    started = clock()
    deadline = started + timeout
    observation = first
    while True:
        if observation is None:
            observation = poll()
        if failed(observation):
            raise WaitFailed(observation)
        if succeeded(observation):
            return observation
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimedOut(observation, clock() - started)
        if pause is not None and pause(observation):
            raise WaitPaused(observation)
        sleep(min(interval, remaining))
        observation = None
