"""Small, deliberately hostile HTTP(S) servers that stand in for DRS and IAM in tests.

The emulator models a well-behaved service and shares the client's assumptions; these servers do not.
Each one serves 127.0.0.1 on an ephemeral port from daemon threads, counts and records every request,
and answers through small functions (``answer(exchange)``) that lie, echo secrets, trickle, hang or
bomb. Standard library only, except the certificates, which come from the emulator's CA helper.

Every loop is bounded: a server answers at most ``max_requests`` requests (then a plain 400 that nothing
retries), and a slow answer gives up after its own bound or as soon as the server stops.

    context, ca_path = tls_material(tmp_dir)
    with HostileServer(list=trickle(LISTING_BODY, interval=0.5), tls=context, ca_path=ca_path) as server:
        ... run the module with endpoint=server.url, ca_path=server.ca_path ...
        server.stats()["requests"]
"""

import http.server
import json
import re
import secrets
import ssl
import threading
import zlib

from urllib.parse import parse_qsl, urlsplit

LIST_ROUTE = re.compile(r"^/v5/(?P<project>[^/]+)/batch-async-jobs$")
DETAIL_ROUTE = re.compile(r"^/v5/(?P<project>[^/]+)/batch-async-jobs/(?P<batch>[^/]+)$")
PROJECT_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
REGION = "cn-north-4"
# A budget no sane run of the module needs; past it every request gets a 400 that is never retried.
DEFAULT_MAX_REQUESTS = 400
BUDGET_ERROR = {"error_code": "HOSTILE.BUDGET", "error_msg": "hostile server: request budget exhausted"}


def random_token(length=400):
    """A token shaped like IAM's ("MII" + base64), random so that any 8 characters of it identify it."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "MII" + "".join(secrets.choice(alphabet) for dummy in range(length - 3))


def random_secret(prefix, length=40):
    return prefix + secrets.token_hex(length)[:max(8, length - len(prefix))]


def make_job(index, status="ASYNC_JOB_VALIDATING", prefix="hostile"):
    return {"async_job_id": "%s-%06d" % (prefix, index), "status": status, "domain_name": "hostile-domain",
            "user_name": "hostile-user", "create_time": "2026-11-01T00:00:00Z"}


# --------------------------------------------------------------------------------------------- exchange


class Exchange(object):
    """One request as the server saw it, and the ways to answer it."""

    def __init__(self, handler, method, raw_path, headers, body):
        self.handler = handler
        self.server = handler.server
        self.method = method
        self.raw_path = raw_path
        split = urlsplit(raw_path)
        self.path = split.path  # still percent-encoded, as sent
        self.query = dict(parse_qsl(split.query, keep_blank_values=True))
        self.headers = headers
        self.body = body

    @property
    def route(self):
        if LIST_ROUTE.match(self.path):
            return "list"
        if DETAIL_ROUTE.match(self.path):
            return "detail"
        if self.path == "/v3/auth/tokens":
            return "token"
        if self.path == "/v3/projects":
            return "projects"
        return "other"

    def offset_and_limit(self, default_limit=1000):
        try:
            return int(self.query.get("offset", 0)), int(self.query.get("limit", default_limit))
        except ValueError:
            return 0, default_limit

    def reply(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        handler = self.handler
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def reply_json(self, status, payload, headers=None):
        self.reply(status, payload if isinstance(payload, (bytes, str)) else json.dumps(payload), headers=headers)

    def trickle(self, body, interval, status=200, content_type="application/json"):
        """The whole body, announced by Content-Length, one byte every ``interval`` seconds."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        handler = self.handler
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        for index in range(len(body)):
            if self.server.stopping.wait(interval):
                handler.close_connection = True
                return
            try:
                handler.wfile.write(body[index:index + 1])
                handler.wfile.flush()
            except OSError:  # the client gave up: that is what a bounded client does
                handler.close_connection = True
                return


# --------------------------------------------------------------------------------------------- answers
# Each factory returns ``answer(exchange)``.


