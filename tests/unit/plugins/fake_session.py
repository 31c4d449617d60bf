"""Fakes for the unit tests of plugins/: a fake HTTP session and a small in-memory DRS + IAM."""

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
    """A handler that answers with these outcomes in order (a Response, or an exception to raise)."""
    remaining = list(outcomes)
    lock = threading.Lock()

    def handler(call):
        with lock:
            outcome = remaining.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return handler


PROJECT_ID = "0123456789abcdef0123456789abcdef"
REGION = "cn-north-4"


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


def make_jobs(count, status="COMMIT_SUCCESS", prefix="job"):
    return [{"async_job_id": "%s-%06d" % (prefix, index), "status": status, "domain_name": "demo-domain",
             "user_name": "demo-user", "create_time": "2024-01-30T10:%02d:%02dZ" % (index // 60 % 60, index % 60)}
            for index in range(count)]


class FakeDrs(object):
    """A tiny in-memory DRS + IAM behind FakeSession: enough to drive the module end to end."""

    def __init__(self, jobs=None, page_cap=1000, project_matches=1, token="iam-token-from-run-0001"):
        self.jobs = list(jobs or [])
        self.page_cap = page_cap
        self.project_matches = project_matches
        self.token = token
        self.tokens_issued = 0
        self.expire_next_drs_calls = 0
        self.faults = []  # list of (predicate(call), response) consumed once
        self.on_list = None  # hook(call) run on every list call, e.g. to move jobs along
        self.lock = threading.Lock()
        self.session = FakeSession(self.handle)

    @property
    def calls(self):
        return self.session.calls

    def drs_calls(self):
        return [call for call in self.calls if "/batch-async-jobs" in call.path]

    def take_fault(self, call):
        """The first fault whose predicate matches ``call`` (removed), raised when it is an exception; or None."""
        with self.lock:
            for index, (predicate, response) in enumerate(self.faults):
                if predicate(call):
                    del self.faults[index]
                    if isinstance(response, BaseException):
                        raise response
                    return response
        return None

    def handle(self, call):
        fault = self.take_fault(call)
        if fault is not None:
            return fault
        if call.path == "/v3/auth/tokens" and call.method == "POST":
            body = json.loads(call.data.decode("utf-8"))
            password = body["auth"]["identity"]["password"]["user"]["password"]
            if password != "right-password":
                return make_response(401, {"error": {"code": 401, "message": "The username or password is wrong."}})
            with self.lock:
                self.tokens_issued += 1
                token = "%s-%d" % (self.token, self.tokens_issued)
            return make_response(201, {"token": {"expires_at": "2099-01-01T00:00:00Z",
                                                 "project": {"id": PROJECT_ID, "name": REGION}}},
                                 headers={"X-Subject-Token": token})
        if call.path == "/v3/projects":
            projects = [{"id": "%s%d" % (PROJECT_ID[:-1], index), "name": call.query.get("name")}
                        for index in range(self.project_matches)]
            if self.project_matches == 1:
                projects[0]["id"] = PROJECT_ID
            return make_response(200, {"projects": projects})
        if call.path == "/v5/%s/batch-async-jobs" % PROJECT_ID:
            with self.lock:
                if self.expire_next_drs_calls:
                    self.expire_next_drs_calls -= 1
                    return make_response(401, {"error_code": "APIGW.0307", "error_msg": "The token must be updated."})
            if self.on_list is not None:
                self.on_list(call)
            return self.list_jobs(call)
        return make_response(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist."})

    def list_jobs(self, call):
        limit = int(call.query.get("limit", 10))
        offset = int(call.query.get("offset", 0))
        if limit > self.page_cap:
            return make_response(400, {"error_code": "DRS.M00211", "error_msg": "The page exceeds the upper limit."})
        matched = [job for job in self.jobs
                   if all(call.query.get(key) in (None, job.get(key))
                          for key in ("async_job_id", "status", "domain_name", "user_name"))]
        return make_response(200, {"total_count": len(matched), "jobs": matched[offset:offset + limit]})
