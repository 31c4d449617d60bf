"""Why a batch failed validation: reasons read from every field that carries one, whatever its shape, every page."""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import (
    read_validation_failures,
    reasons_summary,
    task_reasons,
    task_summary,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import Secrets

PROJECT = "proj/1"

# The fields a JobDetailResp carries beside its reasons: endpoints with addresses and user names.
ENDPOINTS = {
    "source_endpoint": [{"endpoint": {"ip": "10.9.8.7", "db_user": "secret_dba", "db_password": "pw-123"}}],
    "target_endpoint": [{"endpoint": {"ip": "10.1.1.1", "db_user": "root"}}],
    "base_info": {"name": "mysql-to-mysql-1", "job_type": "migration", "description": "owner secret_dba"},
}


def test_reads_every_field_that_carries_a_reason_in_order():
    task = dict(ENDPOINTS, id="t-1", status="CREATE_FAILED",
                error_code="DRS.M03026", error_msg="The parameter check failed.",
                network_results=[{"ip": "10.9.8.7", "success": False, "error_code": "DRS.M05004",
                                  "error_msg": "Connecting to the source timed out."},
                                 {"ip": "10.1.1.1", "success": True, "status": "success"}],
                logs=[{"level": "info", "message": "Task created."},
                      {"level": "ERROR", "message": "Pre-check failed."}],
                precheck_result={"result": False, "precheck_results": [
                    {"item": "source_db_connection", "result": "failed", "failed_reason": "unreachable"},
                    {"item": "disk_space", "result": "passed", "failed_reason": ""},
                    {"item": "binlog_format", "result": "alarm", "failed_reason": "binlog_format is MIXED"},
                    {"item": "charset", "failed_reason": "utf8mb3 is deprecated"},
                    {"item": "privileges", "result": "failed"}]})
    assert task_reasons(task) == [
        "DRS.M03026: The parameter check failed.",
        "connection test: DRS.M05004: Connecting to the source timed out.",
        "Pre-check failed.",
        "precheck source_db_connection failed: unreachable",
        "precheck charset failed: utf8mb3 is deprecated",
        "precheck privileges failed",
    ]


def test_a_task_is_never_dumped():
    task = dict(ENDPOINTS, id="t-1", error_msg="boom", logs=[{"level": "error", "message": "bad"}])
    summary = task_summary(task)
    assert summary == {"id": "t-1", "name": "mysql-to-mysql-1", "status": None, "reasons": ["boom", "bad"]}
    text = json.dumps(summary)
    for secret in ("10.9.8.7", "secret_dba", "pw-123", "10.1.1.1", "root"):
        assert secret not in text


@pytest.mark.parametrize("task,reasons", [
    ({}, []),
    (None, []),
    ("a string task", []),
    ({"id": "t", "status": "CREATING"}, []),
    ({"error_code": "DRS.1"}, ["DRS.1"]),
    ({"error_message": "only a message"}, ["only a message"]),
    ({"error_code": 12, "error_msg": {"detail": "nested"}}, ["12: {'detail': 'nested'}"]),
    ({"error_msg": "twice", "logs": [{"level": "error", "message": "twice"}]}, ["twice"]),
    ({"error_msg": "multi\n  line\ttext"}, ["multi line text"]),
    ({"logs": "not a list"}, []),
    ({"logs": [None, "text", {"message": "no level"}, {"level": "error"}, {"level": "error", "message": 7}]}, ["7"]),
    ({"network_results": {"error_msg": "not a list"}}, []),
    ({"network_results": [{"error_code": None, "error_msg": ""}, {"error_msg": "refused"}]},
     ["connection test: refused"]),
    ({"precheck_result": "passed"}, []),
    ({"precheck_result": {"precheck_results": None}}, []),
    ({"precheck_result": {"precheck_results": [{"result": False, "failed_reason": "no"}]}}, ["precheck an item failed: no"]),
    ({"precheck_result": {"precheck_results": [{"item": ["x"], "result": "FAILED"}]}}, ["precheck ['x'] failed"]),
])
def test_odd_shapes_are_read_as_text_or_skipped_never_raise(task, reasons):
    assert task_reasons(task) == reasons


def test_a_long_reason_is_cut():
    reasons = task_reasons({"error_msg": "x" * 5000})
    assert len(reasons[0]) == 500 and reasons[0].endswith("...")


SECRET = "sk-0123456789abcdefghij"


@pytest.mark.parametrize("field", ["error_msg", "logs", "network_results", "precheck", "name", "id", "status"])
def test_a_secret_straddling_the_cut_is_scrubbed_before_it(field):
    straddling = "x" * 480 + SECRET  # the cut at 500 characters falls inside the secret
    task = {"error_msg": straddling} if field == "error_msg" else {
        "logs": {"logs": [{"level": "error", "message": straddling}]},
        "network_results": {"network_results": [{"error_msg": straddling}]},
        "precheck": {"precheck_result": {"precheck_results": [{"result": "failed", "failed_reason": straddling}]}},
        "name": {"base_info": {"name": straddling}},
        "id": {"id": straddling},
        "status": {"status": straddling},
    }[field]
    failures = read_validation_failures(FakeClient({"b": [task]}, secrets=[SECRET]), ["b"])
    text = json.dumps(failures)
    assert "x" * 400 in text, "the reason itself is kept"
    assert not [index for index in range(len(SECRET) - 7) if SECRET[index:index + 8] in text]


def test_summary_of_odd_tasks_keeps_the_keys():
    assert task_summary("odd") == {"id": None, "name": None, "status": None, "reasons": []}
    assert task_summary({"id": 42, "base_info": "flat", "status": ["x"]}) == {
        "id": "42", "name": None, "status": "['x']", "reasons": []}


class FakeClient(object):
    """DrsClient.get_json over a dict of batch id -> tasks (or an exception), paged as the service does."""

    project_id = PROJECT

    def __init__(self, batches, page_cap=None, secrets=()):
        self.batches = batches
        self.page_cap = page_cap
        self.calls = []
        self.scrub = Secrets(secrets).scrub

    def get_json(self, path, query=None, headers=None, action=None):
        self.calls.append((path, dict(query), dict(headers), action))
        async_job_id = path.rsplit("/", 1)[1]
        tasks = self.batches[async_job_id.replace("%2F", "/")]
        if isinstance(tasks, Exception):
            raise tasks
        if self.page_cap and query["limit"] > self.page_cap:
            raise ApiError(400, "DRS.M00211", "The page exceeds the upper limit.")
        return {"total_count": len(tasks), "jobs": tasks[query["offset"]:query["offset"] + query["limit"]]}


def make_tasks(count, reason=True):
    return [dict(ENDPOINTS, id="task-%03d" % index, status="CREATE_FAILED", base_info={"name": "task %d" % index},
                 logs=[{"level": "error", "message": "reason %d" % index}] if reason else [])
            for index in range(count)]


def test_reads_every_page_of_every_batch_in_the_order_given():
    client = FakeClient({"b/2": make_tasks(5), "b1": make_tasks(1)})
    failures = read_validation_failures(client, ["b/2", "b1"], "zh-cn", page_size=2)
    assert [failure["async_job_id"] for failure in failures] == ["b/2", "b1"]
    assert [task["id"] for task in failures[0]["tasks"]] == ["task-%03d" % index for index in range(5)]
    assert failures[0]["tasks"][4] == {"id": "task-004", "name": "task 4", "status": "CREATE_FAILED",
                                       "reasons": ["reason 4"]}
    paths = [call[0] for call in client.calls]
    assert paths[:3] == ["/v5/proj%2F1/batch-async-jobs/b%2F2"] * 3
    assert [(call[1]["offset"], call[1]["limit"]) for call in client.calls[:3]] == [(0, 2), (2, 2), (4, 1)]
    assert all(call[2] == {"X-Language": "zh-cn"} for call in client.calls)
    assert "b/2" in client.calls[0][3]


def test_a_page_over_the_cap_shrinks_and_concurrent_batches_keep_their_order():
    client = FakeClient({"a": make_tasks(30), "b": make_tasks(2), "c": []}, page_cap=10)
    failures = read_validation_failures(client, ["a", "b", "c"], concurrency=3, page_size=2000)
    assert [len(failure["tasks"]) for failure in failures] == [30, 2, 0]


def test_nothing_matched_is_a_batch_without_tasks():
    client = FakeClient({"gone": ApiError(422, "DRS.M00002", "The returned result is empty.")})
    assert read_validation_failures(client, ["gone"]) == [{"async_job_id": "gone", "tasks": []}]


@pytest.mark.parametrize("error", [ApiError(400, "DRS.10000010", "The job does not exist."),
                                   ApiError(403, "DRS.M00102", "Insufficient permissions.")])
def test_an_error_is_raised(error):
    with pytest.raises(ApiError) as raised:
        read_validation_failures(FakeClient({"a": make_tasks(1), "b": error}), ["a", "b"], concurrency=2)
    assert raised.value is error


def test_an_answer_that_is_not_a_task_list_fails_in_one_line():
    class Odd(FakeClient):
        def get_json(self, path, query=None, headers=None, action=None):
            return {"jobs": "nope"}

    with pytest.raises(ModuleFailure) as raised:
        read_validation_failures(Odd({}), ["a"])
    assert "not a task list" in raised.value.msg and "a" in raised.value.msg


def test_reasons_summary_names_each_batch_once_then_its_first_reasons():
    failures = [
        {"async_job_id": "job-002", "tasks": [
            {"id": "t1", "name": "mysql-to-mysql-1", "status": "CREATE_FAILED", "reasons": ["DRS.1: unreachable."]},
            {"id": "t2", "name": None, "status": "CONFIGURATION", "reasons": []},
            {"id": None, "name": "only-name", "status": None, "reasons": ["a", "b"]}]},
        {"async_job_id": "job-003", "tasks": [{"id": "t9", "name": None, "status": None, "reasons": ["c", "d"]}]},
        {"async_job_id": "job-004", "tasks": [{"id": "t8", "name": "quiet", "status": None, "reasons": []}]},
    ]
    # Each batch its first reason, the first batch the one slot left; a task named once for its reasons in a row.
    assert reasons_summary(failures) == (
        "job-002: task mysql-to-mysql-1: DRS.1: unreachable; task only-name: a (and 1 more); "
        "job-003: task t9: c (and 1 more); job-004: no reason given")
    assert reasons_summary(failures, limit=10) == (
        "job-002: task mysql-to-mysql-1: DRS.1: unreachable; task only-name: a; b; job-003: task t9: c; d; "
        "job-004: no reason given")
    assert reasons_summary(failures[1:2], limit=1, name_batches=False) == "task t9: c (and 1 more)"
    assert reasons_summary([{"async_job_id": "x", "tasks": []}]) == ""
    assert reasons_summary([]) == ""


def test_a_summary_line_of_prechecks_is_quoted_after_the_reasons_it_sums_up():
    failures = [{"async_job_id": "job-001", "tasks": [
        {"id": "t1", "name": "one", "reasons": ["Pre-check failed: 2 items did not pass.", "precheck disk failed: full"]},
        {"id": "t2", "name": "two", "reasons": ["DRS.M05004: timed out"]}]}]
    assert reasons_summary(failures, limit=2) == (
        "job-001: task one: precheck disk failed: full; task two: DRS.M05004: timed out (and 1 more)")


def test_the_reasons_of_many_batches_stay_short_naming_each_batch_once():
    reason = "precheck source_db_connection failed: The source database is unreachable: connection refused."
    failures = [{"async_job_id": "batch-%03d" % batch, "tasks": [
        {"id": "t%d" % task, "name": "mysql-to-mysql-%d" % task, "reasons": [reason, "DRS.M03026: check failed."]}
        for task in range(5)]} for batch in range(3)]
    summary = reasons_summary(failures)
    assert [summary.count("batch-%03d" % batch) for batch in range(3)] == [1, 1, 1], summary
    # 3 reasons of about 95 characters: the rest is the batch and task names, once each.
    assert summary.count("(and 9 more)") == 3 and len(summary) <= 450, (len(summary), summary)
