"""Peer: list every job with the official SDK (huaweicloudsdkdrs), AK/SK, the loop a user would write.

Run as its own process so the figure includes interpreter start-up and the SDK's import, as a
user's script pays them. Usage: sdk_listing.py STATE_JSON [PAGE_SIZE]. Prints one JSON line.
"""

import json
import sys
import time

start = time.perf_counter()
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkdrs.v5 import DrsClient, ListAsyncJobsRequest  # noqa: E402

imported = time.perf_counter()

with open(sys.argv[1], encoding="utf-8") as handle:
    state = json.load(handle)
page_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

config = HttpConfig.get_default_config()
config.ssl_ca_cert = state["ca_path"]
client = (
    DrsClient.new_builder()
    .with_http_config(config)
    .with_credentials(BasicCredentials(state["access_key"], state["secret_key"], state["project_id"]))
    .with_endpoints([state["url"]])
    .build()
)

list_start = time.perf_counter()
jobs, offset, requests_sent = [], 0, 0
while True:
    response = client.list_async_jobs(ListAsyncJobsRequest(offset=offset, limit=page_size))
    requests_sent += 1
    page = response.jobs or []
    jobs.extend(job.to_dict() for job in page)
    offset += len(page)
    if not page or offset >= response.total_count:
        break
list_seconds = time.perf_counter() - list_start

print(json.dumps({
    "jobs": len(jobs),
    "requests": requests_sent,
    "import_seconds": imported - start,
    "list_seconds": list_seconds,
}))
