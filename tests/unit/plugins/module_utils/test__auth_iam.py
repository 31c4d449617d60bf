"""IAM: the password login (scope, token, project from the token) and the project lookup by region name."""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._auth import AccessKeySigner, PasswordLogin, lookup_project_id
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport

from hwcloud_drs_fakes import PROJECT_ID, FakeDrs, make_response  # pylint: disable=import-error

IAM = "https://iam.example"


def _transport(fake):
    return HttpTransport(session=fake.session, max_retries=0, sleep=lambda seconds: None)


def _login(fake, password="right-password", **kwargs):
    kwargs.setdefault("project_name", "cn-north-4")
    return PasswordLogin(_transport(fake), IAM, "u", password, "d", **kwargs)


def test_login_scopes_by_region_and_learns_the_project():
    fake = FakeDrs()
    login = _login(fake)
    assert login.current_token() == "iam-token-from-run-0001-1"
    body = json.loads(fake.calls[0].data.decode("utf-8"))
    assert body["auth"]["scope"] == {"project": {"name": "cn-north-4"}}
    assert body["auth"]["identity"]["password"]["user"] == {"name": "u", "password": "right-password",
                                                            "domain": {"name": "d"}}
    assert login.project_id == PROJECT_ID and login.tokens_issued == ["iam-token-from-run-0001-1"]


def test_login_scopes_by_project_id_when_known():
    fake = FakeDrs()
    _login(fake, project_id="p-1").current_token()
    assert json.loads(fake.calls[0].data.decode("utf-8"))["auth"]["scope"] == {"project": {"id": "p-1"}}


def test_login_happens_once_and_counts_as_an_iam_call():
    fake = FakeDrs()
    login = _login(fake)
    login.current_token()
    login.current_token()
    assert fake.tokens_issued == 1 and login.transport.stats.iam_calls == 1


def test_refused_login_names_the_options_not_the_password():
    login = _login(FakeDrs(), password="pw-Xq81")
    with pytest.raises(ApiError) as caught:
        login.current_token()
    assert "HTTP 401" in caught.value.msg and "iam_password" in caught.value.msg
    assert "pw-Xq81" not in caught.value.msg


def test_concurrent_expiries_renew_only_once():
    fake = FakeDrs()
    login = _login(fake)
    expired = login.current_token()
    renewed = login.renew(expired)
    assert login.renew(expired) == renewed != expired
    assert fake.tokens_issued == 2 and login.tokens_issued == [expired, renewed]


def test_login_without_subject_token_is_a_clear_error():
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(201, {"token": {}})))
    with pytest.raises(ModuleFailure, match="X-Subject-Token"):
        _login(fake).current_token()


@pytest.mark.parametrize("body", [[], {"token": "x"}, {"token": {"project": 5}}])
def test_odd_token_bodies_leave_the_project_unknown(body):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(201, body, headers={"X-Subject-Token": "t-123456"})))
    login = _login(fake)
    assert login.current_token() == "t-123456" and login.project_id is None


def test_project_lookup_uses_the_single_match_and_is_signed():
    fake = FakeDrs()
    signer = AccessKeySigner("a", "s")
    assert lookup_project_id(_transport(fake), IAM, "cn-north-4", sign=signer.sign) == PROJECT_ID
    assert fake.calls[0].query == {"name": "cn-north-4"}
    assert fake.calls[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=a, ")


def test_project_lookup_with_a_token_sends_it():
    fake = FakeDrs()
    lookup_project_id(_transport(fake), IAM, "cn-north-4", headers={"X-Auth-Token": "tok"})
    assert fake.calls[0].headers["X-Auth-Token"] == "tok"


@pytest.mark.parametrize("matches,words", [(0, ["No IAM project", "project_id"]), (2, ["2 IAM projects", "project_id"])])
def test_project_lookup_with_zero_or_several_matches_is_a_clear_error(matches, words):
    fake = FakeDrs(project_matches=matches)
    with pytest.raises(ModuleFailure) as caught:
        lookup_project_id(_transport(fake), IAM, "cn-north-4")
    for word in words:
        assert word in caught.value.msg


@pytest.mark.parametrize("body", [[], {"projects": "x"}, {"projects": [1, None]}])
def test_odd_project_lookup_answers_are_a_clear_error(body):
    fake = FakeDrs()
    fake.faults.append((lambda call: True, make_response(200, body)))
    with pytest.raises(ModuleFailure, match="No IAM project"):
        lookup_project_id(_transport(fake), IAM, "cn-north-4")
