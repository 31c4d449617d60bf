"""Issue 9, point 3: every run is bounded in time, requests and memory, whatever the server does.

The principles these tests hold the module to: ``timeout`` bounds each whole request, body included; a
run that has failed exits within about one ``timeout``; paging stops when the service stops giving new
jobs (at most about one wave of concurrent requests past the last page that brought new ones, whatever
``total_count`` claims), and one listing reads at most 100,000 jobs; decompressed bodies and server
messages have caps; ``wait_sleep`` has a floor.

Each hostile server answers at most 400 requests (then a 400 that nothing retries) and every slow answer
ends with the server, so a client without bounds shows as a failed assertion, not a hung suite.
"""

import json
import re
import subprocess
import sys
import time

import pytest

from scenarios import Scenarios
from support.ansible_runner import BIN_DIR, MODULE
from support.hostile_checks import (
    assert_clean_failure,
    assert_clean_success,
    assert_no_crash,
    assert_no_secret_leak,
    mentions,
    outputs_of,
    warnings_of,
)
from support.hostile_server import (
    by_offset,
    endless_new_jobs,
    error,
    gzip_bomb,
    listing,
    make_job,
    random_token,
    same_page,
    trickle,
)
from support.results import AnsibleRun

# 40 bytes at one byte every half second: 20 s for the whole body, while no single read waits 3 s.
TRICKLED_LISTING = '{"total_count": 0, "jobs": []}'.ljust(40)
TRICKLE_INTERVAL = 0.5
SHORTENED = re.compile(r"(?i)shorten|truncat|cut|omitted|more characters|first \d+")
TOO_LARGE = re.compile(r"(?i)too (large|big|long)|exceed|larger than|more than|over the (cap|limit)|size limit|at most")
TOKEN = random_token(300)
BOMB_PADDING = 200 << 20  # 200 MB of spaces after the JSON: about 200 KB gzip-compressed, as in the issue


@pytest.fixture(scope="module")
def bounds(module_ansible, hostile_servers):
    cases = Scenarios(module_ansible, start_emulator=None)

    def add(name, server, **options):
        cases.add(name, style="none", emulator=server, auth_token=TOKEN, **options)

    add("trickling body", hostile_servers.start(list=trickle(TRICKLED_LISTING, TRICKLE_INTERVAL)), timeout=3,
        max_retries=0)
    thirty = [make_job(index) for index in range(30)]
    add("one page fails while another trickles", hostile_servers.start(list=by_offset({
        10: error(403, "DRS.M00102", "Insufficient permissions."),
        20: trickle(TRICKLED_LISTING, TRICKLE_INTERVAL)}, listing(thirty))),
        page_size=10, page_concurrency=2, timeout=3, max_retries=0)
    add("total_count 1e9 with the same full page", hostile_servers.start(
        list=same_page([make_job(index) for index in range(10)], 10 ** 9)), page_size=10)
    add("5 jobs claiming a total_count of 20000", hostile_servers.start(
        list=listing([make_job(index) for index in range(5)], total_count=20000)))
    add("endless new jobs", hostile_servers.start(list=endless_new_jobs(10 ** 9)))
    add("10 MB error_msg", hostile_servers.start(
        list=error(400, "DRS.M00201", "The value is invalid: " + "x" * (10 << 20))))
    add("wait_sleep 0", hostile_servers.start(list=listing([make_job(0, "ASYNC_JOB_VALIDATING")])),
        wait_for_status="COMMIT_SUCCESS", wait_timeout=3, wait_sleep=0)
    cases.run()
    return cases


def test_timeout_bounds_a_trickling_body(bounds):
    result = bounds.result("trickling body")
    msg = assert_clean_failure(result, "timeout")
    assert result["_seconds"] < 15, "a timeout: 3 run took %ss: %s" % (result["_seconds"], msg)


def test_a_failed_run_exits_within_about_one_timeout(bounds):
    result = bounds.result("one page fails while another trickles")
    msg = assert_clean_failure(result)
    assert "DRS.M00102" in msg, msg
    assert result["_seconds"] < 10, "the run lived %ss after a page failed at once" % result["_seconds"]


def test_paging_stops_when_pages_bring_no_new_jobs(bounds):
    result = bounds.result("total_count 1e9 with the same full page")
    stats = bounds.stats("total_count 1e9 with the same full page")
    assert_no_crash(result)
    assert stats["requests"] <= 1 + 2 * 10, "%d requests for 10 distinct jobs" % stats["requests"]
    if not result.get("failed"):
        assert len(result["jobs"]) == 10


