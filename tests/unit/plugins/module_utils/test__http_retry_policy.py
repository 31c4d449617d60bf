"""When the transport retries and how long it pauses (plugins/module_utils/_http.py)."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils import _http
from ansible_collections.hwcloud.drs.plugins.module_utils._http import (
    backoff_seconds,
    is_unknown_host,
    parse_retry_after,
)


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500) == pytest.approx(10)
    assert parse_retry_after("garbage") is None and parse_retry_after(None) is None


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    assert backoff_seconds(0, jitter=lambda: 0.0) == pytest.approx(0.25)
    assert backoff_seconds(0, jitter=lambda: 1.0) == pytest.approx(0.5)
    assert backoff_seconds(3, jitter=lambda: 1.0) == pytest.approx(4.0)
    assert backoff_seconds(30, jitter=lambda: 1.0) == _http.BACKOFF_CAP_SECONDS


def test_retry_after_is_capped():
    assert backoff_seconds(0, retry_after=7.0) == 7.0
    assert backoff_seconds(0, retry_after=3600.0) == _http.RETRY_AFTER_CAP_SECONDS


def test_only_a_name_that_does_not_resolve_counts_as_an_unknown_host():
    assert is_unknown_host(OSError("[Errno -2] Name or service not known"))
    assert not is_unknown_host(OSError("[Errno -3] Temporary failure in name resolution"))
