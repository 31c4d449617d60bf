# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDK-HMAC-SHA256 request signing, byte for byte as the official Huawei Cloud SDK does it.

Private to this collection: the interface may change without notice.
"""

import hashlib
import hmac
import time

from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def format_sdk_date(epoch_seconds=None):
    """The X-Sdk-Date value (UTC, second precision) for a moment, now by default."""
    return time.strftime(_DATE_FORMAT, time.gmtime(epoch_seconds))


def _encode(value):
    # Only RFC 3986 unreserved characters and "~" stay as they are; "/" and space are encoded.
    return quote(value, safe="~")


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def canonical_uri(path):
    """Each segment percent-encoded, with a trailing slash (only in the canonical form)."""
    encoded = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    if not encoded.endswith("/"):
        encoded += "/"
    return encoded


def canonical_query(pairs):
    """Sorted, encoded ``key=value`` pairs joined with ``&``; also the exact query string to send.

    ``pairs`` is a mapping or an iterable of ``(key, value)``; ``None`` values are left out.
    """
    items = pairs.items() if hasattr(pairs, "items") else pairs
    texts = sorted((str(key), _as_text(value)) for key, value in items if value is not None)
    return "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in texts)


def signed_header_names(headers):
    """Every header present at signing time whose name has no underscore, lower-cased and sorted."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_request(method, path, query_string, headers, body=b""):
    names = signed_header_names(headers)
    values = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    canonical_headers = "".join("%s:%s\n" % (name, values[name]) for name in names)
    return "\n".join([
        method.upper(),
        canonical_uri(path),
        query_string,
        canonical_headers,
        ";".join(names),
        hashlib.sha256(body or b"").hexdigest(),
    ])


def sign_request(method, path, query_string, headers, body, access_key, secret_key):
    """Return the ``Authorization`` header value for a request.

    ``headers`` must already hold every header to be signed, including ``Host`` and ``X-Sdk-Date``;
    ``query_string`` is the output of :func:`canonical_query` and must be sent unchanged.
    """
    date = None
    for name, value in headers.items():
        if name.lower() == DATE_HEADER.lower():
            date = value
    if not date:
        raise ValueError("the %s header must be set before signing" % DATE_HEADER)
    request_text = canonical_request(method, path, query_string, headers, body)
    string_to_sign = "%s\n%s\n%s" % (ALGORITHM, date, hashlib.sha256(request_text.encode("utf-8")).hexdigest())
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed_header_names(headers)), signature)


class AccessKeySigner(object):
    """Signs each attempt of a request afresh: X-Sdk-Date must be within 15 minutes of the server's clock."""

    def __init__(self, access_key, secret_key, security_token=None, clock=time.time):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.clock = clock

    def sign(self, method, path, query_string, headers, body):
        """Add X-Sdk-Date, X-Security-Token (temporary keys) and Authorization to ``headers``."""
        headers[DATE_HEADER] = format_sdk_date(self.clock())
        if self.security_token:
            headers["X-Security-Token"] = self.security_token
        headers["Authorization"] = sign_request(method, path, query_string, headers, body, self.access_key,
                                                self.secret_key)
