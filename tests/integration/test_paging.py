"""Thousands of jobs: every page, in order, no duplicates, a page cap that forces the page to shrink."""

from harness import MODULE, connection, count_statuses, make_jobs, newest_first

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
    run = ansible.play(tasks, defaults=connection(emulator)).assert_ok()

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
