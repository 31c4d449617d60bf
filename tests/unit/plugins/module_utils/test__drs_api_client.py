"""The DRS client: one credential set per client, the project looked up when unknown, a token renewed once.

Against the emulator (``drs``), which checks every signature and token; a token answer without a project,
which IAM does not give, is scripted.
"""

import time

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._auth import StaticToken
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import build_client
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import resolve_settings
from ansible_collections.hwcloud.drs.plugins.module_utils._http import HttpTransport

from drs_service import TOKEN_EXPIRED  # pylint: disable=import-error
from fake_session import PASSWORD, FakeSession, make_response, script  # pylint: disable=import-error


def _connect(drs, params, clock=time.time):
    transport = HttpTransport(session=drs.session, max_retries=0, sleep=lambda seconds: None,
                              verify=drs.state["ca_path"])
    return build_client(resolve_settings(params, {}), transport, clock=clock)


def _options(drs, credentials, project=False):
    return drs.options(credentials, project=project, ca_path=None)


def _jobs_path(drs):
    return "/v5/%s/batch-async-jobs" % drs.state["project_id"]


def test_access_keys_sign_every_call_and_name_the_project(drs):
    # Ten minutes behind this machine's clock, within the quarter of an hour API Gateway allows: the date
    # signed is the client's clock, not the system's.
    signed_at = int(time.time()) - 600
    client = _connect(drs, _options(drs, "aksk"), clock=lambda: signed_at)
    client.get_json(_jobs_path(drs))
    lookup, listing = drs.calls
    assert lookup.path == "/v3/projects" and client.project_id == drs.state["project_id"]
    assert listing.headers["X-Project-Id"] == drs.state["project_id"] and "X-Auth-Token" not in listing.headers
    assert listing.headers["X-Sdk-Date"] == time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(signed_at))
    assert listing.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s, " % drs.state["access_key"])


def test_a_given_token_is_sent_and_used_for_the_project_lookup(drs):
    client = _connect(drs, _options(drs, "token"))
    client.get_json(_jobs_path(drs))
    token = drs.state["auth_token"]
    assert [call.headers["X-Auth-Token"] for call in drs.calls] == [token, token]
    assert "Authorization" not in drs.calls[1].headers and isinstance(client.credential, StaticToken)


def test_a_given_token_that_expired_is_not_renewed(drs):
    drs.faults(dict(TOKEN_EXPIRED, count=1))
    client = _connect(drs, _options(drs, "token", project=True))
    with pytest.raises(ApiError) as caught:
        client.get_json(_jobs_path(drs))
    assert "auth_token" in caught.value.hint and len(drs.calls) == 1


def test_a_password_login_gives_the_project_before_any_drs_call(drs):
    client = _connect(drs, _options(drs, "password"))
    assert client.project_id == drs.state["project_id"] and [call.path for call in drs.calls] == ["/v3/auth/tokens"]


def test_a_token_naming_no_project_is_a_clear_error():
    session = FakeSession(script(make_response(201, {"token": {}}, headers={"X-Subject-Token": "t"})))
    transport = HttpTransport(session=session, max_retries=0, sleep=lambda seconds: None)
    with pytest.raises(ModuleFailure, match="set project_id"):
        build_client(resolve_settings(PASSWORD, {}), transport, clock=time.time)


def test_expired_token_is_renewed_once_and_the_request_repeated(drs):
    client = _connect(drs, _options(drs, "password"))
    drs.faults(dict(TOKEN_EXPIRED, count=1))
    assert client.get_json(_jobs_path(drs)) == {"total_count": 0, "jobs": []}
    first, renewed = drs.issued_tokens()
    assert drs.routes()["iam_token"] == 2 and drs.calls[-1].headers["X-Auth-Token"] == renewed
    assert client.credential.tokens_issued == [first, renewed]


def test_token_expiring_again_after_renewal_fails_with_token_hint(drs):
    client = _connect(drs, _options(drs, "password"))
    drs.faults(dict(TOKEN_EXPIRED, count=2))
    with pytest.raises(ApiError) as caught:
        client.get_json(_jobs_path(drs))
    assert caught.value.error_code == "APIGW.0307" and "token" in caught.value.hint
    assert drs.routes()["iam_token"] == 2
