"""The ways a user calls the module: ad hoc (key=value and JSON), check mode, module_defaults groups."""

import json

import pytest

from support.ansible_runner import GROUP, MODULE
from support.hostile_checks import warnings_of
from support.jobs import count_statuses, make_jobs, newest_first
from support.module_options import connection, credentials

JOBS = make_jobs(40)


def key_value(options):
    return " ".join("%s=%s" % (key, value) for key, value in options.items())


def test_adhoc_key_value(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    options = dict(connection(emulator.state), status="COMMIT_SUCCESS", sort_dir="asc", limit=3)
    run = ansible.adhoc(key_value(options)).assert_ok()
    result = run.module_result()
    assert result["changed"] is False
    assert result["jobs"] == [job for job in JOBS if job["status"] == "COMMIT_SUCCESS"][:3]
    assert result["total_count"] == 10


def test_adhoc_json(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    options = dict(connection(emulator.state, "password"), status="ASYNC_JOB_VALIDATING", sort_dir="asc", limit=20,
                   offset=2, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", wait_timeout=0, return_jobs="none")
    run = ansible.adhoc(json.dumps(options))
    result = run.module_result()
    # Validating jobs can never be validated while the filter keeps only validating ones: refused before any
    # request (issue 9), with the result keys an until expression reads.
    assert run.returncode != 0 and result["failed"]
    assert "contradict" in result["msg"] and "wait_for_status AUTO_PARAM_VALIDATE_SUCCESS" in result["msg"]
    assert result["total_count"] == 0 and result["jobs"] == [] and result["request_stats"]["requests"] == 0

    del options["wait_for_status"], options["wait_timeout"], options["status"]
    result = ansible.adhoc(json.dumps(options)).assert_ok().module_result()
    assert result["jobs"] == [] and result["total_count"] == 40
    assert result["status_counts"] == count_statuses(JOBS[2:22])


def test_check_mode_lists_the_same(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    normal = ansible.adhoc(connection(emulator.state)).assert_ok().module_result()
    checked = ansible.adhoc(connection(emulator.state), extra=["--check"]).assert_ok().module_result()
    assert checked["jobs"] == normal["jobs"] == newest_first(JOBS)
    assert checked["changed"] is False and checked.get("skipped") is not True

    options = {"wait_for_status": "AUTO_PARAM_VALIDATE_SUCCESS", "status": "COMMIT_SUCCESS", "wait_timeout": 5}
    run = ansible.play([{"name": "checked", MODULE: options, "register": "r", "check_mode": True}],
                       defaults=connection(emulator.state)).assert_ok()
    assert len(run.task("checked")["jobs"]) == 10


@pytest.mark.smoke
def test_module_defaults_group(ansible, start_emulator):
    """One module_defaults entry for the group holds connection and credentials for every task."""
    emulator = start_emulator(seed_jobs=JOBS)
    run = ansible.playbook([{
        "name": "group defaults",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: connection(emulator.state, "temporary")},
        "tasks": [
            {"name": "short name", "drs_batch_async_job_info": {"limit": 5}, "register": "r",
             "collections": ["hwcloud.drs"]},
            {"name": "fqcn", MODULE: {"user_name": "dba-li"}, "register": "r"},
            {"name": "task options beat defaults", MODULE: {"sort_dir": "asc", "limit": 1}, "register": "r"},
            {"name": "in a block", "block": [{"name": "inner", MODULE: {"async_job_id": "job-003"}, "register": "r"}]},
        ],
    }]).assert_ok()
    assert len(run.task("short name")["jobs"]) == 5
    assert {job["user_name"] for job in run.task("fqcn")["jobs"]} == {"dba-li"}
    assert run.task("task options beat defaults")["jobs"] == [JOBS[0]]
    assert run.task("inner")["jobs"] == [JOBS[3]]


@pytest.mark.smoke
def test_omit_and_action_defaults_as_the_gate_role_relies_on(ansible, start_emulator):
    """Two ansible-core rules roles/commit_gate is built on, proven on every release (smoke set): an
    argument that templates to omit hides the play's module_defaults value for that key (the role omits
    the filters it does not use, so a play's default async_job_id cannot narrow the gate), and
    module_defaults for the action merge key by key over the group's (commit_gate_auth travels that way)."""
    emulator = start_emulator(seed_jobs=JOBS)
    run = ansible.playbook([{
        "name": "module_defaults rules",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: dict(connection(emulator.state, "none"), async_job_id="job-003")},
        "tasks": [{
            "name": "credentials as action defaults",
            "module_defaults": {MODULE: credentials(emulator.state, "aksk")},
            "block": [
                {"name": "group default applies", MODULE: {}, "register": "r"},
                {"name": "omitted", MODULE: {"async_job_id": "{{ omit }}"}, "register": "r"},
            ],
        }],
    }]).assert_ok()
    assert run.task("group default applies")["jobs"] == [JOBS[3]]
    assert run.task("omitted")["total_count"] == len(JOBS)


def test_module_defaults_group_in_a_role_and_play_vars(ansible, start_emulator, tmp_path):
    """Defaults templated from vars (vault-style), applied inside an included role too."""
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    role = tmp_path / "roles" / "lister" / "tasks"
    role.mkdir(parents=True)
    (role / "main.yml").write_text(json.dumps([{"name": "from a role", MODULE: {"limit": 2}, "register": "r"}]))
    playbook = tmp_path / "defaults.yml"
    playbook.write_text(json.dumps([{
        "name": "templated defaults",
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"vault_drs_ak": state["access_key"], "vault_drs_sk": state["secret_key"]},
        "module_defaults": {GROUP: {
            "region": state["region"], "endpoint": state["url"], "iam_endpoint": state["url"],
            "ca_path": state["ca_path"], "access_key": "{{ vault_drs_ak }}", "secret_key": "{{ vault_drs_sk }}"}},
        "roles": ["lister"],
    }]))
    run = ansible.playbook(playbook).assert_ok()
    result = run.task("lister : from a role")
    assert len(result["jobs"]) == 2 and result["total_count"] == 40
    # The project was looked up by region name at IAM.
    assert result["request_stats"]["iam_calls"] == 1


@pytest.mark.smoke
@pytest.mark.expected_warnings(r"validate_certs is false")
def test_validate_certs_false_asks_for_its_one_warning_on_every_release(ansible, start_emulator):
    """The smoke set fails on any warning a run did not ask for (tests/integration/conftest.py); this run asks
    for the one that turning certificate checks off must give, naming the endpoint."""
    emulator = start_emulator(seed_jobs=JOBS)
    options = dict(connection(emulator.state), validate_certs=False)
    del options["ca_path"]
    run = ansible.adhoc(options).assert_ok()
    warnings = warnings_of(run.module_result(), run.output)
    assert "validate_certs is false" in warnings and "(endpoint)" in warnings, warnings
