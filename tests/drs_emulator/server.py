"""HTTP(S) plumbing: a threading server on 127.0.0.1; one handler that routes, injects faults and answers."""

import contextlib
import http.server
import json
import random
import re
import socket
import ssl
import sys
import time
import traceback
import uuid

from drs_emulator import detail, drs, iam, jobs, metadata, replication
from drs_emulator.errors import ApiError
from drs_emulator.faults import DEFAULT_REDIRECT, error_for, html_page

# (method, path pattern, route name, handler); the path's groups are the handler's arguments.
ROUTES = (
    ("POST", re.compile(r"^/v3/auth/tokens/?$"), "iam_token", iam.create_token),
    ("GET", re.compile(r"^/v3/projects/?$"), "iam_projects", iam.list_projects),
    ("POST", re.compile(r"^/v3\.0/OS-CREDENTIAL/securitytokens/?$"), "iam_assume_role", metadata.assume_role),
    ("PUT", re.compile(r"^/meta-data/latest/api/token/?$"), "metadata_token", metadata.create_token),
    ("GET", re.compile(r"^/openstack/latest/securitykey/?$"), "metadata_keys", metadata.security_key),
    ("GET", re.compile(r"^/v5/([^/]+)/batch-async-jobs/?$"), "drs_list", drs.list_jobs),
    ("POST", re.compile(r"^/v5/([^/]+)/batch-async-jobs/([^/]+)/commit/?$"), "drs_commit", drs.commit_job),
    ("GET", re.compile(r"^/v5/([^/]+)/batch-async-jobs/([^/]+)/?$"), "drs_detail", detail.list_tasks),
    ("GET", re.compile(r"^/v5/([^/]+)/jobs/?$"), "drs_jobs", replication.list_drs_jobs),
    ("GET", re.compile(r"^/v5/([^/]+)/jobs/([^/]+)/?$"), "drs_job", replication.show_drs_job),
)
NOT_FOUND = ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment.")
QUIET_ERRORS = (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError)
JSON = "application/json;charset=UTF-8"


class Request:
    """What a handler needs of one HTTP request."""

    def __init__(self, method, path, raw_query, headers, body):
        self.method, self.path, self.raw_query, self.body, self._headers = method, path, raw_query, body, headers

    def header(self, name):
        return self._headers.get(name)


def control(emulator, method, path, body):
    """The control endpoint (/_emulator/...) for tests and benchmarks: statistics, seeding jobs, fault rules."""
    if (method, path) == ("GET", "/stats"):
        return emulator.statistics.as_dict()
    if (method, path) == ("POST", "/stats/reset"):
        emulator.statistics.reset()
        return emulator.statistics.as_dict()
    if (method, path) == ("POST", "/jobs"):  # README.md lists the keys
        body = json.loads(body or b"{}")
        replace = body.get("replace", True)
        # Added jobs need ids of their own: vary the seed with what is there.
        seed = body.get("random_seed", emulator.arguments.random_seed + (0 if replace else len(emulator.store.jobs)))
        specs = body.get("jobs")
        if specs is None:
            specs = jobs.generate_jobs(int(body.get("count", 0)), random.Random(seed),
                                       body.get("initial_status", jobs.VALIDATING))
        return {"added": emulator.store.seed(specs, body, replace=replace, random_seed=seed)}
    if (method, path) == ("GET", "/temporary-keys"):  # every key the metadata service and assume_role handed out
        with emulator.temporary_keys_lock:
            return {"keys": list(emulator.temporary_keys_issued), "metadata_tokens": sorted(emulator.metadata_tokens)}
    if (method, path) == ("POST", "/faults"):  # the fault rules from now on, instead of those so far
        body = json.loads(body or b"{}")
        if not isinstance(body, dict):
            raise ValueError('the body is {"rules": [fault rule, ...]}')
        return {"rules": emulator.faults.replace(body.get("rules", []))}
    raise ApiError(404, "EMULATOR.NOT_FOUND", "no control route %s %s" % (method, path))


