"""The emulator's asynchronous commit (``commit_after_calls``) and its fault rules set at run time (the control
route ``POST /_emulator/faults``), which the module unit tests rely on. (The emulator's other tests are in
tests/integration/emulator/.) Each test talks HTTPS to an in-process emulator with its pre-issued token."""

import sys
import threading
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: drs_emulator and support

from drs_emulator.testing import EmulatorError, EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

# As short as the other unit tests' deadline (tests/unit/plugins/conftest.py).
pytestmark = pytest.mark.timeout(60)

VALIDATED = {"async_job_id": "batch-1", "status": "AUTO_PARAM_VALIDATE_SUCCESS"}


@pytest.fixture(scope="module")
def started():
    """The emulators the tests of this module started: stopped at its end, all at once (each waits for its
    server loop to notice, up to 0.2 s)."""
    emulators = []
    yield emulators
    stopping = [threading.Thread(target=emulator.stop) for emulator in emulators]
    for thread in stopping:
        thread.start()
    for thread in stopping:
        thread.join()


@pytest.fixture
def start(started):  # pylint: disable=redefined-outer-name
    """``start(**options)``: a Client of a new emulator started with these options."""
    def start_emulator(**options):
        started.append(EmulatorProcess(in_process=True, **options).start())
        return Client(started[-1])

    return start_emulator


class Client(object):
    """List and commit calls with the emulator's pre-issued token."""

    def __init__(self, emulator):
        self.emulator, state = emulator, emulator.state
        self.jobs_url = "%s/v5/%s/batch-async-jobs" % (state["url"], state["project_id"])
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": state["auth_token"], "Content-Type": "application/json"})

    def send(self, method, url, **kwargs):
        # verify on each request: a session's own is overridden by REQUESTS_CA_BUNDLE where that is set
        return self.session.request(method, url, verify=self.emulator.state["ca_path"], timeout=30, **kwargs)

    def status(self, async_job_id="batch-1"):
        response = self.send("GET", self.jobs_url, params={"async_job_id": async_job_id})
        assert response.status_code == 200, response.text
        return response.json()["jobs"][0]["status"]

    def commit(self, async_job_id="batch-1"):
        return self.send("POST", "%s/%s/commit" % (self.jobs_url, async_job_id))

    def list_status_code(self):
        return self.send("GET", self.jobs_url).status_code


def test_a_commit_is_accepted_at_once_and_lands_after_the_list_calls_the_seed_says(start):
    client = start(seed_jobs=[dict(VALIDATED, async_job_id="batch-2")])
    client.emulator.seed(jobs=[VALIDATED], replace=False, commit_after_calls=2)
    answer = client.commit()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"job": {"async_job_id": "batch-1", "status": "AUTO_PARAM_VALIDATE_SUCCESS", "msg": ""}}
    # Two list calls answered after the commit see the batch still validated, the third sees it committed; a
    # commit sent again meanwhile is accepted and changes nothing.
    assert client.status() == "AUTO_PARAM_VALIDATE_SUCCESS"
    assert client.commit().status_code == 200
    assert client.status() == "AUTO_PARAM_VALIDATE_SUCCESS"
    assert client.status() == "COMMIT_SUCCESS"
    assert client.commit().json()["job"]["status"] == "COMMIT_SUCCESS"
    # The delay is the seeding's: a job seeded before it commits at once.
    assert client.commit("batch-2").json()["job"]["status"] == "COMMIT_SUCCESS"


def test_without_a_delay_a_commit_lands_at_once(start):
    client = start(seed_jobs=[VALIDATED])
    assert client.commit().json()["job"]["status"] == "COMMIT_SUCCESS"
    assert client.status() == "COMMIT_SUCCESS"


def test_the_flag_sets_the_delay_of_the_jobs_seeded_at_start(start):
    client = start(seed_jobs=[VALIDATED], commit_after_calls=1)
    assert client.commit().json()["job"]["status"] == "AUTO_PARAM_VALIDATE_SUCCESS"
    assert [client.status(), client.status()] == ["AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"]


def test_a_job_not_validated_is_still_refused(start):
    client = start(seed_jobs=[dict(VALIDATED, status="ASYNC_JOB_VALIDATING")], commit_after_calls=1)
    answer = client.commit()
    assert answer.status_code == 400 and answer.json()["error_code"] == "DRS.10000001"


def test_a_bad_delay_is_refused(start):
    client = start()
    with pytest.raises(EmulatorError, match="commit_after_calls"):
        client.emulator.seed(jobs=[VALIDATED], commit_after_calls=-1)


def test_fault_rules_set_at_run_time_replace_those_given_at_start(start):
    client = start(fault=[{"route": "list", "status": 500}])
    assert client.list_status_code() == 500
    assert client.emulator.set_faults({"route": "list", "status": 503, "count": 1}) == {"rules": 1}
    assert [client.list_status_code(), client.list_status_code()] == [503, 200]
    client.emulator.set_faults({"route": "commit", "status": 429})
    assert client.list_status_code() == 200
    client.emulator.set_faults()
    assert client.emulator.stats()["statuses"] == {"500": 1, "503": 1, "200": 2}


@pytest.mark.parametrize("body", [{"rules": [{"route": "nowhere", "status": 500}]}, {"rules": {"status": 500}},
                                  [{"status": 500}]])
def test_a_bad_rule_is_refused_and_changes_nothing(start, body):
    client = start(fault=[{"route": "list", "status": 502}])
    with pytest.raises(EmulatorError, match="400"):
        client.emulator.control("POST", "faults", body)
    assert client.list_status_code() == 502
