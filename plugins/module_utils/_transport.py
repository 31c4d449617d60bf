# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP session per module run: explicit timeouts, bounded retries, no redirects, API errors raised.

Private to this collection: the interface may change without notice.
"""

import threading
import time
import traceback

from urllib.parse import urlsplit

from ansible_collections.hwcloud.drs.plugins.module_utils._connection_errors import balanced, connection_reason
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure, one_line, truncate
from ansible_collections.hwcloud.drs.plugins.module_utils._request_stats import RequestStats
from ansible_collections.hwcloud.drs.plugins.module_utils._responses import Answer, api_error_from_response
from ansible_collections.hwcloud.drs.plugins.module_utils._retry_policy import (
    RETRY_STATUS_CODES,
    backoff_seconds,
    is_unknown_host,
    parse_retry_after,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._secrets import Secrets
from ansible_collections.hwcloud.drs.plugins.module_utils._signer import canonical_query

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
                 sleep=None, clock=time.time, jitter=None, secrets=None, body_cap=BODY_CAP_BYTES):
        self.body_cap = body_cap
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
        """Send one logical request and return the final ``requests`` response.

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
                if isinstance(error, requests.exceptions.Timeout):
                    what = "%s did not answer within %s seconds" % (host, self.timeout)
                elif isinstance(error, requests.exceptions.ChunkedEncodingError):
                    what = "the answer from %s was cut short" % host
                else:
                    what = "could not connect to %s" % host
                raise ModuleFailure(
                    "%s: %s (%s) after %d %s. Hint: check endpoint, iam_endpoint, the network and timeout" % (
                        action or "Request failed", what, connection_reason(error, self.scrub), attempt,
                        "retry" if attempt == 1 else "retries"))
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
                self.stats.add("throttled")
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
