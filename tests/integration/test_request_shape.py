"""What exactly goes over the wire: a recording server stands in for DRS and keeps every request.

The emulator checks what it needs to answer; this checks what the contract promises on top:
options are passed as given, unset ones are not sent, X-Language and Content-Type on every request,
filters percent-encoded, redirects never followed.
"""

import http.server
import json
import urllib.parse

import pytest

from local_servers import serving
from support.ansible_runner import MODULE

PROJECT = "0123456789abcdef0123456789abcdef"
TOKEN = "MIIrecorder-token-value-0123456789"
JOBS = [{"async_job_id": "job-%d" % index, "status": "COMMIT_SUCCESS", "domain_name": "d", "user_name": "u",
         "create_time": "2026-11-27T09:%02d:00Z" % (59 - index)} for index in range(25)]


class Recorder(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer):
        self.requests = []
        self.answer = answer
        super().__init__(("127.0.0.1", 0), RecordingHandler)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        path, _sep, query = self.path.partition("?")
        record = {"method": "GET", "path": path, "raw_query": query,
                  "query": urllib.parse.parse_qsl(query, keep_blank_values=True),
                  "headers": {key.lower(): value for key, value in self.headers.items()}}
        self.server.requests.append(record)
        status, headers, body = self.server.answer(record)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def list_answer(record):
    query = dict(record["query"])
    offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
    body = json.dumps({"total_count": len(JOBS), "jobs": JOBS[offset:offset + limit]}).encode()
    return 200, {"Content-Type": "application/json", "X-Request-Id": "rec-1"}, body


def recorder(answer=list_answer):
    return serving(Recorder(answer))


def run_module(ansible, server, **options):
    args = {"endpoint": server.url, "project_id": PROJECT, "auth_token": TOKEN, "region": "cn-north-4",
            "allow_insecure_http": True}
    args.update(options)
    return ansible.play([{"name": "list", MODULE: args, "register": "result", "ignore_errors": True}])


def test_unset_options_are_not_sent_and_headers_are_always_there(ansible):
    with recorder() as server:
        run = run_module(ansible, server)
    result = run.task("list")
    assert not result.get("failed"), result
    assert len(result["jobs"]) == 25
    assert server.requests, "the module sent nothing"
    for request in server.requests:
        assert request["path"] == "/v5/%s/batch-async-jobs" % PROJECT
        keys = [key for key, _value in request["query"]]
        assert not {"async_job_id", "status", "domain_name", "user_name"} & set(keys), keys
        assert len(keys) == len(set(keys)), keys
        headers = request["headers"]
        assert headers["content-type"].startswith("application/json")
        assert headers["x-language"] == "en-us"
        assert headers["x-auth-token"] == TOKEN
        assert "authorization" not in headers


def test_options_are_sent_as_given_and_encoded(ansible):
    with recorder() as server:
        run = run_module(ansible, server, async_job_id="id-1", status="COMMIT_SUCCESS", domain_name="tenant blue",
                         user_name="a b/c~d@e", sort_key="create_time", sort_dir="asc", offset=3, limit=4,
                         language="zh-cn")
    assert not run.task("list").get("failed"), run.task("list")
    request = server.requests[0]
    query = dict(request["query"])
    assert query["async_job_id"] == "id-1"
    assert query["status"] == "COMMIT_SUCCESS"
    assert query["domain_name"] == "tenant blue"
    assert query["user_name"] == "a b/c~d@e"
    assert query["sort_key"] == "create_time"
    assert query["sort_dir"] == "asc"
    assert query["offset"] == "3"
    assert query["limit"] == "4"
    # Encoded as the signer's canonical query: space as %20 (never '+'), '/' and '@' escaped, '~' kept.
    assert "user_name=a%20b%2Fc~d%40e" in request["raw_query"], request["raw_query"]
    assert request["headers"]["x-language"] == "zh-cn"


# requests never follows (allow_redirects=False) whatever the 3xx; one that keeps the method and one that may not.
@pytest.mark.parametrize("status", [302, 307])
def test_redirects_are_refused_not_followed(ansible, status):
    with recorder() as elsewhere:
        def redirect(record):
            return status, {"Location": elsewhere.url + "/v5/stolen", "X-Request-Id": "rec-2"}, b""

        with recorder(redirect) as server:
            run = run_module(ansible, server)
    result = run.task("list")
    assert result.get("failed"), result
    assert "redirect" in result["msg"].lower(), result["msg"]
    assert str(status) in result["msg"]
    assert len(server.requests) == 1, "a redirect must not be retried"
    assert elsewhere.requests == [], "the module followed a redirect to another host"
    assert TOKEN not in run.output
