"""One credential set from task options or environment; IAM token exchange, renewal and project lookup."""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._credentials import (
    AccessKeyAuth,
    PasswordAuth,
    lookup_project_id,
    resolve_connection,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._errors import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http_client import HttpClient

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_response  # pylint: disable=import-error

AK_SK = {"access_key": "AK1", "secret_key": "SK1"}
PASSWORD = {"iam_user_name": "u", "iam_password": "right-password", "iam_domain_name": "d"}


def _resolve(params=None, environ=None):
    options = {"region": "cn-north-4"}
    options.update(params or {})
    return resolve_connection(options, environ or {})


def _failure(params=None, environ=None):
    with pytest.raises(ModuleFailure) as caught:
        _resolve(params, environ)
    assert "\n" not in caught.value.msg
    return caught.value.msg


def test_task_options_beat_the_environment():
    connection = _resolve({"auth_token": "tok"}, {"HUAWEICLOUD_SDK_AK": "envak", "HUAWEICLOUD_SDK_SK": "envsk"})
    assert connection.credentials.kind == "token"
    assert connection.credentials.source == "task options"
    assert connection.environment_secrets == []


def test_two_sets_in_task_options_is_an_error_naming_both():
    msg = _failure(dict(AK_SK, auth_token="tok"))
    assert "auth_token" in msg and "access_key/secret_key" in msg and "task options" in msg


def test_two_sets_in_environment_is_an_error_naming_both_variables():
    msg = _failure(environ={"HW_AUTH_TOKEN": "tok", "HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"})
    assert "HW_AUTH_TOKEN" in msg and "HW_ACCESS_KEY" in msg and "environment" in msg


def test_empty_environment_values_count_as_unset():
    connection = _resolve(environ={"HW_AUTH_TOKEN": "", "HUAWEICLOUD_SDK_AK": "", "HW_ACCESS_KEY": "a",
                                   "HW_SECRET_KEY": "s"})
    assert connection.credentials.kind == "access_keys"
    assert connection.credentials.values == {"access_key": "a", "secret_key": "s"}


def test_empty_task_option_counts_as_unset():
    connection = _resolve({"auth_token": ""}, {"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"})
    assert connection.credentials.kind == "access_keys"


def test_sdk_variable_names_win_over_terraform_names():
    connection = _resolve(environ={"HUAWEICLOUD_SDK_AK": "sdk", "HW_ACCESS_KEY": "tf", "HUAWEICLOUD_SDK_SK": "s"})
    assert connection.credentials.values["access_key"] == "sdk"


def test_environment_secrets_are_reported_for_scrubbing():
    connection = _resolve(environ={"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "sk-secret",
                                   "HW_SECURITY_TOKEN": "sec-token"})
    assert sorted(connection.environment_secrets) == ["sec-token", "sk-secret"]
    password = _resolve(environ={"HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw", "HW_DOMAIN_NAME": "d"})
    assert password.environment_secrets == ["pw"]


def test_domain_name_alone_in_environment_is_not_a_second_set():
    connection = _resolve(environ={"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s", "HW_DOMAIN_NAME": "d"})
    assert connection.credentials.kind == "access_keys"


@pytest.mark.parametrize("params,missing", [
    ({"access_key": "a"}, "secret_key"),
    ({"secret_key": "s"}, "access_key"),
    ({"security_token": "t"}, "access_key/secret_key"),
    ({"iam_user_name": "u", "iam_password": "p"}, "iam_domain_name"),
])
def test_half_a_credential_set_names_the_missing_option(params, missing):
    msg = _failure(params)
    assert "but %s" % missing in msg


def test_half_pair_is_not_completed_from_the_environment():
    msg = _failure({"access_key": "a"}, {"HW_SECRET_KEY": "s"})
    assert "secret_key" in msg


def test_no_credentials_is_an_error():
    assert "No credentials" in _failure()


def test_default_endpoints_follow_the_region():
    connection = _resolve(AK_SK)
    assert connection.endpoint == "https://drs.cn-north-4.myhuaweicloud.com"
    assert connection.iam_endpoint == "https://iam.cn-north-4.myhuaweicloud.com"
    europe = _resolve(dict(AK_SK, region="eu-west-101"))
    assert europe.endpoint == "https://drs.eu-west-101.myhuaweicloud.eu"


def test_region_and_project_and_iam_endpoint_come_from_the_environment():
    connection = resolve_connection(AK_SK, {"HW_REGION_NAME": "ap-southeast-1", "HW_PROJECT_ID": "p1",
                                            "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.example"})
    assert (connection.region, connection.project_id) == ("ap-southeast-1", "p1")
    assert connection.endpoint == "https://drs.ap-southeast-1.myhuaweicloud.com"


def test_region_is_required_without_endpoint():
    with pytest.raises(ModuleFailure, match="region"):
        resolve_connection(AK_SK, {})


def test_endpoint_must_be_http_url_without_userinfo():
    assert "endpoint" in _failure(dict(AK_SK, endpoint="ftp://x"))
    assert "credentials" in _failure(dict(AK_SK, endpoint="https://user:pw@x"))


def test_credentials_repr_hides_values():
    connection = _resolve({"auth_token": "very-secret"})
    assert "very-secret" not in repr(connection.credentials)


def _client(fake):
    return HttpClient(session=fake.session, max_retries=0, sleep=lambda seconds: None)


def test_access_key_auth_signs_each_attempt_with_a_fresh_date():
    moments = iter([0, 61])
    auth = AccessKeyAuth("AK", "SK", "SECTOKEN", clock=lambda: next(moments))
    first, second = {"Host": "h"}, {"Host": "h"}
    auth.apply("GET", "/p", "", first, b"")
    auth.apply("GET", "/p", "", second, b"")
    assert first["X-Sdk-Date"] != second["X-Sdk-Date"]
    assert first["X-Security-Token"] == "SECTOKEN"
    assert "x-security-token" in first["Authorization"] and first["Authorization"] != second["Authorization"]


def test_password_login_scopes_by_region_and_reports_the_token():
    fake = FakeDrs()
    seen = []
    auth = PasswordAuth(_client(fake), "https://iam.example", "u", "right-password", "d", project_name="cn-north-4",
                        on_token=seen.append)
    headers = {}
    auth.apply("GET", "/x", "", headers, b"")
    login = fake.calls[0]
    body = json.loads(login.data.decode("utf-8"))
    assert body["auth"]["scope"] == {"project": {"name": "cn-north-4"}}
    assert body["auth"]["identity"]["password"]["user"]["domain"] == {"name": "d"}
    assert headers["X-Auth-Token"] == seen[0] == "iam-token-from-run-0001-1"
    assert auth.project_id == PROJECT_ID


def test_password_login_refused_names_the_options():
    fake = FakeDrs()
    auth = PasswordAuth(_client(fake), "https://iam.example", "u", "pw-Xq81", "d", project_name="cn-north-4")
    with pytest.raises(ApiError) as caught:
        auth.login()
    assert "HTTP 401" in caught.value.msg and "iam_password" in caught.value.msg
    assert "pw-Xq81" not in caught.value.msg


def test_expired_token_is_renewed_once_and_the_request_repeated():
    fake = FakeDrs(jobs=[])
    client = _client(fake)
    auth = PasswordAuth(client, "https://iam.example", "u", "right-password", "d", project_name="cn-north-4")
    fake.expire_next_drs_calls = 1
    response = client.send("GET", "https://drs.example", "/v5/%s/batch-async-jobs" % PROJECT_ID, auth=auth)
    assert response.status_code == 200
    assert fake.tokens_issued == 2
    assert fake.calls[-1].headers["X-Auth-Token"].endswith("-2")
    assert client.stats.iam_calls == 2


def test_token_expiring_again_after_renewal_fails_with_token_hint():
    fake = FakeDrs(jobs=[])
    client = _client(fake)
    auth = PasswordAuth(client, "https://iam.example", "u", "right-password", "d", project_name="cn-north-4")
    fake.expire_next_drs_calls = 2
    with pytest.raises(ApiError) as caught:
        client.send("GET", "https://drs.example", "/v5/%s/batch-async-jobs" % PROJECT_ID, auth=auth)
    assert caught.value.error_code == "APIGW.0307" and "token" in caught.value.hint
    assert fake.tokens_issued == 2


def test_concurrent_expiries_renew_only_once():
    fake = FakeDrs()
    auth = PasswordAuth(_client(fake), "https://iam.example", "u", "right-password", "d", project_name="r")
    generation = auth.apply("GET", "/x", "", {}, b"")
    auth.renew(generation)
    auth.renew(generation)
    assert fake.tokens_issued == 2


def test_project_lookup_uses_the_single_match():
    fake = FakeDrs()
    assert lookup_project_id(_client(fake), "https://iam.example", "cn-north-4", AccessKeyAuth("a", "s")) == PROJECT_ID
    assert fake.calls[0].query == {"name": "cn-north-4"}
    assert "Authorization" in fake.calls[0].headers


@pytest.mark.parametrize("matches,words", [(0, ["No IAM project", "project_id"]), (2, ["2 IAM projects", "project_id"])])
def test_project_lookup_with_zero_or_several_matches_is_a_clear_error(matches, words):
    fake = FakeDrs(project_matches=matches)
    with pytest.raises(ModuleFailure) as caught:
        lookup_project_id(_client(fake), "https://iam.example", "cn-north-4", AccessKeyAuth("a", "s"))
    for word in words:
        assert word in caught.value.msg


def test_login_without_subject_token_is_a_clear_error():
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(201, {"token": {}})))
    auth = PasswordAuth(_client(fake), "https://iam.example", "u", "p", "d", project_name="r")
    with pytest.raises(ModuleFailure, match="X-Subject-Token"):
        auth.login()


@pytest.mark.parametrize("body", [[], {"projects": "x"}, {"projects": [1, None]}])
def test_odd_project_lookup_answers_are_a_clear_error(body):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(200, body)))
    with pytest.raises(ModuleFailure, match="No IAM project"):
        lookup_project_id(_client(fake), "https://iam.example", "cn-north-4", AccessKeyAuth("a", "s"))


@pytest.mark.parametrize("body", [[], {"token": "x"}, {"token": {"project": 5}}])
def test_odd_token_bodies_leave_the_project_unknown(body):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(201, body, headers={"X-Subject-Token": "t-123456"})))
    auth = PasswordAuth(_client(fake), "https://iam.example", "u", "p", "d", project_name="r")
    auth.login()
    assert auth.token == "t-123456" and auth.project_id is None
