# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read one batch, and commit it: POST /v5/{project_id}/batch-async-jobs/{async_job_id}/commit.

A POST is not idempotent by contract, and one that timed out or lost its connection may have landed. So
the commit is sent once per attempt (never by the transport's retry loop), and before any attempt is
repeated the batch is read again: a batch that is committed by then is not committed twice.
Private to this collection: the interface may change without notice.
"""

from ansible_collections.hwcloud.drs.plugins.module_utils._batch_jobs import batch_jobs_path, fetch_jobs_page
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_jobs import COMMITTED, VALIDATED, job_id, job_status
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._retry_policy import RETRY_STATUS_CODES

COMMITTING = "Committing DRS batch async job %s"
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
            payload = client.post_json(path, {"X-Language": language}, action)
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
                raise ModuleFailure("%s. Read after this failure, the batch is %s, so the commit was not sent again" % (
                    error.msg.rstrip("."), job_status(job) if job else "not listed"), job=job or {}, **error.result)
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
