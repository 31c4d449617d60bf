"""Where credentials come from when no set is given: the SDK's credentials file, KooCLI profiles, ECS metadata on
opt-in, and an agency assumed on top; the precedence table and its messages. No network."""

import json
import os

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import resolve_settings

OPTIONS = {"region": "cn-north-4", "iam_endpoint": "https://iam.example"}
FILE_SECRET = "file-secret-key-7f3a9c2e1b8d4f60a5c7"
FILE_TOKEN = "file-security-token-0a1b2c3d4e5f6a7b8c9d"


def write_sdk_file(path, text=None, mode=0o600):
    path.write_text(text if text is not None else (
        "[basic]\nak = FILEACCESSKEY0001\nsk = %s\nsecurity_token = %s\nproject_id = fileproject01\n"
        "iam_endpoint = https://iam.from-file\n\n[global]\ndomain_id = d1\n" % (FILE_SECRET, FILE_TOKEN)))
    os.chmod(str(path), mode)
    return path


def write_koocli(path, profiles=None, current="default", mode=0o600):
    profiles = profiles if profiles is not None else [
        {"name": "default", "mode": "AKSK", "accessKeyId": "KOOCLIACCESSKEY01", "secretAccessKey": "koocli-sk-1",
         "region": "cn-north-4", "projectId": "kooproject01"},
        {"name": "sso", "mode": "SSO", "region": "cn-north-4", "ssoAuth": {"stsToken": {
            "accessKeyId": "SSOACCESSKEY00001", "secretAccessKey": "sso-sk-1", "securityToken": "sso-token-1"}}},
        {"name": "encrypted", "mode": "AKSK", "accessKeyId": "Zm9vYmFyOmVuY3J5cHRlZA==:aes",
         "secretAccessKey": "c2VjcmV0=="},
        {"name": "assuming", "mode": "AKSK", "accessKeyId": "KOOCLIACCESSKEY02", "secretAccessKey": "koocli-sk-2",
         "agencyName": "drs_admin", "agencyDomainName": "other-domain"},
    ]
    path.write_text(json.dumps({"current": current, "profiles": profiles}))
    os.chmod(str(path), mode)
    return path


def resolve(params=None, environ=None):
    return resolve_settings(dict(OPTIONS, **(params or {})), environ or {})


def failure(params=None, environ=None):
    with pytest.raises(ModuleFailure) as caught:
        resolve(params, environ)
    assert "\n" not in caught.value.msg
    return caught.value.msg


# ---- the SDK's credentials file


def test_the_sdk_file_named_by_its_variable_is_read_with_its_project_and_iam_endpoint(tmp_path):
    path = write_sdk_file(tmp_path / "credentials")
    settings = resolve({"iam_endpoint": None}, {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)})
    assert settings.credentials.kind == "credentials_file"
    assert settings.credentials.values == {"access_key": "FILEACCESSKEY0001", "secret_key": FILE_SECRET,
                                           "security_token": FILE_TOKEN}
    assert settings.credentials.description == "credentials file %s [basic]" % path
    assert settings.project_id == "fileproject01" and settings.iam_endpoint == "https://iam.from-file"
    assert sorted(settings.learnt_secrets()) == sorted([FILE_SECRET, FILE_TOKEN])
    assert settings.credentials.warnings == []


def test_the_default_file_is_found_under_home_and_named_with_a_tilde(tmp_path):
    (tmp_path / ".huaweicloud").mkdir()
    write_sdk_file(tmp_path / ".huaweicloud" / "credentials")
    settings = resolve(environ={"HOME": str(tmp_path)})
    assert settings.credentials.description == "credentials file ~/.huaweicloud/credentials [basic]"


def test_options_and_the_environment_come_before_the_file(tmp_path):
    path = write_sdk_file(tmp_path / "credentials")
    environ = {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)}
    assert resolve({"auth_token": "tok"}, environ).credentials.kind == "token"
    settings = resolve(environ=dict(environ, HW_ACCESS_KEY="envak", HW_SECRET_KEY="envsk"))
    assert settings.credentials.kind == "access_keys"
    assert settings.credentials.description == "environment (HW_ACCESS_KEY, HW_SECRET_KEY)"
    # The project id of the options beats the file's.
    assert resolve({"project_id": "mine"}, environ).project_id == "mine"


def test_a_file_others_can_read_gets_an_ssh_style_warning(tmp_path):
    path = write_sdk_file(tmp_path / "credentials", mode=0o644)
    warnings = resolve(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)}).credentials.warnings
    assert len(warnings) == 1 and "too open" in warnings[0] and "chmod 600" in warnings[0] and str(path) in warnings[0]


