"""The batch async jobs, their lifecycle and the indexes that keep listing cheap.

Jobs are kept sorted by (create_time, async_job_id) once, at seeding. A list call picks the
smallest candidate list among the filters given (id, domain, user, status index), so an unfiltered or
single-filter page costs O(limit), not O(number of jobs). The status index is rebuilt lazily after
statuses change. Each job keeps its JSON encoded around the status, so a page of 1000 jobs is a join.
"""

import datetime
import json
import random
import threading
import time
import uuid

VALIDATING = "ASYNC_JOB_VALIDATING"
VALIDATE_FAILED = "ASYNC_JOB_VALIDATE_FAILED"
VALIDATE_SUCCESS = "AUTO_PARAM_VALIDATE_SUCCESS"
COMMIT_SUCCESS = "COMMIT_SUCCESS"
KNOWN_STATUSES = (VALIDATING, VALIDATE_FAILED, VALIDATE_SUCCESS, COMMIT_SUCCESS)
# A status the documentation does not list; the API is in beta, clients must treat it as "not yet".
UNKNOWN_STATUS = "ASYNC_JOB_QUEUED"
# Statuses that take part in validation when a cohort's validation time comes.
PENDING_STATUSES = (VALIDATING, UNKNOWN_STATUS)

DOMAIN_NAMES = ("demo-domain", "demo-domain", "demo-domain", "tenant-blue", "tenant-green")
USER_NAMES = ("demo-user", "demo-user", "migration-bot", "dba-li", "dba-wang")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class Job:
    __slots__ = ("async_job_id", "domain_name", "user_name", "create_time", "status", "fails", "cohort",
                 "json_prefix", "json_suffix")

    def __init__(self, async_job_id, domain_name, user_name, create_time, status, fails, cohort):
        self.async_job_id = async_job_id
        self.domain_name = domain_name
        self.user_name = user_name
        self.create_time = create_time
        self.status = status
        self.fails = fails
        self.cohort = cohort
        self.json_prefix = '{"async_job_id": %s, "status": ' % json.dumps(async_job_id)
        self.json_suffix = ', "domain_name": %s, "user_name": %s, "create_time": %s}' % (
            json.dumps(domain_name), json.dumps(user_name), json.dumps(create_time))

    def to_json(self):
        return self.json_prefix + json.dumps(self.status) + self.json_suffix

    def to_dict(self):
        return {"async_job_id": self.async_job_id, "status": self.status, "domain_name": self.domain_name,
                "user_name": self.user_name, "create_time": self.create_time}


class Cohort:
    """Jobs seeded together share one schedule, counted from their seeding."""

    def __init__(self, schedule, seeded_at, list_calls_at_seed):
        self.validate_after_calls = schedule.get("validate_after_calls")
        self.validate_after_seconds = schedule.get("validate_after_seconds")
        self.auto_commit_after_calls = schedule.get("auto_commit_after_calls")
        self.auto_commit_after_seconds = schedule.get("auto_commit_after_seconds")
        self.seeded_at = seeded_at
        self.list_calls_at_seed = list_calls_at_seed
        self.validated = False
        self.auto_committed = False

    @staticmethod
    def _reached(after_calls, after_seconds, calls, seconds):
        if after_calls is not None and calls >= after_calls:
            return True
        return after_seconds is not None and seconds >= after_seconds

    def validation_due(self, now, list_calls):
        return not self.validated and self._reached(
            self.validate_after_calls, self.validate_after_seconds,
            list_calls - self.list_calls_at_seed, now - self.seeded_at)

    def auto_commit_due(self, now, list_calls):
        return not self.auto_committed and self._reached(
            self.auto_commit_after_calls, self.auto_commit_after_seconds,
            list_calls - self.list_calls_at_seed, now - self.seeded_at)


def generate_jobs(count, rng, initial_status=VALIDATING, end_time=None):
    """Realistic jobs: uuid ids, a few tenants and users, creation times spread over the last days."""
    end_time = end_time or datetime.datetime(2026, 11, 27, 9, 30, 0)
    stamp = end_time - datetime.timedelta(seconds=count * 7)
    jobs = []
    for _index in range(count):
        stamp += datetime.timedelta(seconds=rng.randint(0, 14))
        jobs.append({
            "async_job_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "status": initial_status,
            "domain_name": rng.choice(DOMAIN_NAMES),
            "user_name": rng.choice(USER_NAMES),
            "create_time": stamp.strftime(TIME_FORMAT),
        })
    return jobs


