"""Keys nobody types into a task: the SDK's credentials file, KooCLI profiles, ECS metadata with an agency (opt-in)
and an agency assumed on top, each listing jobs against the emulator, with ``credential_source`` in the result.

Every file lives in a temporary directory, HOME is empty (tests/support/ansible_env.py), and the metadata
service is the emulator's on 127.0.0.1: no run reads a developer's files or reaches 169.254.169.254.
"""

import json
import os

import pytest

from scenarios import Scenarios
from secret_scan import assert_no_secret
from support.jobs import make_jobs

JOBS = make_jobs(7)


def sdk_file(directory, state, temporary=False, mode=0o600, name="credentials"):
    path = directory / name
    keys = ("temporary_access_key", "temporary_secret_key") if temporary else ("access_key", "secret_key")
    text = "[basic]\nak = %s\nsk = %s\n" % (state[keys[0]], state[keys[1]])
    if temporary:
        text += "security_token = %s\n" % state["security_token"]
    path.write_text(text + "project_id = %s\n" % state["project_id"])
    os.chmod(str(path), mode)
    return str(path)


def koocli_file(directory, state):
    path = directory / "config.json"
    path.write_text(json.dumps({"current": "work", "profiles": [
        {"name": "work", "mode": "AKSK", "accessKeyId": state["access_key"], "secretAccessKey": state["secret_key"],
         "region": state["region"], "projectId": state["project_id"]},
        {"name": "sso", "mode": "SSO", "region": state["region"], "ssoAuth": {"stsToken": {
            "accessKeyId": state["temporary_access_key"], "secretAccessKey": state["temporary_secret_key"],
            "securityToken": state["security_token"]}}},
    ]}))
    os.chmod(str(path), 0o600)
    return str(path)


