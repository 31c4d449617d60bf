"""The official SDK's commit_async_job against the emulator, unchanged: answers and errors as the SDK models them.

Beside test_official_sdk_against_emulator.py (which lists and commits once): here every outcome of the commit
call the module relies on, and the module reading what the SDK committed. The SDK runs in a subprocess with
its own HOME (it writes ~/.huaweicloud on import) and may only connect to the emulator.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from harness import connection

pytestmark = pytest.mark.skipif(importlib.util.find_spec("huaweicloudsdkdrs") is None,
                                reason="the official SDK (huaweicloudsdkdrs) is not installed")

SDK_SCRIPT = r'''
import json
import socket
import sys

state = json.loads(sys.argv[1])
port = int(state["url"].rsplit(":", 1)[1])
original_connect = socket.socket.connect


def guarded_connect(self, address):
    if not (isinstance(address, tuple) and address[:2] == ("127.0.0.1", port)):
        raise OSError("test guard: connection to %r refused" % (address,))
    return original_connect(self, address)


socket.socket.connect = guarded_connect

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkdrs.v5 import CommitAsyncJobRequest, DrsClient

config = HttpConfig.get_default_config()
config.ssl_ca_cert = state["ca_path"]
config.timeout = (5, 30)
drs = (DrsClient.new_builder().with_credentials(BasicCredentials(state["access_key"], state["secret_key"],
                                                                 state["project_id"]))
       .with_http_config(config).with_region(Region(state["region"], state["url"])).build())
result = {}
for async_job_id in sys.argv[2:]:
    try:
        answer = drs.commit_async_job(CommitAsyncJobRequest(async_job_id=async_job_id))
        result[async_job_id] = {"job": answer.job.to_dict(), "http": answer.status_code}
    except ClientRequestException as error:
        result[async_job_id] = {"error": [error.status_code, error.error_code, bool(error.request_id)]}
print(json.dumps(result))
'''

JOBS = [
    {"async_job_id": "validated", "status": "AUTO_PARAM_VALIDATE_SUCCESS", "create_time": "2026-11-01T00:00:00Z"},
    {"async_job_id": "failed", "status": "ASYNC_JOB_VALIDATE_FAILED", "create_time": "2026-11-01T00:01:00Z"},
    {"async_job_id": "validating", "status": "ASYNC_JOB_VALIDATING", "create_time": "2026-11-01T00:02:00Z"},
]


def test_official_sdk_commits_and_reads_the_errors_then_the_module_sees_the_commit(tmp_path, ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    home = tmp_path / "home"
    home.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if not key.lower().endswith("_proxy") and not key.startswith("HUAWEICLOUD_SDK_")}
    environment["HOME"] = str(home)
    completed = subprocess.run(
        [sys.executable, "-c", SDK_SCRIPT, json.dumps(emulator.state), "validated", "validated", "failed",
         "validating", "no-such-batch"], env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])

    assert result["validated"] == {"job": {"async_job_id": "validated", "status": "COMMIT_SUCCESS", "msg": ""},
                                   "http": 200}
    assert result["failed"] == {"error": [400, "DRS.10000001", True]}
    assert result["validating"] == {"error": [400, "DRS.10000001", True]}
    assert result["no-such-batch"] == {"error": [400, "DRS.10000010", True]}

    # What the SDK committed, the module finds committed: nothing more to do.
    run = ansible.adhoc(dict(connection(emulator), async_job_id="validated"),
                        module="hwcloud.drs.drs_batch_async_job").assert_ok()
    assert run.module_result()["changed"] is False
    assert emulator.stats()["routes"]["drs_commit"] == 5