@pytest.mark.parametrize("text, words", [
    ("[basic]\nak = A1\n", ["has no sk"]),
    ("[other]\nak = A1\nsk = %s\n" % FILE_SECRET, ["no [basic] section"]),
    ("ak = A1\nsk = %s\n" % FILE_SECRET, ["not valid INI", "line 1"]),
    ("[basic]\nak = A1\nsk = %s\nsk = again\n" % FILE_SECRET, ["not valid INI", "line 4"]),
    ("[basic]\nak = A1\nsk = \x01%s\n" % FILE_SECRET, ["key sk", "control character"]),
])
def test_a_broken_file_fails_naming_the_file_and_the_key_never_a_value(tmp_path, text, words):
    path = write_sdk_file(tmp_path / "credentials", text)
    msg = failure(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)})
    assert str(path) in msg
    for word in words:
        assert word in msg, msg
    assert FILE_SECRET[:8] not in msg


def test_a_file_named_by_the_variable_must_exist(tmp_path):
    msg = failure(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(tmp_path / "missing")})
    assert "missing" in msg and "does not exist" in msg


def test_nothing_found_lists_every_source_looked_at(tmp_path):
    msg = failure(environ={"HOME": str(tmp_path)})
    for word in ("No credentials", "task options", "auth_token", "koocli_profile", "ecs_metadata", "environment",
                 "HUAWEICLOUD_SDK_AK", "HW_PROFILE", "HWCLOUD_DRS_ECS_METADATA", "~/.huaweicloud/credentials",
                 "not found"):
        assert word in msg, (word, msg)


# ---- KooCLI profiles


