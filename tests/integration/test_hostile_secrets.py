"""Issue 9, points 1 and 2: no secret, nor any piece of one, in any output, against servers that echo them.

Every case has its own hostile server and its own random secrets, so a scan of the whole output of the
run for one case's secrets tells whether that case leaked. Scanned: ansible's stdout and stderr and the
results document, at default verbosity and at -vvv; a leak is any run of 8 characters of a secret, raw
or escaped (``\\n``, ``\\"``, ``\\u00e9``, twice escaped). Secrets: those given as options, as
environment variables, and the tokens the hostile IAM issued during the run.

The principles these tests hold the module to: whitespace around credential values is stripped; a control
character inside one fails naming the option, never showing the value; text from a server is scrubbed
of every known secret, and of every piece of 8 characters of one, before it is shortened. Each place that
cuts text from a server has a case whose secret straddles the cut.
"""

import json
import os
import secrets as random_source
import tempfile

import pytest

from scenarios import Scenarios
from support.hostile_checks import (
    assert_clean_failure,
    assert_clean_success,
    assert_no_secret_leak,
    mentions,
    outputs_of,
)
from support.hostile_server import (
    echo_body,
    echo_header,
    echo_header_in_content_type,
    echo_header_in_title,
    echo_header_into_jobs,
    echo_header_piece,
    echo_headers,
    assume_role,
    listing,
    metadata_service,
    make_job,
    random_secret,
    random_token,
    redirect_to_header,
    requires_header,
    requires_signature,
    task_details,
    temporary_keys,
)
from support.module_options import connection

JOBS = [make_job(index, "COMMIT_SUCCESS") for index in range(3)]


def access_key():
    return "HOSTILEAK" + random_source.token_hex(8).upper()


def password():
    # Quote, backslash and a non-ASCII letter: JSON-escaped in the login body, so an echo differs from the raw value.
    return 'pa"ss\\w\u00f6rd-' + random_source.token_urlsafe(24)


# Each builder: pool -> (server, module options, environment of the controller, {label: secret}).
# Environment cases run ad hoc, one per run: a task's `environment:` shows at -vvv in ansible's own
# EXEC line, so the controller's environment is where a user's variables come from.
def token_with_trailing_newline(pool):
    token = random_token(300)
    server = pool.start(list=requires_header("X-Auth-Token", token, listing(JOBS)))
    return server, {"auth_token": token + "\n"}, {}, {"auth_token": token}


def token_with_surrounding_whitespace(pool):
    token = random_token(300)
    server = pool.start(list=requires_header("X-Auth-Token", token, listing(JOBS)))
    return server, {"auth_token": " \t" + token + " \n"}, {}, {"auth_token": token}


def environment_security_token_with_trailing_newline(pool):
    key, secret, token = access_key(), random_secret("sk"), random_token(600)
    server = pool.start(list=requires_signature(key, secret, token, listing(JOBS)))
    environment = {"HW_ACCESS_KEY": key, "HW_SECRET_KEY": secret, "HW_SECURITY_TOKEN": token + "\n"}
    return server, {}, environment, {"secret_key": secret, "security_token": token}


def secret_key_with_trailing_newline(pool):
    key, secret = access_key(), random_secret("sk")
    server = pool.start(list=requires_signature(key, secret, None, listing(JOBS)))
    return server, {"access_key": key, "secret_key": secret + "\n"}, {}, {"secret_key": secret}


def token_with_control_character(pool):
    token = random_token(300)
    server = pool.start(list=listing(JOBS))
    return server, {"auth_token": token[:150] + "\x01" + token[150:]}, {}, {"auth_token": token}


def token_with_newline_inside(pool):
    token = random_token(300)
    server = pool.start(list=listing(JOBS))
    return server, {"auth_token": token[:150] + "\n" + token[150:]}, {}, {"auth_token": token}


def environment_security_token_with_control_character(pool):
    key, secret, token = access_key(), random_secret("sk"), random_token(600)
    server = pool.start(list=listing(JOBS))
    environment = {"HW_ACCESS_KEY": key, "HW_SECRET_KEY": secret,
                   "HW_SECURITY_TOKEN": token[:300] + "\x1b" + token[300:]}
    return server, {}, environment, {"secret_key": secret, "security_token": token}


def echoed_token(length, before=""):
    """DRS quotes the token in error_msg, after ``before`` (text that puts the token across a cut)."""
    def build(pool):
        token = random_token(length)
        server = pool.start(list=echo_header(403, "X-Auth-Token", before + "Token %s is not allowed here",
                                             code="DRS.M00102"))
        return server, {"auth_token": token}, {}, {"auth_token": token}
    return build


