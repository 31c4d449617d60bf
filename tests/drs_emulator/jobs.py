"""The batch async jobs and their lifecycle. Jobs are sorted once, at seeding, and keep their JSON encoded
around their status: an unfiltered page is a slice and a string join, a filtered list one scan."""

import json
import random
import threading
import time
import uuid
from json.encoder import encode_basestring_ascii as json_string

from drs_emulator.replication import check_schedule
from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED, VALIDATING

# A status the documentation does not list; the API is in beta, clients must treat it as "not yet".
UNKNOWN_STATUS = "ASYNC_JOB_QUEUED"
DOMAIN_NAMES = ("demo-domain", "demo-domain", "demo-domain", "tenant-blue", "tenant-green")
USER_NAMES = ("demo-user", "demo-user", "migration-bot", "dba-li", "dba-wang")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class Job:
    __slots__ = ("async_job_id", "domain_name", "user_name", "create_time", "status", "fails", "commit_after_calls",
                 "commit_lands_at", "json_parts", "replication")

    def __init__(self, spec, status, fails, commit_after_calls=None):
        self.async_job_id = spec["async_job_id"]
        self.domain_name = spec.get("domain_name", "demo-domain")
        self.user_name = spec.get("user_name", "demo-user")
        self.create_time = spec.get("create_time") or time.strftime(TIME_FORMAT, time.gmtime())
        self.status, self.fails = status, fails
        # None: a commit lands at once; N: once N more list calls were answered (commit_lands_at, a list call count).
        self.commit_after_calls, self.commit_lands_at = commit_after_calls, None
        self.replication = None  # the schedule of the DRS jobs it creates once committed (replication.py)
        self.json_parts = ('{"async_job_id": %s, "status": ' % json_string(self.async_job_id),
                           ', "domain_name": %s, "user_name": %s, "create_time": %s}' % tuple(map(
                               json_string, (self.domain_name, self.user_name, self.create_time))))

    def to_json(self):
        return self.json_parts[0] + json_string(self.status) + self.json_parts[1]


def _job_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))  # repeatable, unlike uuid4()


def generate_jobs(count, rng, initial_status=VALIDATING):
    """Realistic jobs: uuid ids, a few tenants and users, creation times a few seconds apart."""
    stamp, jobs = 1795771800 - count * 7, []  # 2026-11-27T09:30:00Z
    for _index in range(count):
        job_id = _job_id(rng)
        bits = int(job_id[:4], 16)
        stamp += bits % 15
        jobs.append({"async_job_id": job_id, "status": initial_status,
                     "domain_name": DOMAIN_NAMES[(bits >> 4) % len(DOMAIN_NAMES)],
                     "user_name": USER_NAMES[(bits >> 8) % len(USER_NAMES)],
                     "create_time": time.strftime(TIME_FORMAT, time.gmtime(stamp))})
    return jobs


