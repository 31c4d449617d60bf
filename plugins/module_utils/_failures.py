# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failures this collection reports: one readable line plus the result keys a playbook branches on.

Private to this collection: the interface may change without notice.
"""


def one_line(text):
    return " ".join(str(text).split())


def truncate(text, length):
    return text if len(text) <= length else text[:length - 3] + "..."


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
