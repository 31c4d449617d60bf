"""Every task of each module's EXAMPLES runs, as written, against the emulator.

The tasks are read from the module file (never imported), put in a play whose module_defaults only
point the collection's group at the emulator (endpoints and CA), and run with the credentials in the
environment, as the EXAMPLES' header says they come.
"""

import ast
import json
import re

import pytest
import yaml

from drs_emulator.detail import task_count, task_id
from support.ansible_env import REPO_ROOT
from support.ansible_runner import GROUP, MODULE
from support.jobs import make_jobs

COMMIT_MODULE = "hwcloud.drs.drs_batch_async_job"
GATE_MODULE = "hwcloud.drs.drs_commit_gate"
JOB_MODULE = "hwcloud.drs.drs_job_info"
# DRS jobs that replicate from their first observation, 5 seconds behind: the examples wait no longer than a poll.
REPLICATING = {"create_polls": 0, "start_polls": 0, "full_polls": 0, "complete_polls": 0, "lag_start": 5}
# Every module of the collection: a new module's EXAMPLES are checked here too.
MODULES = sorted("hwcloud.drs." + path.stem for path in (REPO_ROOT / "plugins" / "modules").glob("*.py")
                 if not path.name.startswith("_"))


def module_file(module):
    return REPO_ROOT / "plugins" / "modules" / (module.rsplit(".", 1)[1] + ".py")


def documentation_string(name, module=MODULE):
    path = module_file(module)
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets):
            return node.value.value
    raise AssertionError("%s has no %s" % (path, name))


def example_tasks(module=MODULE):
    tasks = yaml.safe_load(documentation_string("EXAMPLES", module))
    assert isinstance(tasks, list) and tasks, "EXAMPLES must be a list of tasks"
    return tasks


def test_every_module_has_its_examples_run():
    assert MODULES == sorted([MODULE, COMMIT_MODULE, GATE_MODULE, JOB_MODULE]), \
        "run the EXAMPLES of a new module in this file"


@pytest.mark.parametrize("module", MODULES)
def test_examples_use_fully_qualified_names_and_valid_choices(module):
    documentation = yaml.safe_load(documentation_string("DOCUMENTATION", module))
    options = documentation["options"]
    for task in example_tasks(module):
        assert task.get("name"), task
        modules = [key for key in task if "." in key]
        assert len(modules) == 1, ("one FQCN action per task", task)
        if modules[0] != module:
            continue
        for option, value in (task[module] or {}).items():
            assert option in options or option in CONNECTION_OPTIONS, (task["name"], option)
            choices = options.get(option, {}).get("choices")
            if choices and "{{" not in str(value):
                assert value in choices, (task["name"], option, value)


CONNECTION_OPTIONS = ("region", "project_id", "endpoint", "iam_endpoint", "auth_token", "access_key", "secret_key",
                      "security_token", "iam_user_name", "iam_password", "iam_domain_name", "validate_certs",
                      "ca_path", "timeout", "max_retries")


def run_examples(ansible, state, module, tasks, variables):
    """``tasks`` in a play whose module_defaults only point the group at the emulator, the access keys (and
    the IAM user) in the controller's environment, as the EXAMPLES' header says they come."""
    return ansible.playbook([{
        "name": "EXAMPLES of %s" % module,
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: {"endpoint": state["url"], "iam_endpoint": state["url"],
                                    "ca_path": state["ca_path"]}},
        # The IAM user examples read HW_USER_* on the controller (lookup), the others let the module read
        # the access keys from its environment: blank the user's variables for the module only, since two
        # credential sets in one environment are an error (empty values count as unset).
        "environment": {"HW_USER_NAME": "", "HW_USER_PASSWORD": "", "HW_DOMAIN_NAME": ""},
        "vars": variables,
        "tasks": tasks,
    }], env={
        "HUAWEICLOUD_SDK_AK": state["access_key"], "HUAWEICLOUD_SDK_SK": state["secret_key"],
        "HW_ACCESS_KEY": state["access_key"], "HW_SECRET_KEY": state["secret_key"],
        "HW_USER_NAME": state["iam_user_name"], "HW_USER_PASSWORD": state["iam_password"],
        "HW_DOMAIN_NAME": state["iam_domain_name"],
    }).assert_ok()


def test_every_example_runs(ansible, start_emulator):
    # Validated and committed jobs, a few failed ones (for the failed-validation example), more than the
    # 50 the paging example reads; the batch the waiting examples watch has passed validation.
    jobs = make_jobs(80, statuses=("COMMIT_SUCCESS", "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS",
                                   "ASYNC_JOB_VALIDATE_FAILED"))
    batch = jobs[1]["async_job_id"]
    failed = jobs[3]["async_job_id"]
    emulator = start_emulator(seed_jobs=jobs)
    state = emulator.state
    tasks = example_tasks()
    run = run_examples(ansible, state, MODULE, tasks, {"drs_batch_id": batch, "drs_batch_ids": [batch],
                                                       "drs_failed_batch_ids": [failed]})

    module_tasks = [task["name"] for task in tasks if MODULE in task]
    assert module_tasks
    for name in module_tasks:
        result = run.task(name)
        assert not result.get("failed") and not result.get("skipped"), (name, result)
        assert result["total_count"] >= 1, name
    for task in tasks:
        options = task.get(MODULE) or {}
        result = run.task(task["name"])
        if options.get("status"):
            assert result["jobs"] and {job["status"] for job in result["jobs"]} == {options["status"]}
        if options.get("sort_dir") == "asc":
            times = [job["create_time"] for job in result["jobs"]]
            assert times == sorted(times), task["name"]
        if options.get("limit"):
            assert len(result["jobs"]) == min(options["limit"], len(jobs)), task["name"]
        if options.get("iam_user_name"):
            assert result["request_stats"]["iam_calls"] == 1, task["name"]
        if "drs_failed_batch_ids" in str(options.get("async_job_ids")):
            assert [failure["async_job_id"] for failure in result["validation_failures"]] == [failed]


