"""ECS metadata keys (on opt-in only) and an assumed agency, against the emulator's metadata service and IAM on
127.0.0.1: the protocol, its faults, renewal before expiry on a long wait, and that the link-local default
address is never contacted unless asked for (proved at the socket layer, without ever opening a connection)."""

import socket
import time

import pytest

from ansible_collections.hwcloud.drs.plugins.modules import drs_batch_async_job_info

from module_args import run_main  # pylint: disable=import-error
from support.fake_clock import START, FakeClock  # pylint: disable=import-error
from support.jobs import make_jobs  # pylint: disable=import-error
from support.drs_statuses import COMMITTED, VALIDATING  # pylint: disable=import-error

DEFAULT_METADATA_HOST = "169.254.169.254"


def metadata_service(emulators, **options):
    return emulators.service(metadata=True, **options)


def metadata_options(service, **options):
    return service.options("none", ecs_metadata=True, ecs_metadata_url=service.state["metadata_url"], **options)


def run(service, args, clock=None):
    return run_main(drs_batch_async_job_info.main, args, session=service.session, clock=clock)


class RunningClock(FakeClock):
    """A fake clock whose wall clock runs ahead by the time slept on it, and the in-process emulator's clock with
    it (its clock skew): temporary keys age on a long wait without real time passing."""

    def __init__(self, service):
        super(RunningClock, self).__init__(wall=lambda: time.time() + (self.now - START))
        self.arguments = service.emulator.running.emulator.arguments
        self.arguments.clock_skew_seconds = 0.0

    def sleep(self, seconds):
        super(RunningClock, self).sleep(seconds)
        self.arguments.clock_skew_seconds = self.now - START


@pytest.fixture
def running_clock():
    """``running_clock(service)``: a RunningClock; the emulator's clock is set back when the test ends."""
    made = []

    def make(service):
        made.append(RunningClock(service))
        return made[-1]

    yield make
    for clock in made:
        clock.arguments.clock_skew_seconds = 0.0


def issued_keys(service):
    return service.emulator.control("GET", "temporary-keys")["keys"]


def test_metadata_keys_list_jobs_as_the_sdk_gets_them(emulators):
    service = metadata_service(emulators)
    service.seed(make_jobs(3))
    result = run(service, metadata_options(service)).result
    assert not result.get("failed"), result.get("msg")
    assert result["total_count"] == 3 and result["credential_source"] == "ECS metadata (agency)"
    routes = service.routes()
    assert routes["metadata_token"] == 1 and routes["metadata_keys"] == 1
    token_call, keys_call = [call for call in service.calls if "/meta-data/" in call.path or "/openstack/" in call.path]
    assert token_call.method == "PUT" and token_call.headers["X-Metadata-Token-Ttl-Seconds"] == "21600"
    assert keys_call.method == "GET" and keys_call.headers["X-Metadata-Token"]
    keys = issued_keys(service)[-1]
    drs_call = service.list_calls()[0]
    assert drs_call.headers["X-Security-Token"] == keys["securitytoken"]
    assert "Access=%s," % keys["access"] in drs_call.headers["Authorization"]


def test_an_old_metadata_service_without_the_token_api_is_asked_without_a_token(emulators):
    service = metadata_service(emulators, metadata_mode="no-token-api")
    result = run(service, metadata_options(service)).result
    assert not result.get("failed"), result.get("msg")
    keys_call = [call for call in service.calls if "/openstack/" in call.path][0]
    assert "X-Metadata-Token" not in keys_call.headers


def test_an_ecs_without_an_agency_is_told_so(emulators):
    service = metadata_service(emulators, metadata_mode="no-agency")
    result = run(service, metadata_options(service)).result
    assert result["failed"] and "This ECS has no agency" in result["msg"] and "bind an agency" in result["msg"]
    assert service.routes().get("drs_list") is None


def test_keys_that_expired_already_are_refused(emulators):
    service = metadata_service(emulators, metadata_mode="expired")
    result = run(service, metadata_options(service)).result
    assert result["failed"] and "expired already" in result["msg"]


def test_an_unreachable_metadata_service_fails_fast_naming_it(emulators):
    service = emulators.service()
    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    result = run(service, service.options("none", ecs_metadata=True, ecs_metadata_url="http://127.0.0.1:%d" % port,
                                          max_retries=0)).result
    assert result["failed"] and "could not connect to 127.0.0.1:%d" % port in result["msg"]
    assert "ecs_metadata_url" in result["msg"] and "ECS or BMS" in result["msg"]


def test_metadata_keys_that_live_20_seconds_are_renewed_during_a_60_second_wait(emulators, running_clock):
    service = metadata_service(emulators, metadata_key_ttl_seconds=20)
    service.seed(make_jobs(2, statuses=(VALIDATING,)), validate_after_calls=6, auto_commit_after_calls=6)
    outcome = run(service, metadata_options(service, wait_for_status=COMMITTED, wait_sleep=10, wait_timeout=120),
                  clock=running_clock(service))
    result = outcome.result
    assert not result.get("failed"), result.get("msg")
    assert sum(outcome.clock.sleeps) >= 60
    renewals = service.routes()["metadata_keys"] - 1
    assert renewals >= 2 and result["credential_source"] == "ECS metadata (agency), renewed %d times" % renewals
    assert service.stats()["statuses"].get("401") is None


