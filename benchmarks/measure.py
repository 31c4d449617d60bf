"""Timing primitives shared by the benchmark scenarios.

Every figure is taken from a child process (the way a user runs ansible or a script), so wall time
includes interpreter start-up and imports, and CPU time is the delta of the children's rusage: the
only CPU figure that also counts ansible's forked workers and the module processes they start.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)


@dataclass
class Sample:
    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str
    extra: dict = field(default_factory=dict)


def run_timed(command, env=None, cwd=None, timeout=600, check=True):
    """Run one command to completion; return its wall time and the CPU of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if check and proc.returncode != 0:
        raise RuntimeError(
            "command failed (rc=%d): %s\n--- stdout ---\n%s\n--- stderr ---\n%s"
            % (proc.returncode, " ".join(command), proc.stdout[-4000:], proc.stderr[-4000:])
        )
    return Sample(wall=wall, cpu=cpu, returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def tool(name):
    """An executable of the running virtualenv (ansible, ansible-playbook), else from PATH."""
    candidate = os.path.join(VENV_BIN, name)
    if os.path.exists(candidate):
        return candidate
    import shutil

    found = shutil.which(name)
    if not found:
        raise SystemExit("benchmarks: %s not found next to %s nor on PATH" % (name, sys.executable))
    return found


def collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH as make sets it, or a private link to the repository root."""
    existing = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if existing:
        return existing
    root = os.path.join(workdir, "collections")
    link_dir = os.path.join(root, "ansible_collections", "hwcloud")
    os.makedirs(link_dir, exist_ok=True)
    link = os.path.join(link_dir, "drs")
    if not os.path.islink(link):
        os.symlink(REPO_ROOT, link)
    return root


def ansible_env(workdir, collections):
    """One environment for every ansible run, module and baselines alike, free of the user's config."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("ANSIBLE_", "HW_", "HUAWEICLOUD_SDK_")) or name.lower().endswith("_proxy"):
            del env[name]
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_CONFIG=os.path.join(workdir, "ansible.cfg"),
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-local"),
        ANSIBLE_REMOTE_TMP=os.path.join(workdir, "ansible-remote"),
        ANSIBLE_HOME=os.path.join(workdir, "ansible-home"),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    with open(env["ANSIBLE_CONFIG"], "w", encoding="utf-8") as handle:
        handle.write("[defaults]\n")
    return env


RSS_WRAPPER = '''#!{python}
# Stands in for ansible_python_interpreter: runs the module in a child python and records that
# child's peak RSS, CPU, wall time and the size of the JSON it printed, then relays its output.
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen([{python!r}] + {extra_args!r} + sys.argv[1:], stdout=subprocess.PIPE)
out, _ = proc.communicate()
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.buffer.write(out)
sys.stdout.flush()
record = {{"maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
          "stdout_bytes": len(out)}}
trace = {log!r} + ".http"
if os.path.exists(trace):
    with open(trace) as handle:
        record["http"] = [json.loads(line) for line in handle]
    os.unlink(trace)
with open({log!r}, "a") as log:
    log.write(json.dumps(record) + "\\n")
sys.exit(proc.returncode)
'''

# Run by the wrapper in place of `python AnsiballZ_x.py` when HTTP timing is wanted: times every
# requests.Session.send (the body is read inside send), then runs the module file as __main__.
HTTP_TRACE_BOOTSTRAP = '''
import json, runpy, sys, threading, time
import requests

_records = []
_lock = threading.Lock()
_send = requests.Session.send


def send(self, request, **kwargs):
    start = time.perf_counter()
    try:
        return _send(self, request, **kwargs)
    finally:
        end = time.perf_counter()
        with _lock:
            _records.append((start, end, request.method, request.path_url.split("?")[0]))


requests.Session.send = send


def _dump():
    with open({trace!r}, "w") as handle:
        for record in _records:
            handle.write(json.dumps(record) + "\\n")


import atexit
atexit.register(_dump)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


PROFILE_BOOTSTRAP = '''
# Runs the module file under cProfile. Not `python -m cProfile`: AnsiballZ drops the directory of
# __main__.__file__ from sys.path, which would then be the standard library's.
import cProfile, runpy, sys
sys.argv = sys.argv[1:]
profile = cProfile.Profile()
profile.enable()
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    profile.disable()
    profile.dump_stats({output!r})
'''


def make_interpreter_wrapper(workdir, name, extra_args=(), trace_http=False, profile_to=None, log=None):
    """Write an interpreter wrapper; return (path, log path).

    extra_args go between python and the module file; trace_http records the start and end of every
    HTTP request the module sends; profile_to runs the module under cProfile into that file; log is
    where the records go, by default a file of the wrapper's own (another wrapper's log to share it).
    """
    path = os.path.join(workdir, "python-" + name)
    log = log or os.path.join(workdir, "python-" + name + ".jsonl")
    extra_args = list(extra_args)
    if trace_http:
        bootstrap = os.path.join(workdir, "http-trace-" + name + ".py")
        with open(bootstrap, "w", encoding="utf-8") as handle:
            handle.write(HTTP_TRACE_BOOTSTRAP.format(trace=log + ".http"))
        extra_args.append(bootstrap)
    elif profile_to:
        bootstrap = os.path.join(workdir, "profile-" + name + ".py")
        with open(bootstrap, "w", encoding="utf-8") as handle:
            handle.write(PROFILE_BOOTSTRAP.format(output=profile_to))
        extra_args.append(bootstrap)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(RSS_WRAPPER.format(python=sys.executable, extra_args=extra_args, log=log))
    os.chmod(path, 0o755)
    return path, log


def listing_breakdown(record, path_part="/batch-async-jobs"):
    """(first request's seconds, seconds from its end to the last page's end, requests) from a traced record."""
    calls = sorted((call for call in record.get("http", []) if path_part in call[3]), key=lambda call: call[0])
    if not calls:
        return None
    first = calls[0]
    return first[1] - first[0], max(call[1] for call in calls) - first[1], len(calls)


def listing_window(record, path_part="/batch-async-jobs"):
    """Seconds from the first DRS list request's start to the last one's end, from a traced record."""
    calls = [call for call in record.get("http", []) if path_part in call[3]]
    if not calls:
        return None
    return max(call[1] for call in calls) - min(call[0] for call in calls)


def read_wrapper_records(log):
    """Return and clear the records a wrapper wrote."""
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    os.unlink(log)
    return records
