"""Signs of life during a wait: progress lines from the modules' action plugin, in playbooks, ad hoc, under
ansible-runner (as AWX runs playbooks), and none where a user asked for none (async, progress_interval 0,
check mode)."""

import json
import re
import sys
from pathlib import Path

import pytest

from drs_emulator.testing import EmulatorProcess
from secret_scan import assert_no_secret
from support.ansible_env import REPO_ROOT, isolated_environment
from support.ansible_runner import GROUP, BIN_DIR, write_inventory
from support.jobs import make_jobs
from support.module_options import connection

BATCH = make_jobs(3, statuses=("ASYNC_JOB_VALIDATING",), prefix="progress")
BATCH_IDS = [job["async_job_id"] for job in BATCH]
LINE = re.compile(r"^\[(?P<host>[^\]]+)\] (?P<task>[^\n]*?): waiting for (?P<status>\S+)", re.MULTILINE)


def task_output(run, task_name):
    """What ansible printed for one task: from its banner to the next banner."""
    return run.stdout.split("TASK [%s]" % task_name, 1)[1].split("TASK [", 1)[0]


def gate_task(name="gate", **options):
    arguments = dict(async_job_ids=BATCH_IDS, wait_sleep=1, progress_interval=2)
    arguments.update(options)
    return {"name": name, "hwcloud.drs.drs_commit_gate": arguments, "register": "gate"}


@pytest.mark.smoke
def test_a_gate_prints_progress_lines_before_its_result(ansible, start_emulator):
    # Validated after 5 listings, committed 5 listings after the commit: polls 1 s apart, a line every 2 s.
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=5 * len(BATCH_IDS),
                              commit_after_calls=5 * len(BATCH_IDS))
    run = ansible.play([gate_task(commit=True)], defaults=connection(emulator.state))
    run.assert_ok()
    output = task_output(run, "gate")
    lines = LINE.findall(output)
    assert len(lines) >= 2, output
    # Each line names its host and task: a callback may print the task's banner only with its result.
    assert set((host, task) for host, task, _status in lines) == {("localhost", "gate")}, output
    assert ("localhost", "gate", "AUTO_PARAM_VALIDATE_SUCCESS,") in lines, output
    assert ("localhost", "gate", "COMMIT_SUCCESS,") in lines, output
    # Every line comes before the task's result.
    assert output.index("changed: [localhost]") > output.rindex("waiting for"), output
    result = run.task("gate")
    assert result["passed"] is True and sorted(result["committed_async_job_ids"]) == BATCH_IDS, result
    # The steps after the commit did not commit again, nor poll more than one run would.
    assert emulator.stats()["routes"]["drs_commit"] == len(BATCH_IDS)
    assert "_wait_state" not in result.get("invocation", {}).get("module_args", {})
    assert_no_secret([run.stdout, run.stderr], emulator)


