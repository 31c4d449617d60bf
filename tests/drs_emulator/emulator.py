"""What every request shares: credentials, tokens, jobs, faults, statistics; and who may call."""

import base64
import collections
import os
import secrets
import threading
import time

from drs_emulator import config
from drs_emulator.errors import ApiError, signature_error
from drs_emulator.faults import FaultRules
from drs_emulator.jobs import JobStore
from drs_emulator.signing import verify_request


class Statistics:
    """What the service saw, for tests and benchmarks: calls per route, answers per status, overlap."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.routes, self.statuses = collections.Counter(), collections.Counter()
            self.in_flight = self.max_in_flight = 0

    def begin(self, route):
        with self._lock:
            self.routes[route] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self, status):  # None: the connection was dropped without an answer
        with self._lock:
            self.in_flight -= 1
            self.statuses[str(status)] += 1

    def as_dict(self):
        with self._lock:
            statuses = dict(self.statuses)
            return {"total": sum(self.routes.values()), "routes": dict(self.routes), "dropped": statuses.pop("None", 0),
                    "statuses": statuses, "list_calls": self.routes["drs_list"],
                    "detail_calls": self.routes["drs_detail"], "iam_token_calls": self.routes["iam_token"],
                    "metadata_key_calls": self.routes["metadata_keys"],
                    "assume_role_calls": self.routes["iam_assume_role"],
                    "max_in_flight": self.max_in_flight}


class Emulator:
    """The service's state, built from the command line's arguments (cli.build_parser)."""

    def __init__(self, arguments, seed_jobs):
        self.arguments = arguments
        self.security_token = base64.b64encode(secrets.token_bytes(300)).decode("ascii")
        self.credentials = {config.ACCESS_KEY: (config.SECRET_KEY, None),  # access key -> (secret key, token)
                            config.TEMPORARY_ACCESS_KEY: (config.TEMPORARY_SECRET_KEY, self.security_token)}
        self.projects = [{"id": config.PROJECT_ID if index == 0 else "%s%02d" % (config.PROJECT_ID[:-2], index),
                          "name": config.REGION} for index in range(arguments.project_matches)]
        self.statistics = Statistics()
        self.faults = FaultRules(arguments.fault)
        self._tokens_lock = threading.Lock()
        # Temporary keys from the metadata service and assume_role (metadata.py): access key -> expiry.
        self.temporary_keys_lock = threading.Lock()
        self.temporary_keys_expiry = {}
        self.temporary_keys_issued = []
        self.metadata_tokens = {}
        self.tokens = {}  # token -> {"project_id", "expires_at", "uses"}
        self.auth_token = self.issue_token(config.PROJECT_ID)  # the pre-issued token of the state line
        self.store = JobStore()
        self.store.seed(seed_jobs, vars(arguments), random_seed=arguments.random_seed)

    def server_time(self):
        """Wall clock as the service sees it (clock skew applied): X-Sdk-Date checks, token times."""
        return time.time() + self.arguments.clock_skew_seconds

    def issue_token(self, project_id):
        # Real tokens are long base64 blobs starting with "MII" that contain '+', '/' and '='.
        token = "MII" + base64.b64encode(secrets.token_bytes(900)).decode("ascii")
        with self._tokens_lock:
            self.tokens[token] = {"project_id": project_id, "uses": 0,
                                  "expires_at": self.server_time() + self.arguments.token_ttl_seconds}
        return token

    def authenticate(self, request, project_id=None):
        """Check a call's AK/SK signature or token; a token must be scoped to ``project_id`` when given."""
        if request.header("authorization"):
            verify_request(request.method, request.path, request.raw_query, request.header, request.body,
                           self.credentials, self.server_time())
            access = request.header("authorization").partition("Access=")[2].partition(",")[0].strip()
            with self.temporary_keys_lock:
                expires_at = self.temporary_keys_expiry.get(access)
            if expires_at is not None and self.server_time() >= expires_at:
                raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: the security token "
                                                  "has expired.")
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
        return {"url": url, "ca_path": ca_path, "control_url": url + "/_emulator", "pid": os.getpid(),
                "region": config.REGION, "project_id": config.PROJECT_ID, "access_key": config.ACCESS_KEY,
                "secret_key": config.SECRET_KEY, "temporary_access_key": config.TEMPORARY_ACCESS_KEY,
                "temporary_secret_key": config.TEMPORARY_SECRET_KEY, "security_token": self.security_token,
                "auth_token": self.auth_token, "iam_user_name": config.USER_NAME, "iam_password": config.PASSWORD,
                "iam_domain_name": config.DOMAIN_NAME, "agency_name": config.AGENCY_NAME,
                "agency_domain_name": config.AGENCY_DOMAIN_NAME}
