"""Peer: every job listed with the official SDK (huaweicloudsdkdrs) and AK/SK, the loop a user would write.

Usage: sdk_listing.py STATE_JSON (the emulator's state). Timed from outside as a whole process, so the
figure includes interpreter start-up and the SDK's imports, as a user's script pays them.
Prints {"jobs": N, "requests": N}.
"""

import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdrs.v5 import DrsClient, ListAsyncJobsRequest

with open(sys.argv[1], encoding="utf-8") as handle:
    state = json.load(handle)

config = HttpConfig.get_default_config()
config.ssl_ca_cert = state["ca_path"]
client = (
    DrsClient.new_builder()
    .with_http_config(config)
    .with_credentials(BasicCredentials(state["access_key"], state["secret_key"], state["project_id"]))
    .with_endpoints([state["url"]])
    .build()
)

jobs, requests_sent = [], 0
while True:
    response = client.list_async_jobs(ListAsyncJobsRequest(offset=len(jobs), limit=1000))
    requests_sent += 1
    page = response.jobs or []
    jobs.extend(job.to_dict() for job in page)
    if not page or len(jobs) >= response.total_count:
        break
print(json.dumps({"jobs": len(jobs), "requests": requests_sent}))
