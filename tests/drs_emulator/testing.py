"""``EmulatorProcess``: start the emulator as a subprocess for tests, the demo and benchmarks.

    with EmulatorProcess(seed=200, validate_after_calls=2) as emulator:
        emulator.state["url"], emulator.ca_path
        emulator.add_fault(status=429, retry_after=1, count=2)
        emulator.stats()["routes"]["drs_list"]

Keyword options are the command line flags without the dashes (``page_cap=500`` -> ``--page-cap 500``;
``True`` for switches such as ``http``; a list repeats the flag, dicts are sent as JSON, so
``fault=[{"status": 503, "count": 1}]`` works). ``seed_jobs=[...]`` writes a seed file for you.
The process gets ``--parent-pid`` so it exits even if the test process is killed.

``EmulatorProcess(in_process=True, ...)`` serves from a thread of this process instead (same options,
same helpers, plus ``.emulator``, the live state object); handy for debugging, not for benchmarks,
since it shares the GIL with the client.
"""

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

TESTS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EmulatorError(RuntimeError):
    pass


def _arguments(options):
    arguments = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            arguments.append(flag)
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, (dict, list)):
                item = json.dumps(item)
            arguments.extend([flag, str(item)])
    return arguments


class EmulatorProcess:
    def __init__(self, seed_jobs=None, startup_timeout=30.0, env=None, in_process=False, **options):
        self.options = options
        self.in_process = in_process
        self.emulator = None
        self._running = None
        self.seed_jobs = seed_jobs
        self.startup_timeout = startup_timeout
        self.extra_env = env or {}
        self.process = None
        self.state = None
        self._directory = None
        self._stderr = None
        self._opener = None

    # life cycle ------------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        self._directory = tempfile.mkdtemp(prefix="drs-emulator-test-")
        options = dict(self.options)
        if self.seed_jobs is not None:
            seed_file = os.path.join(self._directory, "seed.json")
            with open(seed_file, "w", encoding="utf-8") as handle:
                json.dump({"jobs": self.seed_jobs}, handle)
            options["seed_file"] = seed_file
        if not options.get("http"):
            # In our directory, so nothing is left behind even if the emulator is killed hard.
            options.setdefault("cert_dir", os.path.join(self._directory, "certs"))
        if self.in_process:
            return self._start_in_process(options)
        options.setdefault("state_file", os.path.join(self._directory, "state.json"))
        options["parent_pid"] = os.getpid()
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS_DIRECTORY, environment.get("PYTHONPATH")]))
        environment["PYTHONUNBUFFERED"] = "1"
        environment.update(self.extra_env)
        self._stderr = open(os.path.join(self._directory, "stderr.log"), "w+b")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "drs_emulator"] + _arguments(options),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, env=environment)
        line = self._read_state_line()
        if not line:
            self.stop()
            raise EmulatorError("the emulator did not start: %s" % self.stderr_text())
        self.state = json.loads(line)
        self._opener = self._build_opener()
        return self

    def _start_in_process(self, options):
        from drs_emulator.cli import start_in_thread  # pylint: disable=import-outside-toplevel

        try:
            self._running = start_in_thread(_arguments(options))
        except BaseException:
            self.stop()
            raise
        self.emulator = self._running.emulator
        self.state = self._running.state
        self._opener = self._build_opener()
        return self

    def _read_state_line(self):
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if not result:
            return None
        return result[0].decode("utf-8").strip() or None

    def stop(self):
        running, self._running = self._running, None
        if running is not None:
            running.stop()
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
            if process.stdout:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._directory:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    def stderr_text(self):
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    # state -----------------------------------------------------------------------------------
    @property
    def url(self):
        return self.state["url"]

    @property
    def ca_path(self):
        return self.state["ca_path"]

    @property
    def control_url(self):
        return self.state["control_url"]

    @property
    def verify(self):
        """What ``requests`` wants as ``verify``: the CA path over HTTPS, True over plain HTTP."""
        return self.state["ca_path"] or True

    # control endpoint ------------------------------------------------------------------------
    def _build_opener(self):
        handlers = [urllib.request.ProxyHandler({})]
        if self.state["ca_path"]:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=self.state["ca_path"])))
        return urllib.request.build_opener(*handlers)

    def control(self, method, path, body=None):
        """Call the control endpoint (path relative to /_emulator) and return the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.control_url + "/" + path.lstrip("/"), data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise EmulatorError("control %s %s: %s %s" % (method, path, error.code, error.read().decode("utf-8", "replace"))) from None

    def add_fault(self, **rule):
        return self.control("POST", "faults", rule)["faults"]

    def set_faults(self, *rules):
        return self.control("POST", "faults", {"faults": list(rules), "replace": True})["faults"]

    def clear_faults(self):
        return self.control("DELETE", "faults")

    def faults(self):
        return self.control("GET", "faults")["faults"]

    def stats(self):
        return self.control("GET", "stats")

    def reset_stats(self):
        return self.control("POST", "stats/reset")

    def settings(self, **values):
        """Change settings (latency, page_cap, default_limit, empty_result_422, token_expire_after_calls,
        token_ttl_seconds, clock_skew_seconds) and return them all."""
        if values:
            return self.control("POST", "settings", values)
        return self.control("GET", "settings")

    def seed(self, count=None, jobs=None, replace=True, **lifecycle):
        """Replace (or add to) the jobs; lifecycle keys as the CLI flags (validate_after_calls, fail_count, ...)."""
        body = dict(lifecycle, replace=replace)
        if jobs is not None:
            body["jobs"] = jobs
        else:
            body["count"] = count or 0
        return self.control("POST", "jobs", body)

    def jobs(self, full=False):
        return self.control("GET", "jobs?full=1" if full else "jobs")

    def validate_jobs(self):
        return self.control("POST", "jobs/validate", {})

    def commit_jobs(self, ids=None):
        return self.control("POST", "jobs/commit", {} if ids is None else {"ids": list(ids)})

    def set_job_status(self, status, ids=None):
        body = {"status": status}
        if ids is not None:
            body["ids"] = list(ids)
        return self.control("POST", "jobs/status", body)

    def set_projects(self, projects=None, matches=None):
        body = {"projects": projects} if projects is not None else {"matches": 1 if matches is None else matches}
        return self.control("POST", "projects", body)["projects"]

    def expire_tokens(self):
        return self.control("POST", "tokens/expire", {})

    def clock(self, skew_seconds=None, advance_seconds=0):
        body = {"advance_seconds": advance_seconds}
        if skew_seconds is not None:
            body["skew_seconds"] = skew_seconds
        return self.control("POST", "clock", body)

    def reset(self):
        return self.control("POST", "reset", {})