@pytest.mark.smoke
def test_an_adhoc_wait_prints_progress_lines(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=4)
    arguments = dict(connection(emulator.state), async_job_id=BATCH_IDS[0],
                     wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", wait_sleep=1, progress_interval=1)
    run = ansible.adhoc(arguments)
    assert run.returncode == 0, run
    lines = LINE.findall(run.stdout)
    assert lines and lines[0] == ("localhost", "hwcloud.drs.drs_batch_async_job_info", "AUTO_PARAM_VALIDATE_SUCCESS,"), \
        run.stdout
    assert run.stdout.index("localhost | SUCCESS") > run.stdout.rindex("waiting for"), run.stdout
    assert_no_secret([run.stdout, run.stderr], emulator)


def test_no_lines_under_async_with_progress_interval_0_or_in_check_mode(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=3 * len(BATCH_IDS))
    tasks = [dict(gate_task("under async", wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), **{"async": 60, "poll": 1}),
             gate_task("without lines", progress_interval=0, wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"),
             dict(gate_task("in check mode", commit=True), check_mode=True)]
    run = ansible.play(tasks, defaults=connection(emulator.state))
    run.assert_ok()
    for name in ("under async", "without lines", "in check mode"):
        assert not LINE.search(task_output(run, name)), task_output(run, name)
    assert run.task("under async")["passed"] is True
    assert run.task("in check mode")["would_wait_for"]["status"] == "COMMIT_SUCCESS"
    assert "drs_commit" not in emulator.stats()["routes"]


def test_the_role_takes_progress_interval_from_its_variable_else_from_module_defaults(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=3 * len(BATCH_IDS))
    role = {"ansible.builtin.include_role": {"name": "hwcloud.drs.commit_gate"},
            "vars": {"commit_gate_async_job_ids": BATCH_IDS, "commit_gate_wait_sleep": 1,
                     "commit_gate_wait_for_status": "AUTO_PARAM_VALIDATE_SUCCESS"}}
    quiet = ansible.play([dict(role, name="quiet")], defaults=dict(connection(emulator.state), progress_interval=0))
    quiet.assert_ok()
    assert not LINE.search(quiet.stdout), quiet.stdout
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=3 * len(BATCH_IDS))
    role["vars"]["commit_gate_progress_interval"] = 1
    talking = ansible.play([dict(role, name="talking")], defaults=dict(connection(emulator.state), progress_interval=0))
    talking.assert_ok()
    assert LINE.search(talking.stdout), talking.stdout


def test_a_wait_state_in_a_task_is_refused(ansible, start_emulator):
    emulator = start_emulator(seed_jobs=BATCH)
    run = ansible.play([dict(gate_task(wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", _wait_state={}),
                             ignore_errors=True)], defaults=connection(emulator.state))
    result = run.task("gate")
    assert result["failed"] and result["msg"].startswith("_wait_state is internal"), result
    assert emulator.stats()["routes"] == {}, emulator.stats()


def test_lines_name_the_inventory_host_of_a_delegated_task(ansible, start_emulator, tmp_path):
    emulator = start_emulator(seed_jobs=BATCH, validate_after_calls=3 * len(BATCH_IDS))
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("app-server ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    play = {"hosts": "app-server", "gather_facts": False, "module_defaults": {GROUP: connection(emulator.state)},
            "tasks": [dict(gate_task(wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS"), delegate_to="localhost")]}
    run = ansible.playbook([play], extra=["-i", str(inventory)])
    assert run.returncode == 0, run
    assert ("app-server", "gate", "AUTO_PARAM_VALIDATE_SUCCESS,") in LINE.findall(task_output(run, "gate")), run.stdout


def _oldest_and_newest_releases():
    releases = [line.split()[0] for line in (REPO_ROOT / "tests/requirements/matrix.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    return releases[0], releases[-1]


def _running_release():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return ".".join(__version__.split(".")[:2])


@pytest.mark.smoke
def test_awx_sees_progress_events_during_a_90_second_gate_that_fails_once(tmp_path):
    """The gate as AWX runs it (ansible-runner, its event stream): a batch fails validation 85 s into the
    wait, so the role waits about 90 s, and the default progress_interval of 60 s gives events at the start
    and a minute in, before the failure. The reason reaches the user in one event."""
    if _running_release() not in _oldest_and_newest_releases():
        pytest.skip("a 90-second wait: run on the oldest and the newest release only")
    # The emulator in a process of its own: ansible-runner forks a pty, which a process with threads (an
    # emulator in this one) must not do.
    with EmulatorProcess(seed_jobs=BATCH, validate_after_seconds=85, fail_ids=BATCH_IDS[1]) as emulator:
        events, artifacts, returncode = _run_under_ansible_runner(tmp_path, connection(emulator.state))
        stats = emulator.stats()
        # While the emulator runs: the scan also asks it for every temporary key it handed out.
        assert_no_secret(artifacts, emulator)
    failed = [index for index, event in enumerate(events) if event["event"] == "runner_on_failed"]
    assert returncode != 0 and failed, [event.get("stdout") for event in events]
    progress = [event for event in events[:failed[0]] if LINE.search(event.get("stdout") or "")]
    assert len(progress) >= 2, [event.get("stdout") for event in events]
    assert all(event["event"] == "verbose" for event in progress)
    reason_events = [event for event in events if "failed validation" in (event.get("stdout") or "")
                     and BATCH_IDS[1] in event["stdout"]]
    assert len(reason_events) == 1, [event.get("stdout") for event in reason_events]
    assert "drs_commit" not in stats["routes"]


def _run_under_ansible_runner(tmp_path, defaults):
    """``(events, artifact texts, rc)`` of the commit_gate role run by ansible-runner with ``defaults``."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    project = tmp_path / "project"
    project.mkdir()
    play = [{"hosts": "localhost", "gather_facts": False, "module_defaults": {GROUP: defaults},
             "tasks": [{"name": "Gate the cutover", "ansible.builtin.include_role": {"name": "hwcloud.drs.commit_gate"},
                        "vars": {"commit_gate_async_job_ids": BATCH_IDS, "commit_gate_wait_sleep": 5,
                                 "commit_gate_timeout": 300}}]}]
    (project / "gate.yml").write_text(json.dumps(play))
    environment = isolated_environment(tmp_path / "ansible", inventory=write_inventory(tmp_path / "hosts.ini"))
    environment["PATH"] = "%s:%s" % (BIN_DIR, environment.get("PATH", "/usr/bin:/bin"))
    (tmp_path / "runner").mkdir()
    runner = ansible_runner.run(private_data_dir=str(tmp_path / "runner"), project_dir=str(project),
                                playbook="gate.yml", envvars=environment, quiet=True, timeout=600)
    events = list(runner.events)
    artifacts = [path.read_text(errors="replace") for path in Path(tmp_path / "runner").rglob("*") if path.is_file()]
    return events, artifacts, runner.rc
