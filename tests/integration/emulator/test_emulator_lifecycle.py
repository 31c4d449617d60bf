"""Job lifecycle: validation and commit on a schedule of list calls or seconds, the commit API, seeding."""

import time

import pytest

from emulator_client import Client, assert_error
from drs_emulator.testing import EmulatorError


def _statuses(client, **params):
    response = client.list_jobs(limit=1000, **params)
    assert response.status_code == 200, response.text
    counts = {}
    for job in response.json()["jobs"]:
        counts[job["status"]] = counts.get(job["status"], 0) + 1
    return counts


def test_validation_then_commit_after_list_calls(start_emulator):
    jobs = [{"async_job_id": "job-%d" % index} for index in range(10)]
    client = Client(start_emulator(seed_jobs=jobs, validate_after_calls=1, auto_commit_after_calls=3,
                                   fail_ids="job-3,job-7").state)
    assert [_statuses(client) for _attempt in range(4)] == [
        {"ASYNC_JOB_VALIDATING": 10},
        {"AUTO_PARAM_VALIDATE_SUCCESS": 8, "ASYNC_JOB_VALIDATE_FAILED": 2},
        {"AUTO_PARAM_VALIDATE_SUCCESS": 8, "ASYNC_JOB_VALIDATE_FAILED": 2},
        {"COMMIT_SUCCESS": 8, "ASYNC_JOB_VALIDATE_FAILED": 2},
    ]
    assert _statuses(client, async_job_id="job-3") == {"ASYNC_JOB_VALIDATE_FAILED": 1}
    assert client.list_jobs(status="COMMIT_SUCCESS").json()["total_count"] == 8


def test_validation_after_seconds(start_emulator):
    client = Client(start_emulator(seed=20, validate_after_seconds=0.2, auto_commit_after_seconds=600).state)
    time.sleep(0.3)
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 20}


def test_unknown_status_then_validation(start_emulator):
    client = Client(start_emulator(seed=10, unknown_status_count=4, validate_after_calls=1).state)
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 6, "ASYNC_JOB_QUEUED": 4}
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 10}


def test_commit_api(start_emulator):
    emulator = start_emulator(seed_jobs=[{"async_job_id": "a", "status": "AUTO_PARAM_VALIDATE_SUCCESS"},
                                         {"async_job_id": "b"}, {"async_job_id": "c", "fail": True}],
                              validate_after_calls=2)
    client = Client(emulator.state)
    path = client.list_path() + "/%s/commit"
    response = client.signed("POST", path % "a", body=b"{}")
    assert response.status_code == 200, response.text
    assert response.json() == {"job": {"async_job_id": "a", "status": "COMMIT_SUCCESS", "msg": ""}}
    assert_error(client.signed("POST", path % "b", body=b"{}"), 400, "DRS.10000001", "ASYNC_JOB_VALIDATING")
    assert_error(client.signed("POST", path % "nope", body=b"{}"), 400, "DRS.10000010")
    _statuses(client)
    _statuses(client)  # validation is due now
    assert client.with_token("POST", path % "b", data=b"{}").status_code == 200
    assert_error(client.signed("POST", path % "c", body=b"{}"), 400, "DRS.10000001", "ASYNC_JOB_VALIDATE_FAILED")
    assert _statuses(client) == {"COMMIT_SUCCESS": 2, "ASYNC_JOB_VALIDATE_FAILED": 1}
    assert emulator.stats()["routes"]["drs_commit"] == 5


def test_seeding_through_the_control_endpoint(start_emulator):
    emulator = start_emulator(seed=5)
    client = Client(emulator.state)
    assert emulator.seed(3, replace=False, initial_status="COMMIT_SUCCESS") == {"added": 3}
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 5, "COMMIT_SUCCESS": 3}
    emulator.seed(4, validate_after_calls=0)
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 4}
    for jobs in ([{"async_job_id": "x"}, {"async_job_id": "x"}], ["not-a-job"]):
        with pytest.raises(EmulatorError, match="400"):
            emulator.seed(jobs=jobs)
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 4}  # a refused seed changes nothing
