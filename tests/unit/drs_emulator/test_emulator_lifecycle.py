"""Job lifecycle: validation and commit on a schedule of list calls or seconds, by hand, or by the API."""

from emulator_client import Client, assert_error
from drs_emulator.testing import EmulatorError, EmulatorProcess


def _statuses(client, **params):
    response = client.list_jobs(limit=1000, **params)
    assert response.status_code == 200, response.text
    counts = {}
    for job in response.json()["jobs"]:
        counts[job["status"]] = counts.get(job["status"], 0) + 1
    return counts


def test_validation_after_calls_with_failures(fresh):
    fresh.seed(count=50, validate_after_calls=2, fail_count=5)
    client = Client(fresh.state)
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 50}
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 50}
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 45, "ASYNC_JOB_VALIDATE_FAILED": 5}


def test_validation_after_seconds_and_auto_commit(fresh):
    fresh.seed(count=20, validate_after_seconds=100, auto_commit_after_seconds=200)
    client = Client(fresh.state)
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 20}
    fresh.clock(advance_seconds=101)
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 20}
    fresh.clock(advance_seconds=100)
    assert _statuses(client) == {"COMMIT_SUCCESS": 20}


def test_auto_commit_after_calls(fresh):
    fresh.seed(count=10, validate_after_calls=1, auto_commit_after_calls=3, fail_count=1)
    client = Client(fresh.state)
    seen = [_statuses(client) for _attempt in range(4)]
    assert seen == [
        {"ASYNC_JOB_VALIDATING": 10},
        {"AUTO_PARAM_VALIDATE_SUCCESS": 9, "ASYNC_JOB_VALIDATE_FAILED": 1},
        {"AUTO_PARAM_VALIDATE_SUCCESS": 9, "ASYNC_JOB_VALIDATE_FAILED": 1},
        {"COMMIT_SUCCESS": 9, "ASYNC_JOB_VALIDATE_FAILED": 1},
    ]


def test_status_filter_follows_transitions(fresh):
    fresh.seed(count=30, validate_after_calls=1)
    client = Client(fresh.state)
    assert client.list_jobs(status="ASYNC_JOB_VALIDATING").json()["total_count"] == 30
    assert client.list_jobs(status="ASYNC_JOB_VALIDATING").json()["total_count"] == 0
    assert client.list_jobs(status="AUTO_PARAM_VALIDATE_SUCCESS").json()["total_count"] == 30


def test_commit_api(fresh):
    fresh.seed(jobs=[{"async_job_id": "a"}, {"async_job_id": "b", "fail": True}, {"async_job_id": "c"}])
    client = Client(fresh.state)
    path = client.list_path() + "/%s/commit"
    assert_error(client.signed("POST", path % "a", body=b"{}"), 400, "DRS.10000001", "ASYNC_JOB_VALIDATING")
    fresh.validate_jobs()
    response = client.signed("POST", path % "a", body=b"{}")
    assert response.status_code == 200, response.text
    assert response.json() == {"job": {"async_job_id": "a", "status": "COMMIT_SUCCESS", "msg": ""}}
    assert_error(client.signed("POST", path % "b", body=b"{}"), 400, "DRS.10000001")
    assert_error(client.signed("POST", path % "nope", body=b"{}"), 400, "DRS.10000010")
    assert client.with_token("POST", path % "c", data=b"{}").status_code == 200
    assert _statuses(client) == {"COMMIT_SUCCESS": 2, "ASYNC_JOB_VALIDATE_FAILED": 1}
    assert fresh.stats()["commit_calls"] == 5


def test_control_commit_and_status(fresh):
    fresh.seed(count=10, fail_ids=[])
    client = Client(fresh.state)
    fresh.validate_jobs()
    assert fresh.commit_jobs()["committed"] == 10
    ids = [job["async_job_id"] for job in client.list_jobs(limit=3).json()["jobs"]]
    fresh.set_job_status("ASYNC_JOB_SOMETHING_NEW", ids)
    assert _statuses(client) == {"COMMIT_SUCCESS": 7, "ASYNC_JOB_SOMETHING_NEW": 3}
    assert fresh.jobs()["status_counts"] == {"COMMIT_SUCCESS": 7, "ASYNC_JOB_SOMETHING_NEW": 3}


def test_control_commit_applies_due_validation_first():
    # Nothing has listed the jobs yet: the commit itself must apply the validation that is due.
    with EmulatorProcess(seed_jobs=[{"async_job_id": "due-now"}], validate_after_calls=0, in_process=True) as emulator:
        assert emulator.commit_jobs()["committed"] == 1
        assert emulator.jobs()["status_counts"] == {"COMMIT_SUCCESS": 1}


def test_unknown_status_then_validation(fresh):
    fresh.seed(count=10, unknown_status_count=4, validate_after_calls=1)
    client = Client(fresh.state)
    assert _statuses(client) == {"ASYNC_JOB_VALIDATING": 6, "ASYNC_JOB_QUEUED": 4}
    assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 10}


def test_seeding_adds_or_replaces(fresh):
    fresh.seed(count=5)
    assert fresh.seed(count=3, replace=False)["total"] == 8
    assert fresh.seed(count=2)["total"] == 2
    fresh.reset()
    assert fresh.jobs()["total"] == 200


def test_seed_file_and_flags():
    jobs = [{"async_job_id": "job-%d" % index, "create_time": "2026-01-01T00:00:0%dZ" % index} for index in range(5)]
    with EmulatorProcess(seed_jobs=jobs, seed=3, fail_ids="job-1,job-2", validate_after_calls=0,
                         auto_commit_after_calls=1) as emulator:
        client = Client(emulator.state)
        assert _statuses(client) == {"AUTO_PARAM_VALIDATE_SUCCESS": 6, "ASYNC_JOB_VALIDATE_FAILED": 2}
        assert _statuses(client, async_job_id="job-1") == {"ASYNC_JOB_VALIDATE_FAILED": 1}
        assert _statuses(client) == {"COMMIT_SUCCESS": 6, "ASYNC_JOB_VALIDATE_FAILED": 2}
        full = emulator.jobs(full=True)
        assert full["total"] == 8 and len(full["jobs"]) == 8


def test_refused_seed_changes_nothing(fresh):
    for jobs in ([{"async_job_id": "x"}, {"async_job_id": "x"}], ["not-a-job"]):
        try:
            fresh.seed(jobs=jobs)
        except EmulatorError as error:
            assert "400" in str(error)
        else:
            raise AssertionError("seed accepted %r" % (jobs,))
    assert fresh.jobs()["total"] == 200
