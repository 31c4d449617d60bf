# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DRS batch vocabulary: statuses, which status satisfies which, and the failure and timeout messages.

Standard library only, and free of any other import of this collection: the single source of the modules'
choices, the tests and the emulator, which load this file by its path.

Private to this collection: the interface may change without notice.
"""

import collections


# ----------------------------------------------------------------------------------------------------
# The DRS batch async job vocabulary: statuses, which status satisfies which, and what to tell the user.
#
# The single source for the modules' choices, the role's checks, the tests and the emulator. Standard
# library only, so that the emulator can load this file on its own.


VALIDATING = "ASYNC_JOB_VALIDATING"
VALIDATE_FAILED = "ASYNC_JOB_VALIDATE_FAILED"
VALIDATED = "AUTO_PARAM_VALIDATE_SUCCESS"
COMMITTED = "COMMIT_SUCCESS"

# In lifecycle order: validating, then failed or validated, then committed.
STATUSES = (VALIDATING, VALIDATE_FAILED, VALIDATED, COMMITTED)

# The statuses a wait may aim for, and what reaches each: a committed job has also passed validation.
SATISFIES = {VALIDATED: frozenset((VALIDATED, COMMITTED)), COMMITTED: frozenset((COMMITTED,))}
WAITABLE_STATUSES = (VALIDATED, COMMITTED)

# The words of every message: a batch (one async_job_id, an entry of the list call, which the API and the result
# key ``jobs`` call a job) holds tasks; after the commit, each task is a DRS job.
#
# How many batches a message names before it says "and N more".
NAMED_JOBS = 20


def job_id(job):
    return job.get("async_job_id") if isinstance(job, dict) else None


def job_status(job):
    # The API is in beta: a job that is not a dict, or has no status or one that is not text (a list, an
    # object), is kept as it is and counts as pending, under UNKNOWN.
    status = job.get("status") if isinstance(job, dict) else None
    return status if isinstance(status, str) else None


def satisfies(job, wanted_status):
    """True when the job's status is ``wanted_status`` or one that implies it."""
    return job_status(job) in SATISFIES[wanted_status]


def all_satisfy(jobs, wanted_status):
    """True when there is at least one job and every one satisfies ``wanted_status``.

    Any other status, known or not, is not yet: the API is in beta and may add statuses.
    """
    return bool(jobs) and all(satisfies(job, wanted_status) for job in jobs)


def contradiction(status_filter, wanted_status):
    """Why a ``status`` filter can never meet ``wanted_status``, or None when it can (or either is unset)."""
    if not status_filter or not wanted_status or status_filter in SATISFIES[wanted_status]:
        return None
    meeting = " or ".join(status for status in STATUSES if status in SATISFIES[wanted_status])
    return ("status %s and wait_for_status %s contradict each other: the filter lists only batches in %s, and none of "
            "them can be in %s. Hint: leave status out, or set it to %s" % (
                status_filter, wanted_status, status_filter, wanted_status, meeting))


def pending_ids(jobs, wanted_status, missing_ids=()):
    """The ids of the jobs not yet at ``wanted_status``, then the ids that matched no job: what a wait waits for."""
    return [job_id(job) for job in jobs if not satisfies(job, wanted_status)] + list(missing_ids)


def jobs_to_return(jobs, return_jobs, wanted_status):
    """The jobs a result keeps: all, none, or those not yet at ``wanted_status`` (``unfinished``)."""
    if return_jobs == "none":
        return []
    if return_jobs == "unfinished":
        return [job for job in jobs if not satisfies(job, wanted_status)]
    return jobs


def any_failed(jobs):
    return any(job_status(job) == VALIDATE_FAILED for job in jobs)


def count_statuses(jobs):
    """Jobs per status: a key for each known status (0 when none), plus any other status seen."""
    counts = dict((status, 0) for status in STATUSES)
    for status, count in collections.Counter(job_status(job) for job in jobs).items():
        status = "UNKNOWN" if status is None else status
        counts[status] = counts.get(status, 0) + count
    return counts


