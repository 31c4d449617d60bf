"""Each credential style, the environment fallbacks, their precedence and the project lookups."""

import pytest

from harness import CREDENTIAL_STYLES, MODULE, credentials, make_jobs

JOBS = make_jobs(12)


def where(emulator, project_id=True):
    state = emulator.state
    options = {"endpoint": state["url"], "iam_endpoint": state["url"], "ca_path": state["ca_path"],
               "region": state["region"]}
    if project_id:
        options["project_id"] = state["project_id"]
    return options


def listing(name, **options):
    return {"name": name, MODULE: options, "register": "result", "ignore_errors": True}


def assert_listed(result, name=""):
    assert not result.get("failed"), (name, result.get("msg"))
    assert result["total_count"] == len(JOBS), name
    assert len(result["jobs"]) == len(JOBS), name


def test_every_style_with_and_without_project_id(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    tasks = []
    for style in CREDENTIAL_STYLES:
        tasks.append(listing("%s with project" % style, **dict(where(emulator), **credentials(emulator, style))))
        tasks.append(listing("%s without project" % style,
                             **dict(where(emulator, project_id=False), **credentials(emulator, style))))
    run = ansible.play(tasks)
    for style in CREDENTIAL_STYLES:
        with_project = run.task("%s with project" % style)
        without = run.task("%s without project" % style)
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
    stats = emulator.stats()
    assert stats["iam_token_calls"] == 2
    assert stats["iam_project_calls"] == 3


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
}


def test_environment_fallbacks(ansible, start_emulator):
    """Each way of giving credentials through environment variables (task `environment:` per case)."""
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    tasks = [dict(listing(case, endpoint=state["url"], ca_path=state["ca_path"]), environment=make(state))
             for case, make in sorted(ENVIRONMENT_CASES.items())]
    run = ansible.play(tasks)
    for case in ENVIRONMENT_CASES:
        assert_listed(run.task(case), case)


def test_environment_of_the_shell_that_runs_ansible(ansible, start_emulator):
    """Credentials exported in the shell, the way users have them."""
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    run = ansible.play([listing("exported", endpoint=state["url"], ca_path=state["ca_path"])],
                       env=ENVIRONMENT_CASES["sdk temporary keys"](state))
    assert_listed(run.task("exported"))