def echoed_token_piece(piece):
    def build(pool):
        token = random_token(400)
        server = pool.start(list=echo_header_piece(403, "X-Auth-Token", piece, code="DRS.M00102"))
        return server, {"auth_token": token}, {}, {"auth_token": token}
    return build


def token_across_a_clip(answer):
    """``answer(header)``: a server that quotes the token where the module clips the text it shows."""
    def build(pool):
        token = random_token(300)
        server = pool.start(list=answer("X-Auth-Token"))
        return server, {"auth_token": token}, {}, {"auth_token": token}
    return build


def task_reason_across_the_cut(fields):
    """A batch that failed validation, whose task carries ``fields(text)`` with the secret key 480 characters
    into a text of which 500 are kept: the cut falls inside the secret."""
    def build(pool):
        key, secret = access_key(), random_secret("sk")
        job = make_job(0, "ASYNC_JOB_VALIDATE_FAILED")
        task = dict({"id": "task-0", "status": "CREATE_FAILED"}, **fields("x" * 480 + secret))
        server = pool.start(list=listing([job]), detail=task_details([task]))
        options = {"access_key": key, "secret_key": secret, "async_job_id": job["async_job_id"],
                   "wait_for_status": "COMMIT_SUCCESS", "wait_timeout": 30}
        return server, options, {}, {"secret_key": secret}
    return build


def echoed_signature_and_security_token(pool):
    key, secret, token = access_key(), random_secret("sk"), random_token(600)
    server = pool.start(list=echo_headers(401, ["Authorization", "X-Security-Token"], code="APIGW.0301"))
    options = {"access_key": key, "secret_key": secret, "security_token": token}
    return server, options, {}, {"secret_key": secret, "security_token": token}


def token_in_html_title(pool):
    token = random_token(300)
    server = pool.start(list=echo_header_in_title(403, "X-Auth-Token"))
    return server, {"auth_token": token}, {}, {"auth_token": token}


def iam_echoes_login_body(pool):
    secret = password()
    server = pool.start(token=echo_body(400))
    options = {"iam_user_name": "hostile-user", "iam_password": secret, "iam_domain_name": "hostile-domain"}
    return server, options, {}, {"iam_password": secret}


def drs_echoes_issued_token(pool):
    secret = password()
    server = pool.start(list=echo_header(403, "X-Auth-Token", "Token %s is not allowed here", code="DRS.M00102"))
    options = {"iam_user_name": "hostile-user", "iam_password": secret, "iam_domain_name": "hostile-domain"}
    return server, options, {}, {"iam_password": secret}


def issued_token_echoed_into_jobs(pool):
    secret = password()
    server = pool.start(list=echo_header_into_jobs(JOBS, "X-Auth-Token"))
    options = {"iam_user_name": "hostile-user", "iam_password": secret, "iam_domain_name": "hostile-domain"}
    return server, options, {}, {"iam_password": secret}


def redirect_repeats_token(pool):
    token = random_token(300)
    server = pool.start(list=redirect_to_header("X-Auth-Token"))
    return server, {"auth_token": token}, {}, {"auth_token": token}


# The sources of keys nobody types in (issue 16): every secret they hand the module must be as safe as an option.
ECHO_KEYS = ["Authorization", "X-Security-Token"]


def _metadata_secrets(keys, with_token=True):
    found = {"metadata secret": keys["secret"], "metadata security token": keys["securitytoken"]}
    if with_token:
        found["metadata session token"] = keys["metadata_token"]
    return found


def drs_echoes_metadata_keys(pool):
    keys = temporary_keys()
    metadata = pool.start(tls=False, other=metadata_service(keys))
    server = pool.start(list=echo_headers(401, ECHO_KEYS, code="APIGW.0301"))
    options = {"ecs_metadata": True, "ecs_metadata_url": metadata.url}
    return server, options, {}, _metadata_secrets(keys)


def metadata_keys_with_a_broken_expiry(pool):
    keys = temporary_keys(expires_at="tomorrow")
    metadata = pool.start(tls=False, other=metadata_service(keys))
    server = pool.start(list=listing(JOBS))
    return server, {"ecs_metadata": True, "ecs_metadata_url": metadata.url}, {}, _metadata_secrets(keys)


