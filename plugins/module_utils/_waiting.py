# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Poll on a monotonic clock until a batch of jobs reaches a wanted status, fails, or time runs out.

Private to this collection: the interface may change without notice.
"""

import time

from ansible_collections.hwcloud.drs.plugins.module_utils._errors import ModuleFailure

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_jobs import SATISFIES, VALIDATE_FAILED, VALIDATED
# How many jobs a message names before it says "and N more".
NAMED_JOBS = 20

DONE = "done"
PENDING = "pending"
FAILED = "failed"


def job_id(job):
    try:
        return job.get("async_job_id")
    except AttributeError:  # not a dict: the beta API answered something odd, keep it as it is
        return None


def job_status(job):
    return job.get("status") if isinstance(job, dict) else None


def is_finished(job, wanted_status):
    return job_status(job) in SATISFIES[wanted_status]


def judge_jobs(jobs, wanted_status):
    """DONE when every job (at least one) reached ``wanted_status``; FAILED if one failed validation.

    Any other status, known or not, is PENDING: the API is in beta and may add statuses.
    """
    if any(job_status(job) == VALIDATE_FAILED for job in jobs):
        return FAILED
    if jobs and all(is_finished(job, wanted_status) for job in jobs):
        return DONE
    return PENDING


def _name_jobs(jobs, with_status):
    names = ["%s (%s)" % (job_id(job), job_status(job)) if with_status else str(job_id(job))
             for job in jobs[:NAMED_JOBS]]
    if len(jobs) > NAMED_JOBS:
        names.append("and %d more" % (len(jobs) - NAMED_JOBS))
    return ", ".join(names)


def failure_message(jobs):
    failed = [job for job in jobs if job_status(job) == VALIDATE_FAILED]
    return ("%d matched job%s failed validation (%s): %s. Hint: read each job's reasons in the DRS console or "
            "with the batch async job detail API, fix them and create the jobs again" % (
                len(failed), "" if len(failed) == 1 else "s", VALIDATE_FAILED, _name_jobs(failed, False)))


def timeout_message(jobs, wanted_status, waited):
    if not jobs:
        return ("Timed out after %d seconds waiting for jobs to reach %s: no job matched the query. Hint: check "
                "async_job_id and the other filters, or raise wait_timeout if the batch is still being created" % (
                    waited, wanted_status))
    pending = [job for job in jobs if not is_finished(job, wanted_status)]
    message = "Timed out after %d seconds waiting for %d job%s to reach %s; %d still pending: %s" % (
        waited, len(jobs), "" if len(jobs) == 1 else "s", wanted_status, len(pending), _name_jobs(pending, True))
    uncommitted = [job for job in pending if job_status(job) == VALIDATED]
    if uncommitted:
        message += (". Hint: %d job%s passed validation but %s not committed; nothing commits a batch by itself: "
                    "commit it (DRS console or the batch commit API), then wait again" % (
                        len(uncommitted), "" if len(uncommitted) == 1 else "s",
                        "is" if len(uncommitted) == 1 else "are"))
    return message


class WaitFailure(ModuleFailure):
    """Waiting ended without success; ``state`` is the last observation."""

    def __init__(self, msg, state):
        super(WaitFailure, self).__init__(msg)
        self.state = state


def wait_for_status(poll, wanted_status, timeout, interval, clock=None, sleep=None):
    """Call ``poll() -> jobs`` until :func:`judge_jobs` says DONE; return the last jobs.

    Raises WaitFailure at once when a job failed, or when ``timeout`` seconds have passed; the final
    poll happens at the deadline, so a batch that finishes just in time is seen.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    started = clock()
    deadline = started + timeout
    while True:
        jobs = poll()
        verdict = judge_jobs(jobs, wanted_status)
        if verdict == DONE:
            return jobs
        if verdict == FAILED:
            raise WaitFailure(failure_message(jobs), jobs)
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitFailure(timeout_message(jobs, wanted_status, clock() - started), jobs)
        sleep(min(interval, remaining))
