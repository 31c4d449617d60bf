# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DRS calls of the batch family, with every DRS error code they interpret.

The list call (GET /v5/{project_id}/batch-async-jobs, one page at a time, and BatchListing, which lists a
whole selection), the detail call (why a batch
failed validation), the commit call (POST .../{async_job_id}/commit, never blindly repeated), and
DrsClient, which sends them with one credential (_auth); build_client() builds it from the settings.

Private to this collection: the interface may change without notice.
"""

import collections
import math
import re
from urllib.parse import quote

from ansible_collections.hwcloud.drs.plugins.module_utils._auth import (
    build_credential,
    lookup_project_id,
    send_authorised,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure, one_line, truncate
from ansible_collections.hwcloud.drs.plugins.module_utils._http import RETRY_STATUS_CODES, parse_json
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import Pager, TooManyItems, map_in_order
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import check_path_segment
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    COMMITTED,
    NAMED_JOBS,
    VALIDATED,
    VALIDATE_FAILED,
    count_job_statuses,
    count_statuses,
    job_failed,
    job_id,
    job_status,
    jobs_to_return,
)


# ----------------------------------------------------------------------------------------------------
# The batch async job list call, GET /v5/{project_id}/batch-async-jobs, one page at a time.
#
# Every module that reads batches lists them through here, with a Pager driving the pages.


LISTING = "Listing DRS batch async jobs"
# DRS answers "nothing matched" with 422 DRS.M00002 instead of an empty list...
NOTHING_MATCHED = (422, "DRS.M00002")
# ...and a page over its (undocumented) upper limit with DRS.M00211.
PAGE_TOO_LARGE = "DRS.M00211"


def is_page_too_large(error):
    return isinstance(error, ApiError) and error.error_code == PAGE_TOO_LARGE


def batch_jobs_path(project_id, *segments):
    """``/v5/{project_id}/batch-async-jobs[/segment...]``, each segment percent-encoded as one path segment."""
    return v5_path(project_id, "batch-async-jobs", segments, "async_job_id")


def v5_path(project_id, collection, segments, id_option):
    """``/v5/{project_id}/{collection}[/segment...]``, each segment percent-encoded as one path segment.

    Percent-encoding leaves ``.`` as it is, and HTTP libraries normalise ``.`` and ``..`` segments away: the
    request would go to another path. Those (and empty segments) are refused (``id_option``: the hint's option).
    """
    for segment in (project_id,) + tuple(segments):
        if segment in ("", ".", ".."):
            raise ModuleFailure("%r cannot be one segment of the path /v5/{project_id}/%s: it would send the request "
                                "to another path. Hint: check project_id and %s" % (segment, collection, id_option))
    return "/".join(["/v5", quote(project_id, safe=""), collection] + [quote(s, safe="") for s in segments])


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


# ----------------------------------------------------------------------------------------------------
# Every job of a selection, listed in full each time: the batches asked for by id and/or the filters.


# The most jobs one listing reads: a service that invents new jobs without end still lets the run end.
MOST_LISTED_JOBS = 100000

# missing_ids: the selected batch ids that matched no job.
Listing = collections.namedtuple("Listing", "jobs total_count missing_ids")
NOTHING_LISTED = Listing(jobs=[], total_count=0, missing_ids=[])


def selected_ids(async_job_ids, option="async_job_ids"):
    """The batch ids of an ``async_job_ids`` option, stripped and without repeats; refuses an empty list or id
    (``option``: how the message names the option)."""
    ids = [async_job_id.strip() if async_job_id else "" for async_job_id in async_job_ids]
    if not ids or not all(ids):
        raise ModuleFailure("%s must hold at least one id and no empty one; leave it out to list by the other "
                            "filters" % option)
    return list(collections.OrderedDict.fromkeys(ids))


class BatchListing(object):
    """Lists every selected job, in full, each time it is called: returns a Listing.

    One query per batch id (the list call filters by one id), or one query for the filters alone
    (``async_job_ids`` None), all run at once, at most ``concurrency`` pages at a time. Each query keeps its
    Pager, and so the page size the service accepted, from one listing to the next.
    """

    # How to list less, for the message of a listing past MOST_LISTED_JOBS: the caller's options.
    NARROW = "narrow the listing with async_job_id, status, domain_name or user_name, or read it in parts with offset " \
             "and limit"

    def __init__(self, client, async_job_ids, query, language="en-us", page_size=1000, concurrency=10,
                 throttle=None, offset=0, limit=None, narrow=NARROW, stats=None):
        self.concurrency, self.offset, self.limit, self.narrow, self.stats = concurrency, offset, limit, narrow, stats
        # The last complete listing, which a failure still reports (an until loop reads its keys).
        self.last = NOTHING_LISTED
        self.pagers = collections.OrderedDict()
        queries = async_job_ids or [None]
        for async_job_id in queries:
            filters = dict(query, async_job_id=async_job_id) if async_job_id is not None else dict(query)
            self.pagers[async_job_id] = Pager(
                lambda offset, size, filters=filters: fetch_jobs_page(client, filters, language, offset, size),
                page_size=page_size, concurrency=max(1, concurrency // len(queries)), identity=job_id,
                is_page_too_large=is_page_too_large, throttle=throttle, most_items=MOST_LISTED_JOBS)

    def __call__(self):
        try:
            listed = map_in_order(lambda pager: pager.list(self.offset, self.limit), self.pagers.values(),
                                  self.concurrency)
        except TooManyItems as error:
            raise ModuleFailure("%s: the service listed more than %d batches, the most one listing reads. Hint: %s" % (
                LISTING, error.most, self.narrow))
        jobs, seen = [], set()
        for asked, (_total_count, page) in zip(self.pagers, listed):
            for job in page:
                # A job listed for two ids would be counted twice; an id that is not text is data, kept as it is.
                key = job_id(job)
                if isinstance(key, str):
                    if key in seen or (asked is not None and key != asked):
                        # ...and a job of another batch, which a service that ignored the filter would list, is
                        # not one of the selection (a gate would commit it).
                        continue
                    seen.add(key)
                jobs.append(job)
        missing = [async_job_id for async_job_id, (total_count, page) in zip(self.pagers, listed)
                   if async_job_id is not None and not page and not total_count]
        self.last = Listing(jobs, sum(total_count or 0 for total_count, _page in listed), missing)
        if self.stats is not None:
            self.stats.add("polls")
        return self.last


def listing_result(listing, return_jobs, wanted_status, validation_failures=(), would_wait_for=None):
    """The result keys of a listing that every module reading batches returns, on failure too:
    ``total_count`` and ``status_counts`` describe every listed job, ``jobs`` those ``return_jobs`` keeps."""
    result = dict(jobs=jobs_to_return(listing.jobs, return_jobs, wanted_status), total_count=listing.total_count or 0,
                  status_counts=count_statuses(listing.jobs), missing_async_job_ids=list(listing.missing_ids),
                  validation_failures=list(validation_failures))
    if would_wait_for is not None:
        result["would_wait_for"] = would_wait_for
    return result


def failed_batch_ids(listing):
    """The ids of the listed batches that failed validation, in listing order, each once."""
    return list(collections.OrderedDict.fromkeys(
        job_id(job) for job in listing.jobs if job_status(job) == VALIDATE_FAILED and isinstance(job_id(job), str)))


def read_failed_batches(client, listing, language="en-us", concurrency=1, page_size=1000):
    """``(validation_failures, None)`` of the listed batches that failed validation (every page of each
    detail), or ``([], why)`` when they could not be read."""
    failed_ids = failed_batch_ids(listing)
    if not failed_ids:
        return [], None
    try:
        return read_validation_failures(client, failed_ids, language, concurrency, page_size), None
    except ModuleFailure as error:
        return [], error.msg


# ----------------------------------------------------------------------------------------------------
# Why a batch failed validation: the detail call, GET /v5/{project_id}/batch-async-jobs/{async_job_id}.
#
# The answer lists the DRS tasks the batch created (the SDK's JobDetailResp, 37 optional fields). Which of them
# the service fills for a batch that failed validation is not documented, so every field that can carry a reason
# is read when present, none is required, and a value of an unexpected type is read as text. The other fields
# hold endpoints and connection details (user names): a task is never returned whole. Every text read is
# scrubbed of the run's secrets before it is cut to length: a secret that straddles the cut would otherwise
# leave its first part behind, no longer whole enough for any later scrub to recognise.


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
    text = one_line(scrub(str(value)))  # scrubbed before the whitespace collapses: a secret may hold some
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
                  page_size=page_size, concurrency=1, identity=_task_id, is_page_too_large=is_page_too_large,
                  most_items=MOST_LISTED_JOBS)
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
    # The name is what the DRS console shows; the id only when there is no name (validation_failures has both).
    name, task_id = task.get("name"), task.get("id")
    return "task %s" % (name or task_id) if name or task_id else "a task"


# A task's summary line ("Pre-check failed: 1 item did not pass.") says less than the item it sums up: it is
# quoted after the batch's other reasons.
GENERIC_REASON = re.compile(r"^pre-?check failed: \d+ items? did not pass$", re.IGNORECASE)


def _quoted_reasons(failure):
    """``[(task label, reason)]`` of one batch, in task order, the generic ones after all the specific ones."""
    quoted = [(_task_label(task), str(reason).rstrip(".") or str(reason))
              for task in failure.get("tasks") or [] for reason in task.get("reasons") or []]
    return sorted(quoted, key=lambda quote: bool(GENERIC_REASON.match(quote[1])))


def reasons_summary(validation_failures, limit=3, name_batches=True):
    """One line naming each failed batch once, then its first reasons; "" when no batch has a reason.

    Every batch gets its first reason, and the first batches the rest of ``limit``, for example
    ``job-002: task mysql-1: DRS.M05004: the source database is unreachable; task mysql-2: ... (and 4 more);
    job-003: task mysql-1: ... (and 2 more)``. ``name_batches`` false leaves the batch out (one batch,
    which the message names already).
    """
    batches = [(failure.get("async_job_id"), _quoted_reasons(failure)) for failure in validation_failures]
    if not any(quoted for _batch, quoted in batches):
        return ""
    shown = dict((index, 1 if quoted else 0) for index, (_batch, quoted) in enumerate(batches[:NAMED_JOBS]))
    spare = limit - sum(shown.values())
    for index, (_batch, quoted) in enumerate(batches[:NAMED_JOBS]):
        extra = max(0, min(spare, len(quoted) - shown[index]))
        shown[index] += extra
        spare -= extra
    parts = []
    for index, (batch, quoted) in enumerate(batches[:NAMED_JOBS]):
        lines, last_task = [], None
        for task, reason in quoted[:shown[index]]:
            lines.append(reason if task == last_task else "%s: %s" % (task, reason))
            last_task = task
        text = "; ".join(lines) if lines else "no reason given"
        if len(quoted) > shown[index]:
            text += " (and %d more)" % (len(quoted) - shown[index])
        parts.append("%s: %s" % (batch, text) if name_batches else text)
    if len(batches) > NAMED_JOBS:
        parts.append("and %d more batches" % (len(batches) - NAMED_JOBS))
    return "; ".join(parts)


# ----------------------------------------------------------------------------------------------------
# The DRS jobs a committed batch created: their ids from the batch's detail (each task's ``id``), their status from
# the job list call GET /v5/{project_id}/jobs (``name`` takes at most 10 ids, comma-separated), their progress and
# lag from GET /v5/{project_id}/jobs/{job_id}?type=progress, and their error from ?type=log, one job at a time.
#
# No model of the SDK has an error field on a job: a failed job's error is the task's own error_code and
# error_msg when the service sends them, else its newest log of level Error.


JOBS_LISTING = "Listing DRS jobs"
READING_JOB = "Reading the %s of DRS job %s"
# The list call's name filter takes at most 10 ids.
NAMES_PER_CALL = 10
# How many error logs a failed job's log call asks for: the newest one is quoted.
ERROR_LOGS = 10

# jobs: every selected job DRS listed, as drs_job_summary() returns it; missing_ids: the selected job ids it did not
# list.
JobsObserved = collections.namedtuple("JobsObserved", "jobs missing_ids")
NOTHING_OBSERVED = JobsObserved(jobs=[], missing_ids=[])


def jobs_path(project_id, *segments):
    return v5_path(project_id, "jobs", segments, "job_ids")


def number_or_none(value):
    """A number the service sent as a number or text (``"45"``, ``"45%"``, ``"1.5"``), or None: a negative, an
    infinite, a nan, a bool or anything else is not a number it could have meant."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 2 ** 53 else float(value)


def _job_list_id(job):
    return job.get("id") if isinstance(job, dict) else None


def fetch_drs_jobs_page(client, names, language, offset, size):
    """One page of the job list call for these job ids: ``(total_count, jobs)``."""
    return fetch_page(client, jobs_path(client.project_id), {"name": ",".join(names), "offset": offset, "limit": size},
                      language, JOBS_LISTING, entries="job")


def read_job_detail(client, job_id, detail_type, language="en-us", query=None):
    """The ``job`` object of GET /v5/{project_id}/jobs/{job_id}?type=``detail_type`` ({} when the answer has none)."""
    payload = client.get_json(jobs_path(client.project_id, job_id), dict(query or {}, type=detail_type),
                              {"X-Language": language}, READING_JOB % (detail_type, job_id))
    job = payload.get("job") if isinstance(payload, dict) else None
    return job if isinstance(job, dict) else {}


def job_error(detail, scrub=_unchanged):
    """``(error_code, error_message)`` of a job detail: its own fields, else its first log of level Error."""
    code = _text(detail.get("error_code"), scrub)
    message = next((_text(detail.get(field), scrub) for field in OWN_MESSAGE_FIELDS if _text(detail.get(field))), None)
    if message is None:
        logs = [_text(log.get("message"), scrub) for log in _dicts(detail.get("logs"))
                if str(log.get("level", "")).strip().lower() == "error"]
        message = next((log for log in logs if log), None)
    return code, message


def drs_job_summary(listed, progress=None, error=(None, None), async_job_id=None, scrub=_unchanged):
    """The keys this collection returns for one DRS job, always all of them (None when unknown)."""
    info = progress.get("progress_info") if isinstance(progress, dict) else None
    info = info if isinstance(info, dict) else {}
    lag = number_or_none(info.get("incr_trans_delay"))
    if lag is None and number_or_none(info.get("incr_trans_delay_millis")) is not None:
        lag = number_or_none(info["incr_trans_delay_millis"]) / 1000.0
    return {"id": listed.get("id"), "name": _text(listed.get("name"), scrub),
            "status": listed.get("status") if isinstance(listed.get("status"), str) else None,
            "async_job_id": async_job_id, "transfer_status": _text(info.get("transfer_status"), scrub),
            "progress": number_or_none(info.get("progress")), "incremental_delay": lag,
            "remaining_time": _text(info.get("remaining_time"), scrub),
            "error_code": error[0], "error_message": error[1]}


def batch_job_ids(client, async_job_ids, language="en-us", concurrency=1, page_size=1000):
    """``OrderedDict(job id -> batch id)`` of the DRS jobs these batches created: each task of every page of each
    batch's detail, in order. Raises ModuleFailure naming a batch that lists no task, or a task without an id."""
    def read(async_job_id):
        return async_job_id, read_tasks(client, async_job_id, language, page_size)

    jobs = collections.OrderedDict()
    for async_job_id, tasks in map_in_order(read, async_job_ids, concurrency):
        ids = [task.get("id") for task in tasks if isinstance(task, dict)]
        if not tasks or not all(isinstance(task_id, str) and task_id.strip() for task_id in ids) \
                or len(ids) < len(tasks):
            raise ModuleFailure("%s: %s. Hint: the batch must be committed (COMMIT_SUCCESS) and list its DRS tasks, "
                                "each with an id" % (READING % async_job_id, "the batch lists no task" if not tasks
                                                     else "a task of the batch has no id"))
        for task_id in ids:
            jobs.setdefault(task_id, async_job_id)
    return jobs


class JobWatch(object):
    """Observes the selected DRS jobs each time it is called: returns a JobsObserved.

    Statuses come from the list call, up to NAMES_PER_CALL ids per call and ``concurrency`` calls at a time (a Pager
    each, since a name filter may match more jobs by name than ids). Only jobs whose id is exactly a selected one are
    kept. Then, ``concurrency`` at a time, the progress call for each job ``needs_progress(summary)`` names, and the
    log call for each failed job (its error).
    """

    def __init__(self, client, batches, language="en-us", concurrency=10, page_size=1000, throttle=None,
                 needs_progress=None, stats=None):
        self.client, self.language, self.concurrency, self.stats = client, language, concurrency, stats
        # job id -> batch id (None when selected by job id)
        self.batches = batches
        self.needs_progress = needs_progress or (lambda job: False)
        self.last = NOTHING_OBSERVED
        ids = list(batches)
        for job_id_value in ids:
            if "," in job_id_value:
                raise ModuleFailure("DRS job id %r holds a comma, which the list call's name filter reads as two "
                                    "ids. Hint: check the job ids" % job_id_value)
        self.pagers = []
        for start in range(0, len(ids), NAMES_PER_CALL):
            names = ids[start:start + NAMES_PER_CALL]
            self.pagers.append((names, Pager(
                lambda offset, size, names=names: fetch_drs_jobs_page(client, names, language, offset, size),
                page_size=page_size, concurrency=1, identity=_job_list_id, is_page_too_large=is_page_too_large,
                throttle=throttle, most_items=MOST_LISTED_JOBS)))

    def list_statuses(self):
        """``{job id: the job as listed}`` of the selected jobs DRS listed."""
        try:
            pages = map_in_order(lambda entry: (entry[0], entry[1].list()[1]), self.pagers, self.concurrency)
        except TooManyItems as error:
            raise ModuleFailure("%s: the service listed more than %d jobs, the most one listing reads. Hint: select "
                                "fewer jobs" % (JOBS_LISTING, error.most))
        listed = {}
        for names, jobs in pages:
            for job in jobs:
                key = _job_list_id(job)
                # A name filter also matches by name: only a job whose id is one asked for is one of the selection.
                if isinstance(key, str) and key in names and key not in listed:
                    listed[key] = job
        return listed

    def read_details(self, job_ids, detail_type, query=None):
        return dict(zip(job_ids, map_in_order(
            lambda job_id_value: read_job_detail(self.client, job_id_value, detail_type, self.language, query),
            job_ids, self.concurrency)))

    def __call__(self, needs_progress=None):
        listed = self.list_statuses()
        summaries = [drs_job_summary(listed[key], async_job_id=self.batches[key], scrub=self.client.scrub)
                     for key in self.batches if key in listed]
        self.last = JobsObserved(self.complete(summaries, needs_progress or self.needs_progress),
                                 [key for key in self.batches if key not in listed])
        if self.stats is not None:
            self.stats.add("polls")
        return self.last

    def complete(self, summaries, needs_progress):
        """``summaries`` with the progress of each job ``needs_progress`` names (and has none yet), and the error of
        each failed job that has none yet."""
        wanted = [job["id"] for job in summaries if job["progress"] is None and job["transfer_status"] is None
                  and needs_progress(job)]
        failed = [job["id"] for job in summaries if job_failed(job) and not job["error_message"]
                  and not job["error_code"]]
        progress = self.read_details(wanted, "progress")
        errors = self.read_details(failed, "log", {"log_level": "Error", "offset": 0, "limit": ERROR_LOGS})
        completed = []
        for job in summaries:
            if job["id"] in progress:
                job = dict(job, **dict((key, value) for key, value in drs_job_summary(
                    job, progress[job["id"]], scrub=self.client.scrub).items()
                    if key in ("transfer_status", "progress", "incremental_delay", "remaining_time")))
            if job["id"] in errors:
                code, message = job_error(errors[job["id"]], self.client.scrub)
                job = dict(job, error_code=code, error_message=message)
            completed.append(job)
        return completed


def observed_result(observed, jobs_key="jobs", counts_key="status_counts"):
    """The result keys of an observation of DRS jobs, on failure too (the gate names them apart from its batches)."""
    return {jobs_key: list(observed.jobs), counts_key: count_job_statuses(observed.jobs),
            "missing_job_ids": list(observed.missing_ids)}


# ----------------------------------------------------------------------------------------------------
# Read one batch, and commit it: POST /v5/{project_id}/batch-async-jobs/{async_job_id}/commit.
#
# A POST is not idempotent by contract, and one that timed out or lost its connection may have landed. So
# the commit is sent once per attempt (never by the transport's retry loop), and before any attempt is
# repeated the batch is read again: a batch that is committed by then is not committed twice.


COMMITTING = "Committing DRS batch async job %s"
# A commit needs write rights, which the read-only policy the listing's hint names does not give.
_COMMIT_PERMISSION_HINT = ("the credentials may list but not commit: grant the IAM user a DRS policy with write "
                           "rights (for example DRS FullAccess) for this region's project")
COMMIT_HINTS = {"DRS.M00102": _COMMIT_PERMISSION_HINT, "DRS.M00103": _COMMIT_PERMISSION_HINT,
                403: _COMMIT_PERMISSION_HINT}
# The list call filters by async_job_id; a small page is plenty for one batch.
READ_PAGE_SIZE = 10


def read_batch(client, async_job_id, language="en-us"):
    """The batch as the list call shows it, or None when no job has this ``async_job_id``."""
    _total_count, jobs = fetch_jobs_page(client, {"async_job_id": async_job_id}, language, 0, READ_PAGE_SIZE)
    for job in jobs:
        if job_id(job) == async_job_id:
            return job
    return None


def _may_have_landed(error):
    # A connection failure, a timeout, a cut-short answer or a gateway error: the service may have acted.
    return not isinstance(error, ApiError) or error.status_code in RETRY_STATUS_CODES


def commit_batch(client, async_job_id, attempts=1, pause=None, language="en-us"):
    """Commit a validated batch; returns ``(answer, job)``.

    ``answer`` is the ``job`` object of the commit answer (``{async_job_id, status, msg}``), or None when a
    failed attempt turned out to have landed; ``job`` is the batch as read after a failed attempt (else None).
    At most ``attempts`` POSTs are sent, and one is repeated only when the failure may have been on the way
    (not a rejection) and the batch, read after it, still waits for its commit; ``pause(attempt)`` runs
    before that read. Raises ModuleFailure otherwise.
    """
    action = COMMITTING % async_job_id
    path = batch_jobs_path(client.project_id, async_job_id, "commit")
    attempt = 0
    while True:
        try:
            payload = client.post_json(path, {"X-Language": language}, action, status_hints=COMMIT_HINTS)
        except ModuleFailure as error:
            attempt += 1
            repeat = _may_have_landed(error) and attempt < attempts
            if repeat and pause is not None:
                # Also gives a commit that landed the time to show in the list.
                pause(attempt - 1)
            job = _read_after_failure(client, async_job_id, language, error)
            if job_status(job) == COMMITTED:
                return None, job
            if not repeat or job_status(job) != VALIDATED:
                status = job_status(job) if job else "not listed"
                if _may_have_landed(error) and job_status(job) == VALIDATED:
                    what = "%d commit attempt%s sent and, read after the last, the batch is still %s (not " \
                           "committed)" % (attempt, " was" if attempt == 1 else "s were", status)
                else:
                    what = "read after this failure, the batch is %s, so the commit was not sent again" % status
                # Said before the hint, which stays the message's last part.
                cause, hint = (error.msg.split(". Hint: ", 1) + [None])[:2]
                raise ModuleFailure("%s; %s%s" % (cause.rstrip("."), what, (". Hint: " + hint) if hint else ""),
                                    job=job or {}, **error.result)
            continue
        answer = payload.get("job") if isinstance(payload, dict) else None
        return (answer if isinstance(answer, dict) else {}), None


def _read_after_failure(client, async_job_id, language, error):
    try:
        return read_batch(client, async_job_id, language)
    except ModuleFailure as read_error:
        raise ModuleFailure("%s; reading the batch after it failed too (%s). Hint: the commit may have landed: "
                            "read the batch's status before committing it again" % (
                                error.msg.rstrip("."), read_error.msg.rstrip(".")), **error.result)


# ----------------------------------------------------------------------------------------------------
# Calls to the DRS endpoint of one project with one credential set, and how that client is built.


class DrsClient(object):
    """Sends authenticated requests to DRS through a transport with one credential (an _auth.Credential), which
    authorises each attempt and renews itself when it can (a login's token once, temporary keys before expiry)."""

    def __init__(self, transport, endpoint, project_id, credential):
        self.transport = transport
        self.endpoint = endpoint
        self.project_id = project_id
        self.credential = credential

    def scrub(self, text):
        """``text`` without any secret of the run: for text read from an answer, before it is cut or kept."""
        return self.transport.scrub(text)

    def get_json(self, path, query=None, headers=None, action=None):
        """GET ``path`` on the DRS endpoint and return the parsed JSON body."""
        return self._request_json("GET", path, query, headers, action, retry=True)

    def post_json(self, path, headers=None, action=None, status_hints=None):
        """POST ``path`` (no body) once and return the parsed JSON body.

        Never retried here: a POST that failed on the way may still have landed, so its caller reads the
        state before sending it again. (A rejected expired token did not land: the login is renewed once.)
        """
        return self._request_json("POST", path, None, headers, action, retry=False, status_hints=status_hints)

    def _request_json(self, method, path, query, headers, action, retry, status_hints=None):
        headers = dict(headers or {})
        if self.credential.signs_with_keys:
            headers["X-Project-Id"] = self.project_id
        response = send_authorised(self.credential, self.transport, method, self.endpoint, path, query=query,
                                   headers=headers, action=action, retry=retry, status_hints=status_hints)
        return parse_json(response, action, self.transport.scrub)


def build_client(settings, transport, clock, metadata_transport=None):
    """Build the client for ``settings`` (ConnectionSettings): a login or a project lookup when needed.

    ``clock`` (a wall clock) dates the access key signatures and tells when temporary keys expire;
    ``metadata_transport`` (short timeouts) reaches the ECS metadata service.
    """
    credential = build_credential(settings, transport, clock, metadata_transport)
    project_id = settings.project_id or credential.known_project_id()
    if not project_id:
        project_id = lookup_project_id(transport, settings.iam_endpoint, settings.region,
                                       sign=credential.authoriser())
    client = DrsClient(transport, settings.endpoint, project_id, credential)
    if client.project_id != settings.project_id:
        # IAM named the project: it goes into every request path, like a project_id option.
        check_path_segment("The project id IAM returned,", str(client.project_id), client.scrub)
    return client
