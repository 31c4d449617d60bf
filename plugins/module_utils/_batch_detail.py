# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why a batch failed validation: the detail call, GET /v5/{project_id}/batch-async-jobs/{async_job_id}.

The answer lists the DRS tasks the batch created (the SDK's JobDetailResp, 37 optional fields). Which of them
the service fills for a batch that failed validation is not documented, so every field that can carry a reason
is read when present, none is required, and a value of an unexpected type is read as text. The other fields
hold endpoints and connection details (user names): a task is never returned whole. Every text read is
scrubbed of the run's secrets before it is cut to length: a secret that straddles the cut would otherwise
leave its first part behind, no longer whole enough for any later scrub to recognise.
Private to this collection: the interface may change without notice.
"""

from ansible_collections.hwcloud.drs.plugins.module_utils._batch_jobs import (
    batch_jobs_path,
    fetch_page,
    is_page_too_large,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import one_line, truncate
from ansible_collections.hwcloud.drs.plugins.module_utils._fan_out import map_in_order
from ansible_collections.hwcloud.drs.plugins.module_utils._paging import Pager

READING = "Reading the tasks of DRS batch async job %s"
# The task's own error fields: the SDK's model has none, the service may still send them (DRS v3 jobs had
# error_code and error_message; the API's error bodies say error_msg).
OWN_MESSAGE_FIELDS = ("error_msg", "error_message")
# A reason longer than this is cut: one message must stay readable, and a runaway field must not flood it.
REASON_LENGTH = 500
FAILED_RESULTS = frozenset(("failed", "failure", "fail", "false", "error"))


def _unchanged(text):
    return text


def _text(value, scrub=_unchanged):
    """A field's value as one line of text, scrubbed, then cut to REASON_LENGTH; None when it carries nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    text = one_line(scrub(one_line(value)))
    return truncate(text, REASON_LENGTH) if text else None


def _dicts(value):
    """The dict entries of a list field; any other shape carries no entry that can be read safely."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _code_and_message(code, message, scrub):
    code, message = _text(code, scrub), _text(message, scrub)
    if code and message:
        return "%s: %s" % (code, message)
    return code or message


def _own_errors(task, scrub):
    messages = [task.get(field) for field in OWN_MESSAGE_FIELDS if _text(task.get(field))]
    return [_code_and_message(task.get("error_code"), message, scrub) for message in messages or [None]]


def _network_errors(task, scrub):
    reasons = []
    for result in _dicts(task.get("network_results")):
        reason = _code_and_message(result.get("error_code"), result.get("error_msg"), scrub)
        if reason:
            # The entry's ip names an endpoint: only the error is quoted.
            reasons.append("connection test: %s" % reason)
    return reasons


def _error_logs(task, scrub):
    return [_text(log.get("message"), scrub) for log in _dicts(task.get("logs"))
            if str(log.get("level", "")).strip().lower() == "error"]


def _failed_prechecks(task, scrub):
    precheck = task.get("precheck_result")
    reasons = []
    for check in _dicts(precheck.get("precheck_results") if isinstance(precheck, dict) else None):
        result = _text(check.get("result"), scrub)
        failed_reason = _text(check.get("failed_reason"), scrub)
        # Without a result, a failed_reason says it failed; with one, only a failed result counts (an item
        # that passed or only raised an alarm is not why the batch failed).
        if not (result.lower() in FAILED_RESULTS if result else failed_reason):
            continue
        item = _text(check.get("item"), scrub) or "an item"
        reasons.append("precheck %s failed%s" % (item, ": %s" % failed_reason if failed_reason else ""))
    return reasons


def task_reasons(task, scrub=_unchanged):
    """What the detail answer says about why one task failed, as lines of text, without repeats.

    Reads the task's own error code and message, those of its ``network_results`` entries, its ``logs``
    entries of level error and its failed ``precheck_result.precheck_results`` items with their
    ``failed_reason``. Nothing else of the task is quoted. ``scrub`` (the run's Secrets.scrub) masks secrets
    in each text before it is cut.
    """
    if not isinstance(task, dict):
        return []
    reasons = []
    for reason in (_own_errors(task, scrub) + _network_errors(task, scrub) + _error_logs(task, scrub)
                   + _failed_prechecks(task, scrub)):
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons


def task_summary(task, scrub=_unchanged):
    """``{id, name, status, reasons}`` of one task: the only fields of a task this collection returns."""
    task = task if isinstance(task, dict) else {}
    base_info = task.get("base_info")
    name = base_info.get("name") if isinstance(base_info, dict) else None
    return {"id": _text(task.get("id"), scrub), "name": _text(name, scrub), "status": _text(task.get("status"), scrub),
            "reasons": task_reasons(task, scrub)}


def fetch_detail_page(client, async_job_id, language, offset, size):
    """One page of the detail call: ``(total_count, tasks)``."""
    return fetch_page(client, batch_jobs_path(client.project_id, async_job_id), {"offset": offset, "limit": size},
                      language, READING % async_job_id, entries="task")


def _task_id(task):
    return task.get("id") if isinstance(task, dict) else None


def read_tasks(client, async_job_id, language="en-us", page_size=1000):
    """Every task of one batch (every page), as the service returns them."""
    pager = Pager(lambda offset, size: fetch_detail_page(client, async_job_id, language, offset, size),
                  page_size=page_size, concurrency=1, identity=_task_id, is_page_too_large=is_page_too_large)
    return pager.list()[1]


def read_validation_failures(client, async_job_ids, language="en-us", concurrency=1, page_size=1000):
    """``[{async_job_id, tasks: [{id, name, status, reasons}]}]``, one entry per id, in the order given.

    Reads every page of each batch's detail, ``concurrency`` batches at a time. ``tasks`` holds every task
    of the batch, each with the reasons the answer carries for it (empty when none). Raises ModuleFailure
    (ApiError when the service answered with an error) when a call fails.
    """
    def read(async_job_id):
        tasks = read_tasks(client, async_job_id, language, page_size)
        return {"async_job_id": async_job_id, "tasks": [task_summary(task, client.scrub) for task in tasks]}

    return map_in_order(read, async_job_ids, concurrency)


def _task_label(task):
    name, task_id = task.get("name"), task.get("id")
    if name and task_id:
        return "task %s (id %s)" % (name, task_id)
    if name or task_id:
        return "task %s" % (name or task_id)
    return "a task"


def reasons_summary(validation_failures, limit=3):
    """One line quoting the first ``limit`` reasons, each with its batch and task; "" when there is none.

    For example ``job-002: task mysql-to-mysql-1 (id 6f1c...): DRS.M05004: the source database is
    unreachable; job-002: task ...: ...; and 4 more``.
    """
    quoted = []
    for failure in validation_failures:
        for task in failure.get("tasks") or []:
            for reason in task.get("reasons") or []:
                quoted.append("%s: %s: %s" % (failure.get("async_job_id"), _task_label(task), reason))
    if len(quoted) > limit:
        quoted[limit:] = ["and %d more" % (len(quoted) - limit)]
    return "; ".join(quoted)
