"""IAM: POST /v3/auth/tokens (password, project scope) and GET /v3/projects?name= (AK/SK or token)."""

import json
import time

from drs_emulator import config
from drs_emulator.errors import ApiError
from drs_emulator.signing import parse_query


def iam_error(status, code, message):
    # IAM answers carry the Huawei shape and the Keystone one.
    return ApiError(status, code, message, extra={"error": {"code": status, "message": message}})


def create_token(emulator, request):
    try:
        auth = json.loads(request.body.decode("utf-8"))["auth"]
        user = auth["identity"]["password"]["user"]
        project = auth["scope"]["project"]
        name, password, domain = user["name"], user["password"], user.get("domain") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise iam_error(400, "IAM.0011", "Request body is invalid: this emulator takes password auth with a "
                                         "project scope.") from None
    if not (domain.get("name") == config.DOMAIN_NAME and name == config.USER_NAME and password == config.PASSWORD):
        raise iam_error(401, "IAM.0101", "The username or password is wrong.")
    matching = [item for item in emulator.projects
                if item["id"] == project.get("id") or item["name"] == project.get("name")]
    if not matching:
        raise iam_error(400, "IAM.0011", "The project %s does not exist." % (project.get("id") or project.get("name")))
    token = emulator.issue_token(matching[0]["id"])
    expires_at = time.gmtime(emulator.tokens[token]["expires_at"])
    domain = {"id": config.DOMAIN_ID, "name": config.DOMAIN_NAME}
    body = {"token": {"methods": ["password"], "project": dict(matching[0], domain=domain),
                      "expires_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", expires_at),
                      "user": {"id": config.USER_ID, "name": config.USER_NAME, "domain": domain}}}
    return 201, json.dumps(body), {"X-Subject-Token": token}


def list_projects(emulator, request):
    emulator.authenticate(request)
    wanted = dict(parse_query(request.raw_query)).get("name")
    projects = [dict(project, domain_id=config.DOMAIN_ID, enabled=True) for project in emulator.projects
                if wanted is None or project["name"] == wanted]
    return 200, json.dumps({"projects": projects}), {}