class EmulatorHandler(http.server.BaseHTTPRequestHandler):
    protocol_version, server_version, sys_version = "HTTP/1.1", "APIG", ""
    timeout = 120  # idle keep-alive connections must not hold a thread forever
    # Headers and body in one segment, without Nagle: else every keep-alive request waits ~40 ms for an ACK.
    disable_nagle_algorithm, wbufsize = True, 64 * 1024

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle("PUT")

    def _handle(self, method):
        emulator = self.server.emulator
        path, _separator, raw_query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.startswith("/_emulator/"):
            try:
                answer = 200, json.dumps(control(emulator, method, path[len("/_emulator"):], body)), {}
            except (ApiError, ValueError, TypeError) as error:
                answer = self._error(error if isinstance(error, ApiError) else ApiError(400, "EMULATOR.BAD_REQUEST", str(error)))
            self._send(*answer)
            return
        request = Request(method, path, raw_query, self.headers, body)
        route, handler, arguments = "unknown", None, ()
        for route_method, pattern, name, function in ROUTES:
            match = pattern.match(path)
            if match and method == route_method:
                route, handler, arguments = name, function, match.groups()
                break
        emulator.statistics.begin(route)
        status = None
        try:
            latency, fault = emulator.faults.decide(route)
            latency += emulator.arguments.latency
            if latency > 0:
                time.sleep(latency)
            if fault is not None and (fault.get("drop") or fault.get("truncate")):
                status = 200 if fault.get("truncate") else None  # a truncated answer is an answer, cut short
                self._cut_short(fault)
                return
            status, text, headers = self._answer(emulator, request, fault, handler, arguments)
            self._send(status, text, headers)
        finally:
            emulator.statistics.end(status)

    def _answer(self, emulator, request, fault, handler, arguments):
        try:
            if fault is not None:
                return self._fault_answer(fault, request)
            if handler is None:
                raise NOT_FOUND
            return handler(emulator, request, *arguments)
        except ApiError as error:
            return self._error(error)
        except Exception:  # pylint: disable=broad-exception-caught
            traceback.print_exc()
            return self._error(ApiError(500, "DRS.M00004", "Service abnormal (emulator bug)."))

    def _fault_answer(self, rule, request):
        if rule.get("redirect"):
            target = rule["redirect"] if isinstance(rule["redirect"], str) else DEFAULT_REDIRECT
            location = target.rstrip("/") + request.path + ("?" + request.raw_query if request.raw_query else "")
            return 302, "", {"Location": location, "Content-Type": "text/html"}
        status, code, message = error_for(rule)
        headers = {} if rule.get("retry_after") is None else {"Retry-After": str(rule["retry_after"])}
        if rule.get("html"):
            headers["Content-Type"] = "text/html"
            return status, html_page(status, self.responses.get(status, ("Error",))[0]), headers
        return self._error(ApiError(status, code, message, headers=headers))

    @staticmethod
    def _error(error):
        return error.status, json.dumps(error.body), error.headers

    def _cut_short(self, rule):
        """A dropped connection (no answer), or an answer whose body stops half way."""
        if rule.get("truncate"):
            body = b'{"total_count": 1000, "jobs": [{"async_job_id": "trunc'
            self._send(200, body, {"Content-Length": str(len(body) * 2)})
            self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status, body, headers):
        headers = dict({"Content-Type": JSON}, **headers)
        body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        for name, value in dict(headers, **{"Content-Length": headers.get("Content-Length", str(len(body))),
                                            "X-Request-Id": uuid.uuid4().hex}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, emulator, port=0, tls_context=None):
        self.emulator, self.tls_context = emulator, tls_context
        super().__init__(("127.0.0.1", port), EmulatorHandler)

    def get_request(self):
        connection, address = super().get_request()
        if self.tls_context is not None:
            # The handshake runs in the handler's thread (on first read), so a slow client never blocks accept().
            connection = self.tls_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], QUIET_ERRORS):
            super().handle_error(request, client_address)


def tls_context(certificate_path, key_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate_path, key_path)
    return context
