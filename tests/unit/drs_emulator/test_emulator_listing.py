"""DRS list call: filters, paging, sorting, validation errors, page cap, and speed on 100,000 jobs."""

import time

import pytest

from emulator_client import Client, assert_error
from drs_emulator.testing import EmulatorProcess

JOBS = [
    {"async_job_id": "job-%03d" % index, "status": status, "domain_name": domain, "user_name": user,
     "create_time": "2026-11-0%dT10:00:%02dZ" % (1 + index % 3, index)}
    for index, (status, domain, user) in enumerate([
        ("ASYNC_JOB_VALIDATING", "demo-domain", "demo-user"),
        ("COMMIT_SUCCESS", "demo-domain", "demo-user"),
        ("COMMIT_SUCCESS", "tenant-blue", "demo-user"),
        ("AUTO_PARAM_VALIDATE_SUCCESS", "tenant-blue", "dba-li"),
        ("ASYNC_JOB_VALIDATE_FAILED", "demo-domain", "dba-li"),
        ("COMMIT_SUCCESS", "demo-domain", "dba-li"),
    ])
]


def _ids(response):
    assert response.status_code == 200, response.text
    return [job["async_job_id"] for job in response.json()["jobs"]]


def _expected(predicate=lambda job: True, descending=True):
    jobs = sorted((job for job in JOBS if predicate(job)), key=lambda job: (job["create_time"], job["async_job_id"]))
    return [job["async_job_id"] for job in (jobs[::-1] if descending else jobs)]


@pytest.fixture
def small(fresh):
    fresh.seed(jobs=JOBS)
    return Client(fresh.state)


def test_job_fields_and_total(small):
    body = small.list_jobs(limit=100).json()
    assert body["total_count"] == 6
    assert set(body["jobs"][0]) == {"async_job_id", "status", "domain_name", "user_name", "create_time"}
    assert [job["async_job_id"] for job in body["jobs"]] == _expected()


def test_sort_directions(small):
    assert _ids(small.list_jobs(limit=100, sort_dir="asc", sort_key="create_time")) == _expected(descending=False)
    assert _ids(small.list_jobs(limit=100, sort_dir="desc")) == _expected()


@pytest.mark.parametrize("field, value", [
    ("status", "COMMIT_SUCCESS"), ("domain_name", "tenant-blue"), ("user_name", "dba-li"), ("async_job_id", "job-004"),
    ("status", "NO_SUCH_STATUS"),
])
def test_single_filters(small, field, value):
    response = small.list_jobs(limit=100, **{field: value})
    assert _ids(response) == _expected(lambda job: job[field] == value)
    assert response.json()["total_count"] == len(_expected(lambda job: job[field] == value))


def test_combined_filters(small):
    response = small.list_jobs(limit=100, status="COMMIT_SUCCESS", domain_name="demo-domain", user_name="dba-li")
    assert _ids(response) == ["job-005"]
    assert _ids(small.list_jobs(status="COMMIT_SUCCESS", async_job_id="job-000")) == []


def test_empty_values_mean_not_given(small):
    response = small.list_jobs(async_job_id="", status="", domain_name="", user_name="", offset=0, limit=10,
                               sort_key="", sort_dir="")
    assert _ids(response) == _expected()


def test_paging_covers_every_job_once(small):
    pages = [small.list_jobs(limit=4, offset=offset).json() for offset in (0, 4, 8)]
    assert [page["total_count"] for page in pages] == [6, 6, 6]
    assert [job["async_job_id"] for page in pages for job in page["jobs"]] == _expected()
    assert pages[2]["jobs"] == []


def test_default_limit_is_ten(client):
    body = client.list_jobs().json()
    assert body["total_count"] == 200
    assert len(body["jobs"]) == 10


def test_page_cap(client, fresh):
    assert len(client.list_jobs(limit=1000).json()["jobs"]) == 200
    assert_error(client.list_jobs(limit=1001), 400, "DRS.M00211")
    assert_error(client.list_jobs(limit=10 ** 30), 400, "DRS.M00211")
    fresh.settings(page_cap=50)
    assert client.list_jobs(limit=50).status_code == 200
    assert_error(client.list_jobs(limit=51), 400, "DRS.M00211")