def load_seed_file(path):
    """A JSON list of jobs, or ``{"jobs": [...]}``."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return data.get("jobs", []) if isinstance(data, dict) else data


class Cohort:
    """Jobs seeded together share one schedule, counted from their seeding in list calls or seconds."""

    def __init__(self, schedule, seeded_at, list_calls_at_seed):
        self.schedule, self.seeded_at, self.list_calls_at_seed = schedule, seeded_at, list_calls_at_seed
        self.jobs, self.done = [], set()

    def advance(self, now, list_calls):
        for step in ("validate", "auto_commit"):  # committing waits for validation
            if step in self.done:
                continue
            calls, seconds = self.schedule.get(step + "_after_calls"), self.schedule.get(step + "_after_seconds")
            if not ((calls is not None and list_calls - self.list_calls_at_seed >= calls)
                    or (seconds is not None and now - self.seeded_at >= seconds)):
                return
            self.done.add(step)
            for job in self.jobs:
                if step == "validate" and job.status in (VALIDATING, UNKNOWN_STATUS):
                    job.status = VALIDATE_FAILED if job.fails else VALIDATED
                elif step == "auto_commit" and job.status == VALIDATED:
                    job.status = COMMITTED


class JobStore:
    """Every job, and the cohorts that move them; one lock, since the server answers from many threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.list_calls, self.cohorts, self.by_id = 0, [], {}
        self.jobs = []  # sorted by (create_time, async_job_id)
        self.committing = []  # jobs whose commit was accepted and has not landed yet

    def seed(self, specs, schedule, replace=True, random_seed=0):
        """Add (or replace every job with) ``specs``; ``schedule``: ``validate_after_calls``/``_seconds``,
        ``auto_commit_after_calls``/``_seconds``, ``commit_after_calls``, ``fail_ids``, ``unknown_status_count``.
        Returns the count."""
        if not isinstance(specs, list) or not all(isinstance(spec, dict) for spec in specs):
            raise ValueError("jobs must be a list of JSON objects")
        rng = random.Random(random_seed)
        fail_ids = set(schedule.get("fail_ids") or ())
        commit_after_calls = schedule.get("commit_after_calls")
        if commit_after_calls is not None and (not isinstance(commit_after_calls, int) or commit_after_calls < 0):
            raise ValueError("commit_after_calls must be a count of list calls")
        replication = check_schedule(schedule.get("replication"))
        unknown = set(rng.sample(range(len(specs)), min(schedule.get("unknown_status_count") or 0, len(specs))))
        with self._lock:
            cohort = Cohort(schedule, time.monotonic(), self.list_calls)
            known = {} if replace else dict(self.by_id)
            for position, spec in enumerate(specs):
                job_id = spec.get("async_job_id") or _job_id(rng)
                if job_id in known:
                    raise ValueError("duplicate async_job_id %s" % job_id)
                status = UNKNOWN_STATUS if position in unknown else spec.get("status", VALIDATING)
                fails = bool(spec.get("fail")) or job_id in fail_ids
                known[job_id] = Job(dict(spec, async_job_id=job_id), status, fails, commit_after_calls)
                known[job_id].replication = replication
                cohort.jobs.append(known[job_id])
            # Everything was checked first: a refused seed leaves the jobs as they were.
            if replace:
                self.cohorts, self.jobs, self.committing = [], [], []
            self.cohorts.append(cohort)
            self.jobs = sorted(self.jobs + cohort.jobs, key=lambda job: (job.create_time, job.async_job_id))
            self.by_id = known
            return len(cohort.jobs)

    def _advance(self):
        """Apply every transition due by now (clock and list calls so far). Caller holds the lock."""
        now = time.monotonic()
        for cohort in self.cohorts:
            cohort.advance(now, self.list_calls)
        for job in [job for job in self.committing if self.list_calls >= job.commit_lands_at]:
            job.status = COMMITTED
            self.committing.remove(job)

    def committed(self):
        """The batches committed by now (their DRS jobs exist: replication.py)."""
        with self._lock:
            self._advance()
            return [job for job in self.jobs if job.status == COMMITTED]

    def find(self, async_job_id):
        """The job as a list call would show it now, or None."""
        with self._lock:
            self._advance()
            return self.by_id.get(async_job_id)

    def commit(self, async_job_id):
        """Commit one validated job; returns it, or raises KeyError (unknown) / ValueError (not validated).

        The commit lands at once, or (``commit_after_calls`` N) stays accepted, the job still validated, until
        N more list calls were answered (call N + 1 sees it committed); committing it again meanwhile changes
        nothing."""
        with self._lock:
            self._advance()
            job = self.by_id[async_job_id]
            if job.status not in (VALIDATED, COMMITTED):
                raise ValueError("job %s is in status %s and cannot be committed" % (async_job_id, job.status))
            if job.status == COMMITTED or job.commit_after_calls is None:
                job.status = COMMITTED
            elif job not in self.committing:
                job.commit_lands_at = self.list_calls + job.commit_after_calls
                self.committing.append(job)
                self._advance()  # a delay of 0 lands at once
            return job

    def list_page(self, filters, offset, limit, descending):
        """(total_count, the page's jobs) for filters {name: value}; counts one list call."""
        with self._lock:
            # Transitions due after N list calls are applied before call N + 1 is answered.
            self._advance()
            self.list_calls += 1
            candidates = self.jobs
            if "async_job_id" in filters:
                candidates = [self.by_id[filters["async_job_id"]]] if filters["async_job_id"] in self.by_id else []
            if filters:
                candidates = [job for job in candidates
                              if all(getattr(job, name) == value for name, value in filters.items())]
            return len(candidates), (candidates[::-1] if descending else candidates)[offset:offset + limit]
