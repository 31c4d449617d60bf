"""The commit module end to end through AnsibleModule, against an in-memory DRS behind a fake session."""

import contextlib
import io
import json

import pytest
import requests

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_response  # pylint: disable=import-error
from module_args import module_args, module_output  # pylint: disable=import-error
from support.fake_clock import FakeClock  # pylint: disable=import-error

AK_SK = {"region": "cn-north-4", "endpoint": "https://drs.test:8443", "iam_endpoint": "https://iam.test:8443",
         "project_id": PROJECT_ID, "access_key": "AKMODULETEST", "secret_key": "sk-module-secret-000"}
BATCH = "batch-000001"
COMMIT_PATH = "/v5/%s/batch-async-jobs/%s/commit" % (PROJECT_ID, BATCH)
DETAIL_PATH = "/v5/%s/batch-async-jobs/%s" % (PROJECT_ID, BATCH)


def is_commit(call):
    return call.method == "POST"


class CommittingDrs(FakeDrs):
    """FakeDrs plus the commit call (which moves the batch to ``commit_to``) and a detail call."""

    def __init__(self, status, commit_to="COMMIT_SUCCESS", detail=None, **kwargs):
        super(CommittingDrs, self).__init__(jobs=[{"async_job_id": BATCH, "status": status, "domain_name": "demo-domain",
                                                   "user_name": "demo-user", "create_time": "2024-01-30T10:00:00Z"}],
                                            **kwargs)
        self.commit_to = commit_to
        self.detail = detail

    def handle(self, call):
        if call.method == "POST" and call.path.endswith("/commit"):
            with self.lock:
                for index, (predicate, response) in enumerate(self.faults):
                    if predicate(call):
                        del self.faults[index]
                        if callable(response):
                            return response(call)
                        if isinstance(response, BaseException):
                            raise response
                        return response
            self.jobs[0]["status"] = self.commit_to
            return make_response(200, {"job": {"async_job_id": BATCH, "status": self.commit_to, "msg": ""}})
        if call.method == "GET" and call.path == DETAIL_PATH:
            if self.detail is None:
                return make_response(500, {"error_code": "DRS.M00004", "error_msg": "Service abnormal."})
            return make_response(200, {"total_count": len(self.detail), "jobs": self.detail})
        return super(CommittingDrs, self).handle(call)

    def change_status_at_read(self, read, status):
        """The batch moves to ``status`` as the ``read``-th list call is answered."""
        reads = []

        def count(call):  # pylint: disable=unused-argument
            reads.append(call)
            if len(reads) == read:
                self.jobs[0]["status"] = status
        self.on_list = count

    def commits(self):
        return [call for call in self.calls if call.method == "POST"]


@pytest.fixture
def run(clean_environment):  # pylint: disable=unused-argument
    def run_module(args, fake, check_mode=False):
        clock = FakeClock()
        arguments = dict(AK_SK, max_retries=2, wait_sleep=1)
        arguments.update(args)
        if check_mode:
            arguments["_ansible_check_mode"] = True
        stdout = io.StringIO()
        with module_args(arguments), contextlib.redirect_stdout(stdout):
            with pytest.raises(SystemExit):
                drs_batch_async_job.main(session=fake.session, clock=clock, sleep=clock.sleep)
        return module_output(stdout.getvalue())[0]

    return run_module


def test_a_committed_batch_is_left_alone(run):
    fake = CommittingDrs("COMMIT_SUCCESS")
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is False and "commit" not in result
    assert result["job"]["status"] == "COMMIT_SUCCESS"
    assert fake.commits() == []
    assert result["diff"] == {"before": {"status": "COMMIT_SUCCESS"}, "after": {"status": "COMMIT_SUCCESS"}}


