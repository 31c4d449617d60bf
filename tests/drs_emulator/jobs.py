"""The batch async jobs, their lifecycle and the indexes that keep listing cheap.

Jobs are kept sorted by (create_time, async_job_id) once, at seeding. A list call picks the
smallest candidate list among the filters given (id, domain, user, status index), so an unfiltered or
single-filter page costs O(limit), not O(number of jobs). The status index is rebuilt lazily after
statuses change. Each job keeps its JSON encoded around the status, so a page of 1000 jobs is a join.
"""

import calendar
import json
import random
import threading
import time
from json.encoder import encode_basestring_ascii as json_string

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
        self.json_prefix = None
        self.json_suffix = None

    def to_json(self):
        if self.json_prefix is None:
            # Encoded once, on first listing: a page of 1000 jobs is then a string join.
            self.json_suffix = ', "domain_name": %s, "user_name": %s, "create_time": %s}' % (
                json_string(self.domain_name), json_string(self.user_name), json_string(self.create_time))
            self.json_prefix = '{"async_job_id": %s, "status": ' % json_string(self.async_job_id)
        return self.json_prefix + json_string(self.status) + self.json_suffix

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


def _uuid_from_hex(text):
    # Version 4, RFC 4122 variant, like uuid.uuid4() but repeatable.
    return "%s-%s-4%s-%s%s-%s" % (text[:8], text[8:12], text[13:16], "89ab"[int(text[16], 16) % 4], text[17:20], text[20:32])


def random_uuid(rng):
    return _uuid_from_hex("%032x" % rng.getrandbits(128))


def generate_jobs(count, rng, initial_status=VALIDATING, end_time=None):
    """Realistic jobs: uuid ids, a few tenants and users, creation times a few seconds apart."""
    stamp = (end_time or calendar.timegm((2026, 11, 27, 9, 30, 0))) - count * 7
    domains, users = len(DOMAIN_NAMES), len(USER_NAMES)
    random_hex = rng.randbytes(16 * count).hex()
    days = {}
    jobs = []
    for index in range(count):
        bits = int(random_hex[32 * index:32 * index + 4], 16)
        stamp += bits % 15
        day, seconds = divmod(stamp, 86400)
        if day not in days:
            days[day] = time.strftime("%Y-%m-%dT", time.gmtime(day * 86400))
        jobs.append({
            "async_job_id": _uuid_from_hex(random_hex[32 * index:32 * index + 32]),
            "status": initial_status,
            "domain_name": DOMAIN_NAMES[(bits >> 4) % domains],
            "user_name": USER_NAMES[(bits >> 8) % users],
            "create_time": "%s%02d:%02d:%02dZ" % (days[day], seconds // 3600, seconds // 60 % 60, seconds % 60),
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
            cohort = Cohort(schedule, self._clock(), self.list_calls)
            existing = {} if replace else self.by_id
            fail_ids = set(fail_ids or ())
            positions = list(range(len(jobs)))
            failing = set(rng.sample(positions, min(fail_count or 0, len(jobs))))
            unknown = set(rng.sample(positions, min(unknown_status_count or 0, len(jobs))))
            new_jobs = {}
            for position, spec in enumerate(jobs):
                if not isinstance(spec, dict):
                    raise ValueError("a job must be a JSON object, not %r" % (spec,))
                job_id = spec.get("async_job_id") or random_uuid(rng)
                if job_id in existing or job_id in new_jobs:
                    raise ValueError("duplicate async_job_id %s" % job_id)
                status = UNKNOWN_STATUS if position in unknown else spec.get("status", VALIDATING)
                new_jobs[job_id] = Job(
                    job_id, spec.get("domain_name", "demo-domain"), spec.get("user_name", "demo-user"),
                    spec.get("create_time") or time.strftime(TIME_FORMAT, time.gmtime()), status,
                    bool(spec.get("fail")) or job_id in fail_ids or position in failing, cohort)
            # Checked everything first: a refused seed leaves the jobs as they were.
            if replace:
                self._clear()
            self.cohorts.append(cohort)
            self.by_id.update(new_jobs)
            self.jobs_sorted.extend(new_jobs.values())
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
                    self._validate(cohort)
                if cohort.validated and cohort.auto_commit_due(now, self.list_calls):
                    cohort.auto_committed = True
                    self._transition(cohort, (VALIDATE_SUCCESS,), COMMIT_SUCCESS)

    def _validate(self, cohort):
        cohort.validated = True
        self._transition(cohort, PENDING_STATUSES, None)

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

    def _select(self, ids):
        """Every job (ids None) or the known ones among ids."""
        return self.jobs_sorted if ids is None else [self.by_id[i] for i in ids if i in self.by_id]

    def commit_all(self, ids=None):
        committed = 0
        with self._lock:
            # As the commit API does: a job whose validation is due must be committable now.
            self.advance()
            for job in self._select(ids):
                if job.status == VALIDATE_SUCCESS:
                    job.status = COMMIT_SUCCESS
                    committed += 1
            self._status_dirty = self._status_dirty or committed > 0
        return committed

    def set_status(self, status, ids=None):
        with self._lock:
            jobs = self._select(ids)
            for job in jobs:
                job.status = status
            self._status_dirty = True
            return len(jobs)

    def validate_now(self):
        """Run every cohort's validation now (control endpoint)."""
        with self._lock:
            for cohort in self.cohorts:
                if not cohort.validated:
                    self._validate(cohort)

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