# ---- the link-local default


class _ConnectionRecorder(object):
    """Stands in for socket.create_connection: records every address asked for; the default metadata address is
    refused at once, without a socket ever being opened to it."""

    def __init__(self, real):
        self.real = real
        self.addresses = []

    def __call__(self, address, *args, **kwargs):
        self.addresses.append(address[0])
        if address[0] == DEFAULT_METADATA_HOST:
            raise ConnectionRefusedError("refused by the test: %s is never contacted" % DEFAULT_METADATA_HOST)
        return self.real(address, *args, **kwargs)


@pytest.fixture
def connections(monkeypatch):
    import urllib3.util.connection
    recorder = _ConnectionRecorder(urllib3.util.connection.create_connection)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", recorder)
    monkeypatch.setattr(socket, "create_connection", recorder)
    return recorder


@pytest.mark.parametrize("extra", [{}, {"ecs_metadata": False}])
def test_the_default_metadata_address_is_not_contacted_unless_asked(emulators, connections, tmp_path, extra):
    service = emulators.service()
    service.seed(make_jobs(1))
    for args in (service.options("aksk", **extra), service.options("none", **extra)):
        run(service, args)
    assert connections.addresses and DEFAULT_METADATA_HOST not in connections.addresses


def test_asked_for_without_an_address_it_is_the_default_and_only_it(emulators, connections):
    service = emulators.service()
    result = run(service, service.options("none", ecs_metadata=True, max_retries=0)).result
    assert result["failed"] and DEFAULT_METADATA_HOST in result["msg"]
    assert connections.addresses == [DEFAULT_METADATA_HOST]


# ---- an agency assumed on top


def agency_options(service, style="aksk", **options):
    agency = dict(assume_agency_name=service.state["agency_name"],
                  assume_agency_domain_name=service.state["agency_domain_name"])
    agency.update(options)
    return service.options(style, project=False, **agency)


@pytest.mark.parametrize("style", ["aksk", "token", "password"])
def test_an_agency_assumed_with_any_base_lists_with_its_keys(emulators, style):
    service = emulators.service()
    service.seed(make_jobs(2))
    result = run(service, agency_options(service, style)).result
    assert not result.get("failed"), result.get("msg")
    assert result["credential_source"].startswith("agency drs_admin_agency of domain agency-owner-domain assumed "
                                                  "with task options (")
    keys = issued_keys(service)[-1]
    assume = [call for call in service.calls if call.path.endswith("/securitytokens")][0]
    assert b'"methods": ["assume_role"]' in assume.data
    lookup = [call for call in service.calls if call.path == "/v3/projects"][0]
    assert "Access=%s," % keys["access"] in lookup.headers["Authorization"]
    assert "Access=%s," % keys["access"] in service.list_calls()[0].headers["Authorization"]


def test_a_password_login_that_assumes_an_agency_is_scoped_by_region_not_by_the_agencys_project(emulators):
    service = emulators.service()
    service.seed(make_jobs(1))
    args = agency_options(service, "password", project_id=service.state["project_id"])
    result = run(service, args).result
    assert not result.get("failed"), result.get("msg")
    login = [call for call in service.calls if call.path == "/v3/auth/tokens"][0]
    assert b'"scope": {"project": {"name": "cn-north-4"}}' in login.data


def test_an_agency_assumed_on_metadata_keys(emulators):
    service = metadata_service(emulators)
    result = run(service, metadata_options(service, project_id=None, assume_agency_name=service.state["agency_name"],
                                           assume_agency_domain_name=service.state["agency_domain_name"])).result
    assert not result.get("failed"), result.get("msg")
    assert result["credential_source"] == ("agency drs_admin_agency of domain agency-owner-domain assumed with ECS "
                                           "metadata (agency)")


def test_an_unknown_agency_fails_with_iams_answer_and_a_hint(emulators):
    service = emulators.service()
    result = run(service, agency_options(service, assume_agency_name="nope")).result
    assert result["failed"] and "IAM.0004" in result["msg"] and "assume_agency_name" in result["msg"]


def test_assumed_keys_that_live_20_seconds_are_renewed_during_a_60_second_wait(emulators, running_clock):
    service = emulators.service(assumed_key_ttl_seconds=20)
    service.seed(make_jobs(2, statuses=(VALIDATING,)), validate_after_calls=6, auto_commit_after_calls=6)
    outcome = run(service, agency_options(service, wait_for_status=COMMITTED, wait_sleep=10, wait_timeout=120),
                  clock=running_clock(service))
    result = outcome.result
    assert not result.get("failed"), result.get("msg")
    renewals = service.routes()["iam_assume_role"] - 1
    assert renewals >= 2 and ", renewed %d times assumed with" % renewals in result["credential_source"]
    assert service.stats()["statuses"].get("401") is None


def test_a_metadata_service_that_drops_the_connection_fails_fast_naming_it(emulators):
    service = metadata_service(emulators)
    service.faults({"route": "metadata", "drop": True, "count": 10})
    result = run(service, metadata_options(service)).result
    assert result["failed"] and "ECS or BMS" in result["msg"] and "ecs_metadata_url" in result["msg"]
    # The token PUT once, never retried (as the SDK, a connection that fails is no "old service"): no keys call.
    assert service.routes() == {"metadata_token": 1}
