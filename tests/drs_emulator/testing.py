"""``EmulatorProcess``: the emulator as a subprocess (or, ``in_process=True``, a thread); see README.md.
Keyword options are the flags (``page_cap=500``: ``--page-cap 500``; ``True`` for a switch; a list repeats
the flag; a dict goes as JSON); ``seed_jobs=[...]`` writes a seed file."""

import json
import os
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from drs_emulator.cli import start_in_thread

TESTS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EmulatorError(RuntimeError):
    pass


def command_line(options):
    arguments = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            arguments.append(flag)
        elif value is not None and value is not False:
            for item in value if isinstance(value, (list, tuple)) else [value]:
                arguments += [flag, json.dumps(item) if isinstance(item, dict) else str(item)]
    return arguments


class EmulatorProcess:
    def __init__(self, seed_jobs=None, startup_timeout=30.0, in_process=False, **options):
        self.options, self.seed_jobs, self.startup_timeout, self.in_process = options, seed_jobs, startup_timeout, in_process
        self.process = self.running = self.state = self._directory = self._opener = None

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
        python_path = os.pathsep.join(filter(None, [TESTS_DIRECTORY, os.environ.get("PYTHONPATH")]))
        stderr_path = os.path.join(self._directory, "stderr.log")
        with open(stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "drs_emulator"] + command_line(options), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=stderr, env=dict(os.environ, PYTHONPATH=python_path))
        ready = select.select([self.process.stdout], [], [], self.startup_timeout)[0]
        line = self.process.stdout.readline() if ready else b""  # the state line comes in one write
        if not line.strip():
            with open(stderr_path, encoding="utf-8", errors="replace") as handle:
                raise EmulatorError("the emulator did not start: %s" % handle.read())
        return json.loads(line)

    def stop(self):
        running, process, self.running, self.process = self.running, self.process, None, None
        if running is not None:
            running.stop()
        if process is not None:
            process.terminate()
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
        return self.control("GET", "stats")

    def reset_stats(self):
        return self.control("POST", "stats/reset", {})

    def seed(self, count=None, jobs=None, replace=True, **lifecycle):
        """Replace (or add to) the jobs: ``count`` generated ones or ``jobs``; lifecycle keys as the flags."""
        body = dict(lifecycle, replace=replace, **({"count": count or 0} if jobs is None else {"jobs": jobs}))
        return self.control("POST", "jobs", body)

    def set_faults(self, *rules):
        """Apply these fault rules (README.md) from now on, instead of the rules so far; none: no fault."""
        return self.control("POST", "faults", {"rules": list(rules)})
