"""What benchmarks/run.py measures with: timed child processes, the emulator, the results table.

Every figure comes from a child process, the way a user runs ansible or a script: wall time includes
interpreter start-up and imports, and CPU time is the children's rusage, the only CPU figure that
also counts ansible's forked workers and the module processes they start.
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
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))

# The only imports from tests/: the isolated ansible environment and the emulator.
from support.ansible_env import isolated_environment  # noqa: E402 pylint: disable=wrong-import-position
from drs_emulator.testing import EmulatorProcess  # noqa: E402 pylint: disable=wrong-import-position


@dataclass
class Sample:
    wall: float
    cpu: float
    stdout: str
    processes: list = field(default_factory=list)  # what the interpreter wrapper recorded


def run_timed(command, env, timeout=300):
    """Run one command to completion; its wall time and the CPU time of its whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=env["BENCH_WORKDIR"], capture_output=True, text=True,
                          timeout=timeout, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError("command failed (rc=%d): %s\n%s\n%s" % (
            proc.returncode, " ".join(command), proc.stdout[-3000:], proc.stderr[-3000:]))
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Sample(wall=wall, cpu=cpu, stdout=proc.stdout)


def median(values):
    return statistics.median(values) if values else None


def ansible_environment(workdir):
    """tests/support's isolated ansible environment; HOME too, since the SDK peer writes ~/.huaweicloud."""
    env = isolated_environment(workdir)
    env["HOME"] = os.path.join(workdir, "home")
    env["BENCH_WORKDIR"] = workdir
    os.makedirs(env["HOME"], exist_ok=True)
    return env


# ------------------------------------------------------------------ the emulator (the only use of its API)


class Emulator:
    """The emulator on 127.0.0.1, through EmulatorProcess's start/stop, seed, state and statistics only."""

    def __init__(self, latency_ms):
        self._process = EmulatorProcess(latency=latency_ms / 1000.0)

    def __enter__(self):
        self._process.start()
        if not self.state["url"].startswith("https://127.0.0.1:"):
            raise SystemExit("benchmarks: the emulator is not on 127.0.0.1: %s" % self.state["url"])
        return self

    def __exit__(self, *exc_info):
        self._process.stop()

    @property
    def state(self):
        """url, ca_path, region, project_id, auth_token, access_key/secret_key, iam_user_name/iam_password/..."""
        return self._process.state

    def seed(self, count, committed=0, commit_after_calls=None):
        """Replace the jobs by `count` validated jobs plus `committed` committed ones.

        With commit_after_calls, the validated ones commit once that many list calls were answered."""
        if committed:
            self._process.seed(committed, random_seed=201, initial_status="COMMIT_SUCCESS")
        lifecycle = {"initial_status": "AUTO_PARAM_VALIDATE_SUCCESS"}
        if commit_after_calls is not None:
            lifecycle = {"validate_after_calls": 0, "auto_commit_after_calls": commit_after_calls}
        self._process.seed(count, replace=not committed, random_seed=200, **lifecycle)

    def seed_validating(self, count, validate_after_calls):
        """Replace the jobs by `count` validating batches that pass once that many list calls were answered."""
        self._process.seed(count, random_seed=202, initial_status="ASYNC_JOB_VALIDATING",
                           validate_after_calls=validate_after_calls)

    def seed_committed_batches(self, ids):
        """Replace the jobs by one committed batch per id (a gate on them passes at the first look)."""
        self._process.seed(jobs=[{"async_job_id": batch_id, "status": "COMMIT_SUCCESS", "domain_name": "demo-domain",
                                  "user_name": "demo-user", "create_time": "2026-11-30T08:%02d:00Z" % (index % 60)}
                                 for index, batch_id in enumerate(ids)])

    def seed_replicating_batches(self, ids, tasks_per_batch):
        """Replace the jobs by one committed batch per id, each with ``tasks_per_batch`` DRS jobs that replicate from
        their first observation with a lag of 60 s, then 30 s (under a 30 s bound on the second poll)."""
        self._process.seed(jobs=[{"async_job_id": batch_id, "status": "COMMIT_SUCCESS",
                                  "create_time": "2026-11-30T08:%02d:00Z" % (index % 60)}
                                 for index, batch_id in enumerate(ids)],
                           replication={"create_polls": 0, "start_polls": 0, "full_polls": 0, "complete_polls": 0,
                                        "lag_start": 60, "lag_step": 30, "lag_floor": 1,
                                        "tasks_per_batch": tasks_per_batch})

    def routes(self):
        """Requests per route the emulator answered since the last call (drs_list, drs_jobs, drs_job, ...)."""
        routes = self._process.stats()["routes"]
        self._process.reset_stats()
        return routes


