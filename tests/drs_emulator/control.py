"""The control endpoint under /_emulator: loopback only, no auth, not counted in the statistics."""

import json
import random

from drs_emulator import jobs as jobs_module
from drs_emulator.app import Response
from drs_emulator.errors import ApiError

LIFECYCLE_KEYS = ("validate_after_calls", "validate_after_seconds", "auto_commit_after_calls",
                  "auto_commit_after_seconds", "fail_ids", "fail_count", "unknown_status_count")


def _ok(body):
    return Response(200, json.dumps(body))


def _body(request):
    if not request.body:
        return {}
    try:
        return json.loads(request.body.decode("utf-8"))
    except ValueError:
        raise ApiError(400, "EMULATOR.BAD_JSON", "the control request body is not JSON") from None


def seed_jobs(emulator, body):
    if "jobs" in body:
        specs = body["jobs"]
    else:
        # Added jobs (replace: false) need ids of their own: vary the seed with what is there.
        existing = 0 if body.get("replace", True) else emulator.store.summary()["total"]
        rng = random.Random(body.get("random_seed", emulator.options.get("random_seed", 0) + existing))
        specs = jobs_module.generate_jobs(int(body.get("count", 0)), rng,
                                          body.get("initial_status", jobs_module.VALIDATING))
    lifecycle = {key: body.get(key) for key in LIFECYCLE_KEYS}
    added = emulator.seed(specs, lifecycle, replace=body.get("replace", True))
    return dict(emulator.store.summary(), added=added)


def handle(emulator, request, state):
    """Answer one control request; state is the JSON line the emulator printed."""
    if not (request.client_address[0].startswith("127.") or request.client_address[0] == "::1"):
        raise ApiError(403, "EMULATOR.FORBIDDEN", "the control endpoint answers loopback clients only")
    method = request.method
    path = request.path[len("/_emulator"):].rstrip("/") or "/"
    body = _body(request) if method == "POST" else {}
    if not isinstance(body, (dict, list)):
        raise ApiError(400, "EMULATOR.BAD_JSON", "the control request body must be a JSON object")
    try:
        return _dispatch(emulator, method, path, body, state, request)
    except (ValueError, TypeError, KeyError) as error:
        raise ApiError(400, "EMULATOR.BAD_REQUEST", str(error)) from None


def _dispatch(emulator, method, path, body, state, request):
    store = emulator.store
    route = (method, path)
    if route in (("GET", "/"), ("GET", "/state")):
        return _ok(dict(state, settings=emulator.settings.as_dict(), faults=emulator.faults.describe(),
                        jobs=store.summary()))
    if route == ("GET", "/stats"):
        return _ok(dict(emulator.statistics.as_dict(), faults_applied=emulator.faults.applied,
                        lifecycle_list_calls=store.list_calls))
    if route == ("POST", "/stats/reset"):
        emulator.statistics.reset()
        return _ok(emulator.statistics.as_dict())
    if route == ("GET", "/faults"):
        return _ok({"faults": emulator.faults.describe()})
    if route == ("POST", "/faults"):
        if isinstance(body, list):
            rules = body
        else:
            rules = body["faults"] if "faults" in body else [body]
        replace = isinstance(body, dict) and body.get("replace", False)
        emulator.faults.add(rules, replace=replace)
        return _ok({"faults": emulator.faults.describe()})
    if route in (("DELETE", "/faults"), ("POST", "/faults/clear")):
        emulator.faults.clear()
        return _ok({"faults": []})
    if route == ("GET", "/settings"):
        return _ok(emulator.settings.as_dict())
    if route == ("POST", "/settings"):
        emulator.settings.update(body)
        if "token_expire_after_calls" in body:
            emulator.tokens.reset_uses()
        return _ok(emulator.settings.as_dict())
    if route == ("GET", "/jobs"):
        if "full=1" in request.raw_query or "full=true" in request.raw_query:
            return _ok(dict(store.summary(), jobs=store.all_jobs()))
        return _ok(store.summary())
    if route == ("POST", "/jobs"):
        return _ok(seed_jobs(emulator, body))
    if route == ("POST", "/jobs/validate"):
        store.validate_now()
        return _ok(store.summary())
    if route == ("POST", "/jobs/commit"):
        committed = store.commit_all(body.get("ids"))
        return _ok(dict(store.summary(), committed=committed))
    if route == ("POST", "/jobs/status"):
        changed = store.set_status(body["status"], body.get("ids"))
        return _ok(dict(store.summary(), changed=changed))
    if route == ("POST", "/projects"):
        if "projects" in body:
            emulator.set_projects(body["projects"])
        else:
            emulator.set_projects(emulator.default_projects(int(body.get("matches", 1))))
        return _ok({"projects": emulator.projects})
    if route == ("POST", "/tokens/expire"):
        emulator.tokens.expire_all()
        return _ok({"expired": True})
    if route == ("POST", "/clock"):
        if "skew_seconds" in body:
            emulator.settings.update({"clock_skew_seconds": body["skew_seconds"]})
        emulator.clock_advance += float(body.get("advance_seconds", 0))
        return _ok({"clock_skew_seconds": emulator.settings.clock_skew_seconds,
                    "clock_advance_seconds": emulator.clock_advance, "jobs": store.summary()})
    if route == ("POST", "/reset"):
        emulator.reset()
        return _ok({"reset": True, "jobs": store.summary()})
    raise ApiError(404, "EMULATOR.NOT_FOUND", "no control route %s %s" % (method, path))
