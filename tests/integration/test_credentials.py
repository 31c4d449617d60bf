"""Each credential style, the environment fallbacks, their precedence and the project lookups.

The cases run as one ansible-playbook run (Scenarios); each test checks its own cases.
"""

import pytest

from scenarios import Scenarios
from support.jobs import make_jobs
from support.module_options import CREDENTIAL_STYLES

JOBS = make_jobs(12)
WRONG_ENVIRONMENT = {
    "HW_ACCESS_KEY": "WRONGACCESSKEY", "HW_SECRET_KEY": "wrong-secret-key-in-the-environment",
    "HW_PROJECT_ID": "00000000000000000000000000000000", "HW_REGION_NAME": "eu-west-101",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://127.0.0.1:9",
}
ENVIRONMENT_CASES = {
    "sdk access keys": lambda s: {"HUAWEICLOUD_SDK_AK": s["access_key"], "HUAWEICLOUD_SDK_SK": s["secret_key"],
                                  "HUAWEICLOUD_SDK_PROJECT_ID": s["project_id"]},
    "terraform access keys": lambda s: {"HW_ACCESS_KEY": s["access_key"], "HW_SECRET_KEY": s["secret_key"],
                                        "HW_PROJECT_ID": s["project_id"]},
    "sdk temporary keys": lambda s: {"HUAWEICLOUD_SDK_AK": s["temporary_access_key"],
                                     "HUAWEICLOUD_SDK_SK": s["temporary_secret_key"],
                                     "HUAWEICLOUD_SDK_SECURITY_TOKEN": s["security_token"],
                                     "HUAWEICLOUD_SDK_PROJECT_ID": s["project_id"]},
    "terraform temporary keys": lambda s: {"HW_ACCESS_KEY": s["temporary_access_key"],
                                           "HW_SECRET_KEY": s["temporary_secret_key"],
                                           "HW_SECURITY_TOKEN": s["security_token"], "HW_PROJECT_ID": s["project_id"]},
    "token": lambda s: {"HW_AUTH_TOKEN": s["auth_token"], "HW_PROJECT_ID": s["project_id"]},
    "iam user": lambda s: {"HW_USER_NAME": s["iam_user_name"], "HW_USER_PASSWORD": s["iam_password"],
                           "HW_DOMAIN_NAME": s["iam_domain_name"], "HW_REGION_NAME": s["region"],
                           "HUAWEICLOUD_SDK_IAM_ENDPOINT": s["url"]},
    "access keys, project looked up by HW_REGION_NAME": lambda s: {
        "HW_ACCESS_KEY": s["access_key"], "HW_SECRET_KEY": s["secret_key"], "HW_REGION_NAME": s["region"],
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": s["url"]},
    # Empty values count as unset: the next name in line is used.
    "empty sdk names fall through": lambda s: {
        "HUAWEICLOUD_SDK_AK": "", "HUAWEICLOUD_SDK_SK": "", "HUAWEICLOUD_SDK_PROJECT_ID": "",
        "HW_ACCESS_KEY": s["access_key"], "HW_SECRET_KEY": s["secret_key"], "HW_PROJECT_ID": s["project_id"],
        "HW_AUTH_TOKEN": "", "HW_USER_NAME": ""},
    # The SDK's names come first.
    "sdk names before terraform names": lambda s: {
        "HUAWEICLOUD_SDK_AK": s["access_key"], "HUAWEICLOUD_SDK_SK": s["secret_key"],
        "HW_ACCESS_KEY": "WRONGACCESSKEY", "HW_SECRET_KEY": "wrong-secret-key-from-terraform",
        "HUAWEICLOUD_SDK_PROJECT_ID": s["project_id"], "HW_PROJECT_ID": "wrong-project"},
    # A whole set in the environment, the connection in the task.
    "token with the domain of other tools": lambda s: {"HW_AUTH_TOKEN": s["auth_token"],
                                                       "HW_DOMAIN_NAME": "demo-domain",
                                                       "HW_PROJECT_ID": s["project_id"]},
}
# name: (style given as task options, project_id given, expected error code, a word of the hint, HTTP status)
WRONG_CREDENTIALS = {
    "wrong secret key": ("APIGW.0301", "secret_key", 401),
    "unknown access key": ("APIGW.0301", "access_key", 401),
    "temporary keys without their token": ("APIGW.0301", "security_token", 401),
    "unknown token": ("DRS.M00100", "token", 403),
    "wrong project": ("DRS.M00261", "project_id", 403),
    "wrong password": ("IAM.0101", "iam_password", 401),
    "unknown region for the password login": ("IAM.0011", "region", 400),
    "clock skew": ("APIGW.0301", "clock", 401),
}


@pytest.fixture(scope="module")
def cases(module_ansible, start_module_emulator):
    scenarios = Scenarios(module_ansible, start_module_emulator)
    shared = start_module_emulator(seed_jobs=JOBS)
    state = shared.state
    add = scenarios.add

    for style in CREDENTIAL_STYLES:
        add("%s with project" % style, style=style, emulator=shared)
        add("%s without project" % style, style=style, emulator=shared, project_id=None)

    for name, make in ENVIRONMENT_CASES.items():
        add("environment: " + name, style="none", emulator=shared, region=None, iam_endpoint=None, project_id=None,
            environment=make(state))

    for style in ("token", "password", "aksk"):
        add("%s options beat the environment" % style, style=style, emulator=shared, environment=WRONG_ENVIRONMENT)

    add("two sets in the task", style="token", emulator=shared, access_key=state["access_key"],
        secret_key=state["secret_key"])
    add("token and password in the task", style="password", emulator=shared, auth_token=state["auth_token"])
    add("two sets in the environment", {"seed_jobs": JOBS}, "none",
        environment={"HW_AUTH_TOKEN": state["auth_token"], "HW_ACCESS_KEY": state["access_key"],
                     "HW_SECRET_KEY": state["secret_key"]})

    for matches in (0, 2):
        add("%d projects named after the region" % matches, {"seed_jobs": JOBS, "project_matches": matches},
            "aksk", project_id=None)

    add("wrong secret key", style="none", emulator=shared, access_key=state["access_key"],
        secret_key="not-the-secret-key-0000000000000000000")
    add("unknown access key", style="none", emulator=shared, access_key="UNKNOWNACCESSKEY0001",
        secret_key=state["secret_key"])
    add("temporary keys without their token", style="none", emulator=shared,
        access_key=state["temporary_access_key"], secret_key=state["temporary_secret_key"])
    add("unknown token", style="none", emulator=shared, auth_token="MIIunknowntoken0000000000")
    add("wrong project", style="token", emulator=shared, project_id="ffffffffffffffffffffffffffffffff")
    add("wrong password", style="none", emulator=shared, iam_user_name=state["iam_user_name"],
        iam_password="not-the-password", iam_domain_name=state["iam_domain_name"])
    add("unknown region for the password login", style="password", emulator=shared, project_id=None,
        region="cn-south-4")
    skewed = add("clock skew", {"seed_jobs": JOBS, "clock_skew_seconds": 3600}, "aksk")
    add("clock skew, token", style="token", emulator=skewed)
    scenarios.run()
    return scenarios


def assert_listed(result, name=""):
    assert not result.get("failed"), (name, result.get("msg"))
    assert result["total_count"] == len(JOBS), name
    assert len(result["jobs"]) == len(JOBS), name


@pytest.mark.smoke
@pytest.mark.parametrize("style", CREDENTIAL_STYLES)
def test_every_style_with_and_without_project_id(cases, style):
    with_project = cases.result("%s with project" % style)
    without = cases.result("%s without project" % style)
    assert_listed(with_project, style)
    assert_listed(without, style)
    if style == "password":
        # One login; the project comes from the token's scope, no lookup.
        assert with_project["request_stats"]["iam_calls"] == 1
        assert without["request_stats"]["iam_calls"] == 1
    else:
        assert with_project["request_stats"]["iam_calls"] == 0, style
        # The project is looked up at IAM by region name.
        assert without["request_stats"]["iam_calls"] == 1, style


@pytest.mark.parametrize("name", sorted(ENVIRONMENT_CASES))
def test_environment_fallbacks(cases, name):
    assert_listed(cases.result("environment: " + name), name)


def test_environment_of_the_shell_that_runs_ansible(ansible, start_emulator):
    """Credentials exported in the shell, the way users have them (the other cases use `environment:`)."""
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    run = ansible.adhoc({"endpoint": state["url"], "ca_path": state["ca_path"]},
                        env=ENVIRONMENT_CASES["sdk temporary keys"](state))
    assert_listed(run.module_result())


@pytest.mark.parametrize("style", ["token", "password", "aksk"])
def test_task_options_beat_the_environment(cases, style):
    assert_listed(cases.result("%s options beat the environment" % style), style)


def test_two_sets_at_one_level_are_an_error_naming_both(cases):
    result = cases.result("two sets in the task")
    assert result.get("failed")
    assert "auth_token" in result["msg"] and "access_key" in result["msg"], result["msg"]
    result = cases.result("token and password in the task")
    assert result.get("failed")
    assert "auth_token" in result["msg"] and "iam_user_name" in result["msg"], result["msg"]
    result = cases.result("two sets in the environment")
    assert result.get("failed")
    assert "HW_AUTH_TOKEN" in result["msg"] and "HW_ACCESS_KEY" in result["msg"], result["msg"]
    assert cases.stats("two sets in the environment")["total"] == 0


@pytest.mark.parametrize("matches, expected", [
    (0, "No IAM project named cn-north-4"),
    (2, "2 IAM projects are named cn-north-4"),
])
def test_project_lookup_needs_exactly_one_project(cases, matches, expected):
    name = "%d projects named after the region" % matches
    result = cases.result(name)
    assert result.get("failed")
    assert expected in result["msg"], result["msg"]
    assert "project_id" in result["msg"], result["msg"]
    assert cases.stats(name)["list_calls"] == 0


@pytest.mark.parametrize("name", sorted(WRONG_CREDENTIALS))
def test_wrong_credentials_fail_with_the_service_code_and_a_hint(cases, name):
    code, hint, status = WRONG_CREDENTIALS[name]
    result = cases.result(name)
    assert result.get("failed"), name
    assert code in result["msg"] and hint in result["msg"], (name, result["msg"])
    assert str(status) in result["msg"], (name, result["msg"])
    assert result["status_code"] == status and result["error_code"] == code, (name, result)
    assert result["request_id"] and result["request_id"] in result["msg"], (name, result)
    assert "\n" not in result["msg"] and "Traceback" not in result["msg"]
    # The keys an `until` expression reads are there on failure too.
    assert result["jobs"] == [] and "status_counts" in result, (name, result)


def test_a_token_does_not_depend_on_the_clock(cases):
    assert_listed(cases.result("clock skew, token"))
