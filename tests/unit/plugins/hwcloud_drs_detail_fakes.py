"""FakeDrs with the batch detail call, GET /v5/{project_id}/batch-async-jobs/{async_job_id}."""

from urllib.parse import unquote

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_response  # pylint: disable=import-error

DETAIL_PREFIX = "/v5/%s/batch-async-jobs/" % PROJECT_ID


def failed_tasks(async_job_id, count=2):
    """Tasks of a batch that failed validation, with a reason each and endpoint fields never to be echoed."""
    return [{"id": "%s-task-%d" % (async_job_id, index), "status": "CREATE_FAILED",
             "base_info": {"name": "mysql-to-mysql-%d" % index},
             "source_endpoint": [{"endpoint": {"ip": "10.20.30.40", "db_user": "hidden_dba"}}],
             "logs": [{"level": "error", "message": "%s reason %d" % (async_job_id, index)}]}
            for index in range(count)]


class FakeDrsWithDetail(FakeDrs):
    """``tasks`` maps a batch id to its tasks; a batch without an entry answers DRS.10000010."""

    def __init__(self, jobs=None, tasks=None, **kwargs):
        super(FakeDrsWithDetail, self).__init__(jobs=jobs, **kwargs)
        self.tasks = dict(tasks or {})

    def detail_calls(self):
        return [call for call in self.calls if call.path.startswith(DETAIL_PREFIX)]

    def list_calls(self):
        return [call for call in self.calls if call.path == DETAIL_PREFIX.rstrip("/")]

    def handle(self, call):
        if not call.path.startswith(DETAIL_PREFIX):
            return super(FakeDrsWithDetail, self).handle(call)
        fault = self.take_fault(call)
        if fault is not None:
            return fault
        async_job_id = unquote(call.path[len(DETAIL_PREFIX):])
        if async_job_id not in self.tasks:
            return make_response(400, {"error_code": "DRS.10000010", "error_msg": "The job does not exist."})
        tasks = self.tasks[async_job_id]
        offset, limit = int(call.query.get("offset", 0)), int(call.query.get("limit", 10))
        return make_response(200, {"total_count": len(tasks), "jobs": tasks[offset:offset + limit]})
