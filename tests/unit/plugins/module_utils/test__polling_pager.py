"""Paging: every page once, none past the end, page shrink, limit/offset, dedupe, bounded concurrency."""

import threading

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._http import Throttle
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import Pager, TooManyItems, smaller_page


class PageTooLarge(Exception):
    """What this fake service answers to a page over its cap; the pager is told so by its caller."""


class ServiceError(Exception):
    pass


class FakeListing(object):
    """fetch_page over a list, recording each (offset, size) asked; optional page cap and silent cap.

    With ``together``, the first ``together`` pages after the first one each wait until all of them are
    in flight: a pager that does not overlap them fails at the barrier instead of passing by luck.
    """

    def __init__(self, count, page_cap=None, silent_cap=None, together=None):
        self.items = [{"id": index} for index in range(count)]
        self.page_cap = page_cap
        self.silent_cap = silent_cap
        self.barrier = threading.Barrier(together, timeout=10) if together else None
        self.gated = 0
        self.requests = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, offset, size):
        with self.lock:
            self.requests.append((offset, size))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            gate = self.barrier is not None and offset > 0 and self.gated < self.barrier.parties
            self.gated += 1 if gate else 0
        try:
            if gate:
                self.barrier.wait()
            if self.page_cap is not None and size > self.page_cap:
                raise PageTooLarge("The page exceeds the upper limit.")
            if self.silent_cap is not None:
                size = min(size, self.silent_cap)
            return len(self.items), self.items[offset:offset + size]
        finally:
            with self.lock:
                self.in_flight -= 1


def _ids(items):
    return [item["id"] for item in items]


def _is_page_too_large(error):
    return isinstance(error, PageTooLarge)


def _pager(listing, **kwargs):
    kwargs.setdefault("is_page_too_large", _is_page_too_large)
    return Pager(listing, identity=lambda item: item["id"], **kwargs)


def _items(pager, **kwargs):
    total_count, items = pager.list(**kwargs)
    return items


@pytest.mark.parametrize("concurrency", [1, 4])
def test_every_item_once_in_order_without_an_empty_page_request(concurrency):
    listing = FakeListing(2500)
    items = _items(_pager(listing, page_size=1000, concurrency=concurrency))
    assert _ids(items) == list(range(2500))
    assert sorted(listing.requests) == [(0, 1000), (1000, 1000), (2000, 500)]


def test_exact_multiple_of_the_page_makes_no_extra_request():
    listing = FakeListing(2000)
    assert len(_items(_pager(listing, page_size=1000))) == 2000
    assert len(listing.requests) == 2


def test_one_page_is_one_request():
    listing = FakeListing(7)
    assert len(_items(_pager(listing, page_size=1000))) == 7
    assert listing.requests == [(0, 1000)]


def test_offset_and_limit_span_pages():
    listing = FakeListing(100)
    items = _items(_pager(listing, page_size=5, concurrency=3), offset=5, limit=12)
    assert _ids(items) == list(range(5, 17))
    assert sorted(listing.requests) == [(5, 5), (10, 5), (15, 2)]


def test_limit_below_the_page_asks_only_for_the_limit():
    listing = FakeListing(100)
    assert _ids(_items(_pager(listing, page_size=1000), offset=3, limit=4)) == [3, 4, 5, 6]
    assert listing.requests == [(3, 4)]


def test_limit_beyond_the_total_stops_at_the_total():
    listing = FakeListing(30)
    assert len(_items(_pager(listing, page_size=10), offset=0, limit=1000)) == 30
    assert sorted(listing.requests) == [(0, 10), (10, 10), (20, 10)]


def test_offset_past_the_end_is_one_request_and_empty():
    listing = FakeListing(30)
    pager = _pager(listing, page_size=10)
    assert pager.list(offset=50) == (30, [])
    assert listing.requests == [(50, 10)]


def test_empty_listing():
    listing = FakeListing(0)
    pager = _pager(listing)
    assert pager.list() == (0, []) and len(listing.requests) == 1


def test_page_over_the_limit_shrinks_and_carries_on():
    listing = FakeListing(1200, page_cap=300)
    pager = _pager(listing, page_size=5000, concurrency=4)
    assert _ids(_items(pager)) == list(range(1200))
    assert listing.requests[:3] == [(0, 5000), (0, 1000), (0, 500)]
    assert pager.page_size == 250
    assert all(size <= 250 for offset, size in listing.requests[4:])


def test_page_refused_during_the_concurrent_phase_is_split_and_refetched():
    listing = FakeListing(40)
    refused = set()
    original = listing.__call__

    def fetch(offset, size):
        if offset == 20 and not refused:
            refused.add(offset)
            raise PageTooLarge("too big")
        return original(offset, size)

    pager = _pager(fetch, page_size=10, concurrency=4)
    assert _ids(_items(pager)) == list(range(40))
    assert pager.page_size == 5