def test_a_validated_batch_is_committed_once_and_waited_for(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is True
    assert result["commit"] == {"async_job_id": BATCH, "status": "COMMIT_SUCCESS", "msg": ""}
    assert result["job"]["status"] == "COMMIT_SUCCESS"
    assert len(fake.commits()) == 1 and fake.commits()[0].path == COMMIT_PATH
    assert fake.commits()[0].headers["Content-Type"] == "application/json"
    assert result["diff"]["before"] == {"status": "AUTO_PARAM_VALIDATE_SUCCESS"}


def test_the_commit_is_waited_for_until_the_batch_is_committed(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS", commit_to="AUTO_PARAM_VALIDATE_SUCCESS")
    fake.change_status_at_read(3, "COMMIT_SUCCESS")
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert result["request_stats"]["polls"] == 3


def test_a_commit_that_never_completes_times_out_saying_it_was_sent(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS", commit_to="AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH, "wait_timeout": 5}, fake)
    assert result["failed"] is True and result["changed"] is True
    assert "Timed out after 5 seconds" in result["msg"] and BATCH in result["msg"]
    assert result["commit"]["async_job_id"] == BATCH
    assert len(fake.commits()) == 1


def test_the_wait_for_validation_and_the_wait_for_the_commit_share_one_deadline(run):
    # Validated about 4 seconds into an 8-second wait_timeout, then a commit that never completes: the run
    # ends when the 8 seconds are out, not 8 seconds after the commit.
    fake = CommittingDrs("ASYNC_JOB_VALIDATING", commit_to="AUTO_PARAM_VALIDATE_SUCCESS")
    fake.change_status_at_read(5, "AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH, "wait_timeout": 8}, fake)
    assert result["failed"] is True and len(fake.commits()) == 1
    assert "Timed out after 8 seconds" in result["msg"], result["msg"]
    # Polls are 1 second apart on the fake clock: one deadline makes 11 (5 before the commit, the read after
    # it, 5 more), a deadline per wait 14.
    assert result["request_stats"]["polls"] == 11, result["request_stats"]


def test_without_wait_the_batch_is_read_once_more_after_the_commit(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH, "wait": False}, fake)
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert result["request_stats"]["polls"] == 2


def test_check_mode_reports_the_commit_without_sending_it(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH}, fake, check_mode=True)
    assert result["changed"] is True and fake.commits() == []
    assert result["diff"] == {"before": {"status": "AUTO_PARAM_VALIDATE_SUCCESS"}, "after": {"status": "COMMIT_SUCCESS"}}


