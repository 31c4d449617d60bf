"""The emulator's ECS metadata service and IAM assume_role: the protocol, the modes, expiring keys, and the
official SDK's MetadataAccessor reading the keys unchanged (pointed at 127.0.0.1, never 169.254.169.254)."""

import json
import time

import pytest
import requests

from emulator_client import Client, assert_error


def _plain_session():
    session = requests.Session()
    session.trust_env = False
    return session


def test_token_then_keys_that_sign_drs_calls_until_they_expire(start_emulator):
    emulator = start_emulator(metadata=True, metadata_key_ttl_seconds=3)
    url, session = emulator.state["metadata_url"], _plain_session()
    assert url.startswith("http://127.0.0.1:")
    token = session.put(url + "/meta-data/latest/api/token", headers={"X-Metadata-Token-Ttl-Seconds": "21600"},
                        timeout=5)
    assert token.status_code == 200 and token.text
    assert session.get(url + "/openstack/latest/securitykey", timeout=5).status_code == 401
    keys = session.get(url + "/openstack/latest/securitykey", headers={"X-Metadata-Token": token.text}, timeout=5)
    credential = keys.json()["credential"]
    assert sorted(credential) == ["access", "expires_at", "secret", "securitytoken"]
    client = Client(emulator.state)
    listed = client.signed("GET", client.list_path(), access_key=credential["access"],
                           secret_key=credential["secret"], security_token=credential["securitytoken"])
    assert listed.status_code == 200, listed.text
    time.sleep(3.5)
    expired = client.signed("GET", client.list_path(), access_key=credential["access"],
                            secret_key=credential["secret"], security_token=credential["securitytoken"])
    assert_error(expired, 401, "APIGW.0301", "expired")
    assert emulator.stats()["metadata_key_calls"] == 2


@pytest.mark.parametrize("mode, put_status, get_status, text", [
    ("no-token-api", 404, 200, "credential"),
    ("no-agency", 200, 401, "Please configure Cloud Service Agency first"),
])
def test_metadata_modes(start_emulator, mode, put_status, get_status, text):
    emulator = start_emulator(metadata=True, metadata_mode=mode)
    url, session = emulator.state["metadata_url"], _plain_session()
    token = session.put(url + "/meta-data/latest/api/token", headers={"X-Metadata-Token-Ttl-Seconds": "60"},
                        timeout=5)
    assert token.status_code == put_status
    headers = {"X-Metadata-Token": token.text} if put_status == 200 else {}
    keys = session.get(url + "/openstack/latest/securitykey", headers=headers, timeout=5)
    assert keys.status_code == get_status and text in keys.text


def test_the_official_sdks_metadata_accessor_gets_its_keys_unchanged(start_emulator):
    internal = pytest.importorskip("huaweicloudsdkcore.auth.internal")
    emulator = start_emulator(metadata=True, metadata_key_ttl_seconds=600)
    accessor = internal.MetadataAccessor()
    # Pointed at the emulator on this instance only: the class keeps the link-local default.
    accessor._METADATA_ENDPOINT = emulator.state["metadata_url"]  # pylint: disable=protected-access
    credential = accessor.get_credential()
    issued = emulator.control("GET", "temporary-keys")["keys"][-1]
    assert (credential.access, credential.secret, credential.security_token) == (
        issued["access"], issued["secret"], issued["securitytoken"])
    assert 590 < credential.expire_at - time.time() <= 600
    assert internal.MetadataAccessor._METADATA_ENDPOINT == "http://169.254.169.254"  # pylint: disable=protected-access


def test_assume_role_with_signed_base_keys(start_emulator):
    emulator = start_emulator(assumed_key_ttl_seconds=30)
    client = Client(emulator.state)
    body = {"auth": {"identity": {"methods": ["assume_role"], "assume_role": {
        "agency_name": emulator.state["agency_name"], "domain_name": emulator.state["agency_domain_name"],
        "duration_seconds": 3600}}}}
    answer = client.signed("POST", "/v3.0/OS-CREDENTIAL/securitytokens", body=json.dumps(body).encode())
    assert answer.status_code == 201, answer.text
    credential = answer.json()["credential"]
    listed = client.signed("GET", client.list_path(), access_key=credential["access"],
                           secret_key=credential["secret"], security_token=credential["securitytoken"])
    assert listed.status_code == 200, listed.text
    body["auth"]["identity"]["assume_role"]["agency_name"] = "unknown"
    assert_error(client.signed("POST", "/v3.0/OS-CREDENTIAL/securitytokens", body=json.dumps(body).encode()),
                 404, "IAM.0004")
    unsigned = client.session.post(emulator.state["url"] + "/v3.0/OS-CREDENTIAL/securitytokens", timeout=5,
                                   data=json.dumps(body), headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
