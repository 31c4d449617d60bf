"""hwcloud.drs benchmarks (issue 5): `make bench`, or `python benchmarks/run.py [--quick]`.

Starts the emulator on 127.0.0.1 with a per-request latency, runs every scenario several times with its
baselines interleaved, and prints a table of medians, each next to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from emulator import BenchEmulator  # noqa: E402
from measure import REPO_ROOT, ansible_env, collections_path  # noqa: E402
from report import render, render_chart, render_rst  # noqa: E402
import scenarios  # noqa: E402

SCENARIOS = ("overhead", "listing", "waiting", "scale")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="latency the emulator adds to every request")
    parser.add_argument("--runs", type=int, default=5, help="runs per variant for scenarios 1 and 2 (median)")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="runs per variant for the waiting and 100k scenarios (they take 10-30 s each)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke check: 1 run each, 2,000 jobs for listing, 10,000 for scale, 5 polls")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only these scenarios")
    parser.add_argument("--budget-seconds", type=int, default=450,
                        help="fewer scale runs when the run so far leaves too little of this budget (default 450; "
                             "make bench from a fresh clone also spends 1-2 minutes creating .venv)")
    parser.add_argument("--poll-seconds", type=float, default=0.5, help="poll interval of the waiting scenario")
    parser.add_argument("--out-dir", default=os.path.join(REPO_ROOT, ".venv", "bench"),
                        help="where results.json, table.rst and chart.txt of this run go (default .venv/bench)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args(argv)


def cpu_pressure():
    """Share of the last 60 s in which runnable tasks waited for a CPU (Linux PSI), or None."""
    try:
        with open("/proc/pressure/cpu", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("some"):
                    return float(line.split("avg60=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None
    return None


def machine_facts():
    facts = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "cpu_pressure_avg60_at_start": cpu_pressure(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    facts["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as handle:
            facts["memory_gb"] = round(int(handle.readline().split()[1]) / 1024.0 / 1024.0, 1)
    except OSError:
        pass
    try:
        import ansible.release

        facts["ansible_core"] = ansible.release.__version__
    except ImportError:
        facts["ansible_core"] = "not importable"
    try:
        import huaweicloudsdkdrs  # noqa: F401
        from importlib.metadata import version

        facts["huaweicloudsdkdrs"] = version("huaweicloudsdkdrs")
    except Exception:  # noqa: BLE001 - optional peer
        facts["huaweicloudsdkdrs"] = "not installed (SDK peer skipped)"
    try:
        facts["commit"] = subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"],
                                         capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pass
    return facts


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    runs = 1 if args.quick else args.runs
    slow_runs = 1 if args.quick else args.slow_runs
    listing_jobs = 2000 if args.quick else 10000
    scale_jobs = 10000 if args.quick else 100000
    polls = 5 if args.quick else 20
    selected = args.only or list(SCENARIOS)
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-bench-")
    started = time.monotonic()
    facts = machine_facts()
    print("hwcloud.drs benchmarks: latency %.0f ms, %d runs (%d for waiting/scale), work dir %s"
          % (args.latency_ms, runs, slow_runs, workdir), flush=True)
    print("machine: %s" % json.dumps(facts), flush=True)

    def log(message):
        print(message, flush=True)

    rows = []
    try:
        env = ansible_env(workdir, collections_path(workdir))
        with BenchEmulator(latency_ms=args.latency_ms) as emulator:
            bench = scenarios.Bench(emulator, env, workdir, runs, args.latency_ms, log=log)
            if "overhead" in selected:
                rows += scenarios.task_overhead(bench)
            if "listing" in selected:
                rows += scenarios.full_listing(bench, jobs=listing_jobs)
            if "waiting" in selected:
                rows += scenarios.waiting(bench, polls=polls, poll_seconds=args.poll_seconds, runs=slow_runs)
            if "scale" in selected:
                scale_runs = slow_runs
                spent = time.monotonic() - started
                if spent > args.budget_seconds - 150 and scale_runs > 1:
                    # A loaded machine: keep `make bench` (venv set-up included) under ten minutes.
                    scale_runs = 1 if spent > args.budget_seconds - 60 else 2
                    log("[4] %.0f s spent of a %d s budget: %d run(s) of the scale scenario instead of %d"
                        % (spent, args.budget_seconds, scale_runs, slow_runs))
                    facts["scale_runs_reduced_to"] = scale_runs
                rows += scenarios.scale(bench, jobs=scale_jobs, runs=scale_runs)
    finally:
        if args.keep:
            print("work dir kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    print()
    print(render(rows, title="medians (each figure beside its baseline from the same run); total %.0f s" % elapsed))
    facts["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    facts["cpu_pressure_avg60_at_end"] = cpu_pressure()
    print("load average at start %s, at end %s; CPU pressure (PSI some avg60, %%) at start %s, at end %s: "
          "other work on the machine makes wall times noisier, CPU times much less so"
          % (facts["load_average_at_start"], facts["load_average_at_end"],
             facts["cpu_pressure_avg60_at_start"], facts["cpu_pressure_avg60_at_end"]))
    chart = render_chart(chart_bars(rows))
    if chart:
        print()
        print(chart)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "results.json"), "w", encoding="utf-8") as handle:
        json.dump({"machine": facts, "latency_ms": args.latency_ms, "runs": runs, "slow_runs": slow_runs,
                   "quick": args.quick, "elapsed_seconds": elapsed, "rows": [row.__dict__ for row in rows]},
                  handle, indent=1)
    with open(os.path.join(args.out_dir, "table.rst"), "w", encoding="utf-8") as handle:
        handle.write(render_rst(rows) + "\n")
    with open(os.path.join(args.out_dir, "chart.txt"), "w", encoding="utf-8") as handle:
        handle.write(chart + "\n")
    print("results written to %s" % args.out_dir)
    return 0


def chart_bars(rows):
    """Whole-run wall times of the listing scenario and the scale scenario's playbooks."""
    bars = []
    for row in rows:
        size = row.scenario.split()[-1]
        if row.scenario.startswith("2 listing") and row.measure == "module playbook (register + assert)":
            bars.append((size + ": module playbook", row.value))
            bars.append((size + ": uri loop playbook", row.baseline_value))
        if row.scenario.startswith("2 listing") and row.measure.endswith("script, whole run"):
            bars.append((size + ": " + row.measure.replace(", whole run", ""), row.value))
        if row.scenario.startswith("4 scale") and row.measure.endswith("playbook wall"):
            bars.append((size + ": " + row.measure.replace(": playbook wall", ""), row.value))
            if row.baseline.startswith("ping playbook ("):
                bars.append(("ping playbook (floor)", row.baseline_value))
    return bars


if __name__ == "__main__":
    sys.exit(main())