def test_other_errors_fail_at_once():
    def fetch(offset, size):
        if offset:
            raise ServiceError("invalid sort_key")
        return 100, [{"id": index} for index in range(size)]

    with pytest.raises(ServiceError, match="sort_key"):
        _pager(fetch, page_size=10, concurrency=4).list()


def test_a_refusal_the_caller_does_not_call_too_large_fails_at_once():
    listing = FakeListing(10, page_cap=5)
    with pytest.raises(PageTooLarge):
        Pager(listing, page_size=10).list()
    assert listing.requests == [(0, 10)]


def test_page_of_one_refused_fails():
    listing = FakeListing(10, page_cap=0)
    with pytest.raises(PageTooLarge):
        _pager(listing, page_size=1).list()


def test_silent_server_cap_becomes_the_page_size():
    listing = FakeListing(350, silent_cap=100)
    pager = _pager(listing, page_size=1000, concurrency=4)
    assert _ids(_items(pager)) == list(range(350))
    assert pager.page_size == 100
    assert sorted(listing.requests) == [(0, 1000), (100, 100), (200, 100), (300, 50)]


def test_jobs_shifted_by_a_new_job_are_not_returned_twice():
    items = [{"id": index} for index in range(20)]
    calls = []

    def fetch(offset, size):
        calls.append(offset)
        if len(calls) == 2:
            items.insert(0, {"id": "new"})  # newest first: everything shifts by one
        return len(items), items[offset:offset + size]

    total_count, result = Pager(fetch, page_size=10, concurrency=1, identity=lambda item: item["id"]).list()
    ids = [item["id"] for item in result]
    assert len(ids) == len(set(ids))
    assert set(range(19)) <= set(ids)


def test_pages_after_the_first_overlap_up_to_the_concurrency():
    listing = FakeListing(2000, together=4)
    assert len(_items(_pager(listing, page_size=100, concurrency=4))) == 2000
    assert listing.most_in_flight == 4


def test_concurrency_one_is_serial():
    listing = FakeListing(500)
    _pager(listing, page_size=100, concurrency=1).list()
    assert listing.most_in_flight == 1


@pytest.mark.parametrize("throttles,concurrency", [(0, 8), (1, 4), (2, 2), (3, 1), (5, 1)])
def test_each_new_throttling_halves_the_concurrency_down_to_one(throttles, concurrency):
    listing = FakeListing(3000)
    throttle = Throttle()
    for dummy in range(7):  # throttling from before the pager existed does not count
        throttle.record()

    def fetch(offset, size):
        if offset == 0:
            for dummy in range(throttles):
                throttle.record()
        return listing(offset, size)

    pager = _pager(fetch, page_size=100, concurrency=8, throttle=throttle)
    assert len(_items(pager)) == 3000
    assert pager.concurrency == concurrency


def test_smaller_page_goes_to_the_common_cap_then_halves():
    assert [smaller_page(size) for size in (5000, 1000, 3, 1)] == [1000, 500, 1, 1]


def test_a_failing_page_ends_the_listing_without_waiting_for_pages_in_flight():
    release = threading.Event()
    finished = []

    def fetch(offset, size):
        if offset == 10:
            raise ServiceError("no")
        if offset:
            release.wait(10)
        finished.append(offset)
        return 100, [{"id": index} for index in range(offset, offset + size)]

    try:
        with pytest.raises(ServiceError):
            _pager(fetch, page_size=10, concurrency=4).list()
        assert finished == [0]
    finally:
        release.set()


# ------------------------------------------------------------------ issue 9: a total is a claim, not a promise

class LyingListing(object):
    """``real`` items behind a ``claimed`` total; past the real items a page is empty, or repeats the first page."""

    def __init__(self, real, claimed, repeat=False, page_cap=None, key="id"):
        self.items = [{key: index} for index in range(real)]
        self.claimed = claimed
        self.repeat = repeat
        self.page_cap = page_cap
        self.requests = []
        self.lock = threading.Lock()

    def __call__(self, offset, size):
        with self.lock:
            self.requests.append((offset, size))
        return self.claimed, self.page(offset, min(size, self.page_cap or size))

    def page(self, offset, size):
        page = self.items[offset:offset + size]
        if not page and self.repeat:
            page = self.items[:size]
        return page


