"""IAM: the password login (scope, token, project from the token) and the project lookup by region name.

Against the emulator's IAM (``drs``); the odd answers IAM does not give (no X-Subject-Token, bodies of the
wrong shape) are scripted.
"""

import json

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._auth import AccessKeySigner, PasswordLogin, lookup_project_id
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport

from fake_session import ENDPOINTS, FakeSession, make_response, script  # pylint: disable=import-error

SCRIPTED_IAM = ENDPOINTS["iam_endpoint"]


def _transport(session, verify=True):
    return HttpTransport(session=session, max_retries=0, sleep=lambda seconds: None, verify=verify)


def _emulator_transport(drs):
    return _transport(drs.session, verify=drs.state["ca_path"])


def _login(drs, password=None, **kwargs):
    kwargs.setdefault("project_name", "cn-north-4")
    state = drs.state
    return PasswordLogin(_emulator_transport(drs), state["url"], state["iam_user_name"],
                         password or state["iam_password"], state["iam_domain_name"], **kwargs)


def _scripted_login(*answers):
    return PasswordLogin(_transport(FakeSession(script(*answers))), SCRIPTED_IAM, "u", "right-password", "d",
                         project_name="cn-north-4")


def test_login_scopes_by_region_and_learns_the_project(drs):
    state = drs.state
    login = _login(drs)
    token = login.current_token()
    assert [token] == drs.issued_tokens()
    body = json.loads(drs.calls[0].data.decode("utf-8"))
    assert body["auth"]["scope"] == {"project": {"name": "cn-north-4"}}
    assert body["auth"]["identity"]["password"]["user"] == {"name": state["iam_user_name"],
                                                            "password": state["iam_password"],
                                                            "domain": {"name": state["iam_domain_name"]}}
    assert login.project_id == state["project_id"] and login.tokens_issued == [token]


def test_login_scopes_by_project_id_when_known(drs):
    _login(drs, project_id=drs.state["project_id"]).current_token()
    assert json.loads(drs.calls[0].data.decode("utf-8"))["auth"]["scope"] == {
        "project": {"id": drs.state["project_id"]}}


def test_login_happens_once_and_counts_as_an_iam_call(drs):
    login = _login(drs)
    login.current_token()
    login.current_token()
    assert drs.routes() == {"iam_token": 1} and login.transport.stats.iam_calls == 1


def test_refused_login_names_the_options_not_the_password(drs):
    login = _login(drs, password="pw-Xq81")
    with pytest.raises(ApiError) as caught:
        login.current_token()
    assert "HTTP 401" in caught.value.msg and "iam_password" in caught.value.msg
    assert "pw-Xq81" not in caught.value.msg


def test_concurrent_expiries_renew_only_once(drs):
    login = _login(drs)
    expired = login.current_token()
    renewed = login.renew(expired)
    assert login.renew(expired) == renewed != expired
    assert drs.routes() == {"iam_token": 2} and login.tokens_issued == [expired, renewed]


def test_login_without_subject_token_is_a_clear_error():
    with pytest.raises(ModuleFailure, match="X-Subject-Token"):
        _scripted_login(make_response(201, {"token": {}})).current_token()


@pytest.mark.parametrize("body", [[], {"token": "x"}, {"token": {"project": 5}}])
def test_odd_token_bodies_leave_the_project_unknown(body):
    login = _scripted_login(make_response(201, body, headers={"X-Subject-Token": "t-123456"}))
    assert login.current_token() == "t-123456" and login.project_id is None


def test_project_lookup_uses_the_single_match_and_is_signed(drs):
    state = drs.state
    signer = AccessKeySigner(state["access_key"], state["secret_key"])
    project_id = lookup_project_id(_emulator_transport(drs), state["url"], "cn-north-4", sign=signer.sign)
    assert project_id == state["project_id"]
    assert drs.calls[0].query == {"name": "cn-north-4"}
    assert drs.calls[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s, " % state["access_key"])


def test_project_lookup_with_a_token_sends_it(drs):
    token = drs.state["auth_token"]
    lookup_project_id(_emulator_transport(drs), drs.state["url"], "cn-north-4", headers={"X-Auth-Token": token})
    assert drs.calls[0].headers["X-Auth-Token"] == token


@pytest.mark.parametrize("matches,words", [(0, ["No IAM project", "project_id"]),
                                           (2, ["2 IAM projects", "project_id"])])
def test_project_lookup_with_zero_or_several_matches_is_a_clear_error(emulators, matches, words):
    drs = emulators.service(project_matches=matches)
    with pytest.raises(ModuleFailure) as caught:
        lookup_project_id(_emulator_transport(drs), drs.state["url"], "cn-north-4",
                          headers={"X-Auth-Token": drs.state["auth_token"]})
    for word in words:
        assert word in caught.value.msg


@pytest.mark.parametrize("body", [[], {"projects": "x"}, {"projects": [1, None]}])
def test_odd_project_lookup_answers_are_a_clear_error(body):
    with pytest.raises(ModuleFailure, match="No IAM project"):
        lookup_project_id(_transport(FakeSession(script(make_response(200, body)))), SCRIPTED_IAM, "cn-north-4")