def _name_jobs(jobs, with_status):
    names = ["%s (%s)" % (job_id(job), job_status(job)) if with_status else str(job_id(job))
             for job in jobs[:NAMED_JOBS]]
    if len(jobs) > NAMED_JOBS:
        names.append("and %d more" % (len(jobs) - NAMED_JOBS))
    return ", ".join(names)


def failure_message(jobs, reasons=None, unread=None):
    """``reasons``: each failed batch with its first reasons, on one line (it names the batches); ``unread``:
    why the reasons could not be read."""
    failed = [job for job in jobs if job_status(job) == VALIDATE_FAILED]
    message = "%d matched batch%s failed validation (%s): " % (
        len(failed), "" if len(failed) == 1 else "es", VALIDATE_FAILED)
    if reasons:
        return message + ("%s. Hint: fix them and create the batches again; validation_failures holds the reasons "
                          "of every task" % reasons)
    message += _name_jobs(failed, False)
    if unread:
        message += ". The reasons could not be read (%s)" % unread
    return message + (". Hint: read the reasons of each batch's tasks in the DRS console or with the batch async job "
                      "detail API, fix them and create the batches again")


def name_ids(ids):
    return ", ".join(list(ids[:NAMED_JOBS]) + (["and %d more" % (len(ids) - NAMED_JOBS)] if len(ids) > NAMED_JOBS else []))


COMMIT_BY_HAND = "commit it (DRS console or the batch commit API), then wait again"


def timeout_message(jobs, wanted_status, waited, missing_ids=(), committed_ids=(), how_to_commit=COMMIT_BY_HAND):
    """``missing_ids``: the batch ids asked for that matched no job, each counted as pending; ``committed_ids``:
    the batches this run committed, which are not waiting for anyone to commit them; ``how_to_commit``: the
    hint for those that are."""
    missing_ids = list(missing_ids)
    if not jobs:
        matched = "no batch matched %s" % ("%s %s" % ("async_job_id" if len(missing_ids) == 1 else "async_job_ids",
                                                      name_ids(missing_ids)) if missing_ids else "the query")
        return ("Timed out after %d seconds waiting for batches to reach %s: %s. Hint: check "
                "async_job_id and the other filters, or raise wait_timeout if the batch is still being created" % (
                    waited, wanted_status, matched))
    pending = [job for job in jobs if not satisfies(job, wanted_status)]
    waiting_for = ["%d still pending: %s" % (len(pending), _name_jobs(pending, True))] if pending or not missing_ids else []
    if missing_ids:
        waiting_for.append("%d async_job_id%s matched no batch: %s" % (
            len(missing_ids), "" if len(missing_ids) == 1 else "s", name_ids(missing_ids)))
    message = "Timed out after %d seconds waiting for %d batch%s to reach %s; %s" % (
        waited, len(jobs), "" if len(jobs) == 1 else "es", wanted_status, "; ".join(waiting_for))
    landing = [job for job in pending if job_status(job) == VALIDATED and job_id(job) in committed_ids]
    uncommitted = [job for job in pending if job_status(job) == VALIDATED and job_id(job) not in committed_ids]
    if landing:
        message += (". Hint: %d batch%s committed by this run %s not shown %s yet: raise wait_timeout, or run "
                    "again later (a committed batch is not committed twice)" % (
                        len(landing), "" if len(landing) == 1 else "es", "is" if len(landing) == 1 else "are",
                        COMMITTED))
    elif uncommitted:
        message += (". Hint: %d batch%s passed validation but %s not committed; nothing commits a batch by itself: "
                    "%s" % (len(uncommitted), "" if len(uncommitted) == 1 else "es",
                            "is" if len(uncommitted) == 1 else "are", how_to_commit))
    return message