@pytest.mark.parametrize("params, code, name", [
    ({"offset": -1}, "DRS.M00210", "offset"),
    ({"offset": "x"}, "DRS.M00210", "offset"),
    ({"limit": 0}, "DRS.M00210", "limit"),
    ({"limit": "1.5"}, "DRS.M00210", "limit"),
    ({"sort_key": "status"}, "DRS.M00201", "sort_key"),
    ({"sort_dir": "DESC"}, "DRS.M00201", "sort_dir"),
    ({"sort_dir": "up"}, "DRS.M00201", "sort_dir"),
])
def test_invalid_parameters(client, params, code, name):
    assert_error(client.list_jobs(**params), 400, code, name)


def test_wrong_project(client):
    assert_error(client.signed("GET", client.list_path("0" * 32)), 403, "DRS.M00261")
    assert_error(client.with_token("GET", client.list_path("0" * 32)), 403, "DRS.M00261")


def test_project_id_header_must_match(client):
    assert client.signed("GET", client.list_path(), headers={"X-Project-Id": client.state["project_id"]}).status_code == 200
    assert_error(client.signed("GET", client.list_path(), headers={"X-Project-Id": "1" * 32}), 403, "DRS.M00261")


def test_content_type_is_required(client):
    assert_error(client.signed("GET", client.list_path(), content_type=None), 415, "DRS.M00007")
    assert_error(client.signed("GET", client.list_path(), content_type="text/plain"), 415, "DRS.M00007")
    assert client.signed("GET", client.list_path(), content_type="application/json;charset=UTF-8").status_code == 200


@pytest.mark.parametrize("method, path", [
    ("GET", "/v5/%s/batch-async-job"), ("GET", "/v3/%s/batch-async-jobs"), ("DELETE", "/v5/%s/batch-async-jobs"),
    ("GET", "/"), ("GET", "/v5/%s/batch-async-jobs/x/commit"),
])
def test_unknown_paths(client, method, path):
    if "%s" in path:
        path = path % client.state["project_id"]
    assert_error(client.signed(method, path), 404, "APIGW.0101")


def test_empty_result_200_or_422(small, fresh):
    assert small.list_jobs(user_name="nobody").json() == {"total_count": 0, "jobs": []}
    fresh.settings(empty_result_422=True)
    assert_error(small.list_jobs(user_name="nobody"), 422, "DRS.M00002")
    # Paging past the end of a non-empty result is still an empty page, not an empty result.
    assert small.list_jobs(offset=100).json()["jobs"] == []


def test_token_auth_lists_too(client):
    response = client.with_token("GET", client.list_path(), params={"limit": 3, "status": "ASYNC_JOB_VALIDATING"})
    assert response.status_code == 200
    assert response.json()["total_count"] == 200


def test_generated_jobs_look_real(client):
    jobs = client.list_jobs(limit=200).json()["jobs"]
    assert len({job["async_job_id"] for job in jobs}) == 200
    assert all(len(job["async_job_id"]) == 36 and job["create_time"].endswith("Z") for job in jobs)
    assert {job["domain_name"] for job in jobs} >= {"demo-domain", "tenant-blue"}
    assert [job["create_time"] for job in jobs] == sorted((job["create_time"] for job in jobs), reverse=True)


def test_one_hundred_thousand_jobs_page_quickly():
    with EmulatorProcess(seed=100000, initial_status="COMMIT_SUCCESS") as emulator:
        client = Client(emulator.state)
        started = time.monotonic()
        seen = set()
        total = None
        for offset in range(0, 20000, 1000):
            body = client.list_jobs(limit=1000, offset=offset, sort_dir="asc").json()
            total = body["total_count"]
            seen.update(job["async_job_id"] for job in body["jobs"])
        elapsed = time.monotonic() - started
        assert total == 100000
        assert len(seen) == 20000
        assert elapsed < 10, elapsed
        filtered = client.list_jobs(limit=1000, offset=99000, user_name="demo-user").json()
        assert filtered["total_count"] > 30000
        assert filtered["jobs"] == []
