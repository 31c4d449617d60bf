"""``EmulatorProcess``: the emulator for tests, the demo and benchmarks, as a subprocess or in a thread.

    with EmulatorProcess(seed=200, validate_after_calls=2) as emulator:
        emulator.state["url"], emulator.state["ca_path"]
        emulator.stats()["list_calls"]

Keyword options are the command line flags without the dashes (``page_cap=500`` -> ``--page-cap 500``;
``True`` for switches; a list repeats the flag, dicts are sent as JSON, so ``fault=[{"status": 503,
"count": 1}]`` works). ``seed_jobs=[...]`` writes a seed file. The subprocess gets ``--parent-pid`` so it
exits even if the test process is killed. ``in_process=True`` serves from a thread of this process
instead (no Python start-up; it shares the GIL with the caller, so benchmarks use the subprocess).
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


def command_line(options):
    arguments = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            arguments.append(flag)
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            arguments.extend([flag, json.dumps(item) if isinstance(item, (dict, list)) else str(item)])
    return arguments


class EmulatorProcess:
    def __init__(self, seed_jobs=None, startup_timeout=30.0, in_process=False, **options):
        self.options = options
        self.seed_jobs = seed_jobs
        self.startup_timeout = startup_timeout
        self.in_process = in_process
        self.process = None
        self.running = None
        self.state = None
        self._directory = None
        self._opener = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        # Certificates, seed and state files in one directory of ours: nothing stays behind, even after a kill.
        self._directory = tempfile.mkdtemp(prefix="drs-emulator-test-")
        options = dict(self.options, cert_dir=os.path.join(self._directory, "certs"))
        if self.seed_jobs is not None:
            options["seed_file"] = os.path.join(self._directory, "seed.json")
            with open(options["seed_file"], "w", encoding="utf-8") as handle:
                json.dump({"jobs": self.seed_jobs}, handle)
        try:
            if self.in_process:
                from drs_emulator.cli import start_in_thread  # pylint: disable=import-outside-toplevel

                self.running = start_in_thread(command_line(options))
                self.state = self.running.state
            else:
                self.state = self._start_process(options)
        except BaseException:
            self.stop()
            raise
        context = ssl.create_default_context(cafile=self.state["ca_path"])
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                   urllib.request.HTTPSHandler(context=context))
        return self

    def _start_process(self, options):
        options["parent_pid"] = os.getpid()
        environment = dict(os.environ, PYTHONUNBUFFERED="1")
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS_DIRECTORY, environment.get("PYTHONPATH")]))
        stderr_path = os.path.join(self._directory, "stderr.log")
        with open(stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "drs_emulator"] + command_line(options),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=environment)
        line = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if not line or not line[0].strip():
            with open(stderr_path, encoding="utf-8", errors="replace") as handle:
                raise EmulatorError("the emulator did not start: %s" % handle.read())
        return json.loads(line[0])

    def stop(self):
        running, self.running = self.running, None
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
            process.stdout.close()
        if self._directory:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    def control(self, method, path, body=None):
        """Call the control endpoint (path relative to /_emulator) and return the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.state["control_url"] + "/" + path.lstrip("/"), data=data,
                                         method=method, headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise EmulatorError("control %s %s: %s %s" % (
                method, path, error.code, error.read().decode("utf-8", "replace"))) from None

    def stats(self):
        """``total``, ``routes`` (iam_token, iam_projects, drs_list, drs_commit, unknown), ``statuses``,
        ``list_calls``, ``iam_token_calls``, ``max_in_flight``, ``dropped``."""
        return self.control("GET", "stats")

    def reset_stats(self):
        return self.control("POST", "stats/reset", {})

    def seed(self, count=None, jobs=None, replace=True, **lifecycle):
        """Replace (or add to) the jobs: ``count`` generated ones or ``jobs``; lifecycle keys as the flags
        (``validate_after_calls``, ``auto_commit_after_calls``, ``initial_status``, ``random_seed``, ...)."""
        body = dict(lifecycle, replace=replace)
        if jobs is not None:
            body["jobs"] = jobs
        else:
            body["count"] = count or 0
        return self.control("POST", "jobs", body)
