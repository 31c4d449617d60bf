"""DRS v5: the DRS jobs committed batches created, GET /v5/{project_id}/jobs and GET /v5/{project_id}/jobs/{job_id}.

A batch that is COMMIT_SUCCESS creates one DRS job per task of its detail (same id and name). Each job moves one
step each time a job list call returns it (an observation), so a test sets the pace in polls, whatever the clock:
CREATING, STARTJOBING, FULL_TRANSFER_STARTED (progress rising), FULL_TRANSFER_COMPLETE, then INCRE_TRANSFER_STARTED,
where the lag falls by ``lag_step`` seconds per observation from ``lag_start`` to ``lag_floor``. The schedule is
the ``replication`` key of a seed (README.md, "DRS jobs"); its faults: ``fail`` (job id -> a failed status, reached
in the phase that status belongs to), ``stall`` (job id -> the status it stops in), ``stuck_lag`` (job ids whose lag
stays at ``lag_start``) and ``unreported_lag`` (job ids whose progress answer has no lag).
"""

import json
import threading

from drs_emulator import detail
from drs_emulator.drs import _invalid_parameter, check_call, page_parameters, query_parameters
from drs_emulator.errors import ApiError

DEFAULT_SCHEDULE = {"create_polls": 1, "start_polls": 1, "full_polls": 3, "complete_polls": 1, "lag_start": 120,
                    "lag_step": 60, "lag_floor": 2}
