# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch async job list call, GET /v5/{project_id}/batch-async-jobs, one page at a time.

Every module that reads batches lists them through here, with a Pager driving the pages.
Private to this collection: the interface may change without notice.
"""

from urllib.parse import quote

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure

LISTING = "Listing DRS batch async jobs"
# DRS answers "nothing matched" with 422 DRS.M00002 instead of an empty list...
NOTHING_MATCHED = (422, "DRS.M00002")
# ...and a page over its (undocumented) upper limit with DRS.M00211.
PAGE_TOO_LARGE = "DRS.M00211"


def is_page_too_large(error):
    return isinstance(error, ApiError) and error.error_code == PAGE_TOO_LARGE


def batch_jobs_path(project_id, *segments):
    """``/v5/{project_id}/batch-async-jobs[/segment...]``, each segment percent-encoded as one path segment.

    Percent-encoding leaves ``.`` as it is, and HTTP libraries normalise ``.`` and ``..`` segments away: the
    request would go to another path. Those (and empty segments) are refused.
    """
    for segment in (project_id,) + segments:
        if segment in ("", ".", ".."):
            raise ModuleFailure("%r cannot be one segment of the path /v5/{project_id}/batch-async-jobs: it would "
                                "send the request to another path. Hint: check project_id and async_job_id" % segment)
    return "/".join(["/v5", quote(project_id, safe=""), "batch-async-jobs"] + [quote(s, safe="") for s in segments])


def fetch_page(client, path, query, language, action, entries="job"):
    """One page of a paged call of the batch family (list or detail): ``(total_count, entries)``.

    Both answer ``{"total_count", "jobs": [...]}``; "nothing matched" is an empty page.
    """
    try:
        payload = client.get_json(path, query, {"X-Language": language}, action)
    except ApiError as error:
        if (error.status_code, error.error_code) == NOTHING_MATCHED:
            return 0, []
        raise
    if not isinstance(payload, dict) or not isinstance(payload.get("jobs", []), list):
        raise ModuleFailure("%s: the answer is not a %s list. Hint: check endpoint" % (action, entries))
    return count_or_none(payload.get("total_count")), payload.get("jobs") or []


def fetch_jobs_page(client, query, language, offset, size):
    """One page of the list call: ``(total_count, jobs)``; "nothing matched" is an empty page."""
    return fetch_page(client, batch_jobs_path(client.project_id), dict(query, offset=offset, limit=size), language,
                      LISTING)


def count_or_none(value):
    """``value`` as a count (a non-negative whole number, also as text), or None: 1e400, -3, "many", [] are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        # is_integer() is false for inf and nan; 1e400 is parsed as inf.
        return int(value)
    return None
