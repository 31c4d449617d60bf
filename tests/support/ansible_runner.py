"""Runs ``ansible`` and ``ansible-playbook`` from this interpreter's virtualenv, isolated, with results read back.

Every run sees only this collection (or the collections path it is given), an empty ansible.cfg, its own
ANSIBLE_HOME, and the ``results_file`` callback, which writes each run's results to a file of its own.
"""

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from support.ansible_env import isolated_environment
from support.results import AnsibleRun

MODULE = "hwcloud.drs.drs_batch_async_job_info"
GROUP = "group/hwcloud.drs.drs"
BIN_DIR = Path(sys.executable).parent
CALLBACK_PLUGINS = Path(__file__).resolve().parent / "callback_plugins"
# Every run of this test process, in order: the integration conftest checks the smoke set's for warnings.
FINISHED_RUNS = []


def write_inventory(path):
    """localhost on the local connection with this interpreter: the module needs `requests` from this
    virtualenv, and interpreter discovery would cost time and could pick a system python without it."""
    Path(path).write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return path


class Ansible:
    """Runs ansible commands in ``workdir`` with an isolated, fast, deterministic environment."""

    def __init__(self, workdir, collections=None, inventory=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        inventory = inventory or write_inventory(self.workdir / "hosts.ini")
        self.base_env = isolated_environment(self.workdir, collections=collections, inventory=inventory)
        self.base_env.update({
            "ANSIBLE_INVENTORY_ENABLED": "ini",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "ANSIBLE_CALLBACKS_ENABLED": "results_file",
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_PLUGINS),
            "ANSIBLE_FORKS": "1",
            "ANSIBLE_TIMEOUT": "10",
        })

    def run(self, command, env=None, timeout=240, cwd=None):
        environment = dict(self.base_env)
        results_path = self.workdir / ("results_%s.json" % uuid.uuid4().hex)
        environment["RESULTS_JSON_FILE"] = str(results_path)
        environment.update(env or {})
        started = time.monotonic()
        process = subprocess.run(command, cwd=str(cwd or self.workdir), env=environment, capture_output=True, text=True,
                                 timeout=timeout, check=False)
        finished = AnsibleRun(command, process.returncode, process.stdout, process.stderr,
                              time.monotonic() - started, results_path)
        FINISHED_RUNS.append(finished)
        return finished

    def tool(self, name, *arguments, **kwargs):
        """Any ansible command line tool of this virtualenv (``ansible-galaxy``, ``ansible-doc``, ...)."""
        return self.run([str(BIN_DIR / name)] + [str(argument) for argument in arguments], **kwargs)

    def adhoc(self, args, module=MODULE, extra=(), **kwargs):
        """``ansible localhost -m MODULE -a ARGS``; ``args`` is a ``key=value`` string, a JSON string or a dict."""
        if isinstance(args, dict):
            args = json.dumps(args)
        return self.tool("ansible", "localhost", "-m", module, "-a", args, *extra, **kwargs)

    def playbook(self, playbook, extra=(), extra_vars=None, **kwargs):
        """``ansible-playbook``; ``playbook`` is a path, or a list of plays (written as JSON, which is YAML)."""
        if not isinstance(playbook, (str, Path)):
            path = self.workdir / ("play_%s.yml" % uuid.uuid4().hex)
            path.write_text(json.dumps(playbook, indent=1))
            playbook = path
        arguments = [playbook] + list(extra)
        if extra_vars is not None:
            vars_file = self.workdir / ("vars_%s.json" % uuid.uuid4().hex)
            vars_file.write_text(json.dumps(extra_vars))
            arguments += ["-e", "@%s" % vars_file]
        return self.tool("ansible-playbook", *arguments, **kwargs)

    def play(self, tasks, defaults=None, name="integration", **kwargs):
        """Runs ``tasks`` on localhost with ``defaults`` as module_defaults for the collection's group."""
        play = {"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}
        if defaults is not None:
            play["module_defaults"] = {GROUP: defaults}
        return self.playbook([play], **kwargs)
