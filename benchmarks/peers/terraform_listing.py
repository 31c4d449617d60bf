"""Peer: the Terraform data source's strategy (huaweicloud_drs_batch_async_jobs) in Python.

Always limit=1000 on one keep-alive session, paging until a page comes back empty (the provider's loop,
which costs one wasted request); token auth. Usage: terraform_listing.py STATE_JSON (the emulator's
state). Timed from outside as a whole process. Prints {"jobs": N, "requests": N}.
"""

import json
import sys

import requests

with open(sys.argv[1], encoding="utf-8") as handle:
    state = json.load(handle)

session = requests.Session()
session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides the emulator's CA
session.verify = state["ca_path"]
session.headers.update({"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]})
url = "%s/v5/%s/batch-async-jobs" % (state["url"].rstrip("/"), state["project_id"])

jobs, requests_sent = [], 0
while True:
    response = session.get(url, params={"offset": len(jobs), "limit": 1000}, timeout=60)
    requests_sent += 1
    if response.status_code == 422 and response.json().get("error_code") == "DRS.M00002":
        break  # the service's way of saying "nothing matched" when configured so
    response.raise_for_status()
    page = response.json().get("jobs") or []
    if not page:
        break
    jobs.extend(page)
print(json.dumps({"jobs": len(jobs), "requests": requests_sent}))
