"""DRS detail call: JobDetailResp-shaped tasks per batch, reasons on failed batches, paging, auth and errors."""

import pytest

from emulator_client import Client, assert_error
from drs_emulator.detail import SOURCE_DB_USER, SOURCE_IP, task_count

JOBS = [
    {"async_job_id": "failed-batch", "status": "ASYNC_JOB_VALIDATE_FAILED", "create_time": "2026-11-01T10:00:00Z"},
    {"async_job_id": "validated-batch", "status": "AUTO_PARAM_VALIDATE_SUCCESS", "create_time": "2026-11-01T10:01:00Z"},
    {"async_job_id": "pending-batch", "status": "ASYNC_JOB_VALIDATING", "create_time": "2026-11-01T10:02:00Z",
     "fail": True},
]


@pytest.fixture(scope="module")
def small(start_module_emulator):
    return Client(start_module_emulator(seed_jobs=JOBS).state)


def detail_path(client, async_job_id, project_id=None):
    return client.list_path(project_id) + "/" + async_job_id


def tasks(client, async_job_id, **params):
    response = client.signed("GET", detail_path(client, async_job_id), sorted(params.items()))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_failed_batch_has_several_tasks_with_reasons_varied_across_them(small):
    body = tasks(small, "failed-batch", limit=100)
    assert body["total_count"] == task_count("failed-batch") == len(body["jobs"]) >= 2
    first, second = body["jobs"][:2]
    for task in body["jobs"]:
        assert set(task) >= {"id", "status", "create_time", "base_info", "logs", "precheck_result"}
        assert set(task["base_info"]) >= {"name", "job_type", "engine_type", "job_direction"}
        assert task["source_endpoint"][0]["endpoint"]["db_user"] == SOURCE_DB_USER
    assert first["precheck_result"]["precheck_results"][0]["failed_reason"]
    assert [log["level"] for log in first["logs"]] == ["info", "error"]
    assert "network_results" not in first and "error_code" not in first
    assert second["error_code"] and second["error_msg"]
    assert second["network_results"][0]["error_code"] and second["network_results"][0]["ip"] == SOURCE_IP
    assert len({task["id"] for task in body["jobs"]}) == len(body["jobs"])


def test_a_batch_that_passed_has_tasks_without_reasons(small):
    for task in tasks(small, "validated-batch")["jobs"]:
        assert task["precheck_result"]["result"] is True
        assert all(log["level"] != "error" for log in task["logs"])
        assert "error_code" not in task and "network_results" not in task


def test_paged_by_offset_and_limit_with_the_list_calls_checks(small):
    whole = tasks(small, "failed-batch", limit=100)["jobs"]
    pages = [tasks(small, "failed-batch", offset=offset, limit=1)["jobs"] for offset in range(len(whole))]
    assert [page[0]["id"] for page in pages] == [task["id"] for task in whole]
    assert tasks(small, "failed-batch", offset=len(whole))["jobs"] == []
    assert_error(small.signed("GET", detail_path(small, "failed-batch"), [("limit", "0")]), 400, "DRS.M00210")
    assert_error(small.signed("GET", detail_path(small, "failed-batch"), [("limit", "5000")]), 400, "DRS.M00211")


def test_errors_as_the_list_call(small):
    assert_error(small.signed("GET", detail_path(small, "no-such-batch")), 400, "DRS.10000010", "no-such-batch")
    assert_error(small.signed("GET", detail_path(small, "failed-batch", "0" * 32)), 403, "DRS.M00261")
    assert_error(small.signed("GET", detail_path(small, "failed-batch"), secret_key="wrong"), 401, "APIGW.0301")
    assert_error(small.signed("GET", detail_path(small, "failed-batch"), content_type=None), 415, "DRS.M00007")
    assert_error(small.with_token("GET", detail_path(small, "failed-batch"), token="MIIunknown"), 403, "DRS.M00100")
    assert small.with_token("GET", detail_path(small, "failed-batch")).status_code == 200
    assert_error(small.signed("POST", detail_path(small, "failed-batch")), 404, "APIGW.0101")


def test_reasons_follow_the_batch_status(start_emulator):
    client = Client(start_emulator(seed_jobs=JOBS, validate_after_calls=1).state)
    assert tasks(client, "pending-batch")["jobs"][0]["precheck_result"]["result"] is True
    assert client.list_jobs().status_code == 200
    assert tasks(client, "pending-batch")["jobs"][0]["precheck_result"]["result"] is False


def test_counted_apart_and_faults_on_its_own_route(start_emulator):
    emulator = start_emulator(seed_jobs=JOBS, fault=[{"route": "detail", "status": 503, "count": 1}])
    client = Client(emulator.state)
    assert_error(client.signed("GET", detail_path(client, "failed-batch")), 503, "APIGW.0203")
    assert client.list_jobs().status_code == 200
    assert tasks(client, "failed-batch")["total_count"] >= 2
    stats = emulator.stats()
    assert stats["routes"] == {"drs_detail": 2, "drs_list": 1} and stats["detail_calls"] == 2
