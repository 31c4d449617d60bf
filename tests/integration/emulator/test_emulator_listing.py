"""DRS list call: filters, paging, sorting, validation errors and the page cap."""

import pytest

from emulator_client import Client, assert_error

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


@pytest.fixture(scope="module")
def small(start_module_emulator):
    return Client(start_module_emulator(seed_jobs=JOBS, page_cap=50).state)


def test_fields_order_and_total(small):
    body = small.list_jobs(limit=50).json()
    assert body["total_count"] == 6
    assert body["jobs"][0] == JOBS[5]  # every field as seeded, newest first
    assert _ids(small.list_jobs(limit=50, sort_dir="asc", sort_key="create_time")) == _expected(descending=False)


@pytest.mark.parametrize("field, value", [
    ("status", "COMMIT_SUCCESS"), ("domain_name", "tenant-blue"), ("user_name", "dba-li"), ("async_job_id", "job-004"),
    ("status", "NO_SUCH_STATUS"),
])
def test_single_filters(small, field, value):
    response = small.list_jobs(limit=50, **{field: value})
    assert _ids(response) == _expected(lambda job: job[field] == value)
    assert response.json()["total_count"] == len(_expected(lambda job: job[field] == value))


def test_combined_and_empty_filters(small):
    assert _ids(small.list_jobs(status="COMMIT_SUCCESS", domain_name="demo-domain", user_name="dba-li")) == ["job-005"]
    assert _ids(small.list_jobs(status="COMMIT_SUCCESS", async_job_id="job-000")) == []
    # The documented example sends empty values: they mean "not given".
    assert _ids(small.list_jobs(async_job_id="", status="", domain_name="", user_name="", sort_key="", sort_dir="")) \
        == _expected()


def test_paging_covers_every_job_once(small):
    pages = [small.list_jobs(limit=4, offset=offset).json() for offset in (0, 4, 8)]
    assert [page["total_count"] for page in pages] == [6, 6, 6]
    assert [job["async_job_id"] for page in pages for job in page["jobs"]] == _expected()


def test_default_limit_and_page_cap(client, small):
    assert len(client.list_jobs().json()["jobs"]) == 10
    assert len(client.list_jobs(limit=1000).json()["jobs"]) == 200
    assert_error(client.list_jobs(limit=1001), 400, "DRS.M00211")
    assert_error(client.list_jobs(limit=10 ** 30), 400, "DRS.M00211")
    assert_error(small.list_jobs(limit=51), 400, "DRS.M00211")


@pytest.mark.parametrize("params, code, name", [
    ({"offset": -1}, "DRS.M00210", "offset"),
    ({"limit": 0}, "DRS.M00210", "limit"),
    ({"limit": "1.5"}, "DRS.M00210", "limit"),
    ({"sort_key": "status"}, "DRS.M00201", "sort_key"),
    ({"sort_dir": "DESC"}, "DRS.M00201", "sort_dir"),
])
def test_invalid_parameters(client, params, code, name):
    assert_error(client.list_jobs(**params), 400, code, name)


def test_project_must_match(client):
    assert_error(client.signed("GET", client.list_path("0" * 32)), 403, "DRS.M00261")
    assert_error(client.with_token("GET", client.list_path("0" * 32)), 403, "DRS.M00261")
    assert_error(client.signed("GET", client.list_path(), headers={"X-Project-Id": "1" * 32}), 403, "DRS.M00261")


def test_content_type_is_required(client):
    assert_error(client.signed("GET", client.list_path(), content_type=None), 415, "DRS.M00007")
    assert client.signed("GET", client.list_path(), content_type="application/json;charset=UTF-8").status_code == 200


@pytest.mark.parametrize("method, path", [
    ("GET", "/v5/%s/batch-async-job"), ("GET", "/v3/%s/batch-async-jobs"), ("POST", "/v5/%s/batch-async-jobs"),
    ("GET", "/v5/%s/batch-async-jobs/x/commit"),
])
def test_unknown_paths(client, method, path):
    assert_error(client.signed(method, path % client.state["project_id"]), 404, "APIGW.0101")


def test_nothing_matched_is_200_or_optionally_422(client, start_emulator):
    assert client.list_jobs(user_name="nobody").json() == {"total_count": 0, "jobs": []}
    strict = Client(start_emulator(seed=3, empty_result_422=True).state)
    assert_error(strict.list_jobs(user_name="nobody"), 422, "DRS.M00002")
    # Paging past the end of a non-empty result is an empty page, not an empty result.
    assert strict.list_jobs(offset=100).json()["jobs"] == []


def test_generated_jobs_look_real(client):
    jobs = client.list_jobs(limit=200).json()["jobs"]
    assert len({job["async_job_id"] for job in jobs}) == 200
    assert all(len(job["async_job_id"]) == 36 and job["create_time"].endswith("Z") for job in jobs)
    assert {job["domain_name"] for job in jobs} >= {"demo-domain", "tenant-blue"}
    assert [job["create_time"] for job in jobs] == sorted((job["create_time"] for job in jobs), reverse=True)