def connection(state, auth="token"):
    """The module's connection options for the emulator: token or IAM password auth."""
    options = {"region": state["region"], "project_id": state["project_id"], "endpoint": state["url"],
               "iam_endpoint": state["url"], "ca_path": state["ca_path"]}
    if auth == "token":
        options["auth_token"] = state["auth_token"]
    else:
        options.update({key: state[key] for key in ("iam_user_name", "iam_password", "iam_domain_name")})
    return options


# ------------------------------------------------------------------ the module process, seen from outside

# Stands in for ansible_python_interpreter: runs the module in a child python, relays its output, and
# records the child's wall time, CPU, peak RSS and result size. No ansible-core code is patched.
INTERPRETER_WRAPPER = '''#!{python}
import json, resource, subprocess, sys, time
start = time.perf_counter()
child = subprocess.run([{python!r}] + sys.argv[1:], stdout=subprocess.PIPE, check=False)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.buffer.write(child.stdout)
sys.stdout.flush()
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024.0,
                          "json_mb": len(child.stdout) / 1e6}}) + "\\n")
sys.exit(child.returncode)
'''


class ModuleProcesses:
    """An interpreter wrapper and the records it leaves, one per module process."""

    def __init__(self, workdir):
        self.path = os.path.join(workdir, "python-wrapper")
        self.log = os.path.join(workdir, "python-wrapper.jsonl")
        with open(self.path, "w", encoding="utf-8") as handle:
            handle.write(INTERPRETER_WRAPPER.format(python=sys.executable, log=self.log))
        os.chmod(self.path, 0o755)

    def take(self):
        """The records written since the last call."""
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        os.unlink(self.log)
        return records


# ------------------------------------------------------------------ the table


@dataclass
class Row:
    scenario: str
    measure: str
    value: float | None
    baseline: str
    baseline_value: float | None
    unit: str = "s"
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self):
        if self.value is None or not self.baseline_value:
            return None
        return self.value / self.baseline_value

    def cells(self):
        number = "%.0f" if self.unit in ("requests", "calls") else "%.2f"
        ratio = "" if self.ratio is None else "%.2fx" % self.ratio
        met = "" if self.met is None else ("yes" if self.met else "NO")
        return (self.scenario, self.measure, "n/a" if self.value is None else number % self.value, self.unit,
                self.baseline, "n/a" if self.baseline_value is None else number % self.baseline_value, ratio,
                self.target, met)


HEADER = ("scenario", "measure", "median", "unit", "baseline (same run)", "median", "ratio", "target", "met")


def render_text(rows):
    table = [HEADER] + [row.cells() for row in rows]
    widths = [max(len(line[index]) for line in table) for index in range(len(HEADER))]
    numeric = (2, 5, 6)
    lines = []
    for line in table:
        lines.append("  ".join(cell.rjust(width) if index in numeric else cell.ljust(width)
                               for index, (cell, width) in enumerate(zip(line, widths))).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_rst(rows):
    """The same table as an RST csv-table, to paste into docs/docsite/rst/performance.rst."""
    def line(cells):
        return "   " + ", ".join('"%s"' % cell.replace('"', '""') for cell in cells)
    return "\n".join([".. csv-table::", "   :header-rows: 1", ""] + [line(cells) for cells in [HEADER] + [row.cells() for row in rows]])
