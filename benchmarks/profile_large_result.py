"""Where the time of a large result goes: `python benchmarks/profile_large_result.py [--jobs 100000]`.

Not part of `make bench` (profiling slows everything down). Runs the module through a playbook with
`register` twice against the emulator:

1. the module process under cProfile (an ansible_python_interpreter wrapper), and
2. the controller under cProfile: the ansible-playbook process and the forked worker that runs the
   task (ansible forks a WorkerProcess per task; it parses the module's JSON and sends the result to
   the main process, which runs the strategy, callbacks and registers the variable).

Prints the top functions of each by cumulative and own time, and a few named buckets.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from emulator import BenchEmulator  # noqa: E402
from measure import ansible_env, collections_path, make_interpreter_wrapper, read_wrapper_records, run_timed  # noqa: E402
from scenarios import PLAYBOOKS, Bench  # noqa: E402

CONTROLLER_DRIVER = '''
import cProfile, os, sys
from ansible.executor.process import worker

OUT = {outdir!r}
_run = worker.WorkerProcess._run


def _profiled_run(self):
    profile = cProfile.Profile()
    profile.enable()
    try:
        return _run(self)
    finally:
        profile.disable()
        profile.dump_stats(os.path.join(OUT, "worker-%d.prof" % os.getpid()))


worker.WorkerProcess._run = _profiled_run

from ansible.cli.playbook import main

profile = cProfile.Profile()
profile.enable()
try:
    sys.argv = ["ansible-playbook"] + sys.argv[1:]
    main()
except SystemExit as exit_:
    code = exit_.code
else:
    code = 0
finally:
    profile.disable()
    profile.dump_stats(os.path.join(OUT, "main.prof"))
sys.exit(code)
'''

BUCKETS = (
    ("no_log scrubbing (remove_values)", ("remove_values", "_remove_values_conditions")),
    ("JSON encode (json.dumps / encoder)", ("encode", "iterencode", "dumps")),
    ("JSON decode (json.loads / decoder)", ("decode", "raw_decode", "loads")),
    ("module_response_deepcopy / deepcopy", ("module_response_deepcopy", "deepcopy")),
    ("strip/clean internal keys", ("strip_internal_keys", "remove_internal_keys", "_clean_res", "clean_facts")),
    ("callbacks (v2_runner_on_ok, _dump_results)", ("v2_runner_on_ok", "_dump_results", "send_callback")),
    ("pickling over the results queue", ("dumps", "loads", "send_task_result", "_recv_bytes", "recv")),
    ("templating / trust tagging", ("template", "_finalize", "tag", "_visit")),
)


def top(stats_file, label, limit):
    stats = pstats.Stats(stats_file)
    total = stats.total_tt
    print("\n==== %s: %.2f s profiled" % (label, total))
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return stats


def buckets(stats, label):
    """Cumulative seconds of the outermost call of functions whose name matches each bucket."""
    print("---- %s: named buckets (cumulative s of matching functions, may overlap)" % label)
    for title, names in BUCKETS:
        best = 0.0
        where = ""
        for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            if function in names and cumulative > best:
                best, where = cumulative, "%s:%s" % (os.path.basename(filename), function)
        print("  %-48s %7.3f  %s" % (title, best, where))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--return-jobs", default="all", choices=("all", "unfinished", "none"))
    parser.add_argument("--limit", type=int, default=25, help="functions listed per table")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-profile-")
    try:
        env = ansible_env(workdir, collections_path(workdir))
        with BenchEmulator(latency_ms=args.latency_ms) as emulator:
            bench = Bench(emulator, env, workdir, 1, args.latency_ms)
            emulator.replace_jobs(args.jobs)
            vars_file = bench.playbook_vars(expected_total=args.jobs, return_jobs=args.return_jobs)

            plain = bench.playbook("module_listing.yml", vars_file)
            print("unprofiled playbook: %.2f s wall, %.2f s CPU" % (plain.wall, plain.cpu))

            module_prof = os.path.join(workdir, "module.prof")
            wrapper, log = make_interpreter_wrapper(workdir, "profile", profile_to=module_prof)
            sample = bench.playbook("module_listing.yml", vars_file, interpreter=wrapper)
            record = read_wrapper_records(log)
            print("module under cProfile: playbook %.2f s; module process %s" % (sample.wall, record))
            buckets(top(module_prof, "module process", args.limit), "module process")

            outdir = os.path.join(workdir, "controller")
            os.makedirs(outdir)
            driver = os.path.join(workdir, "controller_profile.py")
            with open(driver, "w", encoding="utf-8") as handle:
                handle.write(CONTROLLER_DRIVER.format(outdir=outdir))
            sample = run_timed([sys.executable, driver, os.path.join(PLAYBOOKS, "module_listing.yml"),
                                "-e", "@" + vars_file], env=env, cwd=workdir)
            print("controller under cProfile: playbook %.2f s" % sample.wall)
            for name in sorted(os.listdir(outdir)):
                label = "controller " + name[:-5]
                path = os.path.join(outdir, name)
                if not os.path.getsize(path):
                    # A worker that ended without leaving its finally block writes an empty file.
                    print("==== %s: no profile (empty file), skipped" % label)
                    continue
                buckets(top(path, label, args.limit), label)
    finally:
        if args.keep:
            print("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
