"""What the progress lines cost: `.venv/dev/bin/python benchmarks/progress_steps.py`.

A wait runs in steps (one module run from one progress line to the next) so that it can print; this measures,
in one run and interleaved run by run, the same ad hoc wait (3 batches that pass validation after 10 listings,
polls 1 second apart) with progress_interval 0 (one module run, no line, the wait as before 1.3.0), the
default 60 (a line when the wait starts and when the counts change), and 1 (a step after every poll: the most
steps a wait can take), with token and with IAM password logins. Prints the medians of wall and CPU time and
their ratios to the one-run wait, and the module runs, polls, requests and IAM calls of each: the polls and the
DRS requests must not change, the module runs and (with a password) the logins grow with the steps.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from measure import Emulator, ModuleProcesses, ansible_environment, connection, median, run_timed  # noqa: E402

MODULE = "hwcloud.drs.drs_batch_async_job_info"
BATCHES = 3
LISTINGS = 10  # validation ends after this many listings of every batch: a wait of about 10 polls


def result_of(stdout):
    """The JSON result an ad hoc run printed after `localhost | SUCCESS =>`."""
    return json.loads(stdout.split("=>", 1)[1].strip().split("\nlocalhost |")[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-progress-")
    try:
        env = ansible_environment(workdir)
        processes = ModuleProcesses(workdir)
        ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
        variants = [("%s, progress_interval %d" % (auth, interval), auth, interval)
                    for auth in ("token", "password") for interval in (0, 60, 1)]
        samples = dict((name, []) for name, _auth, _interval in variants)
        counts = {}
        with Emulator(args.latency_ms) as emulator:
            ids = None
            for index in range(args.runs):
                for name, auth, interval in variants:
                    emulator.seed_validating(BATCHES, validate_after_calls=LISTINGS * BATCHES)
                    if ids is None:
                        listed = run_timed([ansible, "localhost", "-m", MODULE, "-a",
                                            json.dumps(connection(emulator.state))], env)
                        ids = [job["async_job_id"] for job in result_of(listed.stdout)["jobs"]]
                        emulator.seed_validating(BATCHES, validate_after_calls=LISTINGS * BATCHES)
                    module_args = dict(connection(emulator.state, auth), async_job_ids=ids, wait_sleep=1,
                                       wait_for_status="AUTO_PARAM_VALIDATE_SUCCESS", progress_interval=interval)
                    processes.take()
                    sample = run_timed([ansible, "localhost", "-m", MODULE, "-a", json.dumps(module_args),
                                        "-e", "ansible_python_interpreter=" + processes.path], env)
                    samples[name].append(sample)
                    stats = result_of(sample.stdout)["request_stats"]
                    counts[name] = dict(stats, module_runs=len(processes.take()),
                                        lines=sample.stdout.count(": waiting for "))
                    print("  run %d/%d  %-32s %5.2f s wall  %5.2f s CPU  %d module runs" % (
                        index + 1, args.runs, name, sample.wall, sample.cpu, counts[name]["module_runs"]), flush=True)
        print("\nmedians of %d interleaved runs: a wait of %d polls for %d batches, emulator latency %g ms" % (
            args.runs, LISTINGS, BATCHES, args.latency_ms))
        print("%-32s %7s %7s %9s %9s %6s %6s %6s %9s %6s" % (
            "variant", "wall s", "CPU s", "wall/one", "CPU/one", "lines", "runs", "polls", "requests", "iam"))
        for name, auth, interval in variants:
            wall, cpu = median([sample.wall for sample in samples[name]]), median([sample.cpu for sample in samples[name]])
            base = "%s, progress_interval 0" % auth
            base_wall = median([sample.wall for sample in samples[base]])
            base_cpu = median([sample.cpu for sample in samples[base]])
            c = counts[name]
            print("%-32s %7.2f %7.2f %8.2fx %8.2fx %6d %6d %6d %9d %6d" % (
                name, wall, cpu, wall / base_wall, cpu / base_cpu, c["lines"], c["module_runs"], c["polls"],
                c["requests"], c["iam_calls"]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
