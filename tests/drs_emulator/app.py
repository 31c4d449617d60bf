"""The emulator's state (credentials, tokens, jobs, faults, statistics) and its request routing."""

import base64
import re
import secrets
import threading
import time

from drs_emulator import config
from drs_emulator.faults import FaultRules
from drs_emulator.jobs import JobStore

LIST_PATH = re.compile(r"^/v5/([^/]+)/batch-async-jobs/?$")
COMMIT_PATH = re.compile(r"^/v5/([^/]+)/batch-async-jobs/([^/]+)/commit/?$")


class Request:
    """What a handler needs of one HTTP request."""

    def __init__(self, method, path, raw_query, headers, body, client_address):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self._headers = headers
        self.body = body
        self.client_address = client_address
        self.match = None

    def header(self, name):
        value = self._headers.get(name)
        if value is None:
            return None
        # http.server decodes header bytes as latin-1; clients send UTF-8.
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value


class Response:
    def __init__(self, status, body=b"", content_type="application/json;charset=UTF-8", headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.drop = False
        self.truncate = False


class Statistics:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.routes = {}
            self.statuses = {}
            self.total = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.dropped = 0

    def begin(self, route):
        with self._lock:
            self.total += 1
            self.routes[route] = self.routes.get(route, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self, status):
        with self._lock:
            self.in_flight -= 1
            if status is None:
                self.dropped += 1
            else:
                self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def as_dict(self):
        with self._lock:
            return {
                "total": self.total,
                "routes": dict(self.routes),
                "statuses": dict(self.statuses),
                "iam_token_calls": self.routes.get("iam_token", 0),
                "iam_project_calls": self.routes.get("iam_projects", 0),
                "list_calls": self.routes.get("drs_list", 0),
                "commit_calls": self.routes.get("drs_commit", 0),
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "dropped": self.dropped,
            }


def new_token():
    # Real tokens are long base64 blobs starting with "MII" that contain '+', '/' and '='.
    return "MII" + base64.b64encode(secrets.token_bytes(900)).decode("ascii")


class TokenStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def issue(self, project_id, expires_at, token=None):
        token = token or new_token()
        with self._lock:
            self._tokens[token] = {"project_id": project_id, "expires_at": expires_at, "uses": 0}
        return token

    def use(self, token, now, expire_after_calls):
        """Return 'ok', 'unknown' or 'expired'; counts the use."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return "unknown", None
            if now >= entry["expires_at"] or (expire_after_calls is not None and entry["uses"] >= expire_after_calls):
                return "expired", entry
            entry["uses"] += 1
            return "ok", entry

    def expire_all(self):
        with self._lock:
            for entry in self._tokens.values():
                entry["expires_at"] = 0

    def reset_uses(self):
        with self._lock:
            for entry in self._tokens.values():
                entry["uses"] = 0


class Emulator:
    """Everything the HTTP handlers share. Options are the CLI's, as a dict."""

    def __init__(self, options):
        self.options = dict(options)
        self.region = config.REGION
        self.project_id = config.PROJECT_ID
        self.security_token = self.options.get("security_token") or base64.b64encode(
            secrets.token_bytes(300)).decode("ascii")
        self.credentials = {
            config.ACCESS_KEY: (config.SECRET_KEY, None),
            config.TEMPORARY_ACCESS_KEY: (config.TEMPORARY_SECRET_KEY, self.security_token),
        }
        self.settings = config.Settings(**self.options.get("settings", {}))
        self.statistics = Statistics()
        self.tokens = TokenStore()
        self.clock_advance = 0.0
        self.store = JobStore(clock=self.lifecycle_time)
        self.faults = FaultRules(random_seed=self.options.get("random_seed", config.DEFAULT_RANDOM_SEED))
        self.projects = []
        # Stable across resets, so a test that read the state keeps a working token.
        self.auth_token = self.options.get("auth_token") or new_token()
        self.reset()

    # clocks ----------------------------------------------------------------------------------
    def server_time(self):
        """Wall clock as the service sees it (clock skew applied): X-Sdk-Date checks, token times."""
        return time.time() + self.settings.clock_skew_seconds

    def token_time(self):
        """Server time plus the lifecycle clock advance, so advancing the clock can expire tokens."""
        return self.server_time() + self.clock_advance

    def lifecycle_time(self):
        return time.monotonic() + self.clock_advance

    # setup -----------------------------------------------------------------------------------
    def default_projects(self, matches):
        projects = []
        for index in range(matches):
            project_id = self.project_id if index == 0 else "%s%02d" % (self.project_id[:-2], index)
            projects.append({"id": project_id, "name": self.region})
        return projects

    def set_projects(self, projects):
        self.projects = [dict(project, domain_id=project.get("domain_id", config.DOMAIN_ID)) for project in projects]

    def reset(self):
        """Back to the state right after start: start-up jobs, faults and settings, fresh statistics."""
        options = self.options
        self.clock_advance = 0.0
        self.settings = config.Settings(**options.get("settings", {}))
        self.faults.clear()
        self.faults.add(options.get("faults", []))
        self.statistics.reset()
        self.tokens = TokenStore()
        self.tokens.issue(self.project_id, self.server_time() + self.settings.token_ttl_seconds, self.auth_token)
        self.set_projects(self.default_projects(options.get("project_matches", 1)))
        self.store.list_calls = 0
        self.seed(options.get("seed_jobs", []), options.get("lifecycle", {}), replace=True)

    def seed(self, jobs, lifecycle, replace=True):
        lifecycle = dict(lifecycle or {})
        return self.store.seed(
            jobs,
            schedule=lifecycle,  # Cohort reads its four thresholds from it
            fail_ids=lifecycle.get("fail_ids") or (),
            fail_count=lifecycle.get("fail_count") or 0,
            unknown_status_count=lifecycle.get("unknown_status_count") or 0,
            replace=replace,
            random_seed=self.options.get("random_seed", config.DEFAULT_RANDOM_SEED),
        )

    def state(self, url, ca_path, pid):
        return {
            "url": url,
            "ca_path": ca_path,
            "control_url": url + "/_emulator",
            "pid": pid,
            "region": self.region,
            "project_id": self.project_id,
            "access_key": config.ACCESS_KEY,
            "secret_key": config.SECRET_KEY,
            "temporary_access_key": config.TEMPORARY_ACCESS_KEY,
            "temporary_secret_key": config.TEMPORARY_SECRET_KEY,
            "security_token": self.security_token,
            "auth_token": self.auth_token,
            "iam_user_name": config.USER_NAME,
            "iam_password": config.PASSWORD,
            "iam_domain_name": config.DOMAIN_NAME,
        }

    # routing ---------------------------------------------------------------------------------
    @staticmethod
    def route_of(request):
        method, path = request.method, request.path
        if path.rstrip("/") == "/v3/auth/tokens" and method == "POST":
            return "iam_token"
        if path.rstrip("/") == "/v3/projects" and method == "GET":
            return "iam_projects"
        match = LIST_PATH.match(path)
        if match and method == "GET":
            request.match = match
            return "drs_list"
        match = COMMIT_PATH.match(path)
        if match and method == "POST":
            request.match = match
            return "drs_commit"
        return "unknown"
