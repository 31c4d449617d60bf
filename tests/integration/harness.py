"""Helpers of the integration tests: run ansible, read its results, reach the emulator.

The fixtures that use them are in conftest.py.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE = "hwcloud.drs.drs_batch_async_job_info"
GROUP = "group/hwcloud.drs.drs"
BIN_DIR = Path(sys.executable).parent
STATUSES = ("ASYNC_JOB_VALIDATING", "ASYNC_JOB_VALIDATE_FAILED", "AUTO_PARAM_VALIDATE_SUCCESS", "COMMIT_SUCCESS")

# Variables a developer's shell may carry that would change what a run does.
CREDENTIAL_ENVIRONMENT = (
    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_PROJECT_ID",
    "HW_REGION_NAME", "HW_AUTH_TOKEN", "HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_AUTH_URL",
)
# A proxy on the developer's machine must never see the emulator's traffic.
PROXY_ENVIRONMENT = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


# A callback that writes every result as one JSON document to $RESULTS_JSON_FILE, beside whatever the
# stdout callback shows: ansible-core 2.19 no longer ships `json` (it moved to ansible.posix, which a test
# run must not need), and the secret scans read the default callback's -vvv output.
RESULTS_CALLBACK = '''
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: results_file
    type: notification
    short_description: every task result as one JSON document (integration tests)
    description: Writes every play, task and host result as one JSON document to E(RESULTS_JSON_FILE).
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "results_file"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plays = []
        self.current = None
        self.started = {}

    def v2_playbook_on_play_start(self, play):
        self.plays.append({"play": {"name": play.get_name()}, "tasks": []})
        self.current = None

    def _start(self, task):
        if not self.plays:
            self.plays.append({"play": {"name": ""}, "tasks": []})
        self.current = {"task": {"name": task.get_name(), "action": task.action}, "hosts": {}}
        self.plays[-1]["tasks"].append(self.current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.monotonic()

    def _record(self, result, **extra):
        if self.current is None or self.current["task"]["name"] != result.task.get_name():
            self._start(result.task)
        document = json.loads(self._dump_results(result.result, indent=None, keep_invocation=True))
        document.update(extra)
        # Wall time of this host's run of the task, so tests can check pauses (Retry-After).
        started = self.started.get((result.host.get_name(), result.task._uuid))
        if started is not None:
            document["_seconds"] = round(time.monotonic() - started, 3)
        self.current["hosts"][result.host.get_name()] = document

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_retry(self, result):
        self.current.setdefault("retries_seen", []).append(
            json.loads(self._dump_results(result.result, indent=None)))

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        summary = {host: stats.summarize(host) for host in hosts}
        with open(os.environ["RESULTS_JSON_FILE"], "w") as handle:
            json.dump({"plays": self.plays, "stats": summary}, handle, indent=1, sort_keys=True)
'''


# --------------------------------------------------------------------------------------------- results


class AnsibleRun:
    """One finished ``ansible`` or ``ansible-playbook`` process."""

    def __init__(self, command, returncode, stdout, stderr, duration, results_path=None):
        self.results_path = results_path
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration

    @property
    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return "AnsibleRun(rc=%s, %.1fs, %s)\n--- stdout\n%s\n--- stderr\n%s" % (
            self.returncode, self.duration, " ".join(self.command[1:3]), self.stdout[-6000:], self.stderr[-3000:])

    def json(self):
        """The document the ``results_file`` callback wrote."""
        try:
            with open(self.results_path) as handle:
                return json.load(handle)
        except (OSError, ValueError) as error:
            raise AssertionError("no results document (%s): %r" % (error, self))

    def task_results(self, host="localhost"):
        """``[(task name, result)]`` for one host in play order (a looped task's items are in ``results``)."""
        found = []
        for play in self.json()["plays"]:
            for task in play["tasks"]:
                if host in task["hosts"]:
                    found.append((task["task"]["name"], task["hosts"][host]))
        return found

    def task(self, name, host="localhost"):
        """The result of the (last) task called ``name``."""
        matches = [result for task_name, result in self.task_results(host) if task_name == name]
        assert matches, "no task %r ran; tasks were %r\n%r" % (
            name, [task_name for task_name, _result in self.task_results(host)], self)
        return matches[-1]

    def module_result(self, host="localhost"):
        """The only task's result (ad hoc runs and one-task plays)."""
        results = self.task_results(host)
        assert len(results) == 1, "expected one task, got %r" % [name for name, _result in results]
        return results[0][1]

    def assert_ok(self):
        assert self.returncode == 0, repr(self)
        return self

    def assert_failed(self):
        assert self.returncode != 0, repr(self)
        return self


# --------------------------------------------------------------------------------------------- runner


class Ansible:
    """Runs ansible commands with an isolated, fast, deterministic environment."""

    def __init__(self, workdir, collections_path, inventory, callback_plugins):
        self.workdir = Path(workdir)
        home = self.workdir / "ansible_home"
        for sub in ("local_tmp", "remote_tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        config = self.workdir / "ansible.cfg"
        config.write_text("[defaults]\n")  # an empty config: never pick up ./ansible.cfg or ~/.ansible.cfg
        self.base_env = {
            key: value for key, value in os.environ.items()
            if not key.startswith("ANSIBLE_") and key not in CREDENTIAL_ENVIRONMENT and key not in PROXY_ENVIRONMENT
        }
        self.base_env.update({
            "ANSIBLE_CONFIG": str(config),
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
            "ANSIBLE_HOME": str(home),
            "ANSIBLE_LOCAL_TEMP": str(home / "local_tmp"),
            "ANSIBLE_REMOTE_TEMP": str(home / "remote_tmp"),
            "ANSIBLE_INVENTORY": str(inventory),
            "ANSIBLE_INVENTORY_ENABLED": "ini",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "ANSIBLE_CALLBACKS_ENABLED": "results_file",
            "ANSIBLE_CALLBACK_PLUGINS": str(callback_plugins),
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PIPELINING": "1",
            "ANSIBLE_GATHERING": "explicit",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_SYSTEM_WARNINGS": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_FORKS": "1",
            "ANSIBLE_TIMEOUT": "10",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "PYTHONDONTWRITEBYTECODE": "1",
        })

    def _run(self, command, env=None, timeout=240):
        environment = dict(self.base_env)
        results_path = self.workdir / ("results_%s.json" % uuid.uuid4().hex)
        environment["RESULTS_JSON_FILE"] = str(results_path)
        environment.update(env or {})
        started = time.monotonic()
        process = subprocess.run(
            command, cwd=str(self.workdir), env=environment, capture_output=True, text=True, timeout=timeout,
            check=False)
        return AnsibleRun(command, process.returncode, process.stdout, process.stderr, time.monotonic() - started,
                          results_path)

    def adhoc(self, args, module=MODULE, extra=(), **kwargs):
        """``ansible localhost -m MODULE -a ARGS``; ``args`` is a ``key=value`` string, a JSON string or a dict."""
        if isinstance(args, dict):
            args = json.dumps(args)
        command = [str(BIN_DIR / "ansible"), "localhost", "-m", module, "-a", args] + list(extra)
        return self._run(command, **kwargs)

    def playbook(self, playbook, extra=(), extra_vars=None, **kwargs):
        """``ansible-playbook``; ``playbook`` is a path, or a list of plays (written as JSON, which is YAML)."""
        if not isinstance(playbook, (str, Path)):
            path = self.workdir / ("play_%s.yml" % uuid.uuid4().hex)
            path.write_text(json.dumps(playbook, indent=1))
            playbook = path
        command = [str(BIN_DIR / "ansible-playbook"), str(playbook)] + list(extra)
        if extra_vars is not None:
            vars_file = self.workdir / ("vars_%s.json" % uuid.uuid4().hex)
            vars_file.write_text(json.dumps(extra_vars))
            command += ["-e", "@%s" % vars_file]
        return self._run(command, **kwargs)

    def play(self, tasks, defaults=None, name="integration", **kwargs):
        """Runs ``tasks`` on localhost with ``defaults`` as module_defaults for the collection's group."""
        play = {"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}
        if defaults is not None:
            play["module_defaults"] = {GROUP: defaults}
        return self.playbook([play], **kwargs)


# --------------------------------------------------------------------------------------------- emulator


def connection(emulator, style="aksk", project_id=True):
    """Module options that reach ``emulator`` with one credential style.

    styles: ``aksk``, ``temporary`` (AK/SK + security token), ``token``, ``password`` (IAM user), ``none``.
    ``project_id=False`` leaves the project to the module (token scope or IAM lookup by region).
    """
    state = emulator.state
    options = {
        "region": state["region"],
        "endpoint": state["url"],
        "iam_endpoint": state["url"],
        "ca_path": state["ca_path"],
    }
    if project_id:
        options["project_id"] = state["project_id"]
    options.update(credentials(emulator, style))
    return options


def credentials(emulator, style):
    state = emulator.state
    if style == "aksk":
        return {"access_key": state["access_key"], "secret_key": state["secret_key"]}
    if style == "temporary":
        return {"access_key": state["temporary_access_key"], "secret_key": state["temporary_secret_key"],
                "security_token": state["security_token"]}
    if style == "token":
        return {"auth_token": state["auth_token"]}
    if style == "password":
        return {"iam_user_name": state["iam_user_name"], "iam_password": state["iam_password"],
                "iam_domain_name": state["iam_domain_name"]}
    if style == "none":
        return {}
    raise ValueError(style)


CREDENTIAL_STYLES = ("aksk", "temporary", "token", "password")


def make_jobs(count, statuses=STATUSES, domains=("demo-domain", "tenant-blue"),
              users=("demo-user", "dba-li", "migration-bot"), prefix="job"):
    """``count`` jobs with known fields: ``job-000`` is the oldest; statuses, domains and users cycle."""
    return [
        {
            "async_job_id": "%s-%03d" % (prefix, index),
            "status": statuses[index % len(statuses)],
            "domain_name": domains[index % len(domains)],
            "user_name": users[index % len(users)],
            "create_time": "2026-11-%02dT%02d:%02d:00Z" % (1 + index // 1440, index // 60 % 24, index % 60),
        }
        for index in range(count)
    ]


def newest_first(jobs):
    return sorted(jobs, key=lambda job: (job["create_time"], job["async_job_id"]), reverse=True)


def count_statuses(jobs):
    counts = dict.fromkeys(STATUSES, 0)
    for job in jobs:
        counts[job["status"]] = counts.get(job["status"], 0) + 1
    return counts


class Scenarios:
    """Many independent cases in one ansible-playbook run, each module run against its own emulator.

    ansible's start-up dominates a short case, and most fault cases spend their time in backoff pauses:
    so each case is an inventory host (all local) whose ``case_args`` are the module's options, and one
    task runs the module on every host, in parallel forks. A test per case still reports each behaviour
    on its own. ``add()`` every case, ``run()`` once, then ``result(name)`` and ``stats(name)`` (the
    case's emulator statistics right after the run; cases sharing an emulator share its statistics).
    """

    def __init__(self, ansible, start_emulator, forks=10):
        self.ansible = ansible
        self.start_emulator = start_emulator
        self.forks = forks
        self.cases = {}
        self.run_result = None
        self.statistics = {}

    def add(self, name, emulator_options=None, style="aksk", emulator=None, environment=None, **options):
        """A case: module ``options`` on top of ``style``'s connection to ``emulator`` (or a new one
        started with ``emulator_options``); an option set to None is left out. ``environment``: the
        module's environment variables (the task's ``environment:``)."""
        emulator = emulator or self.start_emulator(**(emulator_options or {}))
        arguments = dict(connection(emulator, style), **options)
        host = "case%03d" % len(self.cases)
        arguments = {key: value for key, value in arguments.items() if value is not None}
        self.cases[name] = (emulator, arguments, host, environment or {})
        return emulator

    def run(self, extra=(), env=None, **kwargs):
        inventory = self.ansible.workdir / ("scenarios_%s.json" % uuid.uuid4().hex)
        hosts = {host: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                        "case_name": name, "case_args": arguments, "case_environment": environment}
                 for name, (_emulator, arguments, host, environment) in self.cases.items()}
        inventory.write_text(json.dumps({"all": {"hosts": hosts}}))
        options = sorted({key for _emulator, arguments, _host, _environment in self.cases.values()
                          for key in arguments})
        play = {"name": "scenarios", "hosts": "all", "gather_facts": False, "tasks": [{
            "name": "case",
            MODULE: {option: "{{ case_args[%r] | default(omit) }}" % option for option in options},
            "environment": "{{ case_environment }}",
            "register": "result",
            "ignore_errors": True,
        }]}
        environment = {"ANSIBLE_FORKS": str(self.forks), "ANSIBLE_INVENTORY_ENABLED": "yaml"}
        environment.update(env or {})
        self.run_result = self.ansible.playbook([play], extra=["-i", str(inventory)] + list(extra),
                                                env=environment, **kwargs)
        for name, (emulator, _arguments, _host, _environment) in self.cases.items():
            self.statistics[name] = emulator.stats()
        return self.run_result

    def result(self, name):
        return self.run_result.task("case", host=self.cases[name][2])

    def stats(self, name):
        return self.statistics[name]


# Secrets a user may pass by mistake must stay hidden too.
WRONG_SECRET_KEY = "wrong-secret-key-b1e2c3d4e5f60718293a4b5c"
WRONG_PASSWORD = "wrong-password-Zq8!x#2"
WRONG_TOKEN = "MIIwrongtoken-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
# Tokens IAM hands out at run time: "MII" + base64, as real ones (and the emulator's).
RUNTIME_TOKEN = re.compile(r"MII[A-Za-z0-9+/=]{16,}")


def secrets_of(emulator):
    state = emulator.state
    found = [state[key] for key in ("secret_key", "temporary_secret_key", "security_token", "auth_token",
                                    "iam_password")]
    return found + [WRONG_SECRET_KEY, WRONG_PASSWORD, WRONG_TOKEN]


def secret_fragments(secret):
    """The secret and, for long ones, pieces of it: a truncated secret is a leak too."""
    pieces = {secret}
    if len(secret) >= 32:
        pieces.update({secret[:16], secret[len(secret) // 2:len(secret) // 2 + 16], secret[-16:]})
    return pieces


def assert_no_secret(texts, emulator):
    """No secret of ``emulator`` (nor a wrong one from the tests, nor any runtime token) in ``texts``."""
    for text in texts:
        for secret in secrets_of(emulator):
            for piece in secret_fragments(secret):
                assert piece not in text, "a secret (%s...) appears in the output" % secret[:4]
        leaked = RUNTIME_TOKEN.findall(text)
        assert not leaked, "a token appears in the output: %s..." % leaked[0][:8]


@contextmanager
def serving(server):
    """Serve ``server`` (an http.server) from a daemon thread for the block; shut it down and close it after."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
