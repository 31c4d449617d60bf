"""A fake ``requests`` session that answers what a test scripted, for tests of one layer that need exact or odd
answers (the transport, IAM's odd bodies, a hostile server). It is no DRS: tests of DRS's behaviour run against
the emulator (drs_service.py)."""

import json
import threading
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict


def make_response(status=200, body=None, headers=None, text=None, url="https://drs.example.invalid/"):
    """A real requests.Response, so the code under test sees exactly what requests hands it."""
    response = requests.Response()
    response.status_code = status
    all_headers = CaseInsensitiveDict(headers or {})
    if body is not None:
        response._content = json.dumps(body).encode("utf-8")
        all_headers.setdefault("Content-Type", "application/json")
    elif text is not None:
        response._content = text.encode("utf-8")
    else:
        response._content = b""
    all_headers.setdefault("X-Request-Id", "req-%d" % status)
    response.headers = all_headers
    response.encoding = "utf-8"
    response._content_consumed = True
    response.url = url
    return response


class Call(object):
    """One request as the code under test made it; ``response``: the answer, where a real session recorded it."""

    def __init__(self, method, url, headers, data, kwargs):
        self.method = method
        self.url = url
        parts = urlsplit(url)
        self.path = parts.path
        self.host = parts.netloc
        self.query_string = parts.query
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = CaseInsensitiveDict(headers)
        self.data = data
        self.kwargs = kwargs
        self.response = None


class FakeSession(object):
    """Stands in for requests.Session: ``handler(call)`` returns a Response or raises a requests exception."""

    def __init__(self, handler):
        self.handler = handler
        self.calls = []
        self.mounted = {}
        self.closed = False
        self.max_redirects = 30
        self._lock = threading.Lock()

    def mount(self, prefix, adapter):
        self.mounted[prefix] = adapter

    def close(self):
        self.closed = True

    def request(self, method, url, headers=None, data=None, **kwargs):
        call = Call(method, url, dict(headers or {}), data, kwargs)
        with self._lock:
            self.calls.append(call)
        return self.handler(call)


def script(*outcomes):
    """A handler that answers with these outcomes in order (a Response, or an exception to raise); a request
    past the last one fails the test."""
    remaining = list(outcomes)
    lock = threading.Lock()

    def handler(call):
        with lock:
            if not remaining:
                raise AssertionError("no scripted answer left for %s %s" % (call.method, call.url))
            outcome = remaining.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return handler


# The project and region of scripted answers.
PROJECT_ID = "0123456789abcdef0123456789abcdef"
REGION = "cn-north-4"
# Module options for a scripted session: endpoints where nothing listens, credentials nothing checks.
ENDPOINTS = {"region": REGION, "endpoint": "https://drs.test:8443", "iam_endpoint": "https://iam.test:8443"}
AK_SK = dict(ENDPOINTS, access_key="AKMODULETEST", secret_key="sk-module-secret-000")
PASSWORD = dict(ENDPOINTS, iam_user_name="demo-user", iam_password="right-password", iam_domain_name="demo-domain")


def token_answer(token, project_id=PROJECT_ID):
    """IAM's answer to a password login: 201, the token in X-Subject-Token, its project in the body."""
    return make_response(201, {"token": {"expires_at": "2099-01-01T00:00:00Z",
                                         "project": {"id": project_id, "name": REGION}}},
                         headers={"X-Subject-Token": token})


def jobs_answer(jobs, total_count=None):
    """A page of the list call holding ``jobs`` (``total_count``: their number unless given)."""
    return make_response(200, {"total_count": len(jobs) if total_count is None else total_count, "jobs": jobs})


def send_in_background(send, failure_type):
    """Run ``send()`` on a thread; return the thread and the list that receives its failure's message."""
    messages = []

    def run():
        try:
            send()
        except failure_type as failure:
            messages.append(failure.msg)

    sender = threading.Thread(target=run)
    sender.start()
    return sender, messages
