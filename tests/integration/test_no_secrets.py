"""No secret in any output, at -vvv, for every credential style, on success and on every failure path.

Scanned: stdout and stderr of ansible (default callback, -vvv) and the results document. Secrets: the
emulator's secret keys, security token, token and password, the wrong secrets a user may pass, and every
token IAM hands out at run time (the emulator's tokens are "MII" + base64, as real ones).
"""

import json

import pytest

from scenarios import Scenarios
from secret_scan import WRONG_PASSWORD, WRONG_SECRET_KEY, WRONG_TOKEN, assert_no_secret
from support.jobs import make_jobs
from support.module_options import connection

JOBS = make_jobs(12, statuses=("AUTO_PARAM_VALIDATE_SUCCESS",))


@pytest.fixture(scope="module")
def verbose_run(module_ansible, start_module_emulator):
    cases = Scenarios(module_ansible, start_module_emulator)
    shared = start_module_emulator(seed_jobs=JOBS)

    def add(name, style="aksk", emulator_options=None, **options):
        if emulator_options is None:
            return cases.add(name, style=style, emulator=shared, **options)
        return cases.add(name, dict(emulator_options, seed_jobs=JOBS), style, **options)

    for style in ("aksk", "temporary", "token", "password"):
        add("success " + style, style)
        add("success %s, project looked up" % style, style, project_id=None)
        add("waiting " + style, style, wait_for_status="COMMIT_SUCCESS", wait_timeout=1, wait_sleep=1)
        add("server error " + style, style, {"fault": [{"route": "list", "status": 503}]}, max_retries=1)
        add("forbidden " + style, style, {"fault": [{"route": "list", "status": 403, "error_code": "DRS.M00102"}]})
        add("html page " + style, style, {"fault": [{"route": "list", "status": 500, "html": True}]}, max_retries=0)
        add("redirect " + style, style, {"fault": [{"route": "list", "redirect": True}]})
        add("bad option " + style, style, status="BOGUS")
    add("wrong secret key", "none", access_key=shared.state["access_key"], secret_key=WRONG_SECRET_KEY)
    add("wrong password", "none", iam_user_name="demo-user", iam_password=WRONG_PASSWORD, iam_domain_name="demo-domain")
    add("wrong token", "none", auth_token=WRONG_TOKEN)
    add("two sets", "token", access_key=shared.state["access_key"], secret_key=WRONG_SECRET_KEY)
    add("half a pair", "none", secret_key=WRONG_SECRET_KEY)
    add("renewed token", "password", {"token_expire_after_calls": 1}, page_size=3, page_concurrency=1)
    add("token expires at once", "password", {"token_expire_after_calls": 0})
    add("login fails", "password", {"fault": [{"route": "token", "status": 500}]},
        max_retries=0)
    add("lookup fails", "aksk", {"fault": [{"route": "projects", "status": 403, "error_code": "IAM.0002"}]},
        project_id=None)
    add("timeout", "password", {"fault": [{"route": "list", "latency": 2}]}, timeout=0.3, max_retries=0)
    run = cases.run(extra=["-vvv"])
    return cases, run, shared


def test_every_style_and_failure_at_vvv_shows_no_secret(verbose_run):
    cases, run, shared = verbose_run
    # The cases did what they are named for.
    for style in ("aksk", "temporary", "token", "password"):
        assert not cases.result("success " + style).get("failed"), cases.result("success " + style)
        assert not cases.result("success %s, project looked up" % style).get("failed")
        for failure in ("waiting", "server error", "forbidden", "html page", "redirect", "bad option"):
            assert cases.result("%s %s" % (failure, style)).get("failed"), (failure, style)
    assert not cases.result("renewed token").get("failed")
    assert cases.result("renewed token")["request_stats"]["iam_calls"] >= 2
    # The scan reads what -vvv prints (the connection lines only appear at that verbosity).
    assert "<case000> ESTABLISH LOCAL CONNECTION" in run.stdout, run.stdout[:2000]
    assert_no_secret([run.stdout, run.stderr, run.results_text()], shared)


@pytest.mark.parametrize("form", ["key=value", "json"])
def test_adhoc_at_vvv_shows_no_secret(ansible, start_emulator, form):
    emulator = start_emulator(seed_jobs=JOBS)

    def arguments(options):
        if form == "json":
            return json.dumps(options)
        return " ".join("%s=%s" % item for item in options.items())

    for style in ("temporary", "password"):
        options = connection(emulator.state, style)
        run = ansible.adhoc(arguments(options), extra=["-vvv"]).assert_ok()
        assert_no_secret([run.stdout, run.stderr], emulator)
        run = ansible.adhoc(arguments(dict(options, status="BOGUS")), extra=["-vvv"]).assert_failed()
        assert_no_secret([run.stdout, run.stderr], emulator)


@pytest.mark.parametrize("variables", ["sdk temporary keys", "terraform iam user", "terraform token"])
def test_secrets_from_the_environment_are_not_shown(module_ansible, start_emulator, variables):
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    environment = {
        "sdk temporary keys": {"HUAWEICLOUD_SDK_AK": state["temporary_access_key"],
                               "HUAWEICLOUD_SDK_SK": state["temporary_secret_key"],
                               "HUAWEICLOUD_SDK_SECURITY_TOKEN": state["security_token"]},
        "terraform iam user": {"HW_USER_NAME": state["iam_user_name"], "HW_USER_PASSWORD": state["iam_password"],
                               "HW_DOMAIN_NAME": state["iam_domain_name"]},
        "terraform token": {"HW_AUTH_TOKEN": state["auth_token"]},
    }[variables]
    cases = Scenarios(module_ansible, start_emulator)
    cases.add("success", style="none", emulator=emulator)
    cases.add("failure", {"seed_jobs": JOBS, "fault": [{"route": "list", "status": 403}]}, style="none")
    cases.add("waiting", style="none", emulator=emulator, wait_for_status="COMMIT_SUCCESS", wait_timeout=0)
    run = cases.run(extra=["-vvv"], env=environment)
    assert not cases.result("success").get("failed"), cases.result("success")
    assert cases.result("failure").get("failed") and cases.result("waiting").get("failed")
    assert_no_secret([run.stdout, run.stderr, run.results_text()], emulator)


def test_nothing_is_written_to_home(ansible, start_emulator, tmp_path):
    """A run leaves the user's home alone (the official SDK writes ~/.huaweicloud on import)."""
    emulator = start_emulator(seed_jobs=JOBS)
    home = tmp_path / "home"
    home.mkdir()
    ansible.adhoc(connection(emulator.state, "password"), env={"HOME": str(home)}).assert_ok()
    assert list(home.iterdir()) == []