def test_task_options_beat_the_environment(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    wrong_environment = {
        "HW_ACCESS_KEY": "WRONGACCESSKEY", "HW_SECRET_KEY": "wrong-secret-key-in-the-environment",
        "HW_PROJECT_ID": "00000000000000000000000000000000", "HW_REGION_NAME": "eu-west-101",
        "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://127.0.0.1:9",
    }
    tasks = [listing("token option over access keys in the environment",
                     **dict(where(emulator), **credentials(emulator, "token"))),
             listing("password options over access keys in the environment",
                     **dict(where(emulator), **credentials(emulator, "password"))),
             listing("access key options over access keys in the environment",
                     **dict(where(emulator), **credentials(emulator, "aksk")))]
    run = ansible.play(tasks, env=wrong_environment)
    for name in ("token option over access keys in the environment",
                 "password options over access keys in the environment",
                 "access key options over access keys in the environment"):
        assert_listed(run.task(name), name)

    # A whole set in the environment, the connection in the task: the environment's set is used.
    run = ansible.play([listing("token from the environment", **where(emulator))],
                       env={"HW_AUTH_TOKEN": state["auth_token"], "HW_DOMAIN_NAME": "demo-domain"})
    assert_listed(run.task("token from the environment"))


def test_two_sets_at_one_level_are_an_error_naming_both(ansible, emulator):
    state = emulator.state
    run = ansible.play([
        listing("task level", **dict(where(emulator), auth_token=state["auth_token"],
                                     access_key=state["access_key"], secret_key=state["secret_key"])),
        listing("task level password", **dict(where(emulator), **dict(credentials(emulator, "password"),
                                                                      auth_token=state["auth_token"]))),
    ])
    message = run.task("task level")["msg"]
    assert run.task("task level").get("failed")
    assert "auth_token" in message and "access_key" in message, message
    message = run.task("task level password")["msg"]
    assert "auth_token" in message and "iam_user_name" in message, message

    run = ansible.play([listing("environment level", **where(emulator))],
                       env={"HW_AUTH_TOKEN": state["auth_token"], "HW_ACCESS_KEY": state["access_key"],
                            "HW_SECRET_KEY": state["secret_key"]})
    result = run.task("environment level")
    assert result.get("failed")
    assert "HW_AUTH_TOKEN" in result["msg"] and "HW_ACCESS_KEY" in result["msg"], result["msg"]
    assert emulator.stats()["total"] == 0


@pytest.mark.parametrize("matches, expected", [(0, "No IAM project named cn-north-4"),
                                                (2, "2 IAM projects are named cn-north-4")])
def test_project_lookup_needs_exactly_one_project(ansible, start_emulator, matches, expected):
    emulator = start_emulator(seed_jobs=JOBS, project_matches=matches)
    run = ansible.play([listing("lookup", **dict(where(emulator, project_id=False),
                                                 **credentials(emulator, "aksk")))])
    result = run.task("lookup")
    assert result.get("failed")
    assert expected in result["msg"], result["msg"]
    assert "project_id" in result["msg"], result["msg"]
    assert emulator.stats()["list_calls"] == 0


def test_wrong_credentials_fail_with_the_service_code_and_a_hint(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    tasks = [
        listing("wrong secret key", **dict(where(emulator), access_key=state["access_key"],
                                          secret_key="not-the-secret-key-0000000000000000000")),
        listing("unknown access key", **dict(where(emulator), access_key="UNKNOWNACCESSKEY0001",
                                            secret_key=state["secret_key"])),
        listing("temporary keys without their token", **dict(where(emulator),
                                                             access_key=state["temporary_access_key"],
                                                             secret_key=state["temporary_secret_key"])),
        listing("unknown token", **dict(where(emulator), auth_token="MIIunknowntoken0000000000")),
        listing("wrong project", **dict(where(emulator), auth_token=state["auth_token"],
                                        project_id="ffffffffffffffffffffffffffffffff")),
        listing("wrong password", **dict(where(emulator), iam_user_name=state["iam_user_name"],
                                         iam_password="not-the-password", iam_domain_name=state["iam_domain_name"])),
        listing("unknown region for the password login", **dict(
            where(emulator, project_id=False), region="cn-south-4", **credentials(emulator, "password"))),
    ]
    run = ansible.play(tasks)
    expectations = {
        "wrong secret key": ("APIGW.0301", "secret_key", 401),
        "unknown access key": ("APIGW.0301", "access_key", 401),
        "temporary keys without their token": ("APIGW.0301", "security_token", 401),
        "unknown token": ("DRS.M00100", "token", 403),
        "wrong project": ("DRS.M00261", "project_id", 403),
        "wrong password": ("IAM.0101", "iam_password", 401),
        "unknown region for the password login": ("IAM.0011", "region", 400),
    }
    for name, (code, hint, status) in expectations.items():
        result = run.task(name)
        assert result.get("failed"), name
        assert code in result["msg"] and hint in result["msg"], (name, result["msg"])
        assert str(status) in result["msg"], (name, result["msg"])
        assert result["status_code"] == status and result["error_code"] == code, (name, result)
        assert result["request_id"] and result["request_id"] in result["msg"], (name, result)
        assert "\n" not in result["msg"] and "Traceback" not in result["msg"]
        # The keys an `until` expression reads are there on failure too.
        assert result["jobs"] == [] and "status_counts" in result, (name, result)


def test_clock_skew_is_reported_as_signature_or_clock(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS, clock_skew_seconds=3600)
    run = ansible.play([listing("skewed", **dict(where(emulator), **credentials(emulator, "aksk")))])
    result = run.task("skewed")
    assert result.get("failed")
    assert "APIGW.0301" in result["msg"] and "clock" in result["msg"], result["msg"]
    # A token does not depend on the clock.
    run = ansible.play([listing("token", **dict(where(emulator), **credentials(emulator, "token")))])
    assert_listed(run.task("token"))
