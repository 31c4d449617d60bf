"""Every query, paging and result option of the module, and bad input; all cases in one ansible-playbook run."""

import math

import pytest

from scenarios import Scenarios
from support.drs_statuses import STATUSES
from support.jobs import count_statuses, make_jobs, newest_first

JOBS = make_jobs(60)
NEWEST_FIRST = newest_first(JOBS)
MANY_JOBS = make_jobs(200)


def ids(jobs):
    return [job["async_job_id"] for job in jobs]


def listing(name, **options):
    return name, options


LISTINGS = [
    listing("everything"),
    listing("ascending", sort_dir="asc"),
    listing("explicit sort key", sort_key="create_time", sort_dir="desc"),
    listing("by id", async_job_id="job-007"),
    listing("by status", status="COMMIT_SUCCESS"),
    listing("by domain", domain_name="tenant-blue"),
    listing("by user", user_name="dba-li"),
    listing("every filter", status="ASYNC_JOB_VALIDATING", domain_name="demo-domain", user_name="demo-user"),
    listing("offset and limit", offset=5, limit=7),
    listing("offset only", offset=55),
    listing("offset past the end", offset=100),
    listing("limit over several pages", page_size=10, limit=25),
    listing("small pages", page_size=7),
    listing("one page at a time", page_size=10, page_concurrency=1),
    listing("many pages at a time", page_size=5, page_concurrency=32),
    listing("chinese", language="zh-cn"),
    listing("english", language="en-us"),
    listing("no jobs returned", return_jobs="none"),
    listing("unfinished jobs", return_jobs="unfinished"),
    listing("unfinished by validation", return_jobs="unfinished", status="AUTO_PARAM_VALIDATE_SUCCESS",
            wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", wait_timeout=5),
    listing("every job returned", return_jobs="all", page_size=50),
    listing("nothing matches", async_job_id="no-such-job"),
]


@pytest.fixture(scope="module")
def cases(module_ansible, start_module_emulator):
    scenarios = Scenarios(module_ansible, start_module_emulator)
    emulator = start_module_emulator(seed_jobs=JOBS)
    for name, options in LISTINGS:
        scenarios.add(name, emulator=emulator, **options)
    add_bad_input_cases(scenarios, start_module_emulator())
    add_certificate_cases(scenarios, emulator)
    scenarios.add("a sort key the service refuses", emulator=emulator, sort_key="name")
    # Slow answers, so that concurrent pages overlap at the service.
    for name, concurrency in (("serial pages", 1), ("concurrent pages", 8)):
        scenarios.add(name, {"seed_jobs": MANY_JOBS, "latency": 0.1}, page_size=10, page_concurrency=concurrency)
    scenarios.run()
    return scenarios


def test_filters_sort_paging_and_results(cases):
    def check(name, expected, total=None, requests=None):
        result = cases.result(name)
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


def test_page_concurrency_is_what_the_service_sees(cases):
    serial = cases.result("serial pages")
    assert serial["jobs"] == newest_first(MANY_JOBS)
    assert cases.stats("serial pages")["max_in_flight"] == 1

    concurrent = cases.result("concurrent pages")
    assert concurrent["jobs"] == newest_first(MANY_JOBS)
    in_flight = cases.stats("concurrent pages")["max_in_flight"]
    assert 2 <= in_flight <= 8, in_flight


def test_a_value_the_service_refuses_fails_naming_it(cases):
    result = cases.result("a sort key the service refuses")
    assert result.get("failed")
    assert result["status_code"] == 400 and result["error_code"] == "DRS.M00201", result
    assert "sort_key" in result["msg"] and "Hint" in result["msg"], result["msg"]


def add_certificate_cases(scenarios, emulator):
    scenarios.add("system CA store", emulator=emulator, ca_path=None)
    scenarios.add("validate_certs false", emulator=emulator, ca_path=None, validate_certs=False)
    scenarios.add("ca_path that does not exist", emulator=emulator, ca_path="/nonexistent/ca.pem")


def test_certificates_are_verified(cases):
    # The emulator's CA is not in the system store: a clear failure with the hint to set ca_path.
    result = cases.result("system CA store")
    assert result.get("failed")
    assert "ca_path" in result["msg"] and "Traceback" not in result["msg"], result["msg"]
    result = cases.result("ca_path that does not exist")
    assert result.get("failed") and "ca_path" in result["msg"], result["msg"]
    # Turning verification off works, with a warning.
    result = cases.result("validate_certs false")
    assert not result.get("failed"), result.get("msg")
    assert len(result["jobs"]) == 60
    # (ansible-core 2.19 takes warnings out of the result and prints them.)
    assert "validate_certs" in cases.run_result.stderr, cases.run_result.stderr


BAD_INPUT = {
    "status": dict(status="DONE"),
    "sort_dir": dict(sort_dir="up"),
    "limit": dict(limit=0),
    "offset": dict(offset=-1),
    "page_size": dict(page_size=0),
    "page_concurrency": dict(page_concurrency=33),
    "language": dict(language="fr-fr"),
    "return_jobs": dict(return_jobs="some"),
    "wait_for_status": dict(wait_for_status="ASYNC_JOB_VALIDATING"),
    "wait_timeout": dict(wait_for_status="COMMIT_SUCCESS", wait_timeout=-1),
    "max_retries": dict(max_retries=-1),
}
HALF_CREDENTIALS = {
    "secret_key": lambda state: {"access_key": state["access_key"]},
    "access_key": lambda state: {"secret_key": state["secret_key"]},
    "iam_password": lambda state: {"iam_user_name": state["iam_user_name"],
                                   "iam_domain_name": state["iam_domain_name"]},
    "iam_user_name": lambda state: {"iam_password": state["iam_password"]},
    "auth_token": lambda state: {},
}


def add_bad_input_cases(scenarios, emulator):
    for option, options in BAD_INPUT.items():
        scenarios.add("bad " + option, style="token", emulator=emulator, **options)
    for option, make in HALF_CREDENTIALS.items():
        scenarios.add("credentials without " + option, style="none", emulator=emulator, **make(emulator.state))
    scenarios.bad_input_emulator = emulator


@pytest.mark.parametrize("option", sorted(BAD_INPUT))
def test_bad_input_fails_naming_the_option_before_any_call(cases, option):
    result = cases.result("bad " + option)
    assert result.get("failed"), result
    assert option in result["msg"], result["msg"]
    assert "Traceback" not in result["msg"] and "\n" not in result["msg"]
    assert cases.stats("bad " + option)["total"] == 0  # nothing reached the service


@pytest.mark.parametrize("option", sorted(HALF_CREDENTIALS))
def test_missing_credentials_fail_naming_what_is_missing(cases, option):
    result = cases.result("credentials without " + option)
    assert result.get("failed"), result
    assert option in result["msg"], result["msg"]
    assert cases.stats("credentials without " + option)["total"] == 0
