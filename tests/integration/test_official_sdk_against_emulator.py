"""The official SDK (huaweicloudsdkdrs, test-only) lists jobs, reads a batch's detail and commits with AK/SK;
the commit module then leaves the batch the SDK committed alone.

This proves the emulator speaks the real protocol: the SDK signs requests its own way (SDK-HMAC-SHA256,
X-Project-Id, X-Security-Token), looks up the project id through IAM, verifies TLS with the emulator's CA
and parses the answers into its models. The SDK runs in a subprocess with HOME set to a temporary
directory (it writes ~/.huaweicloud/application_id on import) and a socket guard that refuses, and
reports, any connection to an address other than the emulator's.
"""

import importlib.util
import json
import os
import sys

import pytest

TESTS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIRECTORY not in sys.path:
    sys.path.insert(0, TESTS_DIRECTORY)

from drs_emulator.detail import task_count, task_id  # noqa: E402  pylint: disable=wrong-import-position
from drs_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from support.module_options import connection  # noqa: E402  pylint: disable=wrong-import-position
from official_sdk import SDK_JOBS_SCRIPT, SDK_PRELUDE, run_sdk  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.skipif(importlib.util.find_spec("huaweicloudsdkdrs") is None,
                                reason="the official SDK (huaweicloudsdkdrs) is not installed")

SDK_SCRIPT = SDK_PRELUDE + r'''
result = {}
permanent = client(BasicCredentials(state["access_key"], state["secret_key"], state["project_id"]))
total, ids = list_all(permanent)
result["total"], result["unique_ids"] = total, len(set(ids))
page = permanent.list_async_jobs(ListAsyncJobsRequest(limit=5, sort_key="create_time", sort_dir="asc",
                                                      user_name="demo-user", domain_name="demo-domain",
                                                      x_language="en-us"))
result["filtered"] = [job.to_dict() for job in page.jobs]
result["filtered_total"] = page.total_count

temporary = client(BasicCredentials(state["temporary_access_key"], state["temporary_secret_key"], state["project_id"])
                   .with_security_token(state["security_token"]))
result["temporary_total"] = temporary.list_async_jobs(ListAsyncJobsRequest(limit=1)).total_count

looked_up = client(BasicCredentials(state["access_key"], state["secret_key"]).with_iam_endpoint(state["url"]))
result["looked_up_total"] = looked_up.list_async_jobs(ListAsyncJobsRequest(limit=1, status="COMMIT_SUCCESS")).total_count

committed = permanent.commit_async_job(CommitAsyncJobRequest(async_job_id=sys.argv[2]))
result["commit"] = committed.job.to_dict()
# The commit's errors, as the SDK models them: failed validation, unknown batch.
result["commit_errors"] = {}
for async_job_id in (sys.argv[3], "no-such-batch"):
    try:
        permanent.commit_async_job(CommitAsyncJobRequest(async_job_id=async_job_id))
    except ClientRequestException as error:
        result["commit_errors"][async_job_id] = [error.status_code, error.error_code, bool(error.request_id)]

tasks, total = [], None
while total is None or len(tasks) < total:
    page = permanent.list_async_job_detail(ListAsyncJobDetailRequest(
        async_job_id=sys.argv[3], offset=len(tasks), limit=1, x_language="en-us"))
    total = page.total_count
    tasks.extend(page.jobs)
result["detail"] = {
    "total": total, "ids": len({task.id for task in tasks}), "names": [task.base_info.name for task in tasks],
    "failed_reason": tasks[0].precheck_result.precheck_results[0].failed_reason,
    "log_levels": [log.level for log in tasks[0].logs],
    "network_error": tasks[1].network_results[0].error_code,
}

try:
    client(BasicCredentials(state["access_key"], "wrong-secret", state["project_id"])).list_async_jobs(
        ListAsyncJobsRequest(limit=1))
except ClientRequestException as error:
    result["bad_signature"] = [error.status_code, error.error_code, bool(error.request_id)]

result["attempts"] = attempts
print(json.dumps(result))
'''

JOBS = [{"async_job_id": "validated-job", "status": "AUTO_PARAM_VALIDATE_SUCCESS", "create_time": "2026-11-01T00:00:00Z"},
        {"async_job_id": "failed-job", "status": "ASYNC_JOB_VALIDATE_FAILED", "create_time": "2026-11-01T00:00:01Z"}]