def listing(jobs, total_count=None):
    """Honest paging over ``jobs`` (offset/limit), with ``total_count`` as claimed (raw JSON text if a str)."""
    def answer(exchange):
        offset, limit = exchange.offset_and_limit()
        page = jobs[offset:offset + max(limit, 0)]
        claimed = len(jobs) if total_count is None else total_count
        exchange.reply_json(200, '{"total_count": %s, "jobs": %s}' % (
            claimed if isinstance(claimed, str) else json.dumps(claimed), json.dumps(page)))
    return answer


def same_page(jobs, total_count):
    """The same full page whatever the offset, with a total that promises endless more."""
    body = json.dumps({"total_count": total_count, "jobs": jobs})

    def answer(exchange):
        exchange.reply_json(200, body)
    return answer


def endless_new_jobs(total_count):
    """A full page of jobs never listed before at every offset, with a total that promises ever more."""
    def answer(exchange):
        offset, limit = exchange.offset_and_limit()
        jobs = [make_job(index, prefix="endless") for index in range(offset, offset + max(0, min(limit, 1000)))]
        exchange.reply_json(200, {"total_count": total_count, "jobs": jobs})
    return answer


def error(status, error_code, error_msg, headers=None):
    def answer(exchange):
        exchange.reply_json(status, {"error_code": error_code, "error_msg": error_msg}, headers=headers)
    return answer


def raw(status, body, content_type="application/json", headers=None):
    def answer(exchange):
        exchange.reply(status, body, content_type, headers)
    return answer


def echo_header(status, header, template="%s", code="DRS.M00100"):
    """An error whose ``error_msg`` repeats a request header (a token, a signature) inside ``template``."""
    def answer(exchange):
        exchange.reply_json(status, {"error_code": code, "error_msg": template % exchange.headers.get(header, "")})
    return answer


def echo_header_piece(status, header, piece, code="DRS.M00100"):
    """An error whose ``error_msg`` quotes only ``piece`` (a slice) of a request header, as a server that
    abbreviates a token does: neither whole nor at the end of the text."""
    def answer(exchange):
        exchange.reply_json(status, {"error_code": code, "error_msg": "token %s... is not allowed here" % (
            exchange.headers.get(header, "")[piece])})
    return answer


def echo_header_in_title(status, header, before=""):
    """An HTML error page whose <title> repeats a request header (after ``before``)."""
    def answer(exchange):
        value = exchange.headers.get(header, "")
        exchange.reply(status, "<html><head><title>Rejected %s%s</title></head><body>no</body></html>" % (
            before, value), content_type="text/html")
    return answer


def echo_header_in_content_type(status, header, before):
    """A body that is not JSON, under a Content-Type that repeats a request header after ``before``."""
    def answer(exchange):
        exchange.reply(status, "rejected", content_type="text/plain; %s%s" % (before, exchange.headers.get(header, "")))
    return answer


def redirect_to_header(header, status=302, before=""):
    """A redirect whose Location path repeats a request header (after ``before``)."""
    def answer(exchange):
        exchange.reply(status, b"", headers={"Location": "https://127.0.0.1:9/login/%s%s?x=1" % (
            before, exchange.headers.get(header, ""))})
    return answer


def echo_header_into_jobs(jobs, header, field="user_name"):
    """An honest listing of ``jobs`` whose ``field`` repeats a request header, as a careless API might."""
    def answer(exchange):
        echoed = [dict(job, **{field: "owner %s" % exchange.headers.get(header, "")}) for job in jobs]
        exchange.reply_json(200, {"total_count": len(echoed), "jobs": echoed})
    return answer


def task_details(tasks):
    """The detail call: every task of the batch on one page (JobDetailResp-shaped dicts)."""
    def answer(exchange):
        exchange.reply_json(200, {"total_count": len(tasks), "jobs": tasks})
    return answer


def echo_body(status, code="IAM.0001"):
    """An error whose ``error_msg`` is the request body (for the IAM login: the password)."""
    def answer(exchange):
        exchange.reply_json(status, {"error_code": code, "error_msg": "cannot parse %s" % exchange.body.decode(
            "utf-8", "replace")})
    return answer


def echo_headers(status, headers, code="DRS.M00100"):
    """An error whose ``error_msg`` repeats several request headers (a signature, a security token)."""
    def answer(exchange):
        exchange.reply_json(status, {"error_code": code, "error_msg": "rejected " + ", ".join(
            "%s=%s" % (name, exchange.headers.get(name, "")) for name in headers)})
    return answer


