# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP: one requests.Session per run, each request bounded in time and size, retried when that is safe.

Reading from top to bottom: the hint a user reads for each error code and HTTP status; when an answer is
retried and how long to pause; what a run cost (request_stats); the readable line a failed connection
gives; an answer turned into JSON or an ApiError; and HttpTransport, which sends each attempt (signed by
the caller's signer) through them. Every text taken from an answer or an exception is scrubbed first.

Private to this collection: the interface may change without notice.
"""

import json
import os
import random
import re
import threading
import time
import traceback

from urllib.parse import quote, urlsplit

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure, one_line, truncate
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import (
    Secrets,
)


# ----------------------------------------------------------------------------------------------------
# What a user can do about each API error: hints by error code, then by HTTP status.


_TOKEN_HINT = ("the token is invalid or has expired: pass a fresh auth_token, or use access keys or an IAM "
               "user and password, which the module renews by itself")
_PERMISSION_HINT = ("the credentials lack permission for DRS in this project: grant the IAM user a DRS policy "
                    "(for example DRS ReadOnlyAccess) for this region's project")
_PAGE_HINT = "the service refused the page size: lower page_size"
_PARAMETER_HINT = "a query option has a value the service does not accept: check the option error_msg names"

HINTS_BY_ERROR_CODE = {
    "APIGW.0101": ("this endpoint does not offer the DRS API v5 (it is available only in some regions): "
                   "check region, or set endpoint"),
    "APIGW.0301": ("the request signature was rejected: check access_key and secret_key (and security_token for "
                   "temporary credentials), and that this host's clock is within 15 minutes of real time"),
    "APIGW.0307": _TOKEN_HINT,
    "APIGW.0308": "the service is throttling requests: lower page_concurrency, raise max_retries, or run fewer tasks at once",
    "DRS.M00004": "the service reported an internal problem: try again later",
    "DRS.M00007": _PARAMETER_HINT,
    "DRS.M00100": _TOKEN_HINT,
    "DRS.M00102": _PERMISSION_HINT,
    "DRS.M00103": _PERMISSION_HINT,
    "DRS.M00200": _PARAMETER_HINT,
    "DRS.M00201": _PARAMETER_HINT,
    "DRS.M00202": _PARAMETER_HINT,
    "DRS.M00210": _PAGE_HINT,
    "DRS.M00211": _PAGE_HINT,
    "DRS.M00261": ("project_id does not belong to this region or to these credentials: check region and "
                   "project_id, or leave project_id unset to have it looked up"),
    "DRS.10000010": "no batch async job has this async_job_id in this project",
}

_HINTS_BY_STATUS = {
    401: "the service did not accept the credentials: check them",
    403: "the credentials are not allowed to do this: check IAM permissions and project_id",
    404: "nothing answers at this path: check endpoint and region",
    429: "the service is throttling requests: lower page_concurrency or raise max_retries",
}


def hint_for(status_code, error_code, status_hints=None):
    """The hint for an error; ``status_hints`` lets one call say more than the generic ones.

    ``status_hints`` maps an HTTP status, or an error code, to a hint. A call's hint for an error code
    beats the one below: the same gateway code from IAM (APIGW.0101 for a wrong iam_endpoint) is about IAM,
    not DRS. A code hint below beats a call's hint for a status.
    """
    if status_hints and error_code in status_hints:
        return status_hints[error_code]
    if error_code in HINTS_BY_ERROR_CODE:
        return HINTS_BY_ERROR_CODE[error_code]
    if status_hints and status_code in status_hints:
        return status_hints[status_code]
    if 300 <= status_code < 400:
        return ("the server answered with a redirect, which is never followed so that credentials cannot travel "
                "to another host: set endpoint or iam_endpoint to the final address")
    if status_code >= 500:
        return "the service failed; it was retried up to max_retries times: try again later"
    return _HINTS_BY_STATUS.get(status_code)


# ----------------------------------------------------------------------------------------------------
# When a request is retried and how long to pause first: 429/5xx and connection errors, jittered
# exponential backoff, the server's Retry-After honoured up to a cap.


# 429 is throttling; the 5xx codes are the gateway's transient answers.
RETRY_STATUS_CODES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 20.0
# A server may ask for a long pause; never sleep longer than this for one retry.
RETRY_AFTER_CAP_SECONDS = 60.0


def parse_retry_after(value, now=None):
    """Seconds asked by a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if re.match(r"^\d+(\.\d+)?$", value):
        return float(value)
    from email.utils import parsedate_to_datetime  # only needed for the rare HTTP-date form
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def backoff_seconds(attempt, retry_after=None, jitter=None):
    """Jittered exponential backoff for retry number ``attempt`` (0-based), honouring Retry-After."""
    if retry_after is not None:
        return min(retry_after, RETRY_AFTER_CAP_SECONDS)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** attempt))
    return ceiling * (0.5 + (jitter or random.random)() / 2.0)