def test_the_current_koocli_profile_and_its_project_and_region(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    settings = resolve({"region": None}, {"HW_SHARED_CONFIG_FILE": str(path)})
    assert settings.credentials.kind == "koocli_profile"
    assert settings.credentials.values == {"access_key": "KOOCLIACCESSKEY01", "secret_key": "koocli-sk-1"}
    assert settings.credentials.description == "KooCLI profile default (AKSK) in %s" % path
    assert settings.project_id == "kooproject01" and settings.region == "cn-north-4"


def test_a_named_sso_profile_gives_its_sts_token(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    settings = resolve({"koocli_profile": "sso", "koocli_config_file": str(path)})
    assert settings.credentials.values == {"access_key": "SSOACCESSKEY00001", "secret_key": "sso-sk-1",
                                           "security_token": "sso-token-1"}
    assert settings.credentials.source == "task options"
    assert "KooCLI profile sso (SSO)" in settings.credentials.description


def test_the_default_koocli_file_is_read_when_only_hw_profile_is_set(tmp_path):
    (tmp_path / ".hcloud").mkdir()
    write_koocli(tmp_path / ".hcloud" / "config.json")
    settings = resolve(environ={"HOME": str(tmp_path), "HW_PROFILE": "sso"})
    assert settings.credentials.description == "KooCLI profile sso (SSO) in ~/.hcloud/config.json"


def test_an_encrypted_profile_is_refused_naming_the_koocli_command(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    msg = failure({"koocli_profile": "encrypted", "koocli_config_file": str(path)})
    assert "hcloud configure set --cli-auth-encrypt=false" in msg and "encrypted" in msg
    assert "c2VjcmV0" not in msg and "Zm9vYmFy" not in msg


def test_an_unknown_profile_names_the_profiles_there(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    msg = failure({"koocli_profile": "nope", "koocli_config_file": str(path)})
    assert "no profile named nope" in msg and "default, sso" in msg


def test_a_koocli_profile_with_an_agency_assumes_it(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    settings = resolve({"koocli_profile": "assuming", "koocli_config_file": str(path)})
    assert (settings.agency.agency_name, settings.agency.domain_name) == ("drs_admin", "other-domain")


def test_with_an_agency_the_files_project_is_not_taken_it_belongs_to_the_keys_account(tmp_path):
    path = write_sdk_file(tmp_path / "credentials")
    settings = resolve({"assume_agency_name": "a", "assume_agency_domain_name": "d"},
                       {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)})
    assert settings.project_id is None and settings.iam_endpoint == "https://iam.example"


def test_a_koocli_profile_beside_keys_in_the_same_level_is_an_error(tmp_path):
    path = write_koocli(tmp_path / "config.json")
    msg = failure(environ={"HW_SHARED_CONFIG_FILE": str(path), "HW_ACCESS_KEY": "a", "HW_SECRET_KEY": "s"})
    assert "More than one credential set" in msg and "HW_SHARED_CONFIG_FILE" in msg and "HW_ACCESS_KEY" in msg


# ---- ECS metadata: only on explicit opt-in


def test_ecs_metadata_is_never_chosen_without_opt_in(tmp_path):
    msg = failure(environ={"HOME": str(tmp_path)})
    assert "No credentials" in msg


@pytest.mark.parametrize("params, environ", [
    ({"ecs_metadata": True}, {}),
    ({}, {"HWCLOUD_DRS_ECS_METADATA": "true"}),
    ({}, {"HWCLOUD_DRS_ECS_METADATA": "1"}),
])
def test_ecs_metadata_on_opt_in_with_the_default_address(params, environ):
    settings = resolve(params, environ)
    assert settings.credentials.kind == "ecs_metadata"
    assert settings.metadata_url == "http://169.254.169.254"
    assert settings.credentials.description == "ECS metadata (agency)"


def test_the_metadata_address_is_configurable_and_the_task_can_switch_the_environment_off():
    settings = resolve({"ecs_metadata_url": "http://127.0.0.1:8080/"}, {"HWCLOUD_DRS_ECS_METADATA": "yes"})
    assert settings.metadata_url == "http://127.0.0.1:8080"
    settings = resolve({}, {"HWCLOUD_DRS_ECS_METADATA": "true", "HWCLOUD_DRS_ECS_METADATA_URL": "http://127.0.0.1:9"})
    assert settings.metadata_url == "http://127.0.0.1:9"
    msg = failure({"ecs_metadata": False}, {"HWCLOUD_DRS_ECS_METADATA": "true", "HOME": "/nonexistent"})
    assert "No credentials" in msg


@pytest.mark.parametrize("params, environ, words", [
    ({}, {"HWCLOUD_DRS_ECS_METADATA": "maybe"}, ["HWCLOUD_DRS_ECS_METADATA", "true or false"]),
    ({"ecs_metadata": True, "ecs_metadata_url": "ftp://x"}, {}, ["ecs_metadata_url", "http://"]),
    ({"ecs_metadata": True, "access_key": "a", "secret_key": "s"}, {},
     ["More than one", "ecs_metadata", "access_key"]),
])
def test_bad_metadata_settings_fail_naming_them(params, environ, words):
    msg = failure(params, environ)
    for word in words:
        assert word in msg, msg


# ---- assuming an agency


def test_an_agency_from_the_options_beats_the_environment():
    environ = {"HW_ASSUME_ROLE_AGENCY_NAME": "env_agency", "HW_ASSUME_ROLE_DOMAIN_NAME": "env-domain",
               "HW_ASSUME_ROLE_DURATION": "1800"}
    settings = resolve({"auth_token": "t", "assume_agency_name": "opt_agency", "assume_agency_domain_name": "opt"},
                       environ)
    assert (settings.agency.agency_name, settings.agency.domain_name, settings.agency.duration_seconds) == (
        "opt_agency", "opt", None)
    settings = resolve({"auth_token": "t", "project_id": "p"}, environ)
    assert (settings.agency.agency_name, settings.agency.duration_seconds) == ("env_agency", 1800)
    # Assuming needs IAM even with a project id.
    assert settings.iam_endpoint == "https://iam.example"


def test_the_agency_domain_defaults_to_the_login_domain():
    settings = resolve({"iam_user_name": "u", "iam_password": "p", "iam_domain_name": "d",
                        "assume_agency_name": "a"})
    assert settings.agency.domain_name == "d"


@pytest.mark.parametrize("params, environ, words", [
    ({"assume_agency_name": "a"}, {}, ["assume_agency_domain_name"]),
    ({"assume_agency_domain_name": "d"}, {}, ["assume_agency_domain_name is set but assume_agency_name"]),
    ({"assume_agency_name": "a", "assume_agency_domain_name": "d", "assume_agency_duration": 60}, {},
     ["assume_agency_duration", "between 900 and 86400"]),
    ({}, {"HW_ASSUME_ROLE_AGENCY_NAME": "a", "HW_ASSUME_ROLE_DOMAIN_NAME": "d", "HW_ASSUME_ROLE_DURATION": "1h"},
     ["HW_ASSUME_ROLE_DURATION", "whole number"]),
    ({"assume_agency_name": "a/b", "assume_agency_domain_name": "d"}, {}, ["assume_agency_name"]),
])
def test_bad_agency_settings_fail_naming_them(params, environ, words):
    msg = failure(dict({"auth_token": "t"}, **params), environ)
    for word in words:
        assert word in msg, msg


def test_the_official_sdk_reads_the_same_file_the_same_way(tmp_path, monkeypatch):
    provider = pytest.importorskip("huaweicloudsdkcore.auth.provider")
    path = write_sdk_file(tmp_path / "credentials")
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(path))
    sdk = provider.ProfileCredentialProvider.get_basic_credential_profile_provider().get_credentials()
    ours = resolve({"iam_endpoint": None}, {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path)})
    assert (sdk.ak, sdk.sk, sdk.security_token, sdk.project_id, sdk.iam_endpoint) == (
        ours.credentials.values["access_key"], ours.credentials.values["secret_key"],
        ours.credentials.values["security_token"], ours.project_id, ours.iam_endpoint)