def test_official_sdk_lists_reads_details_and_commits_with_aksk(tmp_path, ansible):
    with EmulatorProcess(seed=249, seed_jobs=JOBS, initial_status="COMMIT_SUCCESS") as emulator:
        result = run_sdk(tmp_path, emulator, SDK_SCRIPT, "validated-job", "failed-job")
        stats = emulator.stats()
        # What the SDK committed, the commit module finds committed: nothing more to do.
        module_run = ansible.adhoc(dict(connection(emulator.state), async_job_id="validated-job"),
                                   module="hwcloud.drs.drs_batch_async_job").assert_ok()

    port = int(emulator.state["url"].rsplit(":", 1)[1])
    assert result["attempts"] and all(attempt == ["127.0.0.1", port] for attempt in result["attempts"]), result["attempts"]
    assert result["total"] == 251 and result["unique_ids"] == 251
    assert result["filtered_total"] > 0 and len(result["filtered"]) == 5
    assert all(job["user_name"] == "demo-user" and job["domain_name"] == "demo-domain" for job in result["filtered"])
    times = [job["create_time"] for job in result["filtered"]]
    assert times == sorted(times)
    assert result["temporary_total"] == 251
    assert result["looked_up_total"] == 249
    assert result["commit"] == {"async_job_id": "validated-job", "status": "COMMIT_SUCCESS", "msg": ""}
    assert result["commit_errors"] == {"failed-job": [400, "DRS.10000001", True],
                                       "no-such-batch": [400, "DRS.10000010", True]}
    assert stats["routes"]["drs_commit"] == 3
    assert module_run.module_result()["changed"] is False
    assert result["bad_signature"] == [401, "APIGW.0301", True]
    detail = result["detail"]
    assert detail["total"] == task_count("failed-job") == detail["ids"] == len(detail["names"])
    assert detail["names"][0] == "mysql-to-mysql-failed-j-1"
    assert detail["failed_reason"] and detail["network_error"] and "error" in detail["log_levels"]
    assert stats["routes"]["iam_projects"] == 1
    assert stats["routes"]["drs_list"] == 3 + 1 + 1 + 1 + 1
    assert stats["routes"]["drs_detail"] == detail["total"]


def test_official_sdk_lists_jobs_and_reads_progress_as_the_job_info_module_does(tmp_path, ansible):
    """Five committed batches, 10 to 20 jobs: the SDK pages list_jobs 10 ids at a time and reads each job's
    progress; the module reads the same jobs; after it, the SDK's progress calls (which move no job on) show
    what the module returned."""
    batches = [{"async_job_id": "sdk-batch-%d" % index, "status": "COMMIT_SUCCESS",
                "create_time": "2026-11-01T00:00:0%dZ" % index} for index in range(5)]
    ids = [task_id(batch["async_job_id"], index) for batch in batches for index in range(task_count(
        batch["async_job_id"]))]
    schedule = {"create_polls": 1, "start_polls": 1, "full_polls": 2, "lag_start": 50, "lag_step": 20}
    with EmulatorProcess(seed_jobs=batches, replication=schedule) as emulator:
        first = run_sdk(tmp_path, emulator, SDK_JOBS_SCRIPT, json.dumps(ids), "list")
        run = ansible.adhoc(dict(connection(emulator.state), async_job_ids=[batch["async_job_id"] for batch in batches],
                                 wait_for_stage="full_transfer_complete", wait_sleep=1, wait_timeout=120),
                            module="hwcloud.drs.drs_job_info").assert_ok()
        after = run_sdk(tmp_path, emulator, SDK_JOBS_SCRIPT, json.dumps(ids), "progress")
        stats = emulator.stats()
    port = int(emulator.state["url"].rsplit(":", 1)[1])
    assert all(attempt == ["127.0.0.1", port] for attempt in first["attempts"] + after["attempts"])
    assert sorted(first["listed"]) == sorted(ids) and set(first["listed"].values()) == {"CREATING"}
    assert first["starting_total"] == len(ids)
    assert all(progress["progress"] == "0" and progress["incr_trans_delay"] is None
               for progress in first["progress"].values())
    assert first["unknown_job"] == [400, "DRS.10000010"]
    result = run.module_result()
    assert [job["id"] for job in result["jobs"]] == ids
    for job in result["jobs"]:
        progress = after["progress"][job["id"]]
        assert job["status"] == progress["status"] == progress["transfer_status"] == job["transfer_status"]
        assert job["progress"] == float(progress["progress"]) == 100
        assert job["incremental_delay"] == (None if progress["incr_trans_delay"] is None
                                            else float(progress["incr_trans_delay"]))
    # The SDK's first listing was the jobs' first observation: the module needed 4 more polls (STARTJOBING, two
    # of the full transfer, complete), each one list call per 10 ids.
    assert result["request_stats"]["polls"] == 4
    chunks = [len(ids[start:start + 10]) for start in range(0, len(ids), 10)]
    sdk_calls = sum(-(-size // 4) for size in chunks) + 1  # pages of 4, then the status filter's call
    assert stats["routes"]["drs_jobs"] == sdk_calls + 4 * len(chunks)
