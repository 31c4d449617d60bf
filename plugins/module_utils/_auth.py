# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: how a request proves who sends it.

SDK-HMAC-SHA256 signing of each attempt with access keys (temporary ones too), byte for byte as the
official SDK signs, and the IAM calls: the password login, whose token is renewed once, and the project
lookup by region.

Private to this collection: the interface may change without notice.
"""

import hashlib
import hmac
import json
import threading
import time

from urllib.parse import unquote

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http import (
    parse_json,
    percent_encode,
)


# ----------------------------------------------------------------------------------------------------
# SDK-HMAC-SHA256 request signing, byte for byte as the official Huawei Cloud SDK does it.


ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def format_sdk_date(epoch_seconds=None):
    """The X-Sdk-Date value (UTC, second precision) for a moment, now by default."""
    return time.strftime(_DATE_FORMAT, time.gmtime(epoch_seconds))


def canonical_uri(path):
    """Each segment percent-encoded, with a trailing slash (only in the canonical form)."""
    encoded = "/".join(percent_encode(segment) for segment in unquote(path).split("/"))
    if not encoded.endswith("/"):
        encoded += "/"
    return encoded


def signed_header_names(headers):
    """Every header present at signing time whose name has no underscore, lower-cased and sorted."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_request(method, path, query_string, headers, body=b""):
    names = signed_header_names(headers)
    values = dict((name.lower(), str(value).strip()) for name, value in headers.items())
    canonical_headers = "".join("%s:%s\n" % (name, values[name]) for name in names)
    return "\n".join([
        method.upper(),
        canonical_uri(path),
        query_string,
        canonical_headers,
        ";".join(names),
        hashlib.sha256(body or b"").hexdigest(),
    ])


def sign_request(method, path, query_string, headers, body, access_key, secret_key):
    """Return the ``Authorization`` header value for a request.

    ``headers`` must already hold every header to be signed, including ``Host`` and ``X-Sdk-Date``;
    ``query_string`` is the output of :func:`canonical_query` and must be sent unchanged.
    """
    date = None
    for name, value in headers.items():
        if name.lower() == DATE_HEADER.lower():
            date = value
    if not date:
        raise ValueError("the %s header must be set before signing" % DATE_HEADER)
    request_text = canonical_request(method, path, query_string, headers, body)
    string_to_sign = "%s\n%s\n%s" % (ALGORITHM, date, hashlib.sha256(request_text.encode("utf-8")).hexdigest())
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed_header_names(headers)), signature)


class AccessKeySigner(object):
    """Signs each attempt of a request afresh: X-Sdk-Date must be within 15 minutes of the server's clock."""

    def __init__(self, access_key, secret_key, security_token=None, clock=time.time):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.clock = clock

    def sign(self, method, path, query_string, headers, body):
        """Add X-Sdk-Date, X-Security-Token (temporary keys) and Authorization to ``headers``."""
        headers[DATE_HEADER] = format_sdk_date(self.clock())
        if self.security_token:
            headers["X-Security-Token"] = self.security_token
        headers["Authorization"] = sign_request(method, path, query_string, headers, body, self.access_key,
                                                self.secret_key)


# ----------------------------------------------------------------------------------------------------
# The IAM calls a run may need: a token for a user's password, and the project id of a region.


_LOGIN_HINT = "IAM refused the password login: check iam_user_name, iam_password, iam_domain_name and region"
_NOT_IAM_HINT = "nothing answers at this path of iam_endpoint: check iam_endpoint and region"
# The gateway's "no such API" comes from IAM here: it is iam_endpoint that is wrong, not endpoint.
_LOGIN_HINTS = {400: _LOGIN_HINT, 401: _LOGIN_HINT, 403: _LOGIN_HINT, 404: _NOT_IAM_HINT, "APIGW.0101": _NOT_IAM_HINT}
_LOOKUP_HINTS = {
    401: "IAM did not accept the credentials: check them, or set project_id",
    403: "the credentials may not list IAM projects: set project_id",
    404: _NOT_IAM_HINT,
    "APIGW.0101": _NOT_IAM_HINT,
}
# Every request to IAM also counts in this request_stats entry.
IAM_CALLS = "iam_calls"


class PasswordLogin(object):
    """An IAM token obtained with a user's password, scoped to a project; fetched when first needed."""

    def __init__(self, transport, iam_endpoint, user_name, password, domain_name, project_name=None,
                 project_id=None):
        self.transport = transport
        self.iam_endpoint = iam_endpoint
        self.user_name = user_name
        self.password = password
        self.domain_name = domain_name
        self.project_name = project_name
        self.project_id = project_id
        self.token = None
        # Every token this login obtained, so that all of them can be kept out of the output.
        self.tokens_issued = []
        self._lock = threading.Lock()

    def _login(self):
        scope = {"id": self.project_id} if self.project_id else {"name": self.project_name}
        body = json.dumps({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.user_name, "password": self.password, "domain": {"name": self.domain_name}}}},
            "scope": {"project": scope}}}).encode("utf-8")
        response = self.transport.send("POST", self.iam_endpoint, "/v3/auth/tokens", query={"nocatalog": "true"},
                                       body=body, action="Getting an IAM token", count_in=IAM_CALLS,
                                       status_hints=_LOGIN_HINTS)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise ModuleFailure("Getting an IAM token: the answer carried no X-Subject-Token header. Hint: check "
                                "iam_endpoint")
        # Known as a secret before anything else of the answer is read: a later message may echo it.
        self.transport.secrets.add(token)
        self.tokens_issued.append(token)
        payload = parse_json(response, "Getting an IAM token", self.transport.scrub, "iam_endpoint")
        token_body = payload.get("token") if isinstance(payload, dict) else None
        project = token_body.get("project") if isinstance(token_body, dict) else None
        project = project if isinstance(project, dict) else {}
        self.token = token
        if not self.project_id and isinstance(project.get("id"), str) and project["id"]:
            self.project_id = project["id"]

    def current_token(self):
        """The token, logging in first when there is none yet."""
        with self._lock:
            if self.token is None:
                self._login()
            return self.token

    def renew(self, expired_token):
        """Log in again, unless another thread already replaced ``expired_token``; return the new token."""
        with self._lock:
            # Concurrent pages may all see the expiry; only the first renews.
            if self.token == expired_token:
                self._login()
            return self.token


def lookup_project_id(transport, iam_endpoint, region, headers=None, sign=None):
    """The id of the one IAM project named after the region; zero or several is an error saying so."""
    response = transport.send("GET", iam_endpoint, "/v3/projects", query={"name": region}, headers=headers,
                              sign=sign, action="Looking up the project of region %s at IAM" % region,
                              count_in=IAM_CALLS, status_hints=_LOOKUP_HINTS)
    payload = parse_json(response, "Looking up the project at IAM", transport.scrub, "iam_endpoint")
    listed = payload.get("projects") if isinstance(payload, dict) else None
    projects = [project for project in (listed if isinstance(listed, list) else [])
                if isinstance(project, dict) and project.get("name") == region]
    if not projects:
        raise ModuleFailure(
            "No IAM project named %s is visible to these credentials. Hint: check region, or set project_id" % region)
    if len(projects) > 1:
        raise ModuleFailure(
            "%d IAM projects are named %s (%s). Hint: set project_id to the one to use" % (
                len(projects), region, ", ".join(str(project.get("id")) for project in projects)))
    project_id = projects[0].get("id")
    if not isinstance(project_id, str) or not project_id:
        raise ModuleFailure("The IAM project named %s has no usable id. Hint: set project_id" % region)
    return project_id
