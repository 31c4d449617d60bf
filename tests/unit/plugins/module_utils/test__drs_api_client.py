"""The DRS client: one credential set per client, the project looked up when unknown, a token renewed once."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import build_client
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import resolve_settings
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_response  # pylint: disable=import-error

ENDPOINTS = {"region": "cn-north-4", "endpoint": "https://drs.example", "iam_endpoint": "https://iam.example"}
PASSWORD = dict(ENDPOINTS, iam_user_name="u", iam_password="right-password", iam_domain_name="d")
JOBS_PATH = "/v5/%s/batch-async-jobs" % PROJECT_ID


def _connect(fake, params):
    transport = HttpTransport(session=fake.session, max_retries=0, sleep=lambda seconds: None)
    return build_client(resolve_settings(params, {}), transport, clock=lambda: 0)


def test_access_keys_sign_every_call_and_name_the_project():
    fake = FakeDrs()
    client = _connect(fake, dict(ENDPOINTS, access_key="AK", secret_key="SK"))
    client.get_json(JOBS_PATH)
    lookup, listing = fake.calls
    assert lookup.path == "/v3/projects" and client.project_id == PROJECT_ID
    assert listing.headers["X-Project-Id"] == PROJECT_ID and "X-Auth-Token" not in listing.headers
    assert listing.headers["X-Sdk-Date"] == "19700101T000000Z"
    assert listing.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, ")


def test_a_given_token_is_sent_and_used_for_the_project_lookup():
    fake = FakeDrs()
    client = _connect(fake, dict(ENDPOINTS, auth_token="user-token"))
    client.get_json(JOBS_PATH)
    assert [call.headers["X-Auth-Token"] for call in fake.calls] == ["user-token", "user-token"]
    assert "Authorization" not in fake.calls[1].headers and client.password_login is None


def test_a_given_token_that_expired_is_not_renewed():
    fake = FakeDrs()
    fake.expire_next_drs_calls = 1
    client = _connect(fake, dict(ENDPOINTS, auth_token="user-token", project_id=PROJECT_ID))
    with pytest.raises(ApiError) as caught:
        client.get_json(JOBS_PATH)
    assert "auth_token" in caught.value.hint and len(fake.calls) == 1


def test_a_password_login_gives_the_project_before_any_drs_call():
    fake = FakeDrs()
    client = _connect(fake, PASSWORD)
    assert client.project_id == PROJECT_ID and [call.path for call in fake.calls] == ["/v3/auth/tokens"]


def test_a_token_naming_no_project_is_a_clear_error():
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(201, {"token": {}}, headers={"X-Subject-Token": "t"})))
    with pytest.raises(ModuleFailure, match="set project_id"):
        _connect(fake, PASSWORD)


def test_expired_token_is_renewed_once_and_the_request_repeated():
    fake = FakeDrs(jobs=[])
    client = _connect(fake, PASSWORD)
    fake.expire_next_drs_calls = 1
    assert client.get_json(JOBS_PATH) == {"total_count": 0, "jobs": []}
    assert fake.tokens_issued == 2 and fake.calls[-1].headers["X-Auth-Token"].endswith("-2")
    assert client.password_login.tokens_issued == ["iam-token-from-run-0001-1", "iam-token-from-run-0001-2"]


def test_token_expiring_again_after_renewal_fails_with_token_hint():
    fake = FakeDrs(jobs=[])
    client = _connect(fake, PASSWORD)
    fake.expire_next_drs_calls = 2
    with pytest.raises(ApiError) as caught:
        client.get_json(JOBS_PATH)
    assert caught.value.error_code == "APIGW.0307" and "token" in caught.value.hint
    assert fake.tokens_issued == 2