def test_paging_stops_after_the_last_real_job(bounds):
    result = bounds.result("5 jobs claiming a total_count of 20000")
    stats = bounds.stats("5 jobs claiming a total_count of 20000")
    assert stats["requests"] <= 1 + 2 * 10, "%d requests for 5 jobs" % stats["requests"]
    assert_clean_success(result)
    assert [job["async_job_id"] for job in result["jobs"]] == ["hostile-%06d" % index for index in range(5)]


def test_endless_new_jobs_end_the_listing_at_its_documented_maximum(bounds):
    result = bounds.result("endless new jobs")
    stats = bounds.stats("endless new jobs")
    msg = assert_clean_failure(result, "limit")
    assert "more than 100000 batches" in msg, msg
    # 100 pages of 1000 new jobs reach the maximum; the 101st passes it; at most one wave of 10 more
    assert stats["requests"] <= 101 + 10, stats["requests"]
    assert len(json.dumps(result)) < 100000, "the failure carries the jobs it gave up on"


def test_a_huge_error_msg_is_capped_and_says_so(bounds):
    result = bounds.result("10 MB error_msg")
    msg = assert_clean_failure(result)
    size = len(json.dumps(result))
    assert size < 100000, "the result holds %d characters" % size
    assert len(msg) < 2000, len(msg)
    assert SHORTENED.search(msg + " " + str(result.get("error_msg", ""))), "nothing says it was shortened: %s" % msg


def test_wait_sleep_has_a_floor(bounds):
    result = bounds.result("wait_sleep 0")
    stats = bounds.stats("wait_sleep 0")
    msg = assert_clean_failure(result)
    if stats["requests"] == 0:  # refusing wait_sleep 0 is as good as a floor
        assert mentions(msg, "wait_sleep"), msg
    else:  # a floor of about 0.3 s or more: at most 10 polls in a wait_timeout of 3 s, and a warning says so
        assert stats["requests"] <= 10, "%d polls in 3 seconds" % stats["requests"]
        assert "Timed out" in msg or mentions(msg, "wait_timeout"), msg
        warnings = warnings_of(result, bounds.run_result.stderr + bounds.run_result.stdout)
        assert mentions(warnings, "wait_sleep"), "no warning names wait_sleep: %s" % warnings


def test_no_piece_of_the_token_in_any_output(bounds):
    assert_no_secret_leak(outputs_of(bounds.run_result), {"auth_token": TOKEN})


# --- memory: one ad hoc run under a parent that reports the largest resident size of its descendants ---

MEASURE = r"""
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
sys.stderr.write("MAXRSS_KB=%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""


def run_measured(ansible, options):
    """``ansible localhost -m MODULE`` and the peak resident size (MB) of ansible and the module."""
    results_path = ansible.workdir / ("results_measured_%d.json" % time.monotonic_ns())
    command = [sys.executable, "-c", MEASURE, str(BIN_DIR / "ansible"), "localhost", "-m", MODULE,
               "-a", json.dumps(options)]
    environment = dict(ansible.base_env, RESULTS_JSON_FILE=str(results_path))
    started = time.monotonic()
    process = subprocess.run(command, cwd=str(ansible.workdir), env=environment, capture_output=True, text=True,
                             timeout=180, check=False)
    peak = re.search(r"MAXRSS_KB=(\d+)", process.stderr)
    run = AnsibleRun(command, process.returncode, process.stdout, process.stderr, time.monotonic() - started,
                     results_path)
    return run, int(peak.group(1)) / 1024.0 if peak else None


def test_a_gzip_bomb_is_refused_without_using_the_memory(ansible, hostile_servers):
    job = json.dumps({"total_count": 1, "jobs": [make_job(0)]})
    server = hostile_servers.start(list=gzip_bomb(job, BOMB_PADDING))
    run, peak_megabytes = run_measured(ansible, dict(
        endpoint=server.url, ca_path=server.ca_path, project_id=server.project_id, auth_token=TOKEN))
    assert_no_secret_leak(outputs_of(run), {"auth_token": TOKEN})
    result = run.module_result()
    assert peak_megabytes is not None and peak_megabytes < 200, "peak resident size %s MB" % peak_megabytes
    msg = assert_clean_failure(result)
    assert TOO_LARGE.search(msg), "the message does not say the answer was too large: %s" % msg
