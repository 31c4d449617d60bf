# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a request is retried and how long to pause first: 429/5xx and connection errors, jittered
exponential backoff, the server's Retry-After honoured up to a cap.

Private to this collection: the interface may change without notice.
"""

import random
import re
import time


# 429 is throttling; the 5xx codes are the gateway's transient answers.
RETRY_STATUS_CODES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 20.0
# A server may ask for a long pause; never sleep longer than this for one retry.
RETRY_AFTER_CAP_SECONDS = 60.0


def parse_retry_after(value, now=None):
    """Seconds asked by a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if re.match(r"^\d+(\.\d+)?$", value):
        return float(value)
    from email.utils import parsedate_to_datetime  # only needed for the rare HTTP-date form
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def backoff_seconds(attempt, retry_after=None, jitter=None):
    """Jittered exponential backoff for retry number ``attempt`` (0-based), honouring Retry-After."""
    if retry_after is not None:
        return min(retry_after, RETRY_AFTER_CAP_SECONDS)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** attempt))
    return ceiling * (0.5 + (jitter or random.random)() / 2.0)


# A host name that does not resolve will not resolve a second later; "Temporary failure" may, and is retried.
_UNKNOWN_HOST = re.compile(r"Name or service not known|nodename nor servname provided|No address associated")


def is_unknown_host(error):
    """True for a connection error whose host name does not resolve (not worth a retry)."""
    return bool(_UNKNOWN_HOST.search(str(error)))
