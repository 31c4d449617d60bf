"""Peer: the Terraform data source's strategy (huaweicloud_drs_batch_async_jobs) in Python.

Always limit=1000, one keep-alive session, page until a page comes back empty (the provider's loop,
which costs one wasted request). Token auth (HW_AUTH_TOKEN style). Usage: terraform_listing.py
STATE_JSON. Prints one JSON line.
"""

import json
import sys
import time

start = time.perf_counter()
import requests  # noqa: E402

imported = time.perf_counter()

with open(sys.argv[1], encoding="utf-8") as handle:
    state = json.load(handle)

session = requests.Session()
# requests lets REQUESTS_CA_BUNDLE from the environment override Session.verify; the emulator's CA must win.
session.trust_env = False
session.verify = state["ca_path"]
session.headers.update({"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]})
url = "%s/v5/%s/batch-async-jobs" % (state["url"].rstrip("/"), state["project_id"])

list_start = time.perf_counter()
jobs, offset, requests_sent = [], 0, 0
while True:
    response = session.get(url, params={"offset": offset, "limit": 1000}, timeout=60)
    requests_sent += 1
    if response.status_code == 422 and response.json().get("error_code") == "DRS.M00002":
        break
    response.raise_for_status()
    page = response.json().get("jobs") or []
    if not page:
        break
    jobs.extend(page)
    offset += len(page)
list_seconds = time.perf_counter() - list_start

print(json.dumps({
    "jobs": len(jobs),
    "requests": requests_sent,
    "import_seconds": imported - start,
    "list_seconds": list_seconds,
}))
