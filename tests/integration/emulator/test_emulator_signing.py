"""AK/SK signature verification: the API notes' vectors, and what the server accepts or refuses."""

import datetime

import pytest

from emulator_client import Client, assert_error, sign_headers
from drs_emulator import signing

VECTOR_URL = "https://drs.cn-north-4.myhuaweicloud.com/v5/PROJ/batch-async-jobs"
VECTOR_AK = "AKTESTEXAMPLE000"
VECTOR_SK = "SKTESTEXAMPLESECRET0000000000000000000000"
VECTOR_DATE = "20240101T000000Z"
VECTORS = [
    ([("offset", 0), ("limit", 10)], {}, "host;x-sdk-date",
     "9f1a88c5aa449c4ca212130d9bd1838ad72049610eb302b1a947f524e2f8093c"),
    ([("offset", 0), ("limit", 10)], {"Content-Type": "application/json", "X-Project-Id": "PROJ", "X-Language": "en-us"},
     "content-type;host;x-language;x-project-id;x-sdk-date",
     "c3098234bfb60d5e73128f0a911fdc2526b0b7bed0c0dd9834d745bb7c1ca9cf"),
    ([("user_name", "a b/c~d@e"), ("status", "COMMIT_SUCCESS"), ("limit", 10), ("offset", 0)], {}, "host;x-sdk-date",
     "4ed4e96a0dfff968b562ddc33f14bf4d2bfba08d67f8706aa2ba223f7f6c17d5"),
]


def _sdk_date(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.parametrize("params, headers, signed_headers, signature", VECTORS)
def test_vectors_from_the_api_notes(params, headers, signed_headers, signature):
    query, signed = sign_headers("GET", VECTOR_URL, params, headers, b"", VECTOR_AK, VECTOR_SK, VECTOR_DATE)
    assert signed["Authorization"].endswith("SignedHeaders=%s, Signature=%s" % (signed_headers, signature))

    lowered = {name.lower(): value for name, value in signed.items()}
    server_side = signing.sign(VECTOR_SK, signing.string_to_sign(
        "GET", "/v5/PROJ/batch-async-jobs", signing.parse_query(query), lowered.get, signed_headers.split(";"), b"",
        VECTOR_DATE))
    assert server_side == signature


def test_signed_request_is_accepted(client):
    response = client.list_jobs(limit=5, offset=0, user_name="a b/c~d@e+f")
    assert response.status_code == 200, response.text
    assert response.json() == {"total_count": 0, "jobs": []}
    assert len(response.headers["X-Request-Id"]) >= 16


@pytest.mark.parametrize("key", ["secret_key", "access_key"])
def test_wrong_keys_are_refused(client, key):
    assert_error(client.signed("GET", client.list_path(), [("limit", 5)], **{key: "WRONGKEY"}), 401, "APIGW.0301")


def test_what_is_sent_must_be_what_was_signed(client):
    url = client.state["url"] + client.list_path()
    query, headers = sign_headers("GET", url, [("limit", "5"), ("user_name", "a b")],
                                  {"Content-Type": "application/json", "X-Language": "en-us"}, b"",
                                  client.state["access_key"], client.state["secret_key"])
    assert client.session.get(url + "?" + query, headers=headers).status_code == 200
    assert_error(client.session.get(url + "?limit=6&user_name=a%20b", headers=headers), 401, "APIGW.0301")
    # '+' is not a space in the canonical query.
    assert_error(client.session.get(url + "?limit=5&user_name=a+b", headers=headers), 401, "APIGW.0301")
    assert_error(client.session.get(url + "?" + query, headers=dict(headers, **{"X-Language": "zh-cn"})),
                 401, "APIGW.0301")
    # Headers that were not signed may come on top.
    assert client.session.get(url + "?" + query, headers=dict(headers, Accept="application/json")).status_code == 200


@pytest.mark.parametrize("offset_seconds, accepted", [(-14 * 60, True), (16 * 60, False)])
def test_sdk_date_window(client, offset_seconds, accepted):
    response = client.signed("GET", client.list_path(), [("limit", 1)], sdk_date=_sdk_date(offset_seconds))
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 401, "APIGW.0301", "15 minutes")
    assert_error(client.signed("GET", client.list_path(), sdk_date="2024-01-01T00:00:00Z"), 401, "APIGW.0301")


def test_server_clock_skew(start_emulator):
    client = Client(start_emulator(clock_skew_seconds=3600).state)
    assert_error(client.list_jobs(limit=1), 401, "APIGW.0301")
    assert client.signed("GET", client.list_path(), [("limit", 1)], sdk_date=_sdk_date(3600)).status_code == 200


def test_temporary_credentials_need_their_signed_token(client):
    state = client.state
    temporary = {"access_key": state["temporary_access_key"], "secret_key": state["temporary_secret_key"]}
    ok = client.signed("GET", client.list_path(), [("limit", 1)], security_token=state["security_token"], **temporary)
    assert ok.status_code == 200, ok.text
    assert_error(client.signed("GET", client.list_path(), [("limit", 1)], **temporary), 401, "APIGW.0301", "X-Security-Token")
    assert_error(client.signed("GET", client.list_path(), [("limit", 1)], security_token="other", **temporary),
                 401, "APIGW.0301")
    # A permanent key with a security token is refused too.
    assert_error(client.signed("GET", client.list_path(), [("limit", 1)], security_token=state["security_token"]),
                 401, "APIGW.0301")
    url = state["url"] + client.list_path()
    _query, headers = sign_headers("GET", url, [], {"Content-Type": "application/json"}, b"",
                                   state["temporary_access_key"], state["temporary_secret_key"])
    headers["X-Security-Token"] = state["security_token"]  # sent, but not signed
    assert_error(client.session.get(url, headers=headers), 401, "APIGW.0301")


def test_malformed_authorization(client):
    url = client.state["url"] + client.list_path()
    for authorization in ("SDK-HMAC-SHA256 Access=x", "AWS4-HMAC-SHA256 Credential=x", "garbage"):
        response = client.session.get(url, headers={"Authorization": authorization, "Content-Type": "application/json"})
        assert_error(response, 401, "APIGW.0301")


def test_post_body_is_signed(start_emulator):
    client = Client(start_emulator(seed_jobs=[{"async_job_id": "ready", "status": "AUTO_PARAM_VALIDATE_SUCCESS"}]).state)
    path = client.list_path() + "/ready/commit"
    url = client.state["url"] + path
    _query, headers = sign_headers("POST", url, [], {"Content-Type": "application/json"}, b"{}",
                                   client.state["access_key"], client.state["secret_key"])
    assert_error(client.session.post(url, headers=headers, data=b'{"x": 1}'), 401, "APIGW.0301")
    ok = client.signed("POST", path, body=b"{}")
    assert ok.status_code == 200, ok.text
