"""The official SDK (huaweicloudsdkdrs, test-only) as an oracle: scripts that run in a subprocess against the emulator.

SDK_PRELUDE sets up a client (AK/SK, the emulator's CA) behind a socket guard that refuses, and records in
``attempts``, any connection to an address other than the emulator's. ``run_sdk`` runs a script with HOME at a
temporary directory (the SDK writes ~/.huaweicloud/application_id on import) and returns the JSON line it printed.
"""

import json
import os
import subprocess
import sys

SDK_PRELUDE = r'''
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


'''

# The DRS jobs committed batches created, read by the SDK's list_jobs and show_job_detail(type="progress"), unchanged.
# argv: the state line, the job ids, "list" (page through list_jobs 10 ids at a time, then read progress) or
# "progress" (progress only: it does not move the jobs on, so it reads what the module's last listing saw).
SDK_JOBS_SCRIPT = SDK_PRELUDE + r'''
from huaweicloudsdkdrs.v5 import ListJobsRequest, ShowJobDetailRequest

drs = client(BasicCredentials(state["access_key"], state["secret_key"], state["project_id"]))
job_ids, mode = json.loads(sys.argv[2]), sys.argv[3]
result = {"listed": {}, "progress": {}}
if mode == "list":
    for start in range(0, len(job_ids), 10):
        names, offset, total = job_ids[start:start + 10], 0, None
        while total is None or offset < total:
            page = drs.list_jobs(ListJobsRequest(name=",".join(names), offset=offset, limit=4, x_language="en-us"))
            total = page.total_count
            offset += len(page.jobs)
            result["listed"].update((job.id, job.status) for job in page.jobs)
    # The jobs moved on once listed: the next call sees them starting (the one it returns moves on again).
    result["starting_total"] = drs.list_jobs(ListJobsRequest(status="STARTJOBING", limit=1)).total_count
for job_id in job_ids:
    info = drs.show_job_detail(ShowJobDetailRequest(job_id=job_id, type="progress")).job
    result["progress"][job_id] = dict(info.progress_info.to_dict(), status=info.status)
try:
    drs.show_job_detail(ShowJobDetailRequest(job_id="no-such-job", type="progress"))
except ClientRequestException as error:
    result["unknown_job"] = [error.status_code, error.error_code]
result["attempts"] = attempts
print(json.dumps(result))
'''


def run_sdk(home, emulator, script, *arguments):
    """Run an SDK script in a subprocess, HOME at ``home``; return the JSON line it printed last."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.lower().endswith("_proxy") and not key.startswith("HUAWEICLOUD_SDK_")}
    environment["HOME"] = str(home)
    completed = subprocess.run([sys.executable, "-c", script, json.dumps(emulator.state)] + list(arguments),
                               env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])
