"""The AWX credential type (extensions/awx/credential_type_huaweicloud_drs.yml) under ansible-runner, as AWX runs a
job: its injector rendered the way AWX renders it (a sandboxed Jinja environment, every input a name, the file
written 0600 into the job's private directory, ``tower.filename`` its path), then a playbook through
``ansible-runner run`` against the emulator. No artifact ansible-runner writes, the job events AWX stores
among them, holds a secret; the same keys injected as environment variables do land there, which is why the
credential type writes a file instead.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from secret_scan import assert_no_secret, secret_fragments
from support.ansible_env import REPO_ROOT, isolated_environment
from support.jobs import make_jobs

CREDENTIAL_TYPE = REPO_ROOT / "extensions" / "awx" / "credential_type_huaweicloud_drs.yml"
JOBS = make_jobs(4)

pytest.importorskip("ansible_runner", reason="ansible-runner is pinned for the release that runs the full suite")
jinja2 = pytest.importorskip("jinja2.sandbox")


def render_injectors(definition, inputs, private_data_dir):
    """``(file path, environment)`` as AWX injects a custom credential: inputs not given are empty strings."""
    environment = jinja2.ImmutableSandboxedEnvironment()
    namespace = dict((field["id"], inputs.get(field["id"], "")) for field in definition["inputs"]["fields"])
    injectors = definition["injectors"]
    path = Path(private_data_dir) / "env" / "awx_credential_file"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(environment.from_string(injectors["file"]["template"]).render(**namespace))
    os.chmod(str(path), 0o600)
    namespace["tower"] = {"filename": str(path)}
    rendered = dict((name, environment.from_string(template).render(**namespace))
                    for name, template in injectors["env"].items())
    return str(path), rendered


def run_job(tmp_path, emulator, injected_environment):
    """``ansible-runner run`` of one playbook task listing jobs, AWX-style: the injected variables in
    env/envvars, the rest of the environment isolated. Returns (rc, artifacts directory)."""
    private = tmp_path / "job"
    (private / "project").mkdir(parents=True, exist_ok=True)
    (private / "inventory").mkdir(exist_ok=True)
    (private / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    state = emulator.state
    listing = {"name": "List the batches", "register": "listed",
               "hwcloud.drs.drs_batch_async_job_info": {"endpoint": state["url"], "iam_endpoint": state["url"],
                                                        "ca_path": state["ca_path"]}}
    saying = {"name": "Say where the keys came from", "ansible.builtin.debug": {"var": "listed.credential_source"}}
    (private / "project" / "list.yml").write_text(yaml.safe_dump([{
        "hosts": "localhost", "gather_facts": False, "tasks": [listing, saying]}]))
    (private / "env").mkdir(exist_ok=True)
    (private / "env" / "envvars").write_text(yaml.safe_dump(injected_environment))
    environment = isolated_environment(tmp_path / "ansible")
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment.get("PATH", "")
    process = subprocess.run([sys.executable, "-m", "ansible_runner", "run", str(private), "-p", "list.yml",
                              "--ident", "job1"], env=environment, capture_output=True, text=True, timeout=300,
                             check=False)
    return process, private / "artifacts" / "job1"


def artifact_texts(artifacts):
    texts = []
    for path in sorted(artifacts.rglob("*")):
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def job_event_results(artifacts):
    for path in sorted((artifacts / "job_events").glob("*.json")):
        event = json.loads(path.read_text())
        if event.get("event") == "runner_on_ok" and event["event_data"].get("task") == "List the batches":
            return event["event_data"]["res"]
    raise AssertionError("no runner_on_ok event for the listing task")


def test_the_credential_type_file_injector_lists_jobs_and_no_artifact_holds_a_secret(tmp_path, start_emulator):
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    definition = yaml.safe_load(CREDENTIAL_TYPE.read_text())
    assert definition["kind"] == "cloud" and {"secret_key", "security_token"} <= set(
        field["id"] for field in definition["inputs"]["fields"] if field.get("secret"))
    path, injected = render_injectors(definition, {
        "access_key": state["temporary_access_key"], "secret_key": state["temporary_secret_key"],
        "security_token": state["security_token"], "project_id": state["project_id"], "region": state["region"]},
        tmp_path)
    assert injected["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] == path and injected["HW_ASSUME_ROLE_AGENCY_NAME"] == ""
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    process, artifacts = run_job(tmp_path, emulator, injected)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    result = job_event_results(artifacts)
    assert result["total_count"] == len(JOBS)
    assert result["credential_source"] == "credentials file %s [basic]" % path
    assert (artifacts / "job_events").is_dir() and (artifacts / "command").is_file()
    # Every artifact: command, env, stdout, status, rc and every job event.
    assert_no_secret(artifact_texts(artifacts) + [process.stdout, process.stderr], emulator)


def test_keys_injected_as_environment_variables_land_in_the_artifacts(tmp_path, start_emulator):
    """What the guide warns about, shown: ansible-runner writes the job's environment in clear."""
    emulator = start_emulator(seed_jobs=JOBS)
    state = emulator.state
    process, artifacts = run_job(tmp_path, emulator, {
        "HW_ACCESS_KEY": state["access_key"], "HW_SECRET_KEY": state["secret_key"],
        "HW_PROJECT_ID": state["project_id"]})
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    holding = [str(path.relative_to(artifacts)) for path in sorted(artifacts.rglob("*"))
               if path.is_file() and any(piece in path.read_text(errors="replace")
                                         for piece in secret_fragments(state["secret_key"]))]
    assert "command" in holding, holding
    # The collection itself kept it out of the job events.
    assert not [name for name in holding if name.startswith("job_events")], holding