@pytest.fixture(scope="module")
def cases(module_ansible, start_module_emulator, tmp_path_factory):
    scenarios = Scenarios(module_ansible, start_module_emulator)
    shared = start_module_emulator(seed_jobs=JOBS)
    state = shared.state
    files = tmp_path_factory.mktemp("credential_files")
    add = scenarios.add
    add("sdk file", style="none", emulator=shared, project_id=None,
        environment={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": sdk_file(files, state)})
    add("sdk file with temporary keys", style="none", emulator=shared, project_id=None,
        environment={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": sdk_file(files, state, True, name="temporary")})
    add("sdk file readable by others", style="none", emulator=shared, project_id=None,
        environment={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": sdk_file(files, state, mode=0o644, name="open")})
    add("environment beats the sdk file", style="none", emulator=shared,
        environment={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(files / "missing-but-unread"),
                     "HW_ACCESS_KEY": state["access_key"], "HW_SECRET_KEY": state["secret_key"]})
    config = koocli_file(files, state)
    add("koocli current profile", style="none", emulator=shared, project_id=None, region=None,
        environment={"HW_SHARED_CONFIG_FILE": config})
    add("koocli sso profile", style="none", emulator=shared, project_id=None, koocli_config_file=config,
        koocli_profile="sso")
    add("nothing anywhere", style="none", emulator=shared)
    add("task options", emulator=shared)
    metadata = start_module_emulator(seed_jobs=JOBS, metadata=True)
    add("ecs metadata option", style="none", emulator=metadata, project_id=None, ecs_metadata=True,
        ecs_metadata_url=metadata.state["metadata_url"])
    add("ecs metadata environment", style="none", emulator=metadata,
        environment={"HWCLOUD_DRS_ECS_METADATA": "true",
                     "HWCLOUD_DRS_ECS_METADATA_URL": metadata.state["metadata_url"]})
    no_agency = start_module_emulator(metadata=True, metadata_mode="no-agency")
    add("ecs without agency", style="none", emulator=no_agency, ecs_metadata=True,
        ecs_metadata_url=no_agency.state["metadata_url"])
    add("assumed agency, environment", emulator=shared, project_id=None,
        environment={"HW_ASSUME_ROLE_AGENCY_NAME": state["agency_name"],
                     "HW_ASSUME_ROLE_DOMAIN_NAME": state["agency_domain_name"], "HW_ASSUME_ROLE_DURATION": "3600"})
    add("assumed agency on metadata keys", style="none", emulator=metadata, project_id=None, ecs_metadata=True,
        ecs_metadata_url=metadata.state["metadata_url"], assume_agency_name=state["agency_name"],
        assume_agency_domain_name=state["agency_domain_name"])
    scenarios.run()
    return scenarios


def assert_listed(result, name):
    assert not result.get("failed"), (name, result.get("msg"))
    assert result["total_count"] == len(JOBS), name


@pytest.mark.parametrize("name, source", [
    ("sdk file", "credentials file %s [basic]"),
    ("sdk file with temporary keys", "credentials file %s [basic]"),
    ("koocli current profile", "KooCLI profile work (AKSK) in %s"),
    ("koocli sso profile", "KooCLI profile sso (SSO) in %s"),
])
def test_each_file_source_lists_jobs_and_says_where_the_keys_came_from(cases, name, source):
    result = cases.result(name)
    assert_listed(result, name)
    path = cases.cases[name][3].get("HUAWEICLOUD_SDK_CREDENTIALS_FILE") or cases.cases[name][3].get(
        "HW_SHARED_CONFIG_FILE") or cases.cases[name][1].get("koocli_config_file")
    assert result["credential_source"] == source % path


def test_options_and_environment_keep_their_meaning_and_say_so(cases):
    assert cases.result("task options")["credential_source"] == "task options (access_key, secret_key)"
    result = cases.result("environment beats the sdk file")
    assert_listed(result, "environment")
    assert result["credential_source"] == "environment (HW_ACCESS_KEY, HW_SECRET_KEY)"


@pytest.mark.smoke
# Older releases wrap a long warning over several lines: the pattern matches its first one.
@pytest.mark.expected_warnings(r"Permissions 0644 for ")
def test_a_file_others_can_read_works_with_a_warning(ansible, emulator, tmp_path):
    path = sdk_file(tmp_path, emulator.state, mode=0o644)
    run = ansible.adhoc({"endpoint": emulator.state["url"], "ca_path": emulator.state["ca_path"],
                         "region": emulator.state["region"], "iam_endpoint": emulator.state["url"]},
                        env={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": path})
    result = run.module_result()
    # Compared without whitespace: where a release wraps the line differs.
    assert "".join(("Permissions 0644 for %s are too open" % path).split()) in "".join(run.output.split())
    assert result["credential_source"] == "credentials file %s [basic]" % path


def test_nothing_found_lists_every_source(cases):
    result = cases.result("nothing anywhere")
    assert result.get("failed")
    assert "No credentials given or found" in result["msg"] and "~/.huaweicloud/credentials" in result["msg"]
    assert result["credential_source"] is None


def test_no_secret_of_any_file_in_the_output(cases):
    emulator = cases.cases["sdk file"][0]
    assert_no_secret([cases.run_result.output, cases.run_result.results_text()], emulator)


@pytest.mark.parametrize("name, source", [
    ("ecs metadata option", "ECS metadata (agency)"),
    ("ecs metadata environment", "ECS metadata (agency)"),
    ("assumed agency, environment", "agency drs_admin_agency of domain agency-owner-domain assumed with task options "
                                    "(access_key, secret_key)"),
    ("assumed agency on metadata keys", "agency drs_admin_agency of domain agency-owner-domain assumed with ECS "
                                        "metadata (agency)"),
])
def test_keys_nobody_stored_list_jobs(cases, name, source):
    result = cases.result(name)
    assert_listed(result, name)
    assert result["credential_source"] == source


def test_an_ecs_without_an_agency_is_told_so(cases):
    result = cases.result("ecs without agency")
    assert result.get("failed") and "This ECS has no agency" in result["msg"]
    assert cases.stats("ecs without agency")["list_calls"] == 0


def test_no_temporary_key_in_the_output(cases):
    for name in ("ecs metadata option", "assumed agency, environment"):
        assert_no_secret([cases.run_result.output, cases.run_result.results_text()], cases.cases[name][0])


def test_keys_that_live_20_seconds_survive_a_60_second_wait(module_ansible, start_module_emulator):
    """Real time: each emulator validates its jobs 50 seconds after it started and commits them at 60; keys of the
    metadata service and of assume_role live 20 seconds. Counts, not timings, are asserted.

    With ``progress_interval: 0`` the wait is one module run, whose keys are renewed on the way; with progress
    lines (the default) each step is a module run of its own, which fetches keys afresh (and renews them
    within a step that outlives two thirds of their life)."""
    scenarios = Scenarios(module_ansible, start_module_emulator)
    lifecycle = {"seed_jobs": make_jobs(2, statuses=("ASYNC_JOB_VALIDATING",)), "validate_after_seconds": 50,
                 "auto_commit_after_seconds": 60}
    wait = {"wait_for_status": "COMMIT_SUCCESS", "wait_sleep": 5, "wait_timeout": 300}
    one_run = dict(wait, progress_interval=0)
    metadata = start_module_emulator(metadata=True, metadata_key_ttl_seconds=20, **lifecycle)
    scenarios.add("metadata", style="none", emulator=metadata, ecs_metadata=True,
                  ecs_metadata_url=metadata.state["metadata_url"], **one_run)
    assumed = start_module_emulator(assumed_key_ttl_seconds=20, **lifecycle)
    scenarios.add("assumed", emulator=assumed, assume_agency_name=assumed.state["agency_name"],
                  assume_agency_domain_name=assumed.state["agency_domain_name"], **one_run)
    stepped = start_module_emulator(metadata=True, metadata_key_ttl_seconds=20, **lifecycle)
    scenarios.add("metadata, in steps", style="none", emulator=stepped, ecs_metadata=True,
                  ecs_metadata_url=stepped.state["metadata_url"], **wait)
    scenarios.run()
    for name, route in (("metadata", "metadata_keys"), ("assumed", "iam_assume_role"),
                        ("metadata, in steps", "metadata_keys")):
        result, stats = scenarios.result(name), scenarios.stats(name)
        assert not result.get("failed"), (name, result.get("msg"))
        assert result["status_counts"]["COMMIT_SUCCESS"] == 2
        fetches = stats["routes"][route]
        # Keys that live 20 seconds are fetched again with a third of their life left: about 5 fetches in 60
        # seconds; at least 3 even when ansible took long to start on a loaded machine (the wait is shorter then).
        assert fetches >= 3, (name, stats["routes"])
        assert "401" not in stats["statuses"], (name, stats["statuses"])
        if name != "metadata, in steps":
            assert result["request_stats"]["polls"] >= 2
            assert "renewed %d times" % (fetches - 1) in result["credential_source"], result["credential_source"]