def test_no_example_widens_to_the_whole_project_when_its_id_is_unset(ansible, start_emulator):
    """An example that selects by a variable fails, naming it, when the variable is not set: it never falls
    back to every job of the project."""
    emulator = start_emulator(seed_jobs=make_jobs(3))
    selecting = [dict(task, ignore_errors=True) for task in example_tasks()
                 if re.search(r"drs_\w*batch_ids?\b", json.dumps(task.get(MODULE) or {}))]
    assert len(selecting) >= 4, selecting
    run = run_examples(ansible, emulator.state, MODULE, selecting, {})
    for task in selecting:
        result = run.task(task["name"])
        assert result.get("failed") and "drs_" in result["msg"] and "batch_id" in result["msg"], (task["name"], result)
    assert "drs_list" not in emulator.stats()["routes"], emulator.stats()


def test_every_commit_example_runs(ansible, start_emulator):
    # The batch the examples commit has passed validation, and so have the ones committed in a loop.
    jobs = make_jobs(6, statuses=("AUTO_PARAM_VALIDATE_SUCCESS",))
    emulator = start_emulator(seed_jobs=jobs)
    state = emulator.state
    tasks = example_tasks(COMMIT_MODULE)
    # Then every batch, read back with the info module.
    run = run_examples(ansible, state, COMMIT_MODULE,
                       tasks + [{"name": "read the batches back", MODULE: {"region": state["region"]}}],
                       {"drs_batch_id": jobs[0]["async_job_id"],
                        "drs_batch_ids": [job["async_job_id"] for job in jobs[1:3]]})

    for task in tasks:
        result = run.task(task["name"])
        assert not result.get("failed") and not result.get("skipped"), (task["name"], result)
    assert run.task(tasks[0]["name"])["changed"] is True  # check mode: would commit
    committed = [job["async_job_id"] for job in run.task("read the batches back")["jobs"]
                 if job["status"] == "COMMIT_SUCCESS"]
    assert sorted(committed) == sorted(job["async_job_id"] for job in jobs[:3])
    assert emulator.stats()["routes"]["drs_commit"] == 3


def test_every_gate_example_runs(ansible, start_emulator):
    # The batches the first example commits passed validation; the user's jobs too.
    jobs = make_jobs(6, statuses=("AUTO_PARAM_VALIDATE_SUCCESS",), users=("migration-bot",))
    emulator = start_emulator(seed_jobs=jobs, replication=REPLICATING)
    tasks = example_tasks(GATE_MODULE)
    run = run_examples(ansible, emulator.state, GATE_MODULE, tasks,
                       {"drs_batch_ids": [job["async_job_id"] for job in jobs[:2]]})
    for task in tasks:
        result = run.task(task["name"])
        assert not result.get("failed") and not result.get("skipped"), (task["name"], result)
    assert run.task(tasks[0]["name"])["committed_async_job_ids"] == [job["async_job_id"] for job in jobs[:2]]
    assert emulator.stats()["routes"]["drs_commit"] == 2


def test_every_job_info_example_runs(ansible, start_emulator):
    # Committed batches whose DRS jobs replicate at once; two of their jobs are the ones known by id.
    jobs = make_jobs(3, statuses=("COMMIT_SUCCESS",))
    batch_ids = [job["async_job_id"] for job in jobs]
    job_ids = [task_id(batch_ids[0], index) for index in range(2)]
    emulator = start_emulator(seed_jobs=jobs, replication=REPLICATING)
    tasks = example_tasks(JOB_MODULE)
    run = run_examples(ansible, emulator.state, JOB_MODULE, tasks, {"drs_batch_ids": batch_ids,
                                                                    "drs_job_ids": job_ids})
    for task in tasks:
        result = run.task(task["name"])
        assert not result.get("failed") and not result.get("skipped"), (task["name"], result)
    expected = [task_id(batch, index) for batch in batch_ids for index in range(task_count(batch))]
    assert [job["id"] for job in run.task(tasks[0]["name"])["jobs"]] == expected
    assert [job["id"] for job in run.task(tasks[-1]["name"])["jobs"]] == job_ids
    # Unset ids fail naming the variable, never reading any job.
    selecting = [dict(task, ignore_errors=True) for task in tasks if JOB_MODULE in task]
    unset = run_examples(ansible, emulator.state, JOB_MODULE, selecting, {})
    for task in selecting:
        result = unset.task(task["name"])
        assert result.get("failed") and "drs_" in result["msg"], (task["name"], result)


def test_every_loop_over_the_reasons_prints_only_failed_tasks_by_their_id():
    """In the README and the EXAMPLES, a loop over validation_failures labels each item by the task's id
    (not its whole dictionary) and skips the tasks that passed."""
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO_ROOT / "README.md").read_text(), re.S)
    tasks = [task for block in blocks for task in (yaml.safe_load(block) or []) if isinstance(task, dict)]
    tasks += example_tasks()
    loops = [task for task in tasks if "validation_failures" in str(task.get("loop", ""))]
    assert len(loops) >= 2, loops
    for task in loops:
        assert task.get("loop_control", {}).get("label") == "{{ item.1.id }}", task
        assert "item.1.reasons" in str(task.get("when")), task
