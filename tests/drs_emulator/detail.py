"""DRS v5: the detail of one batch, GET /v5/{project_id}/batch-async-jobs/{async_job_id}.

The answer is ``{"total_count", "jobs": [JobDetailResp]}``, one entry per DRS task the batch created, paged
by ``offset``/``limit``. Tasks are derived from the batch's id and status, so they are the same in every run:
2 to 4 per batch, named after the batch. A batch in ASYNC_JOB_VALIDATE_FAILED carries its reasons in every
field a client should read, varied across tasks (REASON_PATTERNS); each task also carries endpoint fields with
an IP address and a database user, which a client must never echo.
"""

import hashlib
import json
import zlib

from drs_emulator.drs import check_call, page_parameters, query_parameters
from drs_emulator.errors import ApiError
from support.drs_statuses import COMMITTED, VALIDATE_FAILED, VALIDATED

# Secrets of a kind: a client that dumps a task shows these, and the tests look for them.
SOURCE_IP = "192.168.10.21"
SOURCE_DB_USER = "migration_admin"
TARGET_IP = "192.168.20.34"

# Task status per batch status (DRS job statuses; which ones the service shows for a batch is not documented).
TASK_STATUS = {VALIDATE_FAILED: "CREATE_FAILED", VALIDATED: "CONFIGURATION", COMMITTED: "CREATING"}

# Where a failed task's reasons are, task after task: every field a client reads, one task that passed.
REASON_PATTERNS = (
    {"precheck_results": [
        {"item": "source_db_connection", "result": "failed",
         "failed_reason": "The source database is unreachable: connection refused."},
        {"item": "disk_space", "result": "passed", "failed_reason": ""}],
     "logs": [{"level": "error", "message": "Pre-check failed: 1 item did not pass."}]},
    {"error_code": "DRS.M03026", "error_msg": "The parameter check of the task failed.",
     "network_results": [{"success": False, "status": "failed", "error_code": "DRS.M05004",
                          "error_msg": "Connecting to the destination database timed out."}]},
    {"logs": [{"level": "error", "message": "The database user lacks the REPLICATION CLIENT privilege."}],
     "precheck_results": [{"item": "binlog_format", "result": "alarm", "failed_reason": "binlog_format is MIXED."}]},
    {},
)


PASSED_PRECHECKS = [{"item": "source_db_connection", "result": "passed"}]


def task_count(async_job_id):
    return 2 + zlib.crc32(async_job_id.encode("utf-8")) % 3


def task_id(async_job_id, index):
    # Shaped like DRS job ids: a uuid whose last characters say "jb" and a number.
    digest = hashlib.sha256(("%s/%d" % (async_job_id, index)).encode("utf-8")).hexdigest()
    return "%s-%s-%s-%s-%sjb%02d" % (digest[:8], digest[8:12], digest[12:16], digest[16:20], digest[20:28], index + 1)


def tasks_of_batch(job):
    """How many tasks a batch (a jobs.Job) has: its seed's replication ``tasks_per_batch``, else derived from its id."""
    return (job.replication or {}).get("tasks_per_batch") or task_count(job.async_job_id)


def tasks_of(job):
    """The JobDetailResp entries of one batch (a jobs.Job)."""
    failed = job.status == VALIDATE_FAILED
    tasks = []
    for index in range(tasks_of_batch(job)):
        pattern = REASON_PATTERNS[index % len(REASON_PATTERNS)] if failed else {}
        reasons_given = bool(pattern)
        name = "mysql-to-mysql-%s-%d" % (job.async_job_id[:8], index + 1)
        task = {
            "id": task_id(job.async_job_id, index),
            "status": TASK_STATUS.get(job.status, "CREATING") if reasons_given or not failed else "CONFIGURATION",
            "create_time": job.create_time,
            "master_job_id": job.async_job_id,
            "base_info": {"name": name, "job_type": "migration", "engine_type": "mysql-to-mysql",
                          "job_direction": "up", "task_type": "FULL_INCR_TRANS", "net_type": "vpc"},
            "source_endpoint": [{"endpoint_role": "so", "endpoint": {"endpoint_type": "ecs", "ip": SOURCE_IP,
                                                                     "db_port": "3306", "db_user": SOURCE_DB_USER}}],
            "target_endpoint": [{"endpoint_role": "ta", "endpoint": {"endpoint_type": "cloud", "ip": TARGET_IP,
                                                                     "db_user": "root"}}],
            "logs": [{"level": "info", "message": "Task created.", "create_time": job.create_time}]
            + [dict(log, create_time=job.create_time) for log in pattern.get("logs", [])],
            "precheck_result": {
                "result": not reasons_given, "process": "100%", "total_passed_rate": "50%" if reasons_given else "100%",
                "precheck_results": pattern.get("precheck_results", PASSED_PRECHECKS)},
        }
        if "network_results" in pattern:
            task["network_results"] = [dict(result, ip=SOURCE_IP) for result in pattern["network_results"]]
        for field in ("error_code", "error_msg"):
            if field in pattern:
                task[field] = pattern[field]
        tasks.append(task)
    return tasks


def list_tasks(emulator, request, project_id, async_job_id):
    check_call(emulator, request, project_id)
    offset, limit = page_parameters(emulator, query_parameters(request))
    # The batch as the list call would show it now.
    job = emulator.store.find(async_job_id)
    if job is None:
        raise ApiError(400, "DRS.10000010", "The job %s does not exist." % async_job_id)
    # Imported here: replication.py imports this module.
    from drs_emulator import replication  # pylint: disable=import-outside-toplevel
    tasks = tasks_of(job)
    for task in tasks:  # a committed batch's tasks are its DRS jobs, in their status
        task["status"] = replication.task_status(emulator, task)
    return 200, json.dumps({"total_count": len(tasks), "jobs": tasks[offset:offset + limit]}), {}