# A host name that does not resolve will not resolve a second later; "Temporary failure" may, and is retried.
_UNKNOWN_HOST = re.compile(r"Name or service not known|nodename nor servname provided|No address associated")


def is_unknown_host(error):
    """True for a connection error whose host name does not resolve (not worth a retry)."""
    return bool(_UNKNOWN_HOST.search(str(error)))


# ----------------------------------------------------------------------------------------------------
# What a run cost: requests, retries, polls (complete listings), IAM calls, counted from several threads.


class RequestStats(object):
    """What a run cost, reported as the ``request_stats`` result key; safe to count from several threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.polls = 0  # complete listings: the result key users and benchmarks know
        self.iam_calls = 0

    def add(self, name, amount=1):
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def as_dict(self):
        return {"requests": self.requests, "retries": self.retries, "polls": self.polls,
                "iam_calls": self.iam_calls}


class Throttle(object):
    """How often the service has asked this run to slow down (HTTP 429, retried or not).

    The transport records each time; a pager that shares the object halves its concurrency once per new
    time (``count`` is all it reads). Safe to record from several threads.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0

    def record(self):
        with self._lock:
            self.count += 1


# ----------------------------------------------------------------------------------------------------
# What a failed connection says, in one readable line: the reason without the exception's noise.


def balanced(text):
    """``text`` cut before its first parenthesis that is never closed (excerpts of exception texts have them)."""
    depth = 0
    opened_at = []
    for index, character in enumerate(text):
        if character == "(":
            opened_at.append(index)
            depth += 1
        elif character == ")" and depth:
            opened_at.pop()
            depth -= 1
    return text[:opened_at[0]].rstrip() if opened_at else text