def requires_header(header, value, then):
    """``then(exchange)`` when the request carries ``header: value`` exactly, else 401 APIGW.0307."""
    def answer(exchange):
        if exchange.headers.get(header) != value:
            exchange.reply_json(401, {"error_code": "APIGW.0307", "error_msg": "The token must be updated."})
            return
        then(exchange)
    return answer


def requires_signature(access_key, secret_key, security_token, then):
    """``then(exchange)`` when the AK/SK signature verifies (the emulator's verifier), else 401 APIGW.0301."""
    import time

    from drs_emulator.errors import ApiError  # the emulator's gateway check
    from drs_emulator.signing import verify_request

    def answer(exchange):
        split = urlsplit(exchange.raw_path)
        lowered = dict((name.lower(), value) for name, value in exchange.headers.items())
        try:
            verify_request(exchange.method, split.path, split.query, lowered.get, exchange.body,
                           {access_key: (secret_key, security_token)}, time.time())
        except ApiError:  # the signature or the security token did not match
            exchange.reply_json(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication."})
            return
        then(exchange)
    return answer


def trickle(body, interval):
    def answer(exchange):
        exchange.trickle(body, interval)
    return answer


def by_offset(answers, default):
    """``answers[offset](exchange)`` for the listed offsets, ``default(exchange)`` for the others."""
    def answer(exchange):
        offset, _limit = exchange.offset_and_limit()
        answers.get(offset, default)(exchange)
    return answer


_BOMBS = {}


def gzip_bomb(payload, padding):
    """``payload`` followed by ``padding`` spaces (still valid JSON), gzip-compressed: about 1 KB per MB."""
    key = (payload, padding)
    if key not in _BOMBS:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
        parts = [compressor.compress(payload.encode("utf-8"))]
        chunk = b" " * (1 << 20)
        for dummy in range(padding >> 20):
            parts.append(compressor.compress(chunk))
        parts.append(compressor.flush())
        _BOMBS[key] = b"".join(parts)
    body = _BOMBS[key]

    def answer(exchange):
        exchange.reply(200, body, headers={"Content-Encoding": "gzip"})
    return answer


def issue_token(project_id=PROJECT_ID):
    """IAM's password login: a fresh random token per call, remembered in ``server.issued_tokens``."""
    def answer(exchange):
        token = random_token()
        exchange.server.issued_tokens.append(token)
        exchange.reply_json(201, {"token": {"expires_at": "2099-01-01T00:00:00.000000Z",
                                            "project": {"id": project_id, "name": REGION}}},
                            headers={"X-Subject-Token": token})
    return answer


def project_lookup(project_id=PROJECT_ID):
    def answer(exchange):
        exchange.reply_json(200, {"projects": [{"id": project_id, "name": exchange.query.get("name", REGION)}]})
    return answer


def not_found(exchange):
    exchange.reply_json(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist"})


def temporary_keys(expires_at="2099-01-01T00:00:00.000000Z"):
    """Random temporary keys as the metadata service and assume_role hand them out (``credential``), plus a
    metadata session token: every value but ``access`` and ``expires_at`` is a secret."""
    return {"access": "HOSTILETMP" + secrets.token_hex(6).upper(), "secret": random_secret("tsk"),
            "securitytoken": random_token(600), "expires_at": expires_at, "metadata_token": random_token(60)}


def metadata_service(keys):
    """An ECS metadata service (plain HTTP; serve it as ``other``): the session token, then ``keys``."""
    def answer(exchange):
        if exchange.method == "PUT" and exchange.path == "/meta-data/latest/api/token":
            exchange.reply(200, keys["metadata_token"], content_type="text/plain")
        elif exchange.method == "GET" and exchange.path == "/openstack/latest/securitykey":
            exchange.reply_json(200, {"credential": dict((name, keys[name]) for name in (
                "access", "secret", "securitytoken", "expires_at"))})
        else:
            not_found(exchange)
    return answer


def assume_role(keys):
    """IAM's assume_role (serve it as ``other``): ``keys`` for any caller."""
    def answer(exchange):
        if exchange.method == "POST" and exchange.path == "/v3.0/OS-CREDENTIAL/securitytokens":
            exchange.reply_json(201, {"credential": dict((name, keys[name]) for name in (
                "access", "secret", "securitytoken", "expires_at"))})
        else:
            not_found(exchange)
    return answer


# --------------------------------------------------------------------------------------------- server


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the module's session expects
    timeout = 20  # an idle keep-alive connection does not hold its thread for ever

    def log_message(self, *args):
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)) if length else b""
        exchange = Exchange(self, self.command, self.path, dict(self.headers.items()), body)
        if not self.server.record(exchange):
            exchange.reply_json(400, BUDGET_ERROR)
            return
        answer = self.server.answers.get(exchange.route) or self.server.answers["other"]
        try:
            answer(exchange)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
        except Exception as failure:  # a bug in a test's answer: visible in stats(), never a hang
            self.server.errors.append(repr(failure))
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class HostileServer(http.server.ThreadingHTTPServer):
    """Serves ``answers`` by route (``list``, ``detail``, ``token``, ``projects``, ``other``) on 127.0.0.1.

    ``tls``: an ``ssl.SSLContext`` for HTTPS (see :func:`tls_material`), None for plain HTTP.

    ``state`` and ``stats()`` mimic the emulator's, so that the integration harness's ``Scenarios`` can
    point a case at this server as it does at an emulator.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, list=None, detail=None, token=None, projects=None, other=None, tls=None, ca_path=None,
                 max_requests=DEFAULT_MAX_REQUESTS, project_id=PROJECT_ID):
        # pylint: disable=redefined-builtin
        super(HostileServer, self).__init__(("127.0.0.1", 0), _Handler)
        self.answers = {"list": list or listing([]), "detail": detail or not_found,
                        "token": token or issue_token(project_id),
                        "projects": projects or project_lookup(project_id), "other": other or not_found}
        self.tls = tls
        self.ca_path = ca_path
        self.max_requests = max_requests
        self.project_id = project_id
        self.stopping = threading.Event()
        self.issued_tokens = []
        self.errors = []
        self.exchanges = []
        self._lock = threading.Lock()
        self._thread = None

    # TLS in the connection's own thread: a client that stalls in the handshake stalls only itself.
    def finish_request(self, request, client_address):
        if self.tls is not None:
            request.settimeout(10)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super(HostileServer, self).finish_request(request, client_address)

    def record(self, exchange):
        with self._lock:
            self.exchanges.append(exchange)
            return len(self.exchanges) <= self.max_requests

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls is not None else "http", self.server_address[1])

    @property
    def state(self):
        return {"region": REGION, "url": self.url, "ca_path": self.ca_path, "project_id": self.project_id}

    def stats(self):
        with self._lock:
            exchanges = list(self.exchanges)
        routes = {}
        for exchange in exchanges:
            routes[exchange.route] = routes.get(exchange.route, 0) + 1
        return {"requests": len(exchanges), "routes": routes, "errors": list(self.errors),
                "paths": [exchange.raw_path for exchange in exchanges],
                "headers": [exchange.headers for exchange in exchanges],
                "issued_tokens": list(self.issued_tokens)}

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def tls_material(directory):
    """``(server SSLContext, CA bundle path)`` for 127.0.0.1, from a throw-away CA made in ``directory``."""
    from drs_emulator.certs import generate_certificates  # the emulator's helper; needs `cryptography`

    ca_path, certificate_path, key_path = generate_certificates(str(directory))  # for localhost and 127.0.0.1
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate_path, key_path)
    return context, ca_path


class ServerPool(object):
    """Starts hostile servers that share one throw-away CA; ``stop_all()`` stops every one."""

    def __init__(self, directory):
        self.context, self.ca_path = tls_material(directory)
        self.servers = []

    def start(self, tls=True, **options):
        server = HostileServer(tls=self.context if tls else None, ca_path=self.ca_path, **options).start()
        self.servers.append(server)
        return server

    def issued_tokens(self):
        """Every token the servers' IAM handed out so far: secrets issued at run time."""
        return [token for server in self.servers for token in server.issued_tokens]

    def stop_all(self):
        for server in self.servers:  # release every slow answer at once, then close each server
            server.stopping.set()
        for server in self.servers:
            server.stop()
