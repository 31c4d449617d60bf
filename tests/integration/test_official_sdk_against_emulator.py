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
import subprocess
import sys

import pytest

TESTS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIRECTORY not in sys.path:
    sys.path.insert(0, TESTS_DIRECTORY)

from drs_emulator.detail import task_count  # noqa: E402  pylint: disable=wrong-import-position
from drs_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from support.module_options import connection  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.skipif(importlib.util.find_spec("huaweicloudsdkdrs") is None,
                                reason="the official SDK (huaweicloudsdkdrs) is not installed")

SDK_SCRIPT = r'''
import json
import socket
import sys

state = json.loads(sys.argv[1])
port = int(state["url"].rsplit(":", 1)[1])
attempts = []
original_connect = socket.socket.connect
original_getaddrinfo = socket.getaddrinfo


def guarded_connect(self, address):
    attempts.append(list(address[:2]) if isinstance(address, tuple) else str(address))
    if not (isinstance(address, tuple) and address[0] == "127.0.0.1" and address[1] == port):
        raise OSError("test guard: connection to %r refused" % (address,))
    return original_connect(self, address)


def guarded_getaddrinfo(host, *args, **kwargs):
    if host != "127.0.0.1":
        attempts.append(["resolve", str(host)])
        raise OSError("test guard: name resolution of %r refused" % (host,))
    return original_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = guarded_connect
socket.getaddrinfo = guarded_getaddrinfo

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkdrs.v5 import CommitAsyncJobRequest, DrsClient, ListAsyncJobDetailRequest, ListAsyncJobsRequest


def client(credentials):
    config = HttpConfig.get_default_config()
    config.ssl_ca_cert = state["ca_path"]
    config.ignore_ssl_verification = False
    config.timeout = (5, 30)
    return (DrsClient.new_builder().with_credentials(credentials).with_http_config(config)
            .with_region(Region(state["region"], state["url"])).build())


def list_all(drs, **filters):
    ids, offset, total = [], 0, None
    while total is None or offset < total:
        page = drs.list_async_jobs(ListAsyncJobsRequest(offset=offset, limit=100, **filters))
        total = page.total_count
        ids.extend(job.async_job_id for job in page.jobs)
        offset += 100
    return total, ids


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
    home = tmp_path / "home"
    home.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if not key.lower().endswith("_proxy") and not key.startswith("HUAWEICLOUD_SDK_")}
    environment["HOME"] = str(home)
    with EmulatorProcess(seed=249, seed_jobs=JOBS, initial_status="COMMIT_SUCCESS") as emulator:
        completed = subprocess.run([sys.executable, "-c", SDK_SCRIPT, json.dumps(emulator.state), "validated-job",
                                    "failed-job"],
                                   env=environment, capture_output=True, text=True, timeout=120, check=False)
        assert completed.returncode == 0, completed.stderr
        result = json.loads(completed.stdout.strip().splitlines()[-1])
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