# ----------------------------------------------------------------------------------------------------
# The DRS job vocabulary: the jobs a committed batch created (huaweicloudsdkdrs 3.1.219, JobDetailResp.status,
# also JobListResp.status and JobProgressInfo.transfer_status), the stages a replication wait may aim for, and
# which statuses reach each.
#
# Every status the SDK documents, in its order; the service may send others (it is in beta): those count as
# not ready, never as ready nor as failed.
JOB_STATUSES = (
    "CREATING", "CREATE_FAILED", "CONFIGURATION", "STARTJOBING", "WAITING_FOR_START", "START_JOB_FAILED", "PAUSING",
    "FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED",
    "INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED", "RELEASE_RESOURCE_COMPLETE",
    "REBUILD_NODE_STARTED", "REBUILD_NODE_FAILED", "CHANGE_JOB_STARTED", "CHANGE_JOB_FAILED", "DELETED",
    "CHILD_TRANSFER_STARTING", "CHILD_TRANSFER_STARTED", "CHILD_TRANSFER_COMPLETE", "CHILD_TRANSFER_FAILED",
    "RELEASE_CHILD_TRANSFER_STARTED", "RELEASE_CHILD_TRANSFER_COMPLETE", "NODE_UPGRADE_START",
    "NODE_UPGRADE_COMPLETE", "NODE_UPGRADE_FAILED",
)
FULL_TRANSFER_STARTED = "FULL_TRANSFER_STARTED"
FULL_TRANSFER_COMPLETE = "FULL_TRANSFER_COMPLETE"
INCREMENTAL = "INCRE_TRANSFER_STARTED"
# The statuses on the way from a commit to incremental replication (and their failures): status_counts always
# has a key for each, plus any other status seen.
JOB_PATH_STATUSES = JOB_STATUSES[:12]
# A job in one of these will not reach any stage by itself: every *_FAILED status, and a job being ended, ended or
# deleted (it replicates nothing any more). A paused job (PAUSING) is not failed: it is pending, and a timeout names
# it.
JOB_FAILED_STATUSES = frozenset([status for status in JOB_STATUSES if status.endswith("_FAILED")] + [
    "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_COMPLETE", "DELETED"])

# The stages a replication wait may aim for, and the statuses that reach each. A job of task type INCR_TRANS has no
# full transfer: incremental replication reaches every stage.
STARTED, FULL_TRANSFER_DONE, REPLICATING = "started", "full_transfer_complete", "incremental"
STAGES = (STARTED, FULL_TRANSFER_DONE, REPLICATING)
STAGE_STATUSES = {
    STARTED: frozenset((FULL_TRANSFER_STARTED, FULL_TRANSFER_COMPLETE, INCREMENTAL)),
    FULL_TRANSFER_DONE: frozenset((FULL_TRANSFER_COMPLETE, INCREMENTAL)),
    REPLICATING: frozenset((INCREMENTAL,)),
}
# The statuses whose progress a result shows: the job is transferring, has transferred, or failed doing so.
PROGRESS_STATUSES = frozenset((FULL_TRANSFER_STARTED, FULL_TRANSFER_COMPLETE, INCREMENTAL, "FULL_TRANSFER_FAILED",
                               "INCRE_TRANSFER_FAILED"))


def drs_job_status(job):
    """The status of a DRS job as listed (``status`` text), or None."""
    status = job.get("status") if isinstance(job, dict) else None
    return status if isinstance(status, str) else None


def job_failed(job):
    return drs_job_status(job) in JOB_FAILED_STATUSES


def shows_progress(job):
    """Whether a result shows the job's progress: it is transferring, has transferred, or failed doing so."""
    return drs_job_status(job) in PROGRESS_STATUSES


def stage_reached(job, stage, max_lag=None):
    """True when the job is at ``stage`` (or past it) and, for the incremental stage with ``max_lag``, its
    ``incremental_delay`` is known and at most ``max_lag`` seconds. A lag the service did not report is not known:
    never ready."""
    if drs_job_status(job) not in STAGE_STATUSES[stage]:
        return False
    if stage == REPLICATING and max_lag is not None:
        lag = job.get("incremental_delay")
        return lag is not None and lag <= max_lag
    return True