SCHEDULE_KEYS = set(DEFAULT_SCHEDULE) | {"fail", "stall", "stuck_lag", "unreported_lag", "tasks_per_batch"}
PHASES = ("CREATING", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED")
PHASE_POLLS = ("create_polls", "start_polls", "full_polls", "complete_polls")
# The phase each failed status happens in; any other failed status (CHANGE_JOB_FAILED, DELETED, ...) in the last.
FAILS_IN = {"CREATE_FAILED": "CREATING", "START_JOB_FAILED": "STARTJOBING", "FULL_TRANSFER_FAILED": "FULL_TRANSFER_STARTED",
            "INCRE_TRANSFER_FAILED": "INCRE_TRANSFER_STARTED"}
# What DRS says about a failed job: its own error_code / error_msg and an error log (in the log answer).
ERRORS = {
    "CREATE_FAILED": ("DRS.M03026", "Creating the replication instance failed: the subnet has no free IP address."),
    "START_JOB_FAILED": ("DRS.M05004", "Connecting to the source database timed out."),
    "FULL_TRANSFER_FAILED": ("DRS.M06001", "Full transfer failed: table shop.orders has no primary key."),
    "INCRE_TRANSFER_FAILED": ("DRS.M06012", "The binlog the job needs has been purged from the source."),
}
DEFAULT_ERROR = ("DRS.10000001", "Failed.")
SORT_KEYS = ("name", "status", "create_time", "net_type", "job_direction", "pay_mode")
NAMES_PER_CALL = 10


def check_schedule(schedule):
    """The replication schedule of a seed with its defaults, or ValueError naming what is wrong."""
    schedule = schedule or {}
    if not isinstance(schedule, dict) or set(schedule) - SCHEDULE_KEYS:
        raise ValueError("replication is an object with keys among %s" % ", ".join(sorted(SCHEDULE_KEYS)))
    for key in DEFAULT_SCHEDULE:
        if key in schedule and (not isinstance(schedule[key], (int, float)) or schedule[key] < 0):
            raise ValueError("replication %s must be a non-negative number" % key)
    if schedule.get("tasks_per_batch") is not None and (not isinstance(schedule["tasks_per_batch"], int)
                                                        or not 1 <= schedule["tasks_per_batch"] <= 1000):
        raise ValueError("replication tasks_per_batch must be a count of tasks, 1 to 1000")
    for key in ("fail", "stall"):
        if not isinstance(schedule.get(key, {}), dict):
            raise ValueError("replication %s maps job ids to statuses" % key)
    if set(schedule.get("stall", {}).values()) - set(PHASES):
        raise ValueError("replication stall statuses are among %s" % ", ".join(PHASES))
    for key in ("stuck_lag", "unreported_lag"):
        if not isinstance(schedule.get(key, []), list):
            raise ValueError("replication %s is a list of job ids" % key)
    return dict(DEFAULT_SCHEDULE, **dict(schedule, fail=schedule.get("fail", {}), stall=schedule.get("stall", {})))


class DrsJob:
    """One DRS job: where it is after ``observations`` list calls returned it. The progress, log and batch detail
    calls show it as the last list call did (a job never listed: as the first will)."""

    def __init__(self, task, batch, index, schedule):
        self.id, self.name, self.batch = task["id"], task["base_info"]["name"], batch
        self.create_time = task["create_time"]
        self.schedule, self.index, self.observations = schedule, index, 0

    def _phase(self, count):
        """(phase, observations into it) after ``count`` observations."""
        for phase, key in zip(PHASES, PHASE_POLLS):
            polls = int(self.schedule[key])  # 0: the job skips the phase
            if count < polls:
                return phase, count
            count -= polls
        return PHASES[-1], count

    def state(self, upcoming=False):
        """(status, progress percent, lag seconds or None) as last listed, or (``upcoming``) as the next list call
        shows it. A failed job shows its failure from the first observation of the phase its fault belongs to; a
        stalled one stops in its phase, once it moved a little."""
        phase, into = self._phase(self.observations if upcoming else max(0, self.observations - 1))
        failed, stall = self.schedule["fail"].get(self.id), self.schedule["stall"].get(self.id)
        for status, stop in ((failed, FAILS_IN.get(failed, PHASES[-1])), (stall, stall)):
            if status and PHASES.index(phase) >= PHASES.index(stop):
                frozen = max(0, min(1, self._polls(stop) - 1))
                measures = self._measures(stop, min(into, frozen) if phase == stop else frozen)
                return (status,) + measures[1:]
        return self._measures(phase, into)

    def _polls(self, phase):
        index = PHASES.index(phase)
        return int(self.schedule[PHASE_POLLS[index]]) if index < len(PHASE_POLLS) else 1

    def _measures(self, phase, into):
        if phase in ("CREATING", "STARTJOBING"):
            return phase, 0, None
        if phase == "FULL_TRANSFER_STARTED":
            return phase, int(100 * into / max(1, self._polls(phase))), None
        if phase == "FULL_TRANSFER_COMPLETE":
            return phase, 100, None
        schedule = self.schedule
        if self.id in schedule.get("stuck_lag", ()):
            lag = schedule["lag_start"]
        else:
            lag = max(schedule["lag_floor"], schedule["lag_start"] - into * schedule["lag_step"])
        return phase, 100, lag

    def listed(self):
        """The job as the list call shows it (the SDK's JobListResp)."""
        return {"id": self.id, "name": self.name, "status": self.state(upcoming=True)[0], "description": "",
                "create_time": self.create_time, "engine_type": "mysql-to-mysql", "net_type": "vpc",
                "charging_mode": "on_demand", "billing_tag": True, "job_direction": "up", "job_type": "migration",
                "task_type": "FULL_INCR_TRANS", "enterprise_project_id": "0", "job_mode": "single",
                "is_multi_az": False}

    def progress(self):
        """The ``job`` of ?type=progress (the SDK's JobDetailResp with its JobProgressInfo)."""
        status, progress, lag = self.state()
        info = {"progress": str(progress), "transfer_status": status, "task_mode": "FULL_INCR_TRANS",
                "process_time": "%ds" % (self.observations * 10),
                "remaining_time": "%ds" % ((100 - progress) * 3) if progress < 100 else "0s"}
        if lag is not None and self.id not in self.schedule.get("unreported_lag", ()):
            info.update(incr_trans_delay=str(lag), incr_trans_delay_millis=str(int(lag * 1000)))
        return {"id": self.id, "status": status, "create_time": self.create_time, "progress_info": info}

    def logs(self, level):
        """The ``job`` of ?type=log: its logs (an error one when it failed), filtered by ``level``."""
        status = self.state()[0]
        logs = [{"level": "info", "message": "Task %s created." % self.name, "create_time": self.create_time}]
        job = {"id": self.id, "status": status}
        if status == self.schedule["fail"].get(self.id):
            code, message = ERRORS.get(status, DEFAULT_ERROR)
            logs.append({"level": "error", "message": "%s: %s" % (code, message), "create_time": self.create_time})
            job.update(error_code=code, error_msg=message)
        job["logs"] = [log for log in logs if not level or log["level"] == level.lower()]
        return job


class Replication:
    """Every DRS job of the committed batches; created when a call first sees their batch committed."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self.jobs, self.by_batch = [], {}  # by_batch: batch (a jobs.Job) -> its DrsJobs

    def sync(self):
        """Create the jobs of each batch committed by now; drop those of batches no longer there."""
        committed = self.store.committed()
        with self._lock:
            present = set(committed)
            self.by_batch = {batch: jobs for batch, jobs in self.by_batch.items() if batch in present}
            for batch in committed:
                if batch not in self.by_batch:
                    # Checked, with its defaults, when the batch was seeded (jobs.py).
                    schedule = batch.replication or check_schedule(None)
                    self.by_batch[batch] = [DrsJob(task, batch.async_job_id, index, schedule)
                                            for index, task in enumerate(detail.tasks_of(batch))]
            self.jobs = sorted((job for jobs in self.by_batch.values() for job in jobs),
                               key=lambda job: (job.create_time, job.id))
            return list(self.jobs)

    def find(self, job_id):
        return next((job for job in self.sync() if job.id == job_id), None)

    def list_page(self, names, status, offset, limit, sort_key, descending):
        jobs = self.sync()
        with self._lock:
            if names is not None:
                # Ids match whole, names in part (the filter takes "task ids or names").
                jobs = [job for job in jobs if any(name == job.id or name in job.name for name in names)]
            listed = [job.listed() for job in jobs]
            pairs = [(job, entry) for job, entry in zip(jobs, listed) if status is None or entry["status"] == status]
            if sort_key != "create_time":
                pairs.sort(key=lambda pair: (str(pair[1].get(sort_key, "")), pair[1]["create_time"], pair[0].id))
            if descending:
                pairs.reverse()
            page = pairs[offset:offset + limit]
            for job, _entry in page:
                job.observations += 1  # what this call showed is what the job was; the next call sees it move on
            return len(pairs), [entry for _job, entry in page]


def replication_of(emulator):
    replication = getattr(emulator, "replication", None)
    if replication is None:
        replication = emulator.replication = Replication(emulator.store)
    return replication


def list_drs_jobs(emulator, request, project_id):
    check_call(emulator, request, project_id)
    params = query_parameters(request)
    offset, limit = page_parameters(emulator, params)
    sort_key, sort_dir = params.get("sort_key", "create_time"), params.get("sort_dir", "desc")
    if sort_key not in SORT_KEYS:
        raise _invalid_parameter("sort_key")
    if sort_dir not in ("asc", "desc"):
        raise _invalid_parameter("sort_dir")
    names = None
    if "name" in params:
        names = [name.strip() for name in params["name"].split(",") if name.strip()]
        if len(names) > NAMES_PER_CALL:
            raise ApiError(400, "DRS.M00201", "The value of parameter name is invalid: at most %d ids." % NAMES_PER_CALL)
    total, page = replication_of(emulator).list_page(names, params.get("status"), offset, limit, sort_key,
                                                     sort_dir == "desc")
    return 200, json.dumps({"total_count": total, "jobs": page}), {}


def show_drs_job(emulator, request, project_id, job_id):
    check_call(emulator, request, project_id)
    params = query_parameters(request)
    job = replication_of(emulator).find(job_id)
    if job is None:
        raise ApiError(400, "DRS.10000010", "The job %s does not exist." % job_id)
    detail_type = params.get("type")
    if detail_type == "progress":
        return 200, json.dumps({"job": job.progress()}), {}
    if detail_type == "log":
        offset, limit = page_parameters(emulator, params)
        answer = job.logs(params.get("log_level"))
        answer["logs"] = answer["logs"][offset:offset + limit]
        return 200, json.dumps({"job": answer}), {}
    # overview, detail, network, precheck, ... exist in the service; the emulator serves what the collection reads.
    raise _invalid_parameter("type")


def task_status(emulator, task):
    """The status the batch detail shows for a task: its DRS job's, once the job exists."""
    replication = getattr(emulator, "replication", None)
    job = replication.find(task["id"]) if replication is not None else None
    return job.state()[0] if job is not None else task["status"]
