"""SDK-HMAC-SHA256: the vectors of shared/api/README.md, and the official SDK's Signer as an oracle."""

import random
import string

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils import _auth, _http

HOST = "drs.cn-north-4.myhuaweicloud.com"
ACCESS_KEY = "AKTESTEXAMPLE000"
SECRET_KEY = "SKTESTEXAMPLESECRET0000000000000000000000"
DATE = "20240101T000000Z"
PATH = "/v5/PROJ/batch-async-jobs"


def _authorization(query, extra_headers=None):
    headers = {"Host": HOST, "X-Sdk-Date": DATE}
    headers.update(extra_headers or {})
    return _auth.sign_request("GET", PATH, _http.canonical_query(query), headers, b"", ACCESS_KEY, SECRET_KEY)


def test_vector_a():
    assert _authorization({"offset": 0, "limit": 10}) == (
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE000, SignedHeaders=host;x-sdk-date, "
        "Signature=9f1a88c5aa449c4ca212130d9bd1838ad72049610eb302b1a947f524e2f8093c")


def test_vector_b():
    authorization = _authorization({"offset": 0, "limit": 10}, {
        "Content-Type": "application/json", "X-Project-Id": "PROJ", "X-Language": "en-us"})
    assert authorization.endswith(
        "SignedHeaders=content-type;host;x-language;x-project-id;x-sdk-date, "
        "Signature=c3098234bfb60d5e73128f0a911fdc2526b0b7bed0c0dd9834d745bb7c1ca9cf")


def test_vector_c_and_its_canonical_query():
    query = [("user_name", "a b/c~d@e"), ("status", "COMMIT_SUCCESS"), ("limit", 10), ("offset", 0)]
    assert _http.canonical_query(query) == "limit=10&offset=0&status=COMMIT_SUCCESS&user_name=a%20b%2Fc~d%40e"
    assert _authorization(query).endswith(
        "Signature=4ed4e96a0dfff968b562ddc33f14bf4d2bfba08d67f8706aa2ba223f7f6c17d5")


def test_headers_with_underscore_are_not_signed():
    assert _auth.signed_header_names({"Host": "h", "X_Odd": "1", "X-Sdk-Date": DATE}) == ["host", "x-sdk-date"]


def test_signing_without_date_is_refused():
    with pytest.raises(ValueError, match="X-Sdk-Date"):
        _auth.sign_request("GET", PATH, "", {"Host": HOST}, b"", ACCESS_KEY, SECRET_KEY)


def test_none_values_are_left_out_of_the_query():
    assert _http.canonical_query({"status": None, "offset": 0}) == "offset=0"


def test_format_sdk_date_is_utc():
    assert _auth.format_sdk_date(0) == "19700101T000000Z"


def test_access_key_signer_signs_each_attempt_with_a_fresh_date():
    moments = iter([0, 61])
    signer = _auth.AccessKeySigner("AK", "SK", "SECTOKEN", clock=lambda: next(moments))
    first, second = {"Host": "h"}, {"Host": "h"}
    signer.sign("GET", "/p", "", first, b"")
    signer.sign("GET", "/p", "", second, b"")
    assert (first["X-Sdk-Date"], second["X-Sdk-Date"]) == ("19700101T000000Z", "19700101T000101Z")
    assert first["X-Security-Token"] == "SECTOKEN"
    assert "x-security-token" in first["Authorization"] and first["Authorization"] != second["Authorization"]


def _random_text(generator, alphabet, low=1, high=12):
    return "".join(generator.choice(alphabet) for dummy in range(generator.randint(low, high)))


@pytest.mark.parametrize("seed", range(60))
def test_matches_the_official_sdk_signer_on_random_requests(seed):
    sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    sdk_request_module = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    generator = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " -_.~!*'();:@&=+$,/?#[]%\u00e9\u4e2d"
    segments = [_random_text(generator, alphabet.replace("/", "").replace("%", "").replace("?", "").replace("#", ""))
                for dummy in range(generator.randint(1, 4))]
    path = "/" + "/".join(_http.percent_encode(segment) for segment in segments)
    query = [(_random_text(generator, string.ascii_lowercase + "_", 1, 6), _random_text(generator, alphabet, 0, 10))
             for dummy in range(generator.randint(0, 5))]
    headers = {"Host": HOST, "X-Sdk-Date": DATE, "Content-Type": "application/json"}
    for dummy in range(generator.randint(0, 4)):
        headers["X-" + _random_text(generator, string.ascii_letters + "-_", 1, 8)] = (
            " " + _random_text(generator, string.ascii_letters + string.digits + " ", 1, 10) + " ")
    method = generator.choice(["GET", "POST", "DELETE"])
    body = b"" if method == "GET" else _random_text(generator, alphabet, 0, 40).encode("utf-8")
    access_key = _random_text(generator, string.ascii_uppercase + string.digits, 8, 20)
    secret_key = _random_text(generator, string.ascii_letters + string.digits, 20, 40)

    class Credentials(object):
        ak = access_key
        sk = secret_key

    sdk_request = sdk_request_module.SdkRequest(
        method=method, schema="https", host=HOST, resource_path=path, query_params=list(query),
        header_params=dict(headers), body=body)
    sdk_signer.Signer(Credentials()).sign(sdk_request)

    query_string = _http.canonical_query(query)
    ours = _auth.sign_request(method, path, query_string, dict(headers), body, access_key, secret_key)
    assert ours == sdk_request.header_params["Authorization"]
    expected_uri = path + ("?" + query_string if query_string else "")
    assert sdk_request.uri == expected_uri
