"""IAM: POST /v3/auth/tokens (password, project scope) and GET /v3/projects (AK/SK or token)."""

import json
import time
import uuid

from drs_emulator import config
from drs_emulator.app import Response
from drs_emulator.errors import ApiError
from drs_emulator.signing import parse_query
from drs_emulator.auth import authenticate

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.000000Z"


def iam_error(status, code, message, title):
    # IAM answers carry both the Huawei shape and the Keystone one.
    return ApiError(status, code, message, extra={"error": {"code": status, "message": message, "title": title}})


def _bad_request(message):
    return iam_error(400, "IAM.0011", message, "Bad Request")


def _iam_headers():
    return {"X-IAM-Trace-Id": uuid.uuid4().hex}


def create_token(emulator, request):
    content_type = request.header("content-type") or ""
    if not content_type.lower().startswith("application/json"):
        raise iam_error(415, "IAM.0012", "Content-Type must be application/json.", "Unsupported Media Type")
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
        identity = body["auth"]["identity"]
        scope = body["auth"].get("scope") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _bad_request("Request body is invalid.") from None
    if not isinstance(identity, dict) or "password" not in (identity.get("methods") or []):
        raise _bad_request("Only the password method is supported by this emulator.")
    try:
        user = identity["password"]["user"]
        domain = user.get("domain") or {}
        name, password = user["name"], user["password"]
    except (KeyError, TypeError, AttributeError):
        raise _bad_request("Request body is invalid.") from None
    domain_matches = domain.get("name") == config.DOMAIN_NAME or domain.get("id") == config.DOMAIN_ID
    if not (domain_matches and name == config.USER_NAME and password == config.PASSWORD):
        raise iam_error(401, "IAM.0101", "The username or password is wrong.", "Unauthorized")
    project = scope.get("project") if isinstance(scope, dict) else None
    if not isinstance(project, dict):
        raise _bad_request("This emulator issues project-scoped tokens only: set auth.scope.project.")
    matching = [item for item in emulator.projects
                if item["id"] == project.get("id") or (project.get("name") and item["name"] == project.get("name"))]
    if not matching:
        raise iam_error(400, "IAM.0011", "The project %s does not exist." % (project.get("id") or project.get("name")),
                        "Bad Request")
    scoped = matching[0]

    now = emulator.server_time()
    expires_at = now + emulator.settings.token_ttl_seconds
    token = emulator.tokens.issue(scoped["id"], expires_at)
    body = {"token": {
        "methods": ["password"],
        "issued_at": time.strftime(ISO_FORMAT, time.gmtime(now)),
        "expires_at": time.strftime(ISO_FORMAT, time.gmtime(expires_at)),
        "user": {"id": config.USER_ID, "name": config.USER_NAME,
                 "domain": {"id": config.DOMAIN_ID, "name": config.DOMAIN_NAME}},
        "project": {"id": scoped["id"], "name": scoped["name"],
                    "domain": {"id": config.DOMAIN_ID, "name": config.DOMAIN_NAME}},
        "catalog": [],
        "roles": [{"id": "0", "name": "op_fine_grained"}],
    }}
    headers = _iam_headers()
    headers["X-Subject-Token"] = token
    return Response(201, json.dumps(body), headers=headers)


def list_projects(emulator, request):
    authenticate(emulator, request, project_id=None)
    wanted = None
    for key, value in parse_query(request.raw_query):
        if key == "name":
            wanted = value
    projects = []
    for project in emulator.projects:
        if wanted is not None and project["name"] != wanted:
            continue
        projects.append({
            "id": project["id"], "name": project["name"], "domain_id": project["domain_id"],
            "parent_id": project["domain_id"], "description": "", "enabled": True, "is_domain": False,
            "links": {"self": "https://iam.myhuaweicloud.com/v3/projects/%s" % project["id"]},
        })
    body = {"projects": projects, "links": {"self": "https://iam.myhuaweicloud.com/v3/projects", "next": None,
                                            "previous": None}}
    return Response(200, json.dumps(body), headers=_iam_headers())