def test_a_validating_batch_is_waited_for_then_committed(run):
    fake = CommittingDrs("ASYNC_JOB_VALIDATING")
    fake.change_status_at_read(2, "AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert len(fake.commits()) == 1
    assert result["diff"]["before"] == {"status": "ASYNC_JOB_VALIDATING"}


def test_a_validating_batch_without_wait_fails_saying_so(run):
    fake = CommittingDrs("ASYNC_JOB_VALIDATING")
    result = run({"async_job_id": BATCH, "wait": False}, fake)
    assert result["failed"] is True and "still ASYNC_JOB_VALIDATING" in result["msg"] and "wait" in result["msg"]
    assert fake.commits() == [] and result["job"]["status"] == "ASYNC_JOB_VALIDATING"


def test_a_failed_batch_fails_with_its_reasons(run):
    detail = [{"id": "task-1", "status": "CONFIGURATION_FAILED", "base_info": {"name": "orders"},
               "logs": [{"level": "error", "message": "source port 3306 not reachable"}]}]
    fake = CommittingDrs("ASYNC_JOB_VALIDATE_FAILED", detail=detail)
    result = run({"async_job_id": BATCH}, fake)
    assert result["failed"] is True and fake.commits() == []
    assert "failed validation" in result["msg"] and "source port 3306 not reachable" in result["msg"]
    assert result["validation_failures"][0]["async_job_id"] == BATCH
    assert result["validation_failures"][0]["tasks"][0]["reasons"] == ["source port 3306 not reachable"]


def test_a_failed_batch_whose_reasons_cannot_be_read_still_fails_on_the_status(run):
    fake = CommittingDrs("ASYNC_JOB_VALIDATE_FAILED", detail=None)
    result = run({"async_job_id": BATCH}, fake)
    assert result["failed"] is True and "failed validation" in result["msg"]
    assert "reasons could not be read" in result["msg"] and result["validation_failures"] == []


def test_an_unknown_batch_fails_naming_the_id(run):
    fake = CommittingDrs("COMMIT_SUCCESS")
    result = run({"async_job_id": "no-such-batch"}, fake)
    assert result["failed"] is True and "no-such-batch" in result["msg"] and result["job"] == {}


def test_a_commit_that_timed_out_but_landed_is_not_sent_again(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")

    def lands_then_times_out(call):  # pylint: disable=unused-argument
        fake.jobs[0]["status"] = "COMMIT_SUCCESS"
        raise requests.exceptions.ReadTimeout("read timed out")
    fake.faults.append((is_commit, lands_then_times_out))
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is True and result["job"]["status"] == "COMMIT_SUCCESS"
    assert len(fake.commits()) == 1 and "commit" not in result


def test_a_commit_lost_before_it_landed_is_sent_again_after_reading_the_batch(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    fake.faults.append((is_commit, requests.exceptions.ConnectionError("Connection reset by peer")))
    result = run({"async_job_id": BATCH}, fake)
    assert result["changed"] is True and len(fake.commits()) == 2
    methods = [call.method for call in fake.drs_calls()]
    # list, POST (lost), list (still validated), POST, list (committed)
    assert methods == ["GET", "POST", "GET", "POST", "GET"], methods
    assert result["request_stats"]["retries"] == 1


def test_a_commit_that_keeps_failing_stops_after_max_retries(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    for _attempt in range(5):
        fake.faults.append((is_commit, make_response(503, {"error_code": "APIGW.0203", "error_msg": "Busy."})))
    result = run({"async_job_id": BATCH}, fake)
    assert result["failed"] is True and len(fake.commits()) == 3  # max_retries 2: three attempts, no more
    assert "not sent again" in result["msg"] and result["error_code"] == "APIGW.0203"


def test_a_rejected_commit_is_not_sent_again(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    fake.faults.append((is_commit, make_response(400, {"error_code": "DRS.10000001", "error_msg": "Failed."})))
    result = run({"async_job_id": BATCH}, fake)
    assert result["failed"] is True and len(fake.commits()) == 1
    assert result["error_code"] == "DRS.10000001" and "AUTO_PARAM_VALIDATE_SUCCESS" in result["msg"]


@pytest.mark.parametrize("args,words", [
    ({"async_job_id": "  "}, ["async_job_id", "empty"]),
    ({"async_job_id": BATCH, "state": "absent"}, ["state", "committed"]),
    ({"async_job_id": BATCH, "wait_timeout": -1}, ["wait_timeout"]),
    ({"async_job_id": BATCH, "wait_timeout": 31 * 86400 + 1}, ["wait_timeout"]),
    ({"async_job_id": BATCH, "wait_sleep": float("nan")}, ["wait_sleep", "finite"]),
    ({"async_job_id": BATCH, "wait_sleep": 3601}, ["wait_sleep"]),
    ({}, ["async_job_id"]),
])
def test_bad_input_fails_before_any_request(run, args, words):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    result = run(args, fake)
    assert result["failed"] is True and fake.calls == []
    for word in words:
        assert word in result["msg"]


def test_wait_options_without_wait_are_ignored_with_a_warning(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS")
    result = run({"async_job_id": BATCH, "wait": False, "wait_timeout": 60}, fake)
    assert result["changed"] is True
    assert "wait_timeout and wait_sleep are ignored with wait=false" in json.dumps(result["warnings"])


def test_a_wait_sleep_below_the_floor_is_raised_with_a_warning(run):
    fake = CommittingDrs("AUTO_PARAM_VALIDATE_SUCCESS", commit_to="AUTO_PARAM_VALIDATE_SUCCESS")
    fake.change_status_at_read(3, "COMMIT_SUCCESS")
    result = run({"async_job_id": BATCH, "wait_sleep": 0.1}, fake)
    assert result["changed"] is True
    assert "below the floor of 1 second" in json.dumps(result["warnings"])
