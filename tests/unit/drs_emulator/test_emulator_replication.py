"""The emulator's DRS jobs (replication.py): created by a commit, moved on by the list calls that return them, and
the checks of GET /v5/{project_id}/jobs and GET /v5/{project_id}/jobs/{job_id}, which the module tests rely on."""

import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: drs_emulator and support

from drs_emulator.detail import task_count, task_id  # noqa: E402  pylint: disable=wrong-import-position
from drs_emulator.testing import EmulatorError, EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.timeout(60)
BATCH = "batch-r"
JOBS = [task_id(BATCH, index) for index in range(task_count(BATCH))]


@pytest.fixture(scope="module")
def emulator():
    started = EmulatorProcess(in_process=True).start()
    yield started
    started.stop()


@pytest.fixture
def call(emulator):  # pylint: disable=redefined-outer-name
    """``call(path, **query)``: GET /v5/{project_id}/``path`` with the pre-issued token; returns the response."""
    state = emulator.state
    session = requests.Session()
    session.headers.update({"X-Auth-Token": state["auth_token"], "Content-Type": "application/json"})

    def get(path, **query):
        return session.get("%s/v5/%s/%s" % (state["url"], state["project_id"], path), params=query,
                           verify=state["ca_path"], timeout=30)

    yield get
    session.close()


def statuses(call, **query):  # pylint: disable=redefined-outer-name
    answer = call("jobs", limit=100, **query)
    assert answer.status_code == 200, answer.text
    return dict((job["id"], job["status"]) for job in answer.json()["jobs"])


def test_a_commit_creates_one_job_per_task_which_moves_one_step_per_listing(emulator, call):  # pylint: disable=redefined-outer-name
    emulator.seed(jobs=[{"async_job_id": BATCH, "status": "AUTO_PARAM_VALIDATE_SUCCESS"}])
    assert statuses(call) == {}  # not committed: no job yet
    assert emulator.control("POST", "/jobs", {"jobs": [{"async_job_id": BATCH, "status": "COMMIT_SUCCESS"}],
                                              "replication": {"lag_start": 30, "lag_step": 20, "lag_floor": 5}})
    seen = [set(statuses(call).values()) for _listing in range(8)]
    assert seen == [{"CREATING"}, {"STARTJOBING"}, {"FULL_TRANSFER_STARTED"}, {"FULL_TRANSFER_STARTED"},
                    {"FULL_TRANSFER_STARTED"}, {"FULL_TRANSFER_COMPLETE"}, {"INCRE_TRANSFER_STARTED"},
                    {"INCRE_TRANSFER_STARTED"}]
    progress = [call("jobs/%s" % job, type="progress").json()["job"]["progress_info"] for job in JOBS]
    # As the last listing showed them (the second of incremental), however often read.
    assert [info["incr_trans_delay"] for info in progress] == ["10"] * len(JOBS)
    assert call("jobs/%s" % JOBS[0], type="progress").json()["job"]["progress_info"]["incr_trans_delay"] == "10"
    detail = call("batch-async-jobs/%s" % BATCH).json()["jobs"]
    assert [task["status"] for task in detail] == ["INCRE_TRANSFER_STARTED"] * len(JOBS)


def test_the_name_filter_takes_ten_ids_and_the_status_filter_and_paging_work(emulator, call):  # pylint: disable=redefined-outer-name
    emulator.seed(jobs=[{"async_job_id": BATCH, "status": "COMMIT_SUCCESS"}])
    assert sorted(statuses(call, name=",".join(JOBS[:2]))) == sorted(JOBS[:2])
    # A name matches in part: the batch's task names hold its id.
    assert sorted(statuses(call, name=BATCH)) == sorted(JOBS)
    too_many = call("jobs", name=",".join(["id-%d" % index for index in range(11)]))
    assert too_many.status_code == 400 and too_many.json()["error_code"] == "DRS.M00201"
    assert statuses(call, status="CREATING") == {}  # they moved on: the next listing shows them starting
    page = call("jobs", limit=1, offset=1).json()
    assert page["total_count"] == len(JOBS) and len(page["jobs"]) == 1


def test_failed_and_unknown_jobs_and_types(emulator, call):  # pylint: disable=redefined-outer-name
    emulator.seed(jobs=[{"async_job_id": BATCH, "status": "COMMIT_SUCCESS"}],
                  replication={"fail": {JOBS[0]: "CREATE_FAILED"}})
    assert statuses(call)[JOBS[0]] == "CREATE_FAILED"
    log = call("jobs/%s" % JOBS[0], type="log", log_level="Error").json()["job"]
    assert log["error_code"] == "DRS.M03026" and [entry["level"] for entry in log["logs"]] == ["error"]
    assert call("jobs/no-such-job", type="progress").json()["error_code"] == "DRS.10000010"
    assert call("jobs/%s" % JOBS[0], type="network").status_code == 400


def test_a_bad_replication_schedule_is_refused(emulator):  # pylint: disable=redefined-outer-name
    with pytest.raises(EmulatorError):
        emulator.seed(jobs=[{"async_job_id": BATCH}], replication={"stall": {"x": "NOT_A_PHASE"}})
    with pytest.raises(EmulatorError):
        emulator.seed(jobs=[{"async_job_id": BATCH}], replication={"lag_step": -1})
