# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failures this collection reports, and the hint a user needs for each API error code.

Private to this collection: the interface may change without notice.
"""

import re

_TOKEN_HINT = ("the token is invalid or has expired: pass a fresh auth_token, or use access keys or an IAM "
               "user and password, which the module renews by itself")
_PERMISSION_HINT = ("the credentials lack permission for DRS in this project: grant the IAM user a DRS policy "
                    "(for example DRS ReadOnlyAccess) for this region's project")
_PAGE_HINT = "the service refused the page size: lower page_size"
_PARAMETER_HINT = "a query option has a value the service does not accept: check the option error_msg names"

HINTS = {
    "APIGW.0101": ("this endpoint does not offer the DRS API v5 (it is available only in some regions): "
                   "check region, or set endpoint"),
    "APIGW.0301": ("the request signature was rejected: check access_key and secret_key (and security_token for "
                   "temporary credentials), and that this host's clock is within 15 minutes of real time"),
    "APIGW.0307": _TOKEN_HINT,
    "APIGW.0308": "the service is throttling requests: lower page_concurrency, raise max_retries, or run fewer tasks at once",
    "DRS.M00004": "the service reported an internal problem: try again later",
    "DRS.M00007": _PARAMETER_HINT,
    "DRS.M00100": _TOKEN_HINT,
    "DRS.M00102": _PERMISSION_HINT,
    "DRS.M00103": _PERMISSION_HINT,
    "DRS.M00200": _PARAMETER_HINT,
    "DRS.M00201": _PARAMETER_HINT,
    "DRS.M00202": _PARAMETER_HINT,
    "DRS.M00210": _PAGE_HINT,
    "DRS.M00211": _PAGE_HINT,
    "DRS.M00261": ("project_id does not belong to this region or to these credentials: check region and "
                   "project_id, or leave project_id unset to have it looked up"),
    "DRS.10000010": "no batch async job has this async_job_id in this project",
}

_STATUS_HINTS = {
    401: "the service did not accept the credentials: check them",
    403: "the credentials are not allowed to do this: check IAM permissions and project_id",
    404: "nothing answers at this path: check endpoint and region",
    429: "the service is throttling requests: lower page_concurrency or raise max_retries",
}

# Result keys every API failure carries, so a playbook can branch on them.
ERROR_KEYS = ("status_code", "error_code", "error_msg", "request_id")


class ModuleFailure(Exception):
    """A failure to report with fail_json: ``msg`` is one line; ``result`` holds extra result keys."""

    def __init__(self, msg, **result):
        super(ModuleFailure, self).__init__(msg)
        self.msg = one_line(msg)
        self.result = result


class ApiError(ModuleFailure):
    """An HTTP answer from DRS or IAM that is not a success."""

    def __init__(self, status_code, error_code=None, error_msg=None, request_id=None, summary=None, action=None,
                 status_hints=None):
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.hint = hint_for(status_code, error_code, status_hints)
        parts = ["%s failed with HTTP %s" % (action or "The request", status_code)]
        if error_code:
            parts.append("error_code %s" % error_code)
        if error_msg:
            parts.append("error_msg %r" % truncate(one_line(error_msg), 300))
        if summary:
            parts.append(summary)
        if request_id:
            parts.append("request id %s" % request_id)
        message = ", ".join(parts)
        if self.hint:
            message += ". Hint: %s" % self.hint
        super(ApiError, self).__init__(
            message, status_code=status_code, error_code=error_code, error_msg=error_msg, request_id=request_id)


def hint_for(status_code, error_code, status_hints=None):
    if error_code in HINTS:
        return HINTS[error_code]
    if status_hints and status_code in status_hints:
        return status_hints[status_code]
    if 300 <= status_code < 400:
        return ("the server answered with a redirect, which is never followed so that credentials cannot travel "
                "to another host: set endpoint or iam_endpoint to the final address")
    if status_code >= 500:
        return "the service failed; it was retried up to max_retries times: try again later"
    return _STATUS_HINTS.get(status_code)


def one_line(text):
    return " ".join(str(text).split())


def truncate(text, length):
    return text if len(text) <= length else text[:length - 3] + "..."


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def summarise_body(content_type, body_text):
    """Describe a body that is not the API's JSON error, without dumping it."""
    description = "a %s body of %d bytes" % (one_line(content_type or "untyped") or "untyped", len(body_text.encode("utf-8")))
    match = _TITLE.search(body_text[:4096])
    if match and one_line(match.group(1)):
        description += " titled %r" % truncate(one_line(match.group(1)), 80)
    return description


def api_error_from_response(response, action=None, status_hints=None):
    """Turn a non-success ``requests`` response into an :class:`ApiError`."""
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
        summary = summarise_body(content_type, text)
    if 300 <= response.status_code < 400:
        summary = "a redirect to %s was refused" % _redirect_target(response.headers.get("Location"))
    return ApiError(response.status_code, error_code, error_msg, request_id, summary, action, status_hints)


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


def _redirect_target(location):
    if not location:
        return "an unnamed location"
    # Show where it points without any query string (it could carry anything).
    return truncate(one_line(location.split("?", 1)[0]), 120)
