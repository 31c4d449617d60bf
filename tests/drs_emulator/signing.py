"""Server-side verification of SDK-HMAC-SHA256 signatures, as API Gateway checks them: the canonical request
is rebuilt from the raw path, the raw query (``+`` is not a space) and the headers named in ``SignedHeaders``,
so a client that sends anything else than what it signed fails, as against the real gateway."""

import calendar
import hashlib
import hmac
import time
from urllib.parse import quote, unquote

from drs_emulator.errors import signature_error


def _encode(value):
    return quote(value, safe="~")


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def parse_query(raw_query):
    """The (key, value) pairs of a raw query string, decoded the way the gateway does."""
    return [tuple(map(unquote, part.partition("=")[::2])) for part in (raw_query or "").split("&") if part]


def string_to_sign(method, raw_path, query_pairs, header_lookup, signed_headers, body, sdk_date):
    uri = "/".join(_encode(segment) for segment in unquote(raw_path).split("/"))
    canonical_request = "\n".join([
        method.upper(), uri if uri.endswith("/") else uri + "/",
        "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in sorted(query_pairs)),
        "".join("%s:%s\n" % (name, (header_lookup(name) or "").strip()) for name in signed_headers),
        ";".join(signed_headers), _sha256(body)])
    return "SDK-HMAC-SHA256\n%s\n%s" % (sdk_date, _sha256(canonical_request.encode("utf-8")))


def sign(secret_key, text):
    return hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_request(method, raw_path, raw_query, header_lookup, body, credentials, server_time):
    """Return the access key of an AK/SK signed request, or raise ApiError(401 APIGW.0301).

    credentials: access key -> (secret key, security token or None); header_lookup(name): the value or None.
    """
    algorithm, _space, rest = (header_lookup("authorization") or "").strip().partition(" ")
    fields = dict(item.strip().partition("=")[::2] for item in rest.split(","))
    if algorithm != "SDK-HMAC-SHA256" or not all(fields.get(key) for key in ("Access", "SignedHeaders", "Signature")):
        raise signature_error("malformed Authorization header")
    if fields["Access"] not in credentials:
        raise signature_error("access key %s does not exist" % fields["Access"])
    secret_key, security_token = credentials[fields["Access"]]

    signed_headers = fields["SignedHeaders"].split(";")
    if signed_headers != sorted(map(str.lower, signed_headers)) or not {"host", "x-sdk-date"} <= set(signed_headers):
        raise signature_error("SignedHeaders must be lower-case, sorted, and hold host and x-sdk-date")
    if any(header_lookup(name) is None for name in signed_headers):
        raise signature_error("a signed header is missing")

    sdk_date = header_lookup("x-sdk-date").strip()
    try:
        request_time = calendar.timegm(time.strptime(sdk_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise signature_error("X-Sdk-Date is not in the format YYYYMMDDTHHMMSSZ") from None
    if abs(request_time - server_time) > 15 * 60:
        raise signature_error("the request is expired: X-Sdk-Date differs from server time by more than 15 minutes")

    presented_token = header_lookup("x-security-token")
    if security_token is None and presented_token is not None:
        raise signature_error("a security token was sent with a permanent access key")
    if security_token is not None and ("x-security-token" not in signed_headers
                                       or (presented_token or "").strip() != security_token):
        raise signature_error("temporary credentials need their X-Security-Token, signed")

    expected = sign(secret_key, string_to_sign(
        method, raw_path, parse_query(raw_query), header_lookup, signed_headers, body, sdk_date))
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise signature_error("verify aksk signature fail")
    return fields["Access"]
