"""What every request shares: credentials, tokens, jobs, faults, statistics; and who may call."""

import base64
import os
import secrets
import threading
import time

from drs_emulator import config
from drs_emulator.errors import ApiError, signature_error
from drs_emulator.faults import FaultRules
from drs_emulator.jobs import JobStore
from drs_emulator.signing import verify_request


def new_token():
    # Real tokens are long base64 blobs starting with "MII" that contain '+', '/' and '='.
    return "MII" + base64.b64encode(secrets.token_bytes(900)).decode("ascii")


class Statistics:
    """What the service saw, for tests and benchmarks: calls per route, answers per status, overlap."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.routes, self.statuses = {}, {}
            self.total = self.in_flight = self.max_in_flight = self.dropped = 0

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
            return {"total": self.total, "routes": dict(self.routes), "statuses": dict(self.statuses),
                    "list_calls": self.routes.get("drs_list", 0), "detail_calls": self.routes.get("drs_detail", 0),
                    "iam_token_calls": self.routes.get("iam_token", 0),
                    "max_in_flight": self.max_in_flight, "dropped": self.dropped}


class Emulator:
    """The service's state, built from the command line's arguments (cli.build_parser)."""

    def __init__(self, arguments, seed_jobs):
        self.arguments = arguments
        self.security_token = base64.b64encode(secrets.token_bytes(300)).decode("ascii")
        self.credentials = {  # access key -> (secret key, security token or None)
            config.ACCESS_KEY: (config.SECRET_KEY, None),
            config.TEMPORARY_ACCESS_KEY: (config.TEMPORARY_SECRET_KEY, self.security_token),
        }
        self.projects = [{"id": config.PROJECT_ID if index == 0 else "%s%02d" % (config.PROJECT_ID[:-2], index),
                          "name": config.REGION} for index in range(arguments.project_matches)]
        self.statistics = Statistics()
        self.faults = FaultRules(arguments.fault)
        self._tokens_lock = threading.Lock()
        self.tokens = {}  # token -> {"project_id", "expires_at", "uses"}
        self.auth_token = self.issue_token(config.PROJECT_ID)  # the pre-issued token of the state line
        self.store = JobStore()
        self.store.seed(seed_jobs, vars(arguments), random_seed=arguments.random_seed)

    def server_time(self):
        """Wall clock as the service sees it (clock skew applied): X-Sdk-Date checks, token times."""
        return time.time() + self.arguments.clock_skew_seconds

    def issue_token(self, project_id):
        token = new_token()
        with self._tokens_lock:
            self.tokens[token] = {"project_id": project_id, "uses": 0,
                                  "expires_at": self.server_time() + self.arguments.token_ttl_seconds}
        return token

    def authenticate(self, request, project_id=None):
        """Check a call's AK/SK signature or token; a token must be scoped to ``project_id`` when given."""
        if request.header("authorization"):
            verify_request(request.method, request.path, request.raw_query, request.header, request.body,
                           self.credentials, self.server_time())
            return
        token = (request.header("x-auth-token") or "").strip()
        if not token:
            raise signature_error("x-auth-token not found")
        with self._tokens_lock:
            entry = self.tokens.get(token)
            if entry is None:
                raise ApiError(403, "DRS.M00100", "Invalid token.")
            expire_after = self.arguments.token_expire_after_calls
            if self.server_time() >= entry["expires_at"] or (expire_after is not None and entry["uses"] >= expire_after):
                raise ApiError(401, "APIGW.0307", "The token must be updated.")
            entry["uses"] += 1
        if project_id is not None and entry["project_id"] != project_id:
            raise ApiError(403, "DRS.M00261", "Invalid project ID: the token is scoped to another project.")

    def state(self, url, ca_path):
        """The JSON line the emulator prints: where it listens and every credential it accepts."""
        return {
            "url": url, "ca_path": ca_path, "control_url": url + "/_emulator", "pid": os.getpid(), "region": config.REGION,
            "project_id": config.PROJECT_ID, "access_key": config.ACCESS_KEY, "secret_key": config.SECRET_KEY,
            "temporary_access_key": config.TEMPORARY_ACCESS_KEY,
            "temporary_secret_key": config.TEMPORARY_SECRET_KEY, "security_token": self.security_token,
            "auth_token": self.auth_token, "iam_user_name": config.USER_NAME, "iam_password": config.PASSWORD,
            "iam_domain_name": config.DOMAIN_NAME,
        }
