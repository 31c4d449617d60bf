"""Issue 9, points 4, 5 and 6 from the user's side: every option value works or is refused with the module's
one-line message naming the option, before any request; unsafe or misleading settings are refused or warned
about; hints name the right option.

Names these tests rely on:
- ``allow_insecure_http`` (bool, default false): the option without which ``http://`` endpoints are refused;
- region ids shaped like Huawei's (``cn-north-4``, ``ap-southeast-1``, ``eu-west-101``, ``la-south-2``),
  checked even when ``endpoint`` is set, since the region also names the IAM project.
"""

import re

import pytest

from scenarios import Scenarios
from support.hostile_checks import (
    assert_clean_failure,
    assert_clean_success,
    assert_no_secret_leak,
    mentions,
    outputs_of,
    warnings_of,
)
from support.hostile_server import (
    error,
    listing,
    make_job,
    random_secret,
    random_token,
    raw,
    tls_material,
)

JOBS = [make_job(index, "COMMIT_SUCCESS") for index in range(3)]
TOKEN, PASSWORD = random_token(300), random_secret("pw-", 32)
PASSWORD_LOGIN = dict(auth_token=None, iam_user_name="hostile-user", iam_password=PASSWORD,
                      iam_domain_name="hostile-domain")
HTML_404 = "<html><head><title>404 Not Found</title></head><body>nothing here</body></html>"

