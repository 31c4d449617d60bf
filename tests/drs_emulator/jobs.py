"""The batch async jobs, their lifecycle, and listing them.

Jobs are kept sorted by (create_time, async_job_id) once, at seeding, so a page of an unfiltered list is
a slice; a filtered list is one scan. Each job keeps its JSON encoded around its status, so a page of
1000 jobs is a string join: the benchmarks list 10,000 jobs and more through here.
"""

import calendar
import json
import random
import threading
import time
from json.encoder import encode_basestring_ascii as json_string

from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED, VALIDATING

# A status the documentation does not list; the API is in beta, clients must treat it as "not yet".
UNKNOWN_STATUS = "ASYNC_JOB_QUEUED"
DOMAIN_NAMES = ("demo-domain", "demo-domain", "demo-domain", "tenant-blue", "tenant-green")
USER_NAMES = ("demo-user", "demo-user", "migration-bot", "dba-li", "dba-wang")


class Job:
    __slots__ = ("async_job_id", "domain_name", "user_name", "create_time", "status", "fails", "json_parts")

    def __init__(self, spec, status, fails):
        self.async_job_id = spec["async_job_id"]
        self.domain_name = spec.get("domain_name", "demo-domain")
        self.user_name = spec.get("user_name", "demo-user")
        self.create_time = spec.get("create_time") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.status = status
        self.fails = fails
        self.json_parts = (
            '{"async_job_id": %s, "status": ' % json_string(self.async_job_id),
            ', "domain_name": %s, "user_name": %s, "create_time": %s}' % (
                json_string(self.domain_name), json_string(self.user_name), json_string(self.create_time)))

    def to_json(self):
        return self.json_parts[0] + json_string(self.status) + self.json_parts[1]


def _uuid_from_hex(text):
    # Version 4, RFC 4122 variant, like uuid.uuid4() but repeatable.
    return "%s-%s-4%s-%s%s-%s" % (text[:8], text[8:12], text[13:16], "89ab"[int(text[16], 16) % 4], text[17:20],
                                  text[20:32])


def generate_jobs(count, rng, initial_status=VALIDATING):
    """Realistic jobs: uuid ids, a few tenants and users, creation times a few seconds apart."""
    stamp = calendar.timegm((2026, 11, 27, 9, 30, 0)) - count * 7
    jobs = []
    for _index in range(count):
        text = "%032x" % rng.getrandbits(128)
        bits = int(text[:4], 16)
        stamp += bits % 15
        jobs.append({
            "async_job_id": _uuid_from_hex(text),
            "status": initial_status,
            "domain_name": DOMAIN_NAMES[(bits >> 4) % len(DOMAIN_NAMES)],
            "user_name": USER_NAMES[(bits >> 8) % len(USER_NAMES)],
            "create_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp)),
        })
    return jobs


def load_seed_file(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    jobs = data.get("jobs", []) if isinstance(data, dict) else data
    if not isinstance(jobs, list):
        raise ValueError("seed file %s: expected a list of jobs or {\"jobs\": [...]}" % path)
    return jobs


class Cohort:
    """Jobs seeded together share one schedule, counted from their seeding in list calls or seconds."""

    def __init__(self, schedule, seeded_at, list_calls_at_seed):
        self.schedule = schedule
        self.seeded_at = seeded_at
        self.list_calls_at_seed = list_calls_at_seed
        self.jobs = []
        self.validated = False
        self.committed = False

    def due(self, step, now, list_calls):
        calls, seconds = self.schedule.get(step + "_after_calls"), self.schedule.get(step + "_after_seconds")
        if calls is not None and list_calls - self.list_calls_at_seed >= calls:
            return True
        return seconds is not None and now - self.seeded_at >= seconds

    def advance(self, now, list_calls):
        if not self.validated and self.due("validate", now, list_calls):
            self.validated = True
            for job in self.jobs:
                if job.status in (VALIDATING, UNKNOWN_STATUS):
                    job.status = VALIDATE_FAILED if job.fails else VALIDATED
        if self.validated and not self.committed and self.due("auto_commit", now, list_calls):
            self.committed = True
            for job in self.jobs:
                if job.status == VALIDATED:
                    job.status = COMMITTED


class JobStore:
    """Every job, and the cohorts that move them; one lock, since the server answers from many threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.list_calls = 0
        self.cohorts = []
        self.jobs = []  # sorted by (create_time, async_job_id)
        self.by_id = {}

    def seed(self, specs, schedule, replace=True, random_seed=0):
        """Add (or replace every job with) ``specs``; ``schedule``: ``validate_after_calls``/``_seconds``,
        ``auto_commit_after_calls``/``_seconds``, ``fail_ids``, ``unknown_status_count``. Returns the count."""
        rng = random.Random(random_seed)
        fail_ids = set(schedule.get("fail_ids") or ())
        unknown = set(rng.sample(range(len(specs)), min(schedule.get("unknown_status_count") or 0, len(specs))))
        with self._lock:
            cohort = Cohort(schedule, time.monotonic(), self.list_calls)
            known = {} if replace else dict(self.by_id)
            for position, spec in enumerate(specs):
                if not isinstance(spec, dict):
                    raise ValueError("a job must be a JSON object, not %r" % (spec,))
                job_id = spec.get("async_job_id") or _uuid_from_hex("%032x" % rng.getrandbits(128))
                if job_id in known:
                    raise ValueError("duplicate async_job_id %s" % job_id)
                status = UNKNOWN_STATUS if position in unknown else spec.get("status", VALIDATING)
                job = Job(dict(spec, async_job_id=job_id), status, bool(spec.get("fail")) or job_id in fail_ids)
                known[job_id] = job
                cohort.jobs.append(job)
            # Checked everything first: a refused seed leaves the jobs as they were.
            if replace:
                self.cohorts, self.jobs = [], []
            self.cohorts.append(cohort)
            self.jobs = sorted(self.jobs + cohort.jobs, key=lambda job: (job.create_time, job.async_job_id))
            self.by_id = known
            return len(cohort.jobs)

    def _advance(self):
        """Apply every transition that is due by now (clock and list calls so far). Caller holds the lock."""
        now = time.monotonic()
        for cohort in self.cohorts:
            cohort.advance(now, self.list_calls)

    def find(self, async_job_id):
        """The job as a list call would show it now, or None."""
        with self._lock:
            self._advance()
            return self.by_id.get(async_job_id)

    def commit(self, async_job_id):
        """Commit one validated job; returns it, or raises KeyError (unknown) / ValueError (not validated)."""
        with self._lock:
            self._advance()
            job = self.by_id[async_job_id]
            if job.status not in (VALIDATED, COMMITTED):
                raise ValueError("job %s is in status %s and cannot be committed" % (async_job_id, job.status))
            job.status = COMMITTED
            return job

    def list_page(self, filters, offset, limit, descending):
        """(total_count, the page's jobs) for filters {name: value}; counts one list call."""
        with self._lock:
            # Transitions due after N list calls are applied before call N + 1 is answered.
            self._advance()
            self.list_calls += 1
            candidates = self.jobs
            if "async_job_id" in filters:
                job = self.by_id.get(filters["async_job_id"])
                candidates = [job] if job is not None else []
            if filters:
                candidates = [job for job in candidates
                              if all(getattr(job, name) == value for name, value in filters.items())]
            total = len(candidates)
            if descending:
                end = max(total - offset, 0)
                return total, candidates[max(end - limit, 0):end][::-1]
            return total, candidates[offset:offset + limit]
