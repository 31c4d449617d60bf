"""HTTP(S) plumbing: a threading server on 127.0.0.1, one handler that routes, injects faults and answers."""

import http.server
import json
import socket
import ssl
import sys
import time
import traceback
import uuid

from drs_emulator import control, drs, iam
from drs_emulator.app import Request, Response
from drs_emulator.errors import ApiError
from drs_emulator.faults import DEFAULT_REDIRECT, error_for, html_page

HANDLERS = {
    "iam_token": iam.create_token,
    "iam_projects": iam.list_projects,
    "drs_list": drs.list_jobs,
    "drs_commit": drs.commit_job,
}
MAX_BODY_BYTES = 1024 * 1024
QUIET_ERRORS = (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError)


def not_found():
    return ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment.")


class EmulatorHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "APIG"
    sys_version = ""
    # Idle keep-alive connections must not hold a thread forever.
    timeout = 120
    # Headers and body leave in one segment, and without Nagle's delay: otherwise every keep-alive
    # request waits ~40 ms for a delayed ACK.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle("PUT")

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle("DELETE")

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._handle("PATCH")

    def do_HEAD(self):  # pylint: disable=invalid-name
        self._handle("HEAD")

    def do_OPTIONS(self):  # pylint: disable=invalid-name
        self._handle("OPTIONS")

    def send_error(self, code, message=None, explain=None):
        """Answers http.server produces itself (malformed request line, headers too long, ...) in the API's shape."""
        self.close_connection = True
        reason = message or self.responses.get(code, ("Error",))[0]
        body = json.dumps({"error_code": "APIGW.0100", "error_msg": reason}).encode("utf-8")
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise ApiError(411, "APIGW.0100", "Chunked request bodies are not supported; send Content-Length.")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(400, "APIGW.0100", "Invalid Content-Length.")
        return self.rfile.read(length) if length else b""

    def _handle(self, method):
        emulator = self.server.emulator
        request_id = uuid.uuid4().hex
        path, _separator, raw_query = self.path.partition("?")
        try:
            body = self._read_body()
        except ApiError as error:
            self._send(self._error_response(error), request_id)
            return
        request = Request(method, path, raw_query, self.headers, body, self.client_address)

        if path == "/_emulator" or path.startswith("/_emulator/"):
            try:
                response = control.handle(emulator, request, self.server.state)
            except ApiError as error:
                response = self._error_response(error)
            self._send(response, request_id)
            return

        route = emulator.route_of(request)
        emulator.statistics.begin(route)
        status = None
        try:
            response = self._answer(emulator, route, request)
            if response.drop:
                self._drop()
                return
            status = response.status
            self._send(response, request_id)
            if response.truncate:
                self.wfile.flush()
                self._drop()
        finally:
            emulator.statistics.end(status)

    def _answer(self, emulator, route, request):
        decision = emulator.faults.decide(route)
        delay = emulator.settings.latency + decision.latency
        if delay > 0:
            time.sleep(delay)
        try:
            if decision.rule is not None:
                return self._fault_response(decision.rule, request)
            handler = HANDLERS.get(route)
            if handler is None:
                raise not_found()
            return handler(emulator, request)
        except ApiError as error:
            return self._error_response(error)
        except Exception:  # pylint: disable=broad-exception-caught
            traceback.print_exc()
            return self._error_response(ApiError(500, "DRS.M00004", "Service abnormal (emulator bug)."))

    @staticmethod
    def _fault_response(rule, request):
        if rule.get("drop"):
            response = Response(0)
            response.drop = True
            return response
        if rule.get("truncate"):
            # Headers promise the whole body, half of it arrives, then the connection closes.
            response = Response(200, '{"total_count": 1000, "jobs": [{"async_job_id": "trunc')
            response.headers["Content-Length"] = str(len(response.body) * 2)
            response.truncate = True
            return response
        if rule.get("redirect"):
            target = rule["redirect"] if isinstance(rule["redirect"], str) else DEFAULT_REDIRECT
            location = target.rstrip("/") + request.path + ("?" + request.raw_query if request.raw_query else "")
            return Response(302, b"", content_type="text/html", headers={"Location": location})
        status, code, message = error_for(rule)
        headers = {}
        if rule.get("retry_after") is not None:
            headers["Retry-After"] = str(rule["retry_after"])
        if rule.get("html"):
            reason = http.server.BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]
            return Response(status, html_page(status, reason), content_type="text/html", headers=headers)
        return EmulatorHandler._error_response(ApiError(status, code, message, headers=headers))

    @staticmethod
    def _error_response(error):
        return Response(error.status, json.dumps(error.body()), headers=error.headers)

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, response, request_id):
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        headers = dict(response.headers)
        self.send_header("Content-Length", headers.pop("Content-Length", str(len(response.body))))
        self.send_header("X-Request-Id", request_id)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, emulator, port=0, tls_context=None, verbose=False):
        self.emulator = emulator
        self.verbose = verbose
        self.state = {}
        self.tls_context = tls_context
        super().__init__(("127.0.0.1", port), EmulatorHandler)

    def get_request(self):
        connection, address = super().get_request()
        if self.tls_context is not None:
            # The handshake runs in the handler's thread (on first read), so a slow client never
            # blocks accept().
            connection = self.tls_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, QUIET_ERRORS):
            return
        super().handle_error(request, client_address)


def tls_context(certificate_path, key_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate_path, key_path)
    return context
