"""DRS v5: list batch async jobs, commit one (a batch's detail is in detail.py)."""

import json
import re

from drs_emulator import config
from drs_emulator.errors import ApiError
from drs_emulator.signing import parse_query

FILTERS = ("async_job_id", "status", "domain_name", "user_name")
INTEGER = re.compile(r"^[0-9]+$")


def check_call(emulator, request, project_id):
    emulator.authenticate(request, project_id)
    if project_id != config.PROJECT_ID:
        raise ApiError(403, "DRS.M00261", "Invalid project ID %s." % project_id)
    # The SDK sends X-Project-Id with AK/SK; one that disagrees with the path is another project.
    header_project_id = request.header("x-project-id")
    if header_project_id is not None and header_project_id.strip() != project_id:
        raise ApiError(403, "DRS.M00261", "Invalid project ID: X-Project-Id does not match the project in the path.")
    if not (request.header("content-type") or "").lower().startswith("application/json"):
        raise ApiError(415, "DRS.M00007", "Unsupported media type: Content-Type must be application/json.")


def _page_value(params, name, default, minimum):
    value = params.get(name)
    if value is None:
        return default
    if not INTEGER.match(value) or int(value) < minimum:
        raise ApiError(400, "DRS.M00210", "Invalid page parameter: %s must be an integer of at least %d." % (name, minimum))
    return int(value)


def _invalid_parameter(name):
    # DRS.M00201: "The value of %s is invalid."; a user must learn which parameter.
    return ApiError(400, "DRS.M00201", "The value of parameter %s is invalid." % name)


def query_parameters(request):
    params = {}
    for key, value in parse_query(request.raw_query):
        # Empty values (the documented example sends "status=&...") mean "not given".
        if value != "" and key not in params:
            params[key] = value
    return params


def page_parameters(emulator, params):
    """``(offset, limit)`` of a paged call (list or detail), checked as the service does."""
    page_cap = emulator.arguments.page_cap
    offset = _page_value(params, "offset", 0, 0)
    limit = _page_value(params, "limit", min(config.DEFAULT_LIMIT, page_cap), 1)
    if limit > page_cap:
        raise ApiError(400, "DRS.M00211", "The page size %d exceeds the upper limit %d." % (limit, page_cap))
    return offset, limit


def list_jobs(emulator, request, project_id):
    check_call(emulator, request, project_id)
    params = query_parameters(request)
    offset, limit = page_parameters(emulator, params)
    if params.get("sort_key", "create_time") != "create_time":
        raise _invalid_parameter("sort_key")
    sort_dir = params.get("sort_dir", "desc")
    if sort_dir not in ("asc", "desc"):
        raise _invalid_parameter("sort_dir")

    filters = {name: params[name] for name in FILTERS if name in params}
    total, page = emulator.store.list_page(filters, offset, limit, sort_dir == "desc")
    if total == 0 and emulator.arguments.empty_result_422:
        raise ApiError(422, "DRS.M00002", "The returned result is empty.")
    return 200, '{"total_count": %d, "jobs": [%s]}' % (total, ", ".join([job.to_json() for job in page])), {}


def commit_job(emulator, request, project_id, async_job_id):
    check_call(emulator, request, project_id)
    try:
        job = emulator.store.commit(async_job_id)
    except KeyError:
        raise ApiError(400, "DRS.10000010", "The job %s does not exist." % async_job_id) from None
    except ValueError as error:
        raise ApiError(400, "DRS.10000001", "Failed: %s." % error) from None
    # The SDK's CommitAsyncJobResponse: {"job": {"async_job_id", "status", "msg"}}.
    return 200, json.dumps({"job": {"async_job_id": job.async_job_id, "status": job.status, "msg": ""}}), {}
