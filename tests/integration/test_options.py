"""Every query, paging and result option of the module, through one real ansible-playbook run each."""

import math

from harness import MODULE, STATUSES, connection, count_statuses, make_jobs, newest_first

JOBS = make_jobs(60)
NEWEST_FIRST = newest_first(JOBS)


def ids(jobs):
    return [job["async_job_id"] for job in jobs]


def task(name, **options):
    return {"name": name, MODULE: options, "register": "result"}


def test_filters_sort_paging_and_results(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    tasks = [
        task("everything"),
        task("ascending", sort_dir="asc"),
        task("explicit sort key", sort_key="create_time", sort_dir="desc"),
        task("by id", async_job_id="job-007"),
        task("by status", status="COMMIT_SUCCESS"),
        task("by domain", domain_name="tenant-blue"),
        task("by user", user_name="dba-li"),
        task("every filter", status="ASYNC_JOB_VALIDATING", domain_name="demo-domain", user_name="demo-user"),
        task("offset and limit", offset=5, limit=7),
        task("offset only", offset=55),
        task("offset past the end", offset=100),
        task("limit over several pages", page_size=10, limit=25),
        task("small pages", page_size=7),
        task("one page at a time", page_size=10, page_concurrency=1),
        task("many pages at a time", page_size=5, page_concurrency=32),
        task("chinese", language="zh-cn"),
        task("english", language="en-us"),
        task("no jobs returned", return_jobs="none"),
        task("unfinished jobs", return_jobs="unfinished"),
        task("unfinished by validation", return_jobs="unfinished", status="AUTO_PARAM_VALIDATE_SUCCESS",
             wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", wait_timeout=5),
        task("every job returned", return_jobs="all", page_size=50),
        task("nothing matches", async_job_id="no-such-job"),
    ]
    run = ansible.play(tasks, defaults=connection(emulator)).assert_ok()

    def check(name, expected, total=None, requests=None):
        result = run.task(name)
        assert result["changed"] is False, name
        assert "failed" not in result or not result["failed"], (name, result)
        assert ids(result["jobs"]) == ids(expected), name
        assert result["jobs"] == expected, name  # the API's five keys, unchanged
        assert result["total_count"] == (len(expected) if total is None else total), name
        if requests is not None:
            assert result["request_stats"]["requests"] == requests, (name, result["request_stats"])
        return result

    everything = check("everything", NEWEST_FIRST, requests=1)
    assert everything["status_counts"] == count_statuses(JOBS)
    assert set(everything["request_stats"]) >= {"requests", "retries", "polls", "iam_calls"}
    check("ascending", JOBS)
    check("explicit sort key", NEWEST_FIRST)
    check("by id", [JOBS[7]])
    check("by status", [job for job in NEWEST_FIRST if job["status"] == "COMMIT_SUCCESS"])
    check("by domain", [job for job in NEWEST_FIRST if job["domain_name"] == "tenant-blue"])
    check("by user", [job for job in NEWEST_FIRST if job["user_name"] == "dba-li"])
    check("every filter", [job for job in NEWEST_FIRST if job["status"] == "ASYNC_JOB_VALIDATING"
                           and job["domain_name"] == "demo-domain" and job["user_name"] == "demo-user"])
    check("offset and limit", NEWEST_FIRST[5:12], total=60)
    check("offset only", NEWEST_FIRST[55:], total=60)
    check("offset past the end", [], total=60)
    check("limit over several pages", NEWEST_FIRST[:25], total=60, requests=3)
    check("small pages", NEWEST_FIRST, requests=math.ceil(60 / 7))
    check("one page at a time", NEWEST_FIRST, requests=6)
    check("many pages at a time", NEWEST_FIRST, requests=12)
    check("chinese", NEWEST_FIRST)
    check("english", NEWEST_FIRST)
    check("every job returned", NEWEST_FIRST, requests=2)

    # return_jobs trims the list only: total_count and status_counts describe every matched job.
    none = check("no jobs returned", [], total=60)
    assert none["status_counts"] == count_statuses(JOBS)
    unfinished = check("unfinished jobs", [job for job in NEWEST_FIRST if job["status"] != "COMMIT_SUCCESS"], total=60)
    assert unfinished["status_counts"] == count_statuses(JOBS)
    check("unfinished by validation", [], total=15)

    # Nothing matched: an empty list and a count of zero for every status, not a failure.
    nothing = check("nothing matches", [])
    assert nothing["status_counts"] == dict.fromkeys(STATUSES, 0)


def test_page_concurrency_is_what_the_service_sees(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=make_jobs(200), latency=0.1)
    base = connection(emulator)
    run = ansible.play([task("serial", page_size=10, page_concurrency=1)], defaults=base).assert_ok()
    assert len(run.task("serial")["jobs"]) == 200
    assert emulator.stats()["max_in_flight"] == 1

    emulator.reset_stats()
    run = ansible.play([task("concurrent", page_size=10, page_concurrency=8)], defaults=base).assert_ok()
    assert newest_first(run.task("concurrent")["jobs"]) == run.task("concurrent")["jobs"]
    assert len({job["async_job_id"] for job in run.task("concurrent")["jobs"]}) == 200
    in_flight = emulator.stats()["max_in_flight"]
    assert 2 <= in_flight <= 8, in_flight


def test_bad_input_fails_naming_the_option_before_any_call(ansible, emulator):
    state = emulator.state
    where = {"endpoint": state["url"], "iam_endpoint": state["url"], "ca_path": state["ca_path"],
             "region": state["region"], "project_id": state["project_id"]}
    token = {"auth_token": state["auth_token"]}
    aksk = {"access_key": state["access_key"], "secret_key": state["secret_key"]}
    cases = {
        "status": dict(token, status="DONE"),
        "sort_dir": dict(token, sort_dir="up"),
        "limit": dict(token, limit=0),
        "offset": dict(token, offset=-1),
        "page_size": dict(token, page_size=0),
        "page_concurrency": dict(token, page_concurrency=33),
        "language": dict(token, language="fr-fr"),
        "return_jobs": dict(token, return_jobs="some"),
        "wait_for_status": dict(token, wait_for_status="ASYNC_JOB_VALIDATING"),
        "not_an_option": dict(token, not_an_option=1),
        "secret_key": {"access_key": state["access_key"]},
        "access_key": {"secret_key": state["secret_key"]},
        "iam_password": {"iam_user_name": state["iam_user_name"], "iam_domain_name": state["iam_domain_name"]},
        "credential": {},
    }
    tasks = [dict(task(name, **options), ignore_errors=True) for name, options in cases.items()]
    tasks.append(dict(task("two sets", **dict(token, **aksk)), ignore_errors=True))
    run = ansible.play(tasks, defaults=where)
    for name in cases:
        result = run.task(name)
        assert result.get("failed"), (name, result)
        assert name in result["msg"], (name, result["msg"])
        assert "Traceback" not in result["msg"]
    both = run.task("two sets")
    assert both.get("failed")
    assert "auth_token" in both["msg"] and "access_key" in both["msg"], both["msg"]
    # Every one of them failed before the network.
    assert emulator.stats()["total"] == 0
