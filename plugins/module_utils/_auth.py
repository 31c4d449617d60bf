# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: how a request proves who sends it, one class per credential kind.

SDK-HMAC-SHA256 signing of each attempt with access keys (temporary ones too), byte for byte as the
official SDK signs; the credential kinds (CREDENTIAL_KINDS: access keys from the task, the environment, the
SDK's credentials file or a KooCLI profile, a token, an IAM password login, ECS metadata keys) and an agency
assumed on top of any of them, each authorising a request and renewing itself before it expires; and the
project lookup by region.

Private to this collection: the interface may change without notice.
"""

import calendar
import hashlib
import hmac
import json
import threading
import time

from urllib.parse import unquote

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
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


# What the API gateway and DRS answer when a token has expired (a token lives 24 hours).
TOKEN_EXPIRED_CODES = frozenset(("APIGW.0307", "DRS.M00100"))


class Credential(object):
    """One credential kind: authorises each attempt of a request, and renews itself when it can.

    ``authoriser()`` returns the ``sign(method, path, query_string, headers, body)`` function the transport calls
    for each attempt; ``renew_after(error, authoriser)`` the one to send again with after ``error``, or None.
    """

    # Requests signed with access keys carry X-Project-Id.
    signs_with_keys = False

    def __init__(self, description):
        self.description = description
        self.renewals = 0

    def authoriser(self):
        raise NotImplementedError

    def renew_after(self, error, authoriser):  # pylint: disable=unused-argument
        return None

    def known_project_id(self):
        """The project the credential itself names (a token's scope), else None."""
        return None

    def describe(self):
        """What the result's credential_source says: where the credentials came from, never a value."""
        if not self.renewals:
            return self.description
        return "%s, renewed %d time%s" % (self.description, self.renewals, "" if self.renewals == 1 else "s")


def send_authorised(credential, transport, method, base_url, path, **kwargs):
    """Send a request authorised by ``credential``; once more, renewed, when the credential says it can."""
    authoriser = credential.authoriser()
    try:
        return transport.send(method, base_url, path, sign=authoriser, **kwargs)
    except ApiError as error:
        renewed = credential.renew_after(error, authoriser)
        if renewed is None:
            raise
        return transport.send(method, base_url, path, sign=renewed, **kwargs)


class _TokenHeader(object):
    """Authorises an attempt with one token, sent as X-Auth-Token."""

    def __init__(self, token):
        self.token = token

    def __call__(self, method, path, query_string, headers, body):
        headers["X-Auth-Token"] = self.token


class AccessKeys(Credential):
    """Access keys (temporary ones with their security token) given in the task options or the environment."""

    signs_with_keys = True

    def __init__(self, access_key, secret_key, security_token=None, clock=time.time, description="access keys"):
        super(AccessKeys, self).__init__(description)
        self.signer = AccessKeySigner(access_key, secret_key, security_token, clock=clock)

    @classmethod
    def from_settings(cls, settings, transport, clock, metadata_transport=None):
        values = settings.credentials.values
        return cls(values["access_key"], values["secret_key"], values.get("security_token"), clock=clock,
                   description=settings.credentials.description)

    def authoriser(self):
        return self.signer.sign


class CredentialsFileKeys(AccessKeys):
    """Access keys from the official SDK's credentials file (``[basic]`` ak, sk, security_token)."""


class KooCliProfileKeys(AccessKeys):
    """Access keys from a KooCLI profile: an AKSK profile, or the STS token of an SSO login."""


class StaticToken(Credential):
    """A token the user gave: sent as it is, never renewed (it is not ours to renew)."""

    def __init__(self, token, description="token"):
        super(StaticToken, self).__init__(description)
        self.token = token

    @classmethod
    def from_settings(cls, settings, transport, clock, metadata_transport=None):
        return cls(settings.credentials.values["auth_token"], settings.credentials.description)

    def authoriser(self):
        return _TokenHeader(self.token)


class PasswordLogin(Credential):
    """An IAM token obtained with a user's password, scoped to a project; fetched when first needed."""

    def __init__(self, transport, iam_endpoint, user_name, password, domain_name, project_name=None,
                 project_id=None, description="IAM password login"):
        super(PasswordLogin, self).__init__(description)
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
        if self.token is not None:
            self.renewals += 1
        self.token = token
        if not self.project_id and isinstance(project.get("id"), str) and project["id"]:
            self.project_id = project["id"]

    @classmethod
    def from_settings(cls, settings, transport, clock, metadata_transport=None):
        values = settings.credentials.values
        return cls(transport, settings.iam_endpoint, values["iam_user_name"], values["iam_password"],
                   values["iam_domain_name"], project_name=settings.region, project_id=settings.project_id,
                   description=settings.credentials.description)

    def authoriser(self):
        return _TokenHeader(self.current_token())

    def renew_after(self, error, authoriser):
        # A token the module obtained is renewed once when the service says it expired.
        if error.error_code not in TOKEN_EXPIRED_CODES:
            return None
        return _TokenHeader(self.renew(authoriser.token))

    def known_project_id(self):
        # The token's scope names the project: log in now rather than at the first DRS call.
        self.current_token()
        if not self.project_id:
            raise ModuleFailure("The IAM token names no project. Hint: set project_id")
        return self.project_id

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


# ----------------------------------------------------------------------------------------------------
# Temporary keys that expire and are fetched again: from the ECS metadata service, or by assuming an agency.


# The official SDK fetches metadata keys again when less than 40 minutes remain; keys that live shorter are
# fetched again once a third of their life remains, so that a request signed just before never meets the expiry.
RENEW_MARGIN_SECONDS = 40 * 60
_EXPIRES_AT_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")


def parse_expires_at(value):
    """An ``expires_at`` text (UTC, as IAM and the metadata service write it) as epoch seconds, or None."""
    if not isinstance(value, str):
        return None
    for form in _EXPIRES_AT_FORMATS:
        try:
            return calendar.timegm(time.strptime(value.strip(), form))
        except ValueError:
            continue
    return None


def temporary_keys_from(payload, action, secrets, hint):
    """``(access, secret, securitytoken, expires_at)`` of a ``{"credential": {...}}`` answer.

    The secrets are registered before anything of the answer is checked: a message about it must not show them.
    """
    credential = payload.get("credential") if isinstance(payload, dict) else None
    credential = credential if isinstance(credential, dict) else {}
    fields = [credential.get(name) for name in ("access", "secret", "securitytoken")]
    secrets.add(*[field for field in fields if isinstance(field, str)])
    if not all(isinstance(field, str) and field.strip() for field in fields):
        raise ModuleFailure("%s: the answer holds no credential with access, secret and securitytoken. Hint: %s" % (
            action, hint))
    expires_at = parse_expires_at(credential.get("expires_at"))
    if expires_at is None:
        raise ModuleFailure("%s: the answer's expires_at is missing or not a UTC time. Hint: %s" % (action, hint))
    return [field.strip() for field in fields] + [expires_at]


class TemporaryKeys(Credential):
    """Keys that expire: fetched when first needed, and again before they expire (also in a long wait).

    ``fetch()`` returns ``(access, secret, securitytoken, expires_at)``. Safe from several threads.
    """

    signs_with_keys = True
    fetch_action = "Getting temporary keys"

    def __init__(self, description, clock=time.time):
        super(TemporaryKeys, self).__init__(description)
        self.clock = clock
        self.signer = None
        self.renew_at = None
        self._lock = threading.Lock()

    def fetch(self):
        raise NotImplementedError

    def _refresh(self):
        access, secret, token, expires_at = self.fetch()
        now = self.clock()
        if expires_at <= now:
            raise ModuleFailure("%s: the keys handed out expired already (%d seconds ago). Hint: check this machine's "
                                "clock" % (self.fetch_action, now - expires_at))
        if self.signer is not None:
            self.renewals += 1
        self.signer = AccessKeySigner(access, secret, token, clock=self.clock)
        self.renew_at = expires_at - min(RENEW_MARGIN_SECONDS, (expires_at - now) / 3.0)

    def authoriser(self):
        with self._lock:
            if self.signer is None or self.clock() >= self.renew_at:
                self._refresh()
            return self.signer.sign

    def renew_after(self, error, authoriser):
        # Keys the service no longer takes (revoked, or a clock that runs late) are fetched again once.
        if error.status_code != 401:
            return None
        with self._lock:
            if self.signer is not None and authoriser == self.signer.sign:
                self._refresh()
            return self.signer.sign


METADATA_TOKEN_PATH = "/meta-data/latest/api/token"
METADATA_KEYS_PATH = "/openstack/latest/securitykey"
METADATA_TOKEN_TTL = "21600"
# The official SDK's timeouts: an ECS answers at once, anything else is no ECS.
METADATA_TIMEOUT_SECONDS = 3
_NO_AGENCY = "Please configure Cloud Service Agency first"
_METADATA_HINT = ("the metadata service answers only on a Huawei Cloud ECS or BMS: check ecs_metadata_url, or turn "
                  "ecs_metadata off and give credentials")


class EcsMetadataKeys(TemporaryKeys):
    """The temporary keys of the agency bound to this ECS/BMS, from its metadata service, as the SDK gets them:
    a session token (PUT), then the keys (GET with X-Metadata-Token); an old service without the token API
    (404, 405, 503 on the PUT) is asked without one."""

    fetch_action = "Getting the agency's keys from the ECS metadata service"

    def __init__(self, transport, url, clock=time.time, description="ECS metadata (agency)"):
        super(EcsMetadataKeys, self).__init__(description, clock)
        self.transport = transport
        self.url = url
        self.metadata_token = None
        self.asked_for_token = False

    @classmethod
    def from_settings(cls, settings, transport, clock, metadata_transport=None):
        return cls(metadata_transport, settings.metadata_url, clock, settings.credentials.description)

    def _send(self, method, path, headers, action):
        try:
            return self.transport.send(method, self.url, path, headers=headers, action=action, retry=method == "GET")
        except ApiError:
            raise
        except ModuleFailure as failure:
            # A connection that fails: the transport's hint names the DRS endpoints, not this one.
            raise ModuleFailure("%s. Hint: %s" % (failure.msg.split(". Hint: ", 1)[0], _METADATA_HINT))

    def _new_metadata_token(self):
        self.asked_for_token = True
        try:
            answer = self._send("PUT", METADATA_TOKEN_PATH, {"X-Metadata-Token-Ttl-Seconds": METADATA_TOKEN_TTL},
                                "Getting an ECS metadata session token")
        except ApiError as error:
            if error.status_code in (404, 405, 503):
                return None
            raise
        token = answer.text.strip()
        self.transport.secrets.add(token)
        return token or None

    def _get_keys(self):
        headers = {"X-Metadata-Token": self.metadata_token} if self.metadata_token else {}
        return self._send("GET", METADATA_KEYS_PATH, headers, self.fetch_action)

    def fetch(self):
        if self.metadata_token is None and not self.asked_for_token:
            self.metadata_token = self._new_metadata_token()
        try:
            answer = self._get_keys()
        except ApiError as error:
            if error.status_code != 401:
                raise
            if _NO_AGENCY in (getattr(error, "body_text", None) or "") or _NO_AGENCY in error.msg:
                raise ModuleFailure("This ECS has no agency: its metadata service answered HTTP 401 \"%s\". Hint: "
                                    "bind an agency that may use DRS to the ECS (console: the ECS, Management "
                                    "Information, Agency), or give other credentials" % _NO_AGENCY,
                                    status_code=401)
            # The session token expired: one new token, one more try.
            self.metadata_token = self._new_metadata_token()
            answer = self._get_keys()
        payload = parse_json(answer, self.fetch_action, self.transport.scrub, "ecs_metadata_url")
        return temporary_keys_from(payload, self.fetch_action, self.transport.secrets, _METADATA_HINT)


ASSUME_PATH = "/v3.0/OS-CREDENTIAL/securitytokens"
_ASSUME_HINTS = {
    400: "check assume_agency_name, assume_agency_domain_name and assume_agency_duration",
    401: "IAM did not accept the base credentials that assume the agency",
    403: "the base credentials may not assume this agency: check the agency's trust (delegated account) and "
         "assume_agency_domain_name",
    404: "no such agency, or nothing answers at this path of iam_endpoint: check assume_agency_name and "
         "iam_endpoint",
}


class AssumedAgency(TemporaryKeys):
    """An agency assumed with any base credential (IAM POST /v3.0/OS-CREDENTIAL/securitytokens, method
    assume_role): its temporary keys sign the DRS calls, and are fetched again before they expire."""

    fetch_action = "Assuming the IAM agency"

    def __init__(self, base, transport, iam_endpoint, agency, clock=time.time):
        super(AssumedAgency, self).__init__("agency %s of domain %s" % (agency.agency_name, agency.domain_name), clock)
        self.base = base
        self.transport = transport
        self.iam_endpoint = iam_endpoint
        self.agency = agency

    def describe(self):
        return "%s assumed with %s" % (super(AssumedAgency, self).describe(), self.base.describe())

    def fetch(self):
        assume_role = {"agency_name": self.agency.agency_name, "domain_name": self.agency.domain_name}
        if self.agency.duration_seconds:
            assume_role["duration_seconds"] = self.agency.duration_seconds
        body = json.dumps({"auth": {"identity": {"methods": ["assume_role"], "assume_role": assume_role}}})
        action = "%s %s of domain %s" % (self.fetch_action, self.agency.agency_name, self.agency.domain_name)
        response = send_authorised(self.base, self.transport, "POST", self.iam_endpoint, ASSUME_PATH,
                                   body=body.encode("utf-8"), action=action, count_in=IAM_CALLS,
                                   status_hints=_ASSUME_HINTS)
        payload = parse_json(response, action, self.transport.scrub, "iam_endpoint")
        return temporary_keys_from(payload, action, self.transport.secrets, "check iam_endpoint")


# The chooser: which class builds the credential of each kind _settings picks.
CREDENTIAL_KINDS = {
    "token": StaticToken,
    "access_keys": AccessKeys,
    "password": PasswordLogin,
    "credentials_file": CredentialsFileKeys,
    "koocli_profile": KooCliProfileKeys,
    "ecs_metadata": EcsMetadataKeys,
}


def build_credential(settings, transport, clock=time.time, metadata_transport=None):
    """The credential of ``settings`` (ConnectionSettings), with its agency assumed on top when one is named."""
    credential = CREDENTIAL_KINDS[settings.credentials.kind].from_settings(settings, transport, clock,
                                                                           metadata_transport)
    if settings.agency is not None:
        if isinstance(credential, PasswordLogin):
            # project_id names the agency's project, in another account: the login is scoped by region name.
            credential.project_id = None
        credential = AssumedAgency(credential, transport, settings.iam_endpoint, settings.agency, clock)
    return credential
