"""Options and environment -> settings: one credential set, endpoints, project; no network."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import resolve_settings

AK_SK = {"access_key": "AK1", "secret_key": "SK1"}
PASSWORD = {"iam_user_name": "u", "iam_password": "right-password", "iam_domain_name": "d"}


def _resolve(params=None, environ=None):
    options = {"region": "cn-north-4"}
    options.update(params or {})
    return resolve_settings(options, environ or {})


def _failure(params=None, environ=None):
    with pytest.raises(ModuleFailure) as caught:
        _resolve(params, environ)
    assert "\n" not in caught.value.msg
    return caught.value.msg


def test_task_options_beat_the_environment():
    settings = _resolve({"auth_token": "tok"}, {"HUAWEICLOUD_SDK_AK": "envak", "HUAWEICLOUD_SDK_SK": "envsk"})
    assert settings.credentials.kind == "token"
    assert settings.credentials.source == "task options"
    assert settings.environment_secrets == []


def test_two_sets_in_task_options_is_an_error_naming_both():
    msg = _failure(dict(AK_SK, auth_token="tok"))
    assert "auth_token" in msg and "access_key/secret_key" in msg and "task options" in msg


def test_two_sets_in_environment_is_an_error_naming_both_variables():
    msg = _failure(environ={"HW_AUTH_TOKEN": "tok", "HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"})
    assert "HW_AUTH_TOKEN" in msg and "HW_ACCESS_KEY" in msg and "environment" in msg


def test_empty_environment_values_count_as_unset():
    settings = _resolve(environ={"HW_AUTH_TOKEN": "", "HUAWEICLOUD_SDK_AK": "", "HW_ACCESS_KEY": "a",
                                 "HW_SECRET_KEY": "s"})
    assert settings.credentials.kind == "access_keys"
    assert settings.credentials.values == {"access_key": "a", "secret_key": "s"}


def test_empty_task_option_counts_as_unset():
    settings = _resolve({"auth_token": ""}, {"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"})
    assert settings.credentials.kind == "access_keys"


def test_sdk_variable_names_win_over_terraform_names():
    settings = _resolve(environ={"HUAWEICLOUD_SDK_AK": "sdk", "HW_ACCESS_KEY": "tf", "HUAWEICLOUD_SDK_SK": "s"})
    assert settings.credentials.values["access_key"] == "sdk"


def test_environment_secrets_are_reported_for_scrubbing():
    settings = _resolve(environ={"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "sk-secret",
                                 "HW_SECURITY_TOKEN": "sec-token"})
    assert sorted(settings.environment_secrets) == ["sec-token", "sk-secret"]
    password = _resolve(environ={"HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw", "HW_DOMAIN_NAME": "d"})
    assert password.environment_secrets == ["pw"]


def test_domain_name_alone_in_environment_is_not_a_second_set():
    settings = _resolve(environ={"HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s", "HW_DOMAIN_NAME": "d"})
    assert settings.credentials.kind == "access_keys"


@pytest.mark.parametrize("params,missing", [
    ({"access_key": "a"}, "secret_key"),
    ({"secret_key": "s"}, "access_key"),
    ({"security_token": "t"}, "access_key/secret_key"),
    ({"iam_user_name": "u", "iam_password": "p"}, "iam_domain_name"),
])
def test_half_a_credential_set_names_the_missing_option(params, missing):
    msg = _failure(params)
    assert "but %s" % missing in msg


def test_half_pair_is_not_completed_from_the_environment_and_the_message_says_why():
    msg = _failure({"access_key": "a"}, {"HW_SECRET_KEY": "s"})
    assert "access_key is set but secret_key is not; HW_SECRET_KEY in the environment is not used, since a " \
           "credential set is taken whole from the task options or whole from the environment" in msg, msg


def test_a_half_pair_with_nothing_in_the_environment_says_nothing_of_it():
    assert "environment is not used" not in _failure({"access_key": "a"})


@pytest.mark.parametrize("params, hint", [
    ({"endpoint": "https://drs.example:8443/v5", "project_id": "p"}, "give endpoint without /v5, for example "
                                                                     "https://drs.example:8443"),
    ({"endpoint": "https://drs.example/gateway/v5/"}, "endpoint ends with /v5: the module adds /v5/... to it"),
    ({"iam_endpoint": "https://iam.example/v3"}, "iam_endpoint ends with /v3: the module adds /v3/... to it"),
])
def test_an_endpoint_that_holds_the_api_version_is_refused_naming_the_path(params, hint):
    assert hint in _failure(dict(AK_SK, **params))


def test_a_gateway_path_before_the_api_version_is_kept():
    assert _resolve(dict(AK_SK, endpoint="https://gw.example/drs", project_id="p")).endpoint == "https://gw.example/drs"


@pytest.mark.parametrize("endpoints, hint", [
    ({}, "to reach another host, set endpoint and iam_endpoint"),
    ({"endpoint": "https://drs.example", "iam_endpoint": "https://iam.example"},
     "the region also names the project at IAM: give the region id of the project (the endpoints are already set)"),
])
def test_a_region_that_is_no_region_id_gets_the_hint_that_fits(endpoints, hint):
    msg = _failure(dict(AK_SK, region="cn_north_4", **endpoints))
    assert "cn_north_4" in msg and hint in msg, msg
    assert "set endpoint and iam_endpoint" not in msg or not endpoints, msg


def test_no_credentials_is_an_error():
    assert "No credentials" in _failure()


def test_default_endpoints_follow_the_region():
    settings = _resolve(AK_SK)
    assert settings.endpoint == "https://drs.cn-north-4.myhuaweicloud.com"
    assert settings.iam_endpoint == "https://iam.cn-north-4.myhuaweicloud.com"
    europe = _resolve(dict(AK_SK, region="eu-west-101"))
    assert europe.endpoint == "https://drs.eu-west-101.myhuaweicloud.eu"


def test_region_and_project_and_iam_endpoint_come_from_the_environment():
    settings = resolve_settings(AK_SK, {"HW_REGION_NAME": "ap-southeast-1", "HW_PROJECT_ID": "p1",
                                        "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.example"})
    assert (settings.region, settings.project_id) == ("ap-southeast-1", "p1")
    assert settings.endpoint == "https://drs.ap-southeast-1.myhuaweicloud.com"


def test_region_is_required_without_endpoint():
    with pytest.raises(ModuleFailure, match="region"):
        resolve_settings(AK_SK, {})


def test_endpoint_must_be_http_url_without_userinfo():
    assert "endpoint" in _failure(dict(AK_SK, endpoint="ftp://x"))
    assert "credentials" in _failure(dict(AK_SK, endpoint="https://user:pw@x"))


def test_credentials_repr_hides_values():
    settings = _resolve({"auth_token": "very-secret"})
    assert "very-secret" not in repr(settings.credentials)