def count_job_statuses(jobs):
    """DRS jobs per status: a key for each status on the way to replication (0 when none), plus others seen."""
    counts = dict((status, 0) for status in JOB_PATH_STATUSES)
    for status, count in collections.Counter(drs_job_status(job) for job in jobs).items():
        status = "UNKNOWN" if status is None else status
        counts[status] = counts.get(status, 0) + count
    return counts


def stage_text(stage, max_lag=None):
    """``incremental replication with a lag of at most 30 seconds``: the wanted stage, for a message."""
    text = {STARTED: "started (%s or later)" % FULL_TRANSFER_STARTED,
            FULL_TRANSFER_DONE: "a complete full transfer (%s or %s)" % (FULL_TRANSFER_COMPLETE, INCREMENTAL),
            REPLICATING: "incremental replication (%s)" % INCREMENTAL}[stage]
    if stage == REPLICATING and max_lag is not None:
        text += " with a lag of at most %g seconds" % max_lag
    return text


def _number(value, unit):
    return "not reported" if value is None else "%g%s" % (value, unit)


def describe_drs_job(job, with_progress=True):
    """``a1b2... (batch b-1, FULL_TRANSFER_STARTED, progress 45%, lag not reported)``."""
    facts = ([] if not job.get("async_job_id") else ["batch %s" % job["async_job_id"]]) + [
        drs_job_status(job) or "status unknown"]
    if with_progress:
        facts += ["progress %s" % _number(job.get("progress"), "%"),
                  "lag %s" % _number(job.get("incremental_delay"), " s")]
    return "%s (%s)" % (job.get("id"), ", ".join(facts))


def _name_drs_jobs(jobs, with_progress=True):
    names = [describe_drs_job(job, with_progress) for job in jobs[:NAMED_JOBS]]
    if len(jobs) > NAMED_JOBS:
        names.append("and %d more" % (len(jobs) - NAMED_JOBS))
    return ", ".join(names)


def job_failure_message(jobs):
    """The fail-fast message: each failed job with its batch, its status and DRS's error message."""
    failed = [job for job in jobs if job_failed(job)]
    described = []
    for job in failed[:NAMED_JOBS]:
        error = ": ".join(part for part in (job.get("error_code"), job.get("error_message")) if part)
        described.append("%s: %s" % (describe_drs_job(job, False), error or "DRS gave no error message"))
    if len(failed) > NAMED_JOBS:
        described.append("and %d more" % (len(failed) - NAMED_JOBS))
    return ("%d DRS job%s failed: %s. Hint: read the job's logs in the DRS console, fix the cause, and retry or "
            "recreate the job; waiting longer would not help" % (
                len(failed), "" if len(failed) == 1 else "s", "; ".join(described)))


def job_timeout_message(jobs, stage, max_lag, waited, missing_ids=()):
    """The timeout message: each pending job with its status, progress and lag, then the ids not listed."""
    pending = [job for job in jobs if not stage_reached(job, stage, max_lag)]
    parts = []
    if pending or not missing_ids:
        parts.append("%d still pending: %s" % (len(pending), _name_drs_jobs(pending)))
    if missing_ids:
        parts.append("%d job id%s not listed by DRS: %s" % (
            len(missing_ids), "" if len(missing_ids) == 1 else "s", name_ids(list(missing_ids))))
    return ("Timed out after %d seconds waiting for %d DRS job%s to reach %s; %s. Hint: raise the wait timeout, or "
            "look at the pending jobs in the DRS console (a lag that does not come down points at the source's write "
            "load or the network)" % (waited, len(jobs) + len(missing_ids), "" if len(jobs) + len(missing_ids) == 1
                                      else "s", stage_text(stage, max_lag), "; ".join(parts)))
