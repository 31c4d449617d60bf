"""IAM: password tokens, the project lookup, and how DRS treats tokens."""

import calendar
import time

import pytest

from emulator_client import Client, assert_error


def _expires_in(body):
    expires = calendar.timegm(time.strptime(body["token"]["expires_at"], "%Y-%m-%dT%H:%M:%S.000000Z"))
    return expires - time.time()


@pytest.mark.parametrize("scope", ["name", "id"])
def test_password_token_scoped_by_project_name_or_id(client, scope):
    project = {"name": "cn-north-4"} if scope == "name" else {"id": client.state["project_id"]}
    response = client.token(project=project)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["token"]["project"]["id"], body["token"]["project"]["name"]) == (client.state["project_id"], "cn-north-4")
    assert 23 * 3600 < _expires_in(body) <= 24 * 3600
    listed = client.with_token("GET", client.list_path(), params={"limit": 2}, token=response.headers["X-Subject-Token"])
    assert listed.json()["total_count"] == 200


def test_login_errors(client):
    assert_error(client.token(password="wrong"), 401, "IAM.0101")
    assert_error(client.token(project={"name": "eu-west-101"}), 400, "IAM.0011", "eu-west-101")
    response = client.session.post(client.state["url"] + "/v3/auth/tokens", data="{}", timeout=10,
                                   headers={"Content-Type": "application/json"})
    assert_error(response, 400, "IAM.0011")


def test_missing_and_unknown_tokens(client):
    response = client.session.get(client.state["url"] + client.list_path(), timeout=10,
                                  headers={"Content-Type": "application/json"})
    assert_error(response, 401, "APIGW.0301")
    assert_error(client.with_token("GET", client.list_path(), token="MIInot-a-token"), 403, "DRS.M00100")


def test_a_token_expires_after_some_calls(start_emulator):
    client = Client(start_emulator(token_expire_after_calls=2).state)
    assert client.with_token("GET", client.list_path()).status_code == 200
    assert client.with_token("GET", client.list_path()).status_code == 200
    assert_error(client.with_token("GET", client.list_path()), 401, "APIGW.0307")
    token = client.token().headers["X-Subject-Token"]
    assert client.with_token("GET", client.list_path(), token=token).status_code == 200


def test_token_lifetime(start_emulator):
    client = Client(start_emulator(token_ttl_seconds=60).state)
    assert 50 < _expires_in(client.token().json()) <= 60
    expired = Client(start_emulator(token_ttl_seconds=0).state)
    assert_error(expired.with_token("GET", expired.list_path()), 401, "APIGW.0307")


def _projects(client, name="cn-north-4", **kwargs):
    return client.signed("GET", "/v3/projects", [("name", name)], content_type=None, **kwargs)


def test_project_lookup_is_signed(client):
    response = _projects(client)
    assert response.status_code == 200, response.text
    assert [(project["id"], project["name"]) for project in response.json()["projects"]] == \
        [(client.state["project_id"], "cn-north-4")]
    assert _projects(client, "eu-west-101").json()["projects"] == []
    assert_error(_projects(client, secret_key="wrong"), 401, "APIGW.0301")


@pytest.mark.parametrize("matches", [0, 3])
def test_project_lookup_finds_zero_or_several(start_emulator, matches):
    projects = _projects(Client(start_emulator(project_matches=matches).state)).json()["projects"]
    assert len({project["id"] for project in projects}) == len(projects) == matches
