# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an HTTP answer: the JSON of a success, or an ApiError for anything else, never a dumped body.

Every text taken from an answer goes through ``scrub`` (the run's Secrets.scrub) before it is shortened.
Private to this collection: the interface may change without notice.
"""

import json
import re

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import (
    ApiError,
    ModuleFailure,
    one_line,
    truncate,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._hints import hint_for

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Answer(object):
    """An HTTP answer whose body was read whole, within the request's deadline and the body cap."""

    def __init__(self, status_code, headers, content, encoding=None):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.encoding = encoding

    @property
    def text(self):
        return self.content.decode(self.encoding or "utf-8", "replace")

    def json(self):
        """The parsed body; ValueError when it is not JSON (json.loads detects UTF-8, -16 and -32 itself)."""
        return json.loads(self.content)

    def close(self):
        """Nothing to release: the body is already read."""


def _unchanged(text):
    return text


def _clip(text, length, scrub):
    return truncate(one_line(scrub(text)), length)


def summarise_body(content_type, body_text, scrub=_unchanged):
    """Describe a body that is not the API's JSON error, without dumping it."""
    description = "a %s body of %d bytes" % (_clip(content_type or "untyped", 80, scrub) or "untyped",
                                             len(body_text.encode("utf-8")))
    match = _TITLE.search(body_text[:4096])
    if match and one_line(match.group(1)):
        description += " titled %r" % _clip(match.group(1), 80, scrub)
    return description


def parse_json(response, action, scrub=_unchanged, endpoint_option="endpoint"):
    """The JSON body of a success response, or a one-line failure describing what came instead."""
    try:
        return response.json()
    except ValueError:
        raise ModuleFailure("%s: HTTP %s came with %s instead of JSON. Hint: check %s" % (
            action, response.status_code, summarise_body(response.headers.get("Content-Type"), response.text, scrub),
            endpoint_option))


def api_error_from_response(response, action=None, status_hints=None, scrub=_unchanged):
    """Turn a non-success ``requests`` response into an :class:`ApiError` with its hint."""
    request_id = response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")
    error_code = error_msg = summary = None
    content_type = response.headers.get("Content-Type", "")
    text = response.text if response.content else ""
    payload = None
    if text:
        try:
            payload = response.json()
        except ValueError:
            payload = None
    if isinstance(payload, dict):
        error_code, error_msg = _error_fields(payload)
        if not error_code and not error_msg:
            summary = "a JSON body without error_code"
    elif text:
        summary = summarise_body(content_type, text, scrub)
    if 300 <= response.status_code < 400:
        summary = "a redirect to %s was refused" % _redirect_target(response.headers.get("Location"), scrub)
    return ApiError(response.status_code, scrub(error_code), scrub(error_msg), scrub(request_id), summary, action,
                    hint_for(response.status_code, error_code, status_hints))


def _error_fields(payload):
    if "error_code" in payload or "error_msg" in payload:
        return _text_or_none(payload.get("error_code")), _text_or_none(payload.get("error_msg"))
    # IAM and API gateway answers nest the error: {"error": {"code": ..., "message": ...}}.
    nested = payload.get("error")
    if isinstance(nested, dict):
        return (_text_or_none(nested.get("error_code") or nested.get("code")),
                _text_or_none(nested.get("error_msg") or nested.get("message")))
    return None, None


def _text_or_none(value):
    return None if value is None or value == "" else str(value)


def _redirect_target(location, scrub):
    if not location:
        return "an unnamed location"
    # Show where it points without any query string (it could carry anything).
    return _clip(location.split("?", 1)[0], 120, scrub)
