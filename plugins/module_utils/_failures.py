# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failures this collection reports: one readable line plus the result keys a playbook branches on.

Private to this collection: the interface may change without notice.
"""


def one_line(text):
    return " ".join(str(text).split())


def truncate(text, length):
    """A short label cut to ``length`` characters. Scrub secrets first: a cut secret no longer matches."""
    return text if len(text) <= length else text[:length - 3] + "..."


def shorten(text, length):
    """A long message cut to ``length`` characters, saying so. Scrub secrets first: a cut secret no longer matches."""
    if len(text) <= length:
        return text
    return "%s... (shortened from %d characters)" % (text[:length], len(text))


# The longest msg a module reports, and the longest error_msg of the service kept in the result.
MESSAGE_CAP = 4000
ERROR_MSG_CAP = 2000


class ModuleFailure(Exception):
    """A failure to report with fail_json: ``msg`` is one line; ``result`` holds extra result keys."""

    def __init__(self, msg, **result):
        super(ModuleFailure, self).__init__(msg)
        self.msg = one_line(msg)
        self.result = result


class ApiError(ModuleFailure):
    """An HTTP answer from DRS or IAM that is not a success; ``hint`` says what the user can do about it."""

    def __init__(self, status_code, error_code=None, error_msg=None, request_id=None, summary=None, action=None,
                 hint=None):
        # The caller scrubbed error_msg and summary of secrets: both come from the server.
        if error_msg is not None:
            error_msg = shorten(error_msg, ERROR_MSG_CAP)
        error_code = error_code if error_code is None else truncate(one_line(error_code), 100)
        request_id = request_id if request_id is None else truncate(one_line(request_id), 100)
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.hint = hint
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
        if hint:
            message += ". Hint: %s" % hint
        super(ApiError, self).__init__(
            message, status_code=status_code, error_code=error_code, error_msg=error_msg, request_id=request_id)
