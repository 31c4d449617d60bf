"""Temporary keys: the ECS metadata service (session token PUT, then the agency's keys) and IAM's assume_role.

Both hand out keys that live a configurable time (``--metadata-key-ttl-seconds``, ``--assumed-key-ttl-seconds``):
the emulator accepts a signature made with them until they expire, then answers 401 as API Gateway does.
``--metadata-mode`` shapes the metadata service: ``agency`` (the default), ``no-agency`` (401 "Please configure
Cloud Service Agency first"), ``no-token-api`` (an old service: 404 on the PUT, keys without a token) and
``expired`` (keys that expired already).
"""

import json
import secrets
import time

from drs_emulator import config
from drs_emulator.errors import ApiError

MODES = ("agency", "no-agency", "no-token-api", "expired")
NO_AGENCY_TEXT = "Please configure Cloud Service Agency first"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000000Z"


def issue_temporary_keys(emulator, lifetime):
    """New access keys with a security token, accepted for ``lifetime`` seconds: the answer's ``credential``."""
    access = "TMP" + secrets.token_hex(10).upper()
    secret = secrets.token_urlsafe(30)
    token = "gQ" + secrets.token_urlsafe(600)
    expires_at = emulator.server_time() + lifetime
    with emulator.temporary_keys_lock:
        emulator.credentials[access] = (secret, token)
        emulator.temporary_keys_expiry[access] = expires_at
        emulator.temporary_keys_issued.append({"access": access, "secret": secret, "securitytoken": token})
    return {"access": access, "secret": secret, "securitytoken": token,
            "expires_at": time.strftime(_TIME_FORMAT, time.gmtime(expires_at))}


def _plain(status, text):
    return status, text, {"Content-Type": "text/plain"}


def create_token(emulator, request):
    """PUT /meta-data/latest/api/token: a session token for the metadata calls."""
    if emulator.arguments.metadata_mode == "no-token-api":
        return _plain(404, "404 Not Found")
    ttl = request.header("X-Metadata-Token-Ttl-Seconds")
    if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
        return _plain(400, "X-Metadata-Token-Ttl-Seconds must be between 1 and 21600")
    token = "AQ" + secrets.token_urlsafe(40)
    with emulator.temporary_keys_lock:
        emulator.metadata_tokens[token] = emulator.server_time() + int(ttl)
    return _plain(200, token)


def security_key(emulator, request):
    """GET /openstack/latest/securitykey: the agency's temporary keys."""
    mode = emulator.arguments.metadata_mode
    if mode != "no-token-api":
        token = request.header("X-Metadata-Token")
        with emulator.temporary_keys_lock:
            valid = token is not None and emulator.metadata_tokens.get(token, 0) > emulator.server_time()
        if not valid:
            return _plain(401, "401 Unauthorized: the metadata token is missing or expired")
    if mode == "no-agency":
        return _plain(401, NO_AGENCY_TEXT)
    lifetime = emulator.arguments.metadata_key_ttl_seconds if mode != "expired" else -60
    return 200, json.dumps({"credential": issue_temporary_keys(emulator, lifetime)}), {}


def assume_role(emulator, request):
    """POST /v3.0/OS-CREDENTIAL/securitytokens with the assume_role method, authorised by the base credentials."""
    emulator.authenticate(request)
    try:
        identity = json.loads(request.body.decode("utf-8"))["auth"]["identity"]
        assume = identity["assume_role"]
        methods, agency, domain = identity["methods"], assume["agency_name"], assume["domain_name"]
        duration = int(assume.get("duration_seconds", 900))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ApiError(400, "IAM.0011", "Request body is invalid: auth.identity.assume_role needs agency_name and "
                                        "domain_name.") from None
    if methods != ["assume_role"] or not 900 <= duration <= 86400:
        raise ApiError(400, "IAM.0011", "Request body is invalid: methods must be [\"assume_role\"] and "
                                        "duration_seconds between 900 and 86400.")
    if (agency, domain) != (config.AGENCY_NAME, config.AGENCY_DOMAIN_NAME):
        raise ApiError(404, "IAM.0004", "The agency %s of domain %s does not exist or may not be assumed." % (
            agency[:64], domain[:64]))
    lifetime = emulator.arguments.assumed_key_ttl_seconds or duration
    return 201, json.dumps({"credential": issue_temporary_keys(emulator, min(lifetime, duration))}), {}
