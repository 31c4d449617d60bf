"""A small API client for the emulator's tests, with its own signer (independent of drs_emulator.signing)."""

import datetime
import hashlib
import hmac
from urllib.parse import quote, urlsplit

import requests


def _encode(value):
    return quote(str(value), safe="~")


def sign_headers(method, url, params, headers, body, access_key, secret_key, sdk_date=None):
    """Sign like the official SDK, written from the API notes (independent of drs_emulator.signing).

    Returns (query string to send, headers with Authorization).
    """
    parts = urlsplit(url)
    headers = dict(headers)
    headers.setdefault("X-Sdk-Date", sdk_date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    headers.setdefault("Host", parts.netloc)
    signed = sorted(name.lower() for name in headers if "_" not in name)
    lowered = {name.lower(): str(value).strip() for name, value in headers.items()}
    canonical_uri = "/".join(_encode(segment) for segment in parts.path.split("/"))
    if not canonical_uri.endswith("/"):
        canonical_uri += "/"
    query = "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in sorted((k, str(v)) for k, v in params))
    canonical = "\n".join([
        method, canonical_uri, query, "".join("%s:%s\n" % (name, lowered[name]) for name in signed),
        ";".join(signed), hashlib.sha256(body).hexdigest(),
    ])
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (headers["X-Sdk-Date"], hashlib.sha256(canonical.encode()).hexdigest())
    signature = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (
        access_key, ";".join(signed), signature)
    return query, headers


class Client:
    """Talks to the emulator the way the collection will: requests, TLS verified with the printed CA."""

    def __init__(self, state):
        self.state = state
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = state["ca_path"] or True

    def list_path(self, project_id=None):
        return "/v5/%s/batch-async-jobs" % (project_id or self.state["project_id"])

    def signed(self, method, path, params=(), headers=None, body=b"", access_key=None, secret_key=None,
               security_token=None, sdk_date=None, content_type="application/json", **kwargs):
        headers = dict(headers or {})
        if content_type:
            headers.setdefault("Content-Type", content_type)
        if security_token:
            headers["X-Security-Token"] = security_token
        url = self.state["url"] + path
        query, headers = sign_headers(method, url, list(params), headers, body, access_key or self.state["access_key"],
                                      secret_key or self.state["secret_key"], sdk_date)
        return self.session.request(method, url + ("?" + query if query else ""), headers=headers, data=body,
                                    allow_redirects=False, timeout=30, **kwargs)

    def with_token(self, method, path, params=None, token=None, content_type="application/json", **kwargs):
        headers = {"X-Auth-Token": token or self.state["auth_token"]}
        if content_type:
            headers["Content-Type"] = content_type
        return self.session.request(method, self.state["url"] + path, params=params, headers=headers,
                                    allow_redirects=False, timeout=30, **kwargs)

    def list_jobs(self, **params):
        return self.signed("GET", self.list_path(), sorted(params.items()))

    def token(self, project=None, password=None):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": self.state["iam_user_name"], "password": password or self.state["iam_password"],
            "domain": {"name": self.state["iam_domain_name"]}}}},
            "scope": {"project": project or {"name": self.state["region"]}}}}
        return self.session.post(self.state["url"] + "/v3/auth/tokens", json=body, timeout=30, allow_redirects=False)


def assert_error(response, status, error_code, text=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error_code", "error_msg"}
    assert body["error_code"] == error_code, body
    assert response.headers.get("X-Request-Id")
    if text is not None:
        assert text in body["error_msg"]
    return body