# The proxy variables requests reads for a URL, in its order of preference (lower case first).
PROXY_VARIABLES = {"https": ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"),
                   "http": ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")}


def proxy_in_use(url, environ):
    """``(variable, proxy host:port)`` of the proxy the environment sets for ``url``, or None (none set, or
    NO_PROXY covers the host). The proxy's user and password, if any, are left out."""
    scheme = urlsplit(url).scheme
    for variable in PROXY_VARIABLES.get(scheme, ()):
        value = environ.get(variable)
        if value:
            # requests' own NO_PROXY rule, so that the answer is the hop it really took.
            from requests.utils import should_bypass_proxies  # pylint: disable=import-outside-toplevel
            if should_bypass_proxies(url, no_proxy=None):
                return None
            parts = urlsplit(value if "://" in value else "http://" + value)
            try:
                port = parts.port
            except ValueError:
                port = None
            return variable, "%s://%s%s" % (parts.scheme, parts.hostname or "?", ":%d" % port if port else "")
    return None


def connection_reason(error, scrub):
    """The part of a connection error a user needs (errno, certificate problem), scrubbed, in one line."""
    # Exception texts may quote a URL or a header value: scrubbed before anything is cut, and a proxy URL's
    # user and password (which no option gave, so the run's secrets do not hold them) masked.
    text = re.sub(r"//[^/@\s'\"]+@", "//********@", one_line(scrub(error)))
    match = re.search(r"\[Errno [^\]]*\][^'\")]*", text)
    if not match:
        match = re.search(r"(certificate verify failed[^'\")]*|Name or service not known|Connection refused|"
                          r"Remote end closed connection without response)", text)
    return balanced(match.group(0).strip() if match else truncate(text, 160))


# ----------------------------------------------------------------------------------------------------
# Read an HTTP answer: the JSON of a success, or an ApiError for anything else, never a dumped body.
#
# Every text taken from an answer goes through ``scrub`` (the run's Secrets.scrub) before it is shortened.


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Answer(object):
    """An HTTP answer whose body was read whole, within the request's deadline and the body cap."""

    def __init__(self, status_code, headers, content, encoding=None):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.encoding = encoding

    @property
    def text(self):
        return self.content.decode(self.encoding or "utf-8", "replace")

    def json(self):
        """The parsed body; ValueError when it is not JSON (json.loads detects UTF-8, -16 and -32 itself)."""
        return json.loads(self.content)

    def close(self):
        """Nothing to release: the body is already read."""


def _unchanged(text):
    return text


def _clip(text, length, scrub):
    return truncate(one_line(scrub(text)), length)


def summarise_body(content_type, body_text, scrub=_unchanged):
    """Describe a body that is not the API's JSON error, without dumping it."""
    description = "a %s body of %d bytes" % (_clip(content_type or "untyped", 80, scrub) or "untyped",
                                             len(body_text.encode("utf-8")))
    match = _TITLE.search(body_text[:4096])
    if match and one_line(match.group(1)):
        description += " titled %r" % _clip(match.group(1), 80, scrub)
    return description


def parse_json(response, action, scrub=_unchanged, endpoint_option="endpoint"):
    """The JSON body of a success response, or a one-line failure describing what came instead."""
    try:
        return response.json()
    except ValueError:
        raise ModuleFailure("%s: HTTP %s came with %s instead of JSON. Hint: check %s" % (
            action, response.status_code, summarise_body(response.headers.get("Content-Type"), response.text, scrub),
            endpoint_option))


def api_error_from_response(response, action=None, status_hints=None, scrub=_unchanged):
    """Turn a non-success Answer into an :class:`ApiError` with its hint."""
    request_id = response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")
    error_code = error_msg = summary = None
    content_type = response.headers.get("Content-Type", "")
    text = response.text if response.content else ""
    payload = None
    if text:
        try:
            payload = response.json()
        except ValueError:
            payload = None
    if isinstance(payload, dict):
        error_code, error_msg = _error_fields(payload)
        if not error_code and not error_msg:
            summary = "a JSON body without error_code"
    elif text:
        summary = summarise_body(content_type, text, scrub)
    if 300 <= response.status_code < 400:
        summary = "a redirect to %s was refused" % _redirect_target(response.headers.get("Location"), scrub)
    error = ApiError(response.status_code, scrub(error_code), scrub(error_msg), scrub(request_id), summary, action,
                     hint_for(response.status_code, error_code, status_hints))
    # The start of the body, scrubbed, for callers that must tell answers apart by their text (an ECS without
    # an agency says so only in a plain-text body); never shown as it is.
    error.body_text = scrub(text[:2000])
    return error


def _error_fields(payload):
    if "error_code" in payload or "error_msg" in payload:
        return _text_or_none(payload.get("error_code")), _text_or_none(payload.get("error_msg"))
    # IAM and API gateway answers nest the error: {"error": {"code": ..., "message": ...}}.
    nested = payload.get("error")
    if isinstance(nested, dict):
        return (_text_or_none(nested.get("error_code") or nested.get("code")),
                _text_or_none(nested.get("error_msg") or nested.get("message")))
    return None, None


def _text_or_none(value):
    return None if value is None or value == "" else str(value)


def _redirect_target(location, scrub):
    if not location:
        return "an unnamed location"
    # Show where it points without any query string (it could carry anything).
    return _clip(location.split("?", 1)[0], 120, scrub)


# ----------------------------------------------------------------------------------------------------
# One HTTP session per module run: explicit timeouts, bounded retries, no redirects, API errors raised.


try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - exercised by the module's missing_required_lib path
    requests = None
    HTTPAdapter = object
    # A traceback text: ansible-core before 2.19 accepts only text as fail_json(exception=...).
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

# The largest body read, after decompression: a page of 1000 jobs is about 250 KB, a gzip bomb is not.
BODY_CAP_BYTES = 16 * 1024 * 1024
# Decompressed bodies are read in pieces this large (urllib3 inflates one piece at a time).
_READ_BYTES = 16 * 1024
# How often a request in flight looks whether the run has ended meanwhile.
_CANCEL_CHECK_SECONDS = 0.2


class _AnswerTooLarge(Exception):
    """The body passed the cap while it was read."""


class _Cancelled(Exception):
    """The run ended while this request was in flight."""


def percent_encode(value):
    """The SDK's encoding of one path segment or query word: only RFC 3986 unreserved characters and "~" stay
    as they are ("/" and space are encoded)."""
    return quote(value, safe="~")


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def canonical_query(pairs):
    """Sorted, encoded ``key=value`` pairs joined with ``&``: the exact query string sent, which the AK/SK
    signature covers as it is.

    ``pairs`` is a mapping or an iterable of ``(key, value)``; ``None`` values are left out.
    """
    items = pairs.items() if hasattr(pairs, "items") else pairs
    texts = sorted((str(key), _as_text(value)) for key, value in items if value is not None)
    return "&".join("%s=%s" % (percent_encode(key), percent_encode(value)) for key, value in texts)


def host_header(url):
    """The Host header for ``url``: the host, with the port only when it is not the scheme's default."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    port = parts.port
    if port and port != {"https": 443, "http": 80}.get(parts.scheme):
        host = "%s:%d" % (host, port)
    return host


def _read_answer(response, deadline, body_cap, abandoned):
    """The whole ``requests`` response as an Answer, or Timeout past ``deadline``, or _AnswerTooLarge."""
    chunks = []
    size = 0
    for chunk in response.iter_content(_READ_BYTES):
        size += len(chunk)
        if size > body_cap:
            raise _AnswerTooLarge()
        if abandoned.is_set() or time.monotonic() > deadline:
            raise requests.exceptions.Timeout("the answer was still arriving at the deadline")
        chunks.append(chunk)
    return Answer(response.status_code, response.headers, b"".join(chunks), response.encoding)


def _no_netrc(prepared_request):
    # An explicit auth hook stops requests from adding ~/.netrc credentials; proxies still apply.
    return prepared_request


class HttpTransport(object):
    """Sends requests on one ``requests.Session`` and raises every answer that is not a success.

    ``secrets`` (Secrets) are the run's secrets: every text from an answer or an exception is scrubbed of
    them, and an IAM login adds the tokens it obtains. ``session``, ``sleep`` (between retries), ``clock``
    (wall clock, for Retry-After dates) and ``jitter`` are for tests; by default a pause between retries
    ends early when the transport is closed.
    """

    def __init__(self, timeout=30, max_retries=5, verify=True, pool_size=10, stats=None, session=None,
                 sleep=None, clock=time.time, jitter=None, secrets=None, body_cap=BODY_CAP_BYTES, throttle=None):
        self.body_cap = body_cap
        self.throttle = throttle or Throttle()
        self.secrets = secrets if secrets is not None else Secrets()
        self.scrub = self.secrets.scrub
        self.timeout = timeout
        self.max_retries = max_retries
        self.verify = verify
        self.stats = stats or RequestStats()
        self._closed = threading.Event()
        self.sleep = sleep or self._closed.wait
        self.clock = clock
        self.jitter = jitter
        if session is None:
            session = requests.Session()
            # The pool must hold every concurrent page request, or urllib3 drops and reopens connections.
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(pool_size, 2), max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session

    def close(self):
        """End the run's traffic: requests still in flight on other threads give up at their next attempt."""
        self._closed.set()
        self.session.close()

    def _exchange(self, method, url, headers, body):
        """One attempt, its body read whole within ``timeout`` seconds from the start, whatever the server does.

        requests bounds each read from the socket, not the whole answer: a server trickling one byte at a
        time would never time out. So the attempt runs on a daemon thread that the caller stops waiting for
        at the deadline, or when the run ends; it is never joined, and gives up at its next read.
        """
        deadline = time.monotonic() + self.timeout
        outcome = {}
        finished = threading.Event()
        abandoned = threading.Event()

        def attempt():
            response = None
            try:
                response = self.session.request(method, url, headers=headers, data=body, timeout=self.timeout,
                                                allow_redirects=False, verify=self.verify, auth=_no_netrc, stream=True)
                outcome["answer"] = _read_answer(response, deadline, self.body_cap, abandoned)
            except BaseException as error:  # pylint: disable=broad-except
                # Handed to the caller's thread, which reports it.
                outcome["error"] = error
                if response is not None:
                    response.close()
            finally:
                finished.set()

        worker = threading.Thread(target=attempt, name="hwcloud-drs-request")
        worker.daemon = True
        worker.start()
        while not finished.wait(max(0.0, min(_CANCEL_CHECK_SECONDS, deadline - time.monotonic()))):
            if self._closed.is_set() or time.monotonic() >= deadline:
                abandoned.set()
                if self._closed.is_set():
                    raise _Cancelled()
                raise requests.exceptions.Timeout("no complete answer within %s seconds" % self.timeout)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["answer"]

    def send(self, method, base_url, path, query=None, headers=None, body=None, sign=None, action=None,
             count_in=None, status_hints=None, retry=True):
        """Send one logical request and return its final Answer (the body read whole).

        ``sign(method, path, query_string, headers, body)`` adds credentials to each attempt. Retries 429,
        5xx and connection errors up to ``max_retries`` times, unless ``retry`` is false (a request that is not
        idempotent: its caller decides what to do after a failure); any other non-2xx answer is raised as an
        ApiError (with ``status_hints``, status -> hint, for this call). Each attempt counts as a request,
        and also in the ``count_in`` entry of the stats when given.
        """
        max_retries = self.max_retries if retry else 0
        split = urlsplit(base_url)
        full_path = split.path.rstrip("/") + path
        query_string = canonical_query(query or ())
        url = "%s://%s%s" % (split.scheme, split.netloc, full_path)
        if query_string:
            url += "?" + query_string
        host = host_header(base_url)
        attempt = 0
        cancelled = ModuleFailure("%s: cancelled because another request of this run failed" % (action or "Request"))
        while True:
            if self._closed.is_set():
                raise cancelled
            request_headers = {"Content-Type": "application/json", "Host": host}
            request_headers.update(headers or {})
            if sign is not None:
                sign(method, full_path, query_string, request_headers, body or b"")
            self.stats.add("requests")
            if count_in:
                self.stats.add(count_in)
            try:
                response = self._exchange(method, url, request_headers, body)
            except _Cancelled:
                raise cancelled
            except _AnswerTooLarge:
                raise ModuleFailure(
                    "%s: the answer from %s is larger than %d bytes once decompressed, and was not read further. "
                    "Hint: lower page_size, or check endpoint" % (action or "Request failed", host, self.body_cap))
            except requests.exceptions.SSLError as error:
                if isinstance(self.verify, str):
                    hint = ("check that ca_path %s holds the CA certificate that signed the server's certificate, "
                            "as a valid PEM bundle" % self.verify)
                else:
                    hint = "set ca_path to the PEM bundle of the CA that signed the server's certificate"
                raise ModuleFailure("%s: the TLS connection to %s failed (%s). Hint: %s" % (
                    action or "Request failed", host, connection_reason(error, self.scrub), hint))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as error:
                # ChunkedEncodingError: the connection dropped in the middle of the answer's body.
                if attempt < max_retries and not is_unknown_host(error):
                    self._pause(attempt, None)
                    attempt += 1
                    continue
                hint = "check endpoint, iam_endpoint, the network and timeout"
                proxy = proxy_in_use(url, os.environ)
                if isinstance(error, requests.exceptions.ProxyError) and proxy:
                    # The hop that failed is the proxy, not the endpoint (which saw no request).
                    what = "could not get through the proxy %s (set by %s) to %s" % (proxy[1], proxy[0], host)
                    hint = ("check the proxy in %s, or add %s to NO_PROXY if it is reached directly" % (
                        proxy[0], urlsplit(url).hostname))
                elif isinstance(error, requests.exceptions.Timeout):
                    what = "%s did not answer within %s seconds" % (host, self.timeout)
                elif isinstance(error, requests.exceptions.ChunkedEncodingError):
                    what = "the answer from %s was cut short" % host
                elif url.startswith("http://") and re.search(r"RemoteDisconnected|BadStatusLine|Connection aborted",
                                                             str(error)):
                    what = "%s closed the connection without an HTTP answer" % host
                    hint = ("the server may speak HTTPS only: check the scheme of endpoint and iam_endpoint "
                            "(allow_insecure_http sends plain http://)")
                else:
                    what = "could not connect to %s" % host
                if proxy and what.startswith(("could not connect", "%s did not" % host)):
                    what += " through the proxy %s (set by %s)" % (proxy[1], proxy[0])
                raise ModuleFailure("%s: %s (%s) after %d %s. Hint: %s" % (
                    action or "Request failed", what, connection_reason(error, self.scrub), attempt,
                    "retry" if attempt == 1 else "retries", hint))
            except (requests.exceptions.RequestException, OSError, ValueError) as error:
                # Anything else requests can raise (a bad CA bundle is an OSError) is one line, not a traceback.
                reason = balanced(truncate(one_line(self.scrub(error)), 200))
                if isinstance(self.verify, str) and isinstance(error, OSError) and "certificate" in str(error).lower():
                    reason += ". Hint: check that ca_path %s is a valid PEM bundle of CA certificates" % self.verify
                raise ModuleFailure("%s: %s" % (action or "Request failed", reason))

            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 429:
                self.throttle.record()
            if status in RETRY_STATUS_CODES and attempt < max_retries:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
                response.close()
                self._pause(attempt, retry_after)
                attempt += 1
                continue
            raise api_error_from_response(response, action, status_hints, self.scrub)

    def _pause(self, attempt, retry_after):
        self.stats.add("retries")
        self.sleep(backoff_seconds(attempt, retry_after, self.jitter))