# name: (module options, option names the refusal must name). Each case has its own server, which must see
# no request: every one of these is refused from the options alone.
REFUSALS = {
    "endpoint http://127.0.0.1:99999": (dict(endpoint="http://127.0.0.1:99999"), ("endpoint",)),
    "endpoint http://[::1": (dict(endpoint="http://[::1"), ("endpoint",)),
    "endpoint https://127.0.0.1:99999": (dict(endpoint="https://127.0.0.1:99999"), ("endpoint",)),
    "endpoint https://[::1": (dict(endpoint="https://[::1"), ("endpoint",)),
    "iam_endpoint https://[::1": (dict(PASSWORD_LOGIN, iam_endpoint="https://[::1"), ("iam_endpoint",)),
    "timeout inf": (dict(timeout="inf"), ("timeout",)),
    "timeout nan": (dict(timeout="nan"), ("timeout",)),
    "wait_sleep nan": (dict(wait_for_status="COMMIT_SUCCESS", wait_sleep="nan"), ("wait_sleep",)),
    "wait_sleep inf": (dict(wait_for_status="COMMIT_SUCCESS", wait_sleep="inf", wait_timeout=2), ("wait_sleep",)),
    "async_job_id empty": (dict(async_job_id=""), ("async_job_id",)),
    "async_job_id whitespace": (dict(async_job_id="  \t"), ("async_job_id",)),
    "domain_name empty": (dict(domain_name=""), ("domain_name",)),
    "domain_name whitespace": (dict(domain_name=" "), ("domain_name",)),
    "user_name empty": (dict(user_name=""), ("user_name",)),
    "user_name whitespace": (dict(user_name="   "), ("user_name",)),
    "project_id ..": (dict(project_id=".."), ("project_id",)),
    "project_id .": (dict(project_id="."), ("project_id",)),
    "project_id ../other-project": (dict(project_id="../other-project"), ("project_id",)),
    "region evil.example/": (dict(region="evil.example/"), ("region",)),
    "region cn-north-4.evil.example": (dict(region="cn-north-4.evil.example"), ("region",)),
    "region cn-north-4/x": (dict(region="cn-north-4/x"), ("region",)),
}
# Options that only matter with wait_for_status: refused naming both, or warned about naming both.
WAIT_WITHOUT_TARGET = {
    "wait_timeout without wait_for_status": dict(wait_timeout=60),
    "wait_sleep without wait_for_status": dict(wait_sleep=2),
}
# A status filter that can never meet wait_for_status: refused at once, naming both, before any request.
CONTRADICTIONS = [
    ("ASYNC_JOB_VALIDATING", "COMMIT_SUCCESS"),
    ("ASYNC_JOB_VALIDATING", "AUTO_PARAM_VALIDATE_SUCCESS"),
    ("ASYNC_JOB_VALIDATE_FAILED", "COMMIT_SUCCESS"),
    ("AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS"),
]
# Sound values: these must keep working.
ACCEPTED = {
    "status COMMIT_SUCCESS waiting for AUTO_PARAM_VALIDATE_SUCCESS": dict(
        status="COMMIT_SUCCESS", wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", wait_timeout=5),
    "status COMMIT_SUCCESS waiting for COMMIT_SUCCESS": dict(
        status="COMMIT_SUCCESS", wait_for_status="COMMIT_SUCCESS", wait_timeout=5),
    "region cn-north-4": dict(region="cn-north-4"),
    "region ap-southeast-1": dict(region="ap-southeast-1"),
    "region eu-west-101": dict(region="eu-west-101"),
    "region la-south-2": dict(region="la-south-2"),
    "a finite timeout": dict(timeout=7.5),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile_options_files")
    paths = {"garbage": directory / "not-a-bundle.pem", "empty": directory / "empty.pem"}
    paths["garbage"].write_text("this is not a certificate bundle\n")
    paths["empty"].write_text("")
    other = directory / "other_ca"
    other.mkdir()
    _context, paths["other CA"] = tls_material(other)  # a CA that did not sign the servers' certificate
    return paths


@pytest.fixture(scope="module")
def options_run(module_ansible, hostile_servers, files):
    cases = Scenarios(module_ansible, start_emulator=None)
    servers = {}

    def add(name, server=None, **options):
        server = server or hostile_servers.start(list=listing(JOBS))
        options.setdefault("auth_token", TOKEN)
        cases.add(name, style="none", emulator=server, **options)
        servers[name] = server
        return server

    for name, (options, _names) in REFUSALS.items():
        add(name, **options)
    for status, wanted in CONTRADICTIONS:
        add("status %s waiting for %s" % (status, wanted), status=status, wait_for_status=wanted, wait_timeout=8,
            wait_sleep=1)
    for name, options in list(ACCEPTED.items()) + list(WAIT_WITHOUT_TARGET.items()):
        add(name, **options)

    plain = hostile_servers.start(tls=False, list=listing(JOBS))
    add("http endpoint", plain, endpoint=plain.url, ca_path=None)
    iam_plain = hostile_servers.start(tls=False)
    add("http iam_endpoint", iam_endpoint=iam_plain.url, **PASSWORD_LOGIN)
    servers["http iam_endpoint: IAM"] = iam_plain
    plain_allowed = hostile_servers.start(tls=False, list=listing(JOBS))
    add("http endpoint with allow_insecure_http", plain_allowed, endpoint=plain_allowed.url, ca_path=None,
        allow_insecure_http=True)

    add("ca_path not PEM", ca_path=str(files["garbage"]))
    add("ca_path empty", ca_path=str(files["empty"]))
    add("IAM login 404 APIGW.0101", hostile_servers.start(token=error(404, "APIGW.0101", "The API does not exist")),
        **PASSWORD_LOGIN)
    add("IAM login 404 HTML", hostile_servers.start(token=raw(404, HTML_404, "text/html")), **PASSWORD_LOGIN)
    add("IAM lookup 404 APIGW.0101", hostile_servers.start(projects=error(404, "APIGW.0101", "The API does not exist")),
        project_id=None)
    add("IAM lookup 404 HTML", hostile_servers.start(projects=raw(404, HTML_404, "text/html")), project_id=None)
    add("TLS: certificate from another CA", ca_path=str(files["other CA"]))
    # Both endpoints https:// (an http:// one is refused, even when unused), to a server that speaks plain HTTP.
    add("TLS: https to a plain HTTP server", plain, endpoint=plain.url.replace("http://", "https://"),
        iam_endpoint=plain.url.replace("http://", "https://"))

    iam = hostile_servers.start()
    add("validate_certs false", ca_path=None, validate_certs=False, iam_endpoint=iam.url, **PASSWORD_LOGIN)
    servers["validate_certs false: IAM"] = iam
    cases.run()
    cases.issued_tokens = hostile_servers.issued_tokens()
    return cases, servers


def requests_seen(options_run, name):
    _cases, servers = options_run
    return servers[name].stats()["requests"]


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_bad_option_value_is_refused_naming_the_option(options_run, name):
    cases, _servers = options_run
    _options, names = REFUSALS[name]
    assert_clean_failure(cases.result(name), *names)
    assert requests_seen(options_run, name) == 0


@pytest.mark.parametrize("status, wanted", CONTRADICTIONS)
def test_a_status_filter_that_can_never_meet_wait_for_status_is_refused(options_run, status, wanted):
    cases, _servers = options_run
    name = "status %s waiting for %s" % (status, wanted)
    result = cases.result(name)
    assert_clean_failure(result, "status", "wait_for_status")
    # Refused before any request, so before any wait: no wall-clock bound, which a busy machine would break.
    assert requests_seen(options_run, name) == 0 and result["request_stats"]["polls"] == 0


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_sound_values_keep_working(options_run, name):
    cases, _servers = options_run
    result = assert_clean_success(cases.result(name))
    assert len(result["jobs"]) == len(JOBS)


@pytest.mark.parametrize("name", list(WAIT_WITHOUT_TARGET))
def test_a_wait_option_without_wait_for_status_is_not_silently_ignored(options_run, name):
    cases, _servers = options_run
    result = cases.result(name)
    option = name.split()[0]
    if result.get("failed"):
        assert_clean_failure(result, option, "wait_for_status")
    else:
        warnings = warnings_of(result, cases.run_result.stderr + cases.run_result.stdout)
        assert mentions(warnings, option) and mentions(warnings, "wait_for_status"), warnings


# --- plain HTTP ------------------------------------------------------------------------------------


def test_an_http_endpoint_is_refused_naming_the_insecure_option(options_run):
    cases, _servers = options_run
    assert_clean_failure(cases.result("http endpoint"), "endpoint", "allow_insecure_http")
    assert requests_seen(options_run, "http endpoint") == 0


def test_an_http_iam_endpoint_is_refused_before_the_password_travels(options_run):
    cases, _servers = options_run
    assert_clean_failure(cases.result("http iam_endpoint"), "iam_endpoint", "allow_insecure_http")
    assert requests_seen(options_run, "http iam_endpoint: IAM") == 0
    assert requests_seen(options_run, "http iam_endpoint") == 0


def test_allow_insecure_http_lets_a_test_server_be_used(options_run):
    cases, _servers = options_run
    result = assert_clean_success(cases.result("http endpoint with allow_insecure_http"))
    assert len(result["jobs"]) == len(JOBS)


# --- hints and messages ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [("ca_path not PEM", "garbage"), ("ca_path empty", "empty")])
def test_a_ca_path_that_is_no_pem_bundle_names_the_file_and_the_problem(options_run, files, name, kind):
    cases, _servers = options_run
    msg = assert_clean_failure(cases.result(name), "ca_path")
    assert str(files[kind]) in msg, msg
    assert re.search(r"(?i)\bPEM\b|no (CA )?certificate", msg), msg
    assert requests_seen(options_run, name) == 0


@pytest.mark.parametrize("name", [
    "IAM login 404 APIGW.0101", "IAM login 404 HTML", "IAM lookup 404 APIGW.0101", "IAM lookup 404 HTML"])
def test_a_404_from_iam_names_iam_endpoint_not_endpoint(options_run, name):
    cases, _servers = options_run
    msg = assert_clean_failure(cases.result(name), "iam_endpoint")
    assert not mentions(msg, "endpoint"), "the hint blames the DRS endpoint: %s" % msg


@pytest.mark.parametrize("name", ["TLS: certificate from another CA", "TLS: https to a plain HTTP server"])
def test_a_tls_failure_message_is_balanced_and_readable(options_run, name):
    cases, _servers = options_run
    msg = assert_clean_failure(cases.result(name))
    assert msg.count("(") == msg.count(")") and msg.count("[") == msg.count("]"), msg
    assert "TLS" in msg, msg


def test_the_validate_certs_warning_names_both_endpoints(options_run):
    cases, servers = options_run
    result = assert_clean_success(cases.result("validate_certs false"))
    warnings = warnings_of(result, cases.run_result.stderr + cases.run_result.stdout)
    drs_host = servers["validate_certs false"].url.split("//")[1]
    iam_host = servers["validate_certs false: IAM"].url.split("//")[1]
    assert drs_host in warnings or mentions(warnings, "endpoint"), warnings
    assert iam_host in warnings or mentions(warnings, "iam_endpoint"), warnings
    assert requests_seen(options_run, "validate_certs false: IAM") >= 1  # IAM was used, unverified


def test_no_piece_of_a_secret_in_any_output(options_run):
    cases, _servers = options_run
    known = {"auth_token": TOKEN, "iam_password": PASSWORD}
    known.update(("token issued at run time #%d" % index, token) for index, token in enumerate(cases.issued_tokens))
    assert_no_secret_leak(outputs_of(cases.run_result), known)
