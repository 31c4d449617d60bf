"""Server-side verification of SDK-HMAC-SHA256 signatures, as API Gateway checks them.

The canonical request is rebuilt from what arrived on the wire: the raw path, the raw query string
(percent-decoded without turning ``+`` into a space, then re-encoded), and the headers the client
declared in ``SignedHeaders``. A client that sends anything else than what it signed fails here,
as it would against the real gateway.
"""

import calendar
import hashlib
import hmac
import time
from urllib.parse import quote, unquote

from drs_emulator.errors import signature_error

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_DIFFERENCE_SECONDS = 15 * 60


def encode(value):
    return quote(value, safe="~")


def canonical_uri(raw_path):
    segments = unquote(raw_path).split("/")
    uri = "/".join(encode(segment) for segment in segments)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def parse_query(raw_query):
    """Return the (key, value) pairs of a raw query string, decoded the way the gateway does."""
    pairs = []
    if not raw_query:
        return pairs
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _separator, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def canonical_query(pairs):
    return "&".join("%s=%s" % (encode(key), encode(value)) for key, value in sorted(pairs))


def parse_authorization(value):
    """Split ``SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`` into a dict."""
    algorithm, _space, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise signature_error("unsupported signing algorithm")
    fields = {}
    for item in rest.split(","):
        name, separator, field_value = item.strip().partition("=")
        if not separator:
            raise signature_error("malformed Authorization header")
        fields[name] = field_value
    if not {"Access", "SignedHeaders", "Signature"} <= set(fields):
        raise signature_error("malformed Authorization header")
    return fields


def string_to_sign(method, raw_path, query_pairs, header_lookup, signed_headers, body, sdk_date):
    canonical_headers = "".join("%s:%s\n" % (name, (header_lookup(name) or "").strip()) for name in signed_headers)
    content_hash = hashlib.sha256(body).hexdigest()
    canonical_request = "\n".join([
        method.upper(), canonical_uri(raw_path), canonical_query(query_pairs),
        canonical_headers, ";".join(signed_headers), content_hash,
    ])
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())


def sign(secret_key, text):
    return hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_request(method, raw_path, raw_query, header_lookup, body, credentials, server_time):
    """Check an AK/SK signed request; return the access key or raise ApiError(401 APIGW.0301).

    credentials maps access key -> (secret key, security token or None).
    header_lookup(name) returns a request header value (case-insensitive) or None.
    """
    fields = parse_authorization(header_lookup("authorization") or "")
    access_key = fields["Access"]
    if access_key not in credentials:
        raise signature_error("access key %s does not exist" % access_key)
    secret_key, security_token = credentials[access_key]

    signed_headers = fields["SignedHeaders"].split(";")
    if signed_headers != sorted(name.lower() for name in signed_headers):
        raise signature_error("SignedHeaders must be lower-case and sorted")
    for required in ("host", "x-sdk-date"):
        if required not in signed_headers:
            raise signature_error("header %s must be signed" % required)
    for name in signed_headers:
        if header_lookup(name) is None:
            raise signature_error("signed header %s is missing" % name)

    sdk_date = header_lookup("x-sdk-date").strip()
    try:
        request_time = calendar.timegm(time.strptime(sdk_date, DATE_FORMAT))
    except ValueError:
        raise signature_error("X-Sdk-Date is not in the format YYYYMMDDTHHMMSSZ") from None
    if abs(request_time - server_time) > MAX_CLOCK_DIFFERENCE_SECONDS:
        raise signature_error("the request is expired: X-Sdk-Date differs from server time by more than 15 minutes")

    presented_token = header_lookup("x-security-token")
    if security_token is not None:
        if presented_token is None:
            raise signature_error("X-Security-Token is required for temporary credentials")
        if "x-security-token" not in signed_headers:
            raise signature_error("X-Security-Token must be signed")
        if presented_token.strip() != security_token:
            raise signature_error("the security token does not match the temporary access key")
    elif presented_token is not None:
        raise signature_error("a security token was sent with a permanent access key")

    expected = sign(secret_key, string_to_sign(
        method, raw_path, parse_query(raw_query), header_lookup, signed_headers, body, sdk_date))
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise signature_error("verify aksk signature fail")
    return access_key