@pytest.mark.parametrize("repeat", [False, True], ids=["empty-pages", "repeated-pages"])
@pytest.mark.parametrize("concurrency", [1, 10])
def test_a_lying_total_costs_at_most_one_wave_past_the_last_new_page(repeat, concurrency):
    listing = LyingListing(real=5, claimed=20000, repeat=repeat, page_cap=5)
    total, items = Pager(listing, page_size=1000, concurrency=concurrency, identity=lambda item: item["id"]).list()
    assert _ids(items) == [0, 1, 2, 3, 4] and total == 20000
    # the first page, then at most one wave of concurrent pages that bring nothing new
    assert len(listing.requests) <= 1 + concurrency


def test_endless_full_pages_of_the_same_jobs_stop_after_one_wave():
    listing = LyingListing(real=10, claimed=10 ** 9, repeat=True)
    listing.items = listing.items * 100  # every page is full, and only repeats the first ten
    total, items = Pager(listing, page_size=10, concurrency=4, identity=lambda item: item["id"]).list()
    assert _ids(items) == list(range(10)) and len(listing.requests) <= 1 + 4


def test_a_lying_total_gives_the_same_jobs_with_and_without_a_limit():
    for claimed in (2, 20000):
        listing = LyingListing(real=7, claimed=claimed)
        without = Pager(listing, page_size=1000, identity=lambda item: item["id"]).list()[1]
        limited = Pager(LyingListing(real=7, claimed=claimed), page_size=1000,
                        identity=lambda item: item["id"]).list(limit=20)[1]
        assert _ids(without) == _ids(limited) == list(range(7))


@pytest.mark.parametrize("total", [None])
def test_without_a_usable_total_pages_go_on_until_nothing_new(total):
    listing = LyingListing(real=25, claimed=total)
    count, items = Pager(listing, page_size=10, concurrency=3, identity=lambda item: item["id"]).list(offset=0)
    assert _ids(items) == list(range(25)) and count == 25
    assert len(listing.requests) <= 3 + 3


def test_ids_of_the_wrong_type_are_data_not_a_crash():
    pages = [[{"id": [1]}, {"id": {"a": 1}}, {"id": None}, "not a job"], [{"id": [1]}, {"id": {"a": 1}}]]

    def fetch(offset, size):
        return 6, pages[min(offset // 4, 1)] if offset < 8 else []

    total, items = Pager(fetch, page_size=4, concurrency=1, identity=lambda item: item.get("id")
                         if isinstance(item, dict) else None).list()
    assert items == pages[0]


# ------------------------------------------------------------ issue 9: a listing is bounded whatever comes

class EndlessListing(LyingListing):
    """A full page of items never seen before at every offset, behind a total that promises ever more."""

    def __init__(self, claimed=10 ** 9):
        super(EndlessListing, self).__init__(real=0, claimed=claimed)

    def page(self, offset, size):
        return [{"id": index} for index in range(offset, offset + size)]


@pytest.mark.parametrize("claimed", [10 ** 9, None], ids=["huge-total", "no-total"])
@pytest.mark.parametrize("concurrency", [1, 4])
def test_endless_new_items_stop_past_most_items_within_one_wave(claimed, concurrency):
    listing = EndlessListing(claimed)
    pager = Pager(listing, page_size=10, concurrency=concurrency, identity=lambda item: item["id"], most_items=95)
    with pytest.raises(TooManyItems) as raised:
        pager.list()
    assert raised.value.most == 95
    # ten pages reach 100 > 95 items; pages already in flight may be asked, no more
    assert len(listing.requests) <= 10 + concurrency


@pytest.mark.parametrize("identity", [lambda item: item["id"], None], ids=["identity", "no-identity"])
def test_exactly_most_items_is_no_failure(identity):
    listing = LyingListing(real=100, claimed=100)
    total, items = Pager(listing, page_size=10, concurrency=4, identity=identity, most_items=100).list()
    assert total == 100 and len(items) == 100


def test_a_limit_of_most_items_never_fails_against_endless_items():
    listing = EndlessListing()
    total, items = Pager(listing, page_size=10, concurrency=4, identity=lambda item: item["id"],
                         most_items=50).list(offset=7, limit=50)
    assert _ids(items) == list(range(7, 57)) and total == 10 ** 9


def test_refusals_of_one_size_arriving_together_shrink_the_page_once():
    # Four pages of 10 are in flight together and all refused: the page becomes 5 once, not 5, then 2, then 1.
    listing = FakeListing(50, together=4)

    def fetch(offset, size):
        total, items = listing(offset, size)
        if offset > 0 and size > 5:
            raise PageTooLarge("The page exceeds the upper limit.")
        return total, items

    pager = _pager(fetch, page_size=10, concurrency=4)
    assert _ids(_items(pager)) == list(range(50))
    assert pager.page_size == 5
    assert sorted(size for offset, size in listing.requests if offset > 0 and size < 10) == [5] * 8