def load_seed_file(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    jobs = data.get("jobs", []) if isinstance(data, dict) else data
    if not isinstance(jobs, list):
        raise ValueError("seed file %s: expected a list of jobs or {\"jobs\": [...]}" % path)
    return jobs


class JobStore:
    def __init__(self, clock=time.monotonic):
        self._lock = threading.RLock()
        self._clock = clock
        self._rng = random.Random(0)
        self.list_calls = 0
        self._clear()

    def _clear(self):
        self.cohorts = []
        self.jobs_sorted = []
        self.by_id = {}
        self.by_domain = {}
        self.by_user = {}
        self.by_status = {}
        self._status_dirty = False

    # seeding ---------------------------------------------------------------------------------
    def seed(self, jobs, schedule=None, fail_ids=(), fail_count=0, unknown_status_count=0, replace=True,
             random_seed=0):
        """Add jobs (dicts); returns the number added. schedule: validate/auto-commit thresholds."""
        schedule = dict(schedule or {})
        rng = random.Random(random_seed)
        with self._lock:
            if replace:
                self._clear()
            cohort = Cohort(schedule, self._clock(), self.list_calls)
            self.cohorts.append(cohort)
            fail_ids = set(fail_ids or ())
            positions = list(range(len(jobs)))
            failing = set(rng.sample(positions, min(fail_count or 0, len(jobs))))
            unknown = set(rng.sample(positions, min(unknown_status_count or 0, len(jobs))))
            new_jobs = []
            for position, spec in enumerate(jobs):
                job_id = spec.get("async_job_id") or str(uuid.UUID(int=rng.getrandbits(128), version=4))
                if job_id in self.by_id:
                    raise ValueError("duplicate async_job_id %s" % job_id)
                status = UNKNOWN_STATUS if position in unknown else spec.get("status", VALIDATING)
                job = Job(job_id, spec.get("domain_name", "demo-domain"), spec.get("user_name", "demo-user"),
                          spec.get("create_time") or time.strftime(TIME_FORMAT, time.gmtime()), status,
                          bool(spec.get("fail")) or job_id in fail_ids or position in failing, cohort)
                self.by_id[job_id] = job
                new_jobs.append(job)
            self.jobs_sorted.extend(new_jobs)
            self.jobs_sorted.sort(key=lambda job: (job.create_time, job.async_job_id))
            self._rebuild_indexes()
            return len(new_jobs)

    def _rebuild_indexes(self):
        self.by_domain = {}
        self.by_user = {}
        for job in self.jobs_sorted:
            self.by_domain.setdefault(job.domain_name, []).append(job)
            self.by_user.setdefault(job.user_name, []).append(job)
        self._rebuild_status_index()

    def _rebuild_status_index(self):
        by_status = {}
        for job in self.jobs_sorted:
            by_status.setdefault(job.status, []).append(job)
        self.by_status = by_status
        self._status_dirty = False

    # lifecycle -------------------------------------------------------------------------------
    def advance(self):
        """Apply every transition that is due by now (lifecycle clock and list calls so far)."""
        now = self._clock()
        with self._lock:
            for cohort in self.cohorts:
                if cohort.validation_due(now, self.list_calls):
                    cohort.validated = True
                    self._transition(cohort, PENDING_STATUSES, None)
                if cohort.validated and cohort.auto_commit_due(now, self.list_calls):
                    cohort.auto_committed = True
                    self._transition(cohort, (VALIDATE_SUCCESS,), COMMIT_SUCCESS)

    def _transition(self, cohort, from_statuses, to_status):
        for job in self.jobs_sorted:
            if job.cohort is cohort and job.status in from_statuses:
                job.status = to_status or (VALIDATE_FAILED if job.fails else VALIDATE_SUCCESS)
                self._status_dirty = True

    def commit(self, async_job_id):
        """Commit one validated job; returns the job, or raises KeyError / ValueError."""
        with self._lock:
            self.advance()
            job = self.by_id[async_job_id]
            if job.status == COMMIT_SUCCESS:
                return job
            if job.status != VALIDATE_SUCCESS:
                raise ValueError("job %s is in status %s and cannot be committed" % (async_job_id, job.status))
            job.status = COMMIT_SUCCESS
            self._status_dirty = True
            return job

    def commit_all(self, ids=None):
        committed = 0
        with self._lock:
            for job in self.jobs_sorted if ids is None else [self.by_id[i] for i in ids if i in self.by_id]:
                if job.status == VALIDATE_SUCCESS:
                    job.status = COMMIT_SUCCESS
                    committed += 1
            self._status_dirty = self._status_dirty or committed > 0
        return committed

    def set_status(self, status, ids=None):
        with self._lock:
            jobs = self.jobs_sorted if ids is None else [self.by_id[i] for i in ids if i in self.by_id]
            for job in jobs:
                job.status = status
            self._status_dirty = True
            return len(jobs)

    def validate_now(self):
        """Run every cohort's validation now (control endpoint)."""
        with self._lock:
            for cohort in self.cohorts:
                if not cohort.validated:
                    cohort.validated = True
                    self._transition(cohort, PENDING_STATUSES, None)

    # listing ---------------------------------------------------------------------------------
    def list_page(self, filters, offset, limit, descending):
        """Return (total_count, [jobs of the page]) for filters {name: value}; counts one list call."""
        with self._lock:
            # Transitions due after N list calls are applied before call N + 1 is answered.
            self.advance()
            self.list_calls += 1
            if self._status_dirty:
                self._rebuild_status_index()
            candidates = self.jobs_sorted
            checks = []
            for name, index in (("async_job_id", None), ("status", self.by_status),
                                ("domain_name", self.by_domain), ("user_name", self.by_user)):
                value = filters.get(name)
                if value is None:
                    continue
                if index is None:
                    job = self.by_id.get(value)
                    subset = [job] if job is not None else []
                else:
                    subset = index.get(value, [])
                checks.append((name, value))
                if len(subset) < len(candidates):
                    candidates = subset
            if len(checks) > 1 or (checks and candidates is self.jobs_sorted):
                candidates = [job for job in candidates
                              if all(getattr(job, name) == value for name, value in checks)]
            total = len(candidates)
            if descending:
                end = max(total - offset, 0)
                page = candidates[max(end - limit, 0):end][::-1]
            else:
                page = candidates[offset:offset + limit]
            return total, page

    def summary(self):
        with self._lock:
            self.advance()
            counts = {}
            for job in self.jobs_sorted:
                counts[job.status] = counts.get(job.status, 0) + 1
            return {"total": len(self.jobs_sorted), "status_counts": counts, "list_calls": self.list_calls}

    def all_jobs(self):
        with self._lock:
            self.advance()
            return [job.to_dict() for job in self.jobs_sorted]