def drs_echoes_assumed_keys(pool):
    keys = temporary_keys()
    iam = pool.start(other=assume_role(keys))
    server = pool.start(list=echo_headers(401, ECHO_KEYS, code="APIGW.0301"))
    base_secret = random_secret("sk")
    options = {"access_key": access_key(), "secret_key": base_secret, "assume_agency_name": "hostile_agency",
               "assume_agency_domain_name": "hostile-domain", "iam_endpoint": iam.url}
    return server, options, {}, {"base secret": base_secret, "assumed secret": keys["secret"],
                                 "assumed security token": keys["securitytoken"]}


def _private_file(name, text):
    directory = tempfile.mkdtemp(prefix="hostile-credentials-")
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def drs_echoes_the_credentials_files_token(pool):
    secret, token = random_secret("sk"), random_token(600)
    path = _private_file("credentials", "[basic]\nak = %s\nsk = %s\nsecurity_token = %s\n" % (
        access_key(), secret, token))
    server = pool.start(list=echo_headers(401, ECHO_KEYS, code="APIGW.0301"))
    return server, {}, {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": path}, {"file secret": secret, "file token": token}


def drs_echoes_the_koocli_profiles_token(pool):
    secret, token = random_secret("sk"), random_token(600)
    path = _private_file("config.json", json.dumps({"current": "sso", "profiles": [{
        "name": "sso", "mode": "SSO", "ssoAuth": {"stsToken": {
            "accessKeyId": access_key(), "secretAccessKey": secret, "securityToken": token}}}]}))
    server = pool.start(list=echo_headers(401, ECHO_KEYS, code="APIGW.0301"))
    return server, {"koocli_config_file": path}, {}, {"profile secret": secret, "profile token": token}


# name: (builder, expected outcome, option names the message must name).
# An entry of the names may be a tuple of alternatives (the option or its environment variable).
SUCCEEDS, FAILS = "succeeds", "fails"
CASES = {
    "auth_token with a trailing newline": (token_with_trailing_newline, SUCCEEDS, ()),
    "auth_token with whitespace around it": (token_with_surrounding_whitespace, SUCCEEDS, ()),
    "secret_key with a trailing newline": (secret_key_with_trailing_newline, SUCCEEDS, ()),
    "auth_token with a control character inside": (token_with_control_character, FAILS, ("auth_token",)),
    "auth_token with a newline inside": (token_with_newline_inside, FAILS, ("auth_token",)),
    "DRS echoes a 400-character token in error_msg": (echoed_token(400), FAILS, ()),
    "DRS echoes a 1200-character token in error_msg": (echoed_token(1200), FAILS, ()),
    "DRS echoes the signature and the security token": (echoed_signature_and_security_token, FAILS, ()),
    "DRS echoes the token in an HTML title": (token_in_html_title, FAILS, ()),
    "IAM echoes the login body with the password": (iam_echoes_login_body, FAILS, ()),
    "DRS echoes the token IAM issued at run time": (drs_echoes_issued_token, FAILS, ()),
    "a redirect repeats the token in its Location": (redirect_repeats_token, FAILS, ()),
    # An echo short enough to stay whole.
    "DRS echoes a 40-character token in error_msg": (echoed_token(40), FAILS, ()),
    "DRS echoes the token IAM issued at run time into a job field": (issued_token_echoed_into_jobs, SUCCEEDS, ()),
    # Pieces: a server that abbreviates the token it quotes.
    "DRS echoes the first 24 characters of the token": (echoed_token_piece(slice(0, 24)), FAILS, ()),
    "DRS echoes the last 24 characters of the token": (echoed_token_piece(slice(-24, None)), FAILS, ()),
    "DRS echoes 24 characters from the middle of the token": (echoed_token_piece(slice(150, 174)), FAILS, ()),
    # Every place that cuts text from a server, with the secret across the cut.
    "error_msg quoted in msg (300 characters) cuts the token": (echoed_token(400, "x" * 290), FAILS, ()),
    "error_msg kept in the result (2000 characters) cuts the token": (echoed_token(400, "x" * 1990), FAILS, ()),
    "an HTML title (80 characters) cuts the token": (
        token_across_a_clip(lambda header: echo_header_in_title(403, header, "t" * 70)), FAILS, ()),
    "a Content-Type (80 characters) cuts the token": (
        token_across_a_clip(lambda header: echo_header_in_content_type(403, header, "c" * 70)), FAILS, ()),
    "a redirect's Location (120 characters) cuts the token": (
        token_across_a_clip(lambda header: redirect_to_header(header, before="r" * 100)), FAILS, ()),
    "a task's error_msg (500 characters) cuts the secret key": (
        task_reason_across_the_cut(lambda text: {"error_msg": text}), FAILS, ()),
    "a task's error log (500 characters) cuts the secret key": (
        task_reason_across_the_cut(lambda text: {"logs": [{"level": "error", "message": text}]}), FAILS, ()),
    "a task's connection test (500 characters) cuts the secret key": (
        task_reason_across_the_cut(lambda text: {"network_results": [{"error_msg": text}]}), FAILS, ()),
    "a task's failed precheck (500 characters) cuts the secret key": (task_reason_across_the_cut(
        lambda text: {"precheck_result": {"precheck_results": [{"result": "failed", "failed_reason": text}]}}),
        FAILS, ()),
    "a task's name (500 characters) cuts the secret key": (
        task_reason_across_the_cut(lambda text: {"base_info": {"name": text}, "error_msg": "failed"}), FAILS, ()),
    "DRS echoes the ECS metadata keys": (drs_echoes_metadata_keys, FAILS, ()),
    "metadata keys with an expiry that is no time": (metadata_keys_with_a_broken_expiry, FAILS, ()),
    "DRS echoes the keys of an assumed agency": (drs_echoes_assumed_keys, FAILS, ()),
    "DRS echoes the credentials file's security token": (drs_echoes_the_credentials_files_token, FAILS, ()),
    "DRS echoes the KooCLI profile's security token": (drs_echoes_the_koocli_profiles_token, FAILS, ()),
}


@pytest.fixture(scope="module", params=["default verbosity", "-vvv"])
def secret_run(request, module_ansible, hostile_servers):
    cases = Scenarios(module_ansible, start_emulator=None)
    known = {}
    servers = {}
    for name, (build, _outcome, _names) in CASES.items():
        # An environment here only names a file (the secrets are in the file): the task's environment will do.
        server, options, environment, case_secrets = build(hostile_servers)
        cases.add(name, style="none", emulator=server, environment=environment, **options)
        known[name] = case_secrets
        servers[name] = server
    run = cases.run(extra=["-vvv"] if request.param == "-vvv" else [])
    outputs = outputs_of(run)
    for name, server in servers.items():
        for index, token in enumerate(cases.stats(name)["issued_tokens"]):
            known[name]["token issued at run time #%d" % index] = token
    return cases, outputs, known


@pytest.mark.parametrize("name", list(CASES))
def test_no_piece_of_a_secret_in_any_output(secret_run, name):
    cases, outputs, known = secret_run
    # The scan first: the assertions below print msg, which must be clean by then.
    assert_no_secret_leak(outputs, known[name])
    check_outcome(CASES[name], cases.result(name), cases.stats(name))


def check_outcome(case, result, stats):
    _build, outcome, names = case
    if outcome == SUCCEEDS:
        assert_clean_success(result)
        assert [job["async_job_id"] for job in result["jobs"]] == [job["async_job_id"] for job in JOBS]
    else:
        msg = assert_clean_failure(result)
        for alternatives in names:
            alternatives = alternatives if isinstance(alternatives, tuple) else (alternatives,)
            assert any(mentions(msg, option) for option in alternatives), "msg names none of %s: %s" % (
                alternatives, msg)
        if names:  # a refusal of the input comes before any request
            assert stats["requests"] == 0, stats["paths"]


ENVIRONMENT_CASES = {
    "HW_SECURITY_TOKEN with a trailing newline": (environment_security_token_with_trailing_newline, SUCCEEDS, ()),
    "HW_SECURITY_TOKEN with a control character inside": (
        environment_security_token_with_control_character, FAILS, (("security_token", "HW_SECURITY_TOKEN"),)),
}


@pytest.mark.parametrize("verbosity", [[], ["-vvv"]], ids=["default verbosity", "-vvv"])
@pytest.mark.parametrize("name", list(ENVIRONMENT_CASES))
def test_no_piece_of_an_environment_secret_in_any_output(ansible, hostile_servers, name, verbosity):
    server, _options, environment, case_secrets = ENVIRONMENT_CASES[name][0](hostile_servers)
    options = dict(endpoint=server.url, ca_path=server.ca_path, project_id=server.project_id)
    run = ansible.adhoc(json.dumps(options), extra=verbosity, env=environment)
    outputs = outputs_of(run)
    assert_no_secret_leak(outputs, case_secrets)
    check_outcome(ENVIRONMENT_CASES[name], run.module_result(), server.stats())


# --- the same leaks as a user meets them outside Scenarios: ad hoc, and a YAML block scalar -------------


@pytest.mark.parametrize("verbosity", [[], ["-vvv"]], ids=["default verbosity", "-vvv"])
def test_adhoc_token_with_trailing_newline(ansible, hostile_servers, verbosity):
    token = random_token(300)
    server = hostile_servers.start(list=requires_header("X-Auth-Token", token, listing(JOBS)))
    options = dict(endpoint=server.url, ca_path=server.ca_path, project_id=server.project_id,
                   auth_token=token + "\n")
    run = ansible.adhoc(json.dumps(options), extra=verbosity)
    assert_no_secret_leak(outputs_of(run), {"auth_token": token})
    assert_clean_success(run.module_result())


def test_token_from_a_yaml_block_scalar(ansible, hostile_servers, tmp_path):
    token = random_token(300)
    server = hostile_servers.start(list=requires_header("X-Auth-Token", token, listing(JOBS)))
    playbook = tmp_path / "block_scalar.yml"
    # `|` keeps the final newline: the way a token pasted from a vault file usually arrives.
    playbook.write_text(
        "- hosts: localhost\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: token from a block scalar\n"
        "      hwcloud.drs.drs_batch_async_job_info:\n"
        "        endpoint: %s\n"
        "        ca_path: %s\n"
        "        project_id: %s\n"
        "        auth_token: |\n"
        "          %s\n"
        "      ignore_errors: true\n" % (server.url, server.ca_path, server.project_id, token))
    run = ansible.playbook(str(playbook), extra=["-vvv"])
    outputs = outputs_of(run)
    assert_no_secret_leak(outputs, {"auth_token": token})
    assert_clean_success(run.task("token from a block scalar"))


# --- every release: a token IAM issued at run time, echoed into a job field and into an error --------------


@pytest.mark.smoke
def test_a_token_issued_at_run_time_shows_nowhere_at_vvv_on_any_release(ansible, hostile_servers, tmp_path):
    """The module registers the tokens it obtains with ansible-core's masking: through the public
    ansible.module_utils.secrets on 2.22 and later, no_log_values before. Neither the output at -vvv nor the
    registered variable, written to a file by the play, holds any piece of one."""
    secret = password()
    login = {"iam_user_name": "hostile-user", "iam_password": secret, "iam_domain_name": "hostile-domain"}
    in_jobs = hostile_servers.start(list=echo_header_into_jobs(JOBS, "X-Auth-Token"))
    in_error = hostile_servers.start(list=echo_header(403, "X-Auth-Token", "Token %s is not allowed here",
                                                      code="DRS.M00102"))
    written = tmp_path / "listed.json"
    run = ansible.play([
        {"name": "echoed into a job field", "hwcloud.drs.drs_batch_async_job_info": dict(
            connection(in_jobs.state, "none"), **login), "register": "listed"},
        {"name": "echoed into an error", "hwcloud.drs.drs_batch_async_job_info": dict(
            connection(in_error.state, "none"), **login), "ignore_errors": True},
        {"name": "the registered result, as a playbook would keep it",
         "ansible.builtin.copy": {"content": "{{ listed | to_json }}", "dest": str(written)}},
    ], extra=["-vvv"])
    tokens = in_jobs.stats()["issued_tokens"] + in_error.stats()["issued_tokens"]
    assert len(tokens) == 2, (in_jobs.stats(), in_error.stats())
    known = dict(("token issued at run time #%d" % index, token) for index, token in enumerate(tokens))
    known["iam_password"] = secret
    outputs = dict(outputs_of(run), registered=written.read_text())
    assert_no_secret_leak(outputs, known)
    listed = assert_clean_success(run.task("echoed into a job field"))
    assert [job["user_name"] for job in listed["jobs"]] == ["owner ********"] * len(JOBS)
    assert "Token ******** is not allowed here" in assert_clean_failure(run.task("echoed into an error"))


@pytest.mark.parametrize("name, words", [
    ("DRS echoes the ECS metadata keys", ["APIGW.0301", "401"]),
    ("metadata keys with an expiry that is no time", ["expires_at"]),
    ("DRS echoes the keys of an assumed agency", ["APIGW.0301"]),
    ("DRS echoes the credentials file's security token", ["APIGW.0301"]),
    ("DRS echoes the KooCLI profile's security token", ["APIGW.0301"]),
])
def test_each_new_source_fails_where_the_case_meant_it_to(secret_run, name, words):
    """The keys were learnt (the DRS call was made with them) before the echo: the scan above means something."""
    cases, _outputs, _known = secret_run
    result = cases.result(name)
    for word in words:
        assert word in result["msg"], result["msg"]
    assert result["credential_source"], result
