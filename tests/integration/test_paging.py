"""Thousands of jobs: every page, in order, no duplicates, a page cap that forces the page to shrink."""

import json

from support.ansible_runner import MODULE
from support.jobs import count_statuses, make_jobs, newest_first
from support.module_options import connection

JOBS = make_jobs(5000)
NEWEST_FIRST = newest_first(JOBS)


def ids(jobs):
    return [job["async_job_id"] for job in jobs]


def test_five_thousand_jobs_through_a_page_cap(ansible, start_emulator):
    # The service caps pages at 300: the default page_size (1000) is answered DRS.M00211, and the
    # module shrinks the page and carries on.
    emulator = start_emulator(seed_jobs=JOBS, page_cap=300)
    tasks = [
        {"name": "every job", MODULE: {}, "register": "result"},
        {"name": "a window across pages", MODULE: {"offset": 1234, "limit": 2500, "sort_dir": "asc"},
         "register": "result"},
        {"name": "counts only", MODULE: {"return_jobs": "none", "page_size": 250}, "register": "result"},
    ]
    run = ansible.play(tasks, defaults=connection(emulator.state)).assert_ok()

    everything = run.task("every job")
    assert everything["total_count"] == 5000
    assert ids(everything["jobs"]) == ids(NEWEST_FIRST)
    assert everything["status_counts"] == count_statuses(JOBS)
    stats = everything["request_stats"]
    # At least one refused page, then pages of at most 300: no more than a few extra requests.
    assert 5000 / 300 < stats["requests"] <= 5000 / 150 + 3, stats

    window = run.task("a window across pages")
    assert ids(window["jobs"]) == ids(JOBS[1234:3734])
    assert window["total_count"] == 5000

    counts = run.task("counts only")
    assert counts["jobs"] == [] and counts["total_count"] == 5000
    assert counts["status_counts"] == count_statuses(JOBS)
    assert counts["request_stats"]["requests"] == 20

    statuses = emulator.stats()["statuses"]
    assert statuses.get("400", 0) >= 1, statuses  # the cap was hit, and only a few times
    assert statuses.get("400", 0) <= 6, statuses


def test_waiting_on_five_thousand_jobs_returns_counts_only(ansible, start_emulator):
    """Every poll pages through all 5,000 jobs; return_jobs none keeps the result small."""
    batch = make_jobs(5000, statuses=("ASYNC_JOB_VALIDATING",))
    # One poll is about 17 list calls (pages of at most 300): validated during the 3rd poll, committed
    # during the 5th.
    emulator = start_emulator(seed_jobs=batch, page_cap=300, validate_after_calls=40, auto_commit_after_calls=75)
    run = ansible.play([{"name": "wait", MODULE: {"wait_for_status": "COMMIT_SUCCESS", "wait_sleep": 0.1,
                                                  "wait_timeout": 120, "return_jobs": "none"},
                         "register": "result"}], defaults=connection(emulator.state)).assert_ok()
    result = run.task("wait")
    assert result["jobs"] == [] and result["total_count"] == 5000
    assert result["status_counts"]["COMMIT_SUCCESS"] == 5000
    assert result["request_stats"]["polls"] >= 4, result["request_stats"]
    assert len(json.dumps(result)) < 5000  # counts, not 5,000 jobs
