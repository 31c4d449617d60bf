"""What reading the status of many DRS jobs costs: the job list call, 10 ids per call (what drs_job_info and the
gate do, _drs_api.JobWatch), against one call per job (the progress call, which a client without the list call's
name filter would send for each job).

Starts the emulator as a process with 50 ms added to every answer, seeds 20 committed batches of 5 jobs (100
DRS jobs), and prints medians of both ways, interleaved run by run, each beside the baseline from the same run,
with the requests each sent. Run it with the Python of a release's virtualenv, e.g.
`.venv/core-2.21/bin/python benchmarks/job_status_calls.py`.
"""

import os
import statistics
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "unit", "plugins"))
# The unit tests' conftest makes the collection importable from this checkout.
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import (  # noqa: E402  pylint: disable=wrong-import-position
    DrsClient,
    JobWatch,
    batch_job_ids,
    read_job_detail,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport, RequestStats  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import map_in_order  # noqa: E402  pylint: disable=wrong-import-position
from drs_emulator.testing import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position,import-error

RUNS = 5
BATCHES, JOBS_PER_BATCH, CONCURRENCY = 20, 5, 10


def client(state, stats):
    transport = HttpTransport(timeout=30, max_retries=0, verify=state["ca_path"], pool_size=CONCURRENCY, stats=stats)
    return DrsClient(transport, state["url"], state["project_id"], auth_token=state["auth_token"])


def timed(action):
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main():
    with EmulatorProcess(latency=0.05) as emulator:
        emulator.seed(jobs=[{"async_job_id": "bench-%03d" % index, "status": "COMMIT_SUCCESS"}
                            for index in range(BATCHES)], replication={"tasks_per_batch": JOBS_PER_BATCH})
        stats = RequestStats()
        drs = client(emulator.state, stats)
        jobs = batch_job_ids(drs, ["bench-%03d" % index for index in range(BATCHES)], concurrency=CONCURRENCY)
        watch = JobWatch(drs, jobs, concurrency=CONCURRENCY)

        def one_call_per_job():
            return map_in_order(lambda job: read_job_detail(drs, job, "progress"), list(jobs), CONCURRENCY)

        ways = {"one call per job (baseline)": one_call_per_job, "list call, 10 ids per call": watch}
        times, requests = dict((name, []) for name in ways), {}
        for _run in range(RUNS):
            for name, action in ways.items():
                before = stats.requests
                times[name].append(timed(action))
                requests[name] = stats.requests - before
        drs.transport.close()
    print("status of %d DRS jobs (%d batches of %d), %d at a time, 50 ms per answer, median of %d runs"
          % (len(jobs), BATCHES, JOBS_PER_BATCH, CONCURRENCY, RUNS))
    baseline = statistics.median(times["one call per job (baseline)"])
    for name in ways:
        seconds = statistics.median(times[name])
        print("%-30s %7.3f s  %5.2fx  %4d requests" % (name, seconds, seconds / baseline, requests[name]))


if __name__ == "__main__":
    main()
