"""IAM: password tokens, project lookup, and how DRS treats tokens."""

import calendar
import time

import pytest

from emulator_client import assert_error


def _expires_in(body):
    expires = calendar.timegm(time.strptime(body["token"]["expires_at"], "%Y-%m-%dT%H:%M:%S.000000Z"))
    return expires - time.time()


def test_password_token_by_project_name(client):
    response = client.token()
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["token"]["project"] == {"id": client.state["project_id"], "name": "cn-north-4",
                                        "domain": {"id": body["token"]["user"]["domain"]["id"], "name": "demo-domain"}}
    assert 23 * 3600 < _expires_in(body) <= 24 * 3600
    assert response.headers["X-Request-Id"]
    token = response.headers["X-Subject-Token"]
    listed = client.with_token("GET", client.list_path(), params={"limit": 2})
    assert listed.status_code == 200
    listed = client.with_token("GET", client.list_path(), params={"limit": 2}, token=token)
    assert listed.json()["total_count"] == 200


def test_password_token_by_project_id(client):
    response = client.token(project={"id": client.state["project_id"]})
    assert response.status_code == 201
    assert response.json()["token"]["project"]["id"] == client.state["project_id"]


def test_token_errors(client):
    assert_error(client.token(password="wrong"), 401, "IAM.0101")
    assert_error(client.token(project={"name": "eu-west-101"}), 400, "IAM.0011", "eu-west-101")
    response = client.session.post(client.state["url"] + "/v3/auth/tokens", data="{}", timeout=10,
                                   headers={"Content-Type": "application/json"})
    assert_error(response, 400, "IAM.0011")
    response = client.session.post(client.state["url"] + "/v3/auth/tokens", data="{}", timeout=10,
                                   headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "IAM.0012")


def test_token_counted_in_stats(client, fresh):
    client.token()
    client.token(password="wrong")
    stats = fresh.stats()
    assert stats["iam_token_calls"] == 2
    assert stats["routes"]["iam_token"] == 2
    assert stats["statuses"] == {"201": 1, "401": 1}


def test_missing_and_unknown_tokens(client):
    response = client.session.get(client.state["url"] + client.list_path(), timeout=10,
                                  headers={"Content-Type": "application/json"})
    assert_error(response, 401, "APIGW.0301")
    assert_error(client.with_token("GET", client.list_path(), token="MIInot-a-token"), 403, "DRS.M00100")


def test_token_expiry_after_calls(client, fresh):
    fresh.settings(token_expire_after_calls=2)
    assert client.with_token("GET", client.list_path()).status_code == 200
    assert client.with_token("GET", client.list_path()).status_code == 200
    assert_error(client.with_token("GET", client.list_path()), 401, "APIGW.0307")
    token = client.token().headers["X-Subject-Token"]
    assert client.with_token("GET", client.list_path(), token=token).status_code == 200


def test_token_expiry_by_time(client, fresh):
    token = client.token().headers["X-Subject-Token"]
    fresh.clock(advance_seconds=24 * 3600 + 1)
    assert_error(client.with_token("GET", client.list_path(), token=token), 401, "APIGW.0307")


def test_expire_all_tokens(client, fresh):
    fresh.expire_tokens()
    assert_error(client.with_token("GET", client.list_path()), 401, "APIGW.0307")
    assert client.list_jobs().status_code == 200


def test_short_token_ttl(client, fresh):
    fresh.settings(token_ttl_seconds=60)
    assert 50 < _expires_in(client.token().json()) <= 60


def _projects(client, name="cn-north-4"):
    return client.signed("GET", "/v3/projects", [("name", name)], content_type=None)


def test_project_lookup_signed(client):
    response = _projects(client)
    assert response.status_code == 200, response.text
    assert [(project["id"], project["name"]) for project in response.json()["projects"]] == \
        [(client.state["project_id"], "cn-north-4")]
    assert _projects(client, "eu-west-101").json()["projects"] == []
    assert_error(client.signed("GET", "/v3/projects", [("name", "cn-north-4")], secret_key="wrong"), 401, "APIGW.0301")


@pytest.mark.parametrize("matches", [0, 3])
def test_project_lookup_zero_or_several(client, fresh, matches):
    fresh.set_projects(matches=matches)
    projects = _projects(client).json()["projects"]
    assert len(projects) == matches
    assert len({project["id"] for project in projects}) == matches


def test_custom_projects(client, fresh):
    fresh.set_projects(projects=[{"id": client.state["project_id"], "name": "cn-north-4"},
                                 {"id": "1" * 32, "name": "cn-north-4_sub"}])
    assert len(_projects(client).json()["projects"]) == 1
    assert len(client.signed("GET", "/v3/projects", content_type=None).json()["projects"]) == 2
