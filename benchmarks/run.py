"""hwcloud.drs benchmarks: `make bench`, or `.venv/bin/python benchmarks/run.py [--quick] [--chart PNG]`.

Starts the DRS emulator on 127.0.0.1 with a latency on every request (50 ms by default) and runs four
comparisons. The variants of each run interleaved, run by run, so that drift on a shared machine hits
the module and its baselines alike:

1. task overhead: the module (one small page) vs ansible.builtin.ping vs the same GET through ansible.builtin.uri;
2. listing 10,000 jobs: the module vs a paging loop on the official SDK vs the Terraform data source's strategy;
3. waiting for a batch to commit: wait_for_status in one task vs an until loop (IAM password auth);
4. a 100,000-job batch in a playbook with register: return_jobs all vs unfinished vs none;
5. the commit_gate role on 20 batch ids vs on 1 id, beside a loop of one module run per id (the gate's
   approach before async_job_ids);
6. the commit_gate role past COMMIT_SUCCESS, on 20 batches of 5 DRS jobs vs on 1 batch, until incremental
   replication under a lag bound, with the status and progress calls per poll.

Prints a table of medians, each with its ratio to a baseline measured in the same run, writes the table
as RST and JSON under --out-dir, and draws the comparisons into a PNG chart.
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

# pylint: disable=wrong-import-position
from measure import (REPO_ROOT, Emulator, ModuleProcesses, Row, ansible_environment, connection,  # noqa: E402
                     median, render_rst, render_text, run_timed)

MODULE = "hwcloud.drs.drs_batch_async_job_info"
PLAYBOOKS = os.path.join(HERE, "playbooks")
PEERS = os.path.join(HERE, "peers")
BIN = os.path.dirname(sys.executable)


class Bench:
    """The emulator, an isolated ansible environment, and the ways a variant is run."""

    def __init__(self, emulator, workdir, log):
        self.emulator = emulator
        self.workdir = workdir
        self.env = ansible_environment(workdir)
        self.module_processes = ModuleProcesses(workdir)
        self.log = log

    @property
    def state(self):
        return self.emulator.state

    def adhoc(self, module, args=None, wrapped=False):
        command = [os.path.join(BIN, "ansible"), "localhost", "-m", module]
        if args is not None:
            command += ["-a", json.dumps(args)]
        if wrapped:
            command += ["-e", "ansible_python_interpreter=" + self.module_processes.path]
        return run_timed(command, self.env)

    def playbook(self, name, variables, wrapped=False):
        if wrapped:
            variables = dict(variables, ansible_python_interpreter=self.module_processes.path)
        path = os.path.join(self.workdir, "vars-%s.json" % time.monotonic_ns())
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        return run_timed([os.path.join(BIN, "ansible-playbook"), os.path.join(PLAYBOOKS, name), "-e", "@" + path],
                         self.env)

    def peer(self, name):
        path = os.path.join(self.workdir, "emulator-state.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.state, handle)
        return run_timed([sys.executable, os.path.join(PEERS, name), path], self.env)

    def round_robin(self, variants, runs):
        """variants: {name: callable returning a Sample}. Returns {name: [Sample]}; each sample also gets
        .processes, the module processes the interpreter wrapper recorded during it."""
        samples = {name: [] for name in variants}
        for index in range(runs):
            for name, action in variants.items():
                sample = action()
                sample.processes = self.module_processes.take()
                samples[name].append(sample)
                self.log("  run %d/%d  %-24s %6.2f s wall  %6.2f s CPU" % (index + 1, runs, name, sample.wall, sample.cpu))
        return samples


def medians(samples, figure):
    """{variant: median of figure(sample)}."""
    return {name: median([figure(sample) for sample in runs]) for name, runs in samples.items()}


def adhoc_result(sample):
    """The module result from ad hoc output: `localhost | SUCCESS => {...}`."""
    return json.loads(sample.stdout[sample.stdout.index("{"):])


def playbook_report(sample):
    """What the playbook's last task printed: `"msg": "BENCH {...}"`."""
    line = next(line for line in sample.stdout.splitlines() if '"msg": "BENCH ' in line)
    return json.loads(json.loads(line.split('"msg": ', 1)[1])[len("BENCH "):])


def process(figure):
    """A figure of the sample's (single) module process, as the interpreter wrapper recorded it."""
    return lambda sample: sample.processes[-1][figure]


# ------------------------------------------------------------------------------------------ scenarios


def task_overhead(bench, runs):
    bench.log("[1] task overhead, one page of 5 jobs: module vs ping vs uri (ad hoc)")
    bench.emulator.seed(5)
    state = bench.state
    uri_args = {"url": "%s/v5/%s/batch-async-jobs?offset=0&limit=1000" % (state["url"], state["project_id"]),
                "headers": {"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]},
                "ca_path": state["ca_path"]}
    samples = bench.round_robin({
        "ansible.builtin.ping": lambda: bench.adhoc("ansible.builtin.ping"),
        "ansible.builtin.uri": lambda: bench.adhoc("ansible.builtin.uri", uri_args),
        "module": lambda: bench.adhoc(MODULE, connection(state)),
    }, runs)
    wall = medians(samples, lambda sample: sample.wall)
    cpu = medians(samples, lambda sample: sample.cpu)
    rows = []
    for kind, figures in (("wall", wall), ("CPU", cpu)):
        module = figures["module"]
        rows += [
            Row("1 task overhead", "module task: " + kind, module, "ansible.builtin.ping", figures["ansible.builtin.ping"],
                target="<= 1.10x", met=module <= 1.10 * figures["ansible.builtin.ping"]),
            Row("1 task overhead", "module task: " + kind, module, "ansible.builtin.uri, same GET",
                figures["ansible.builtin.uri"], target="< 1.00x", met=module < figures["ansible.builtin.uri"]),
        ]
    # CPU as well as wall time: CPU barely moves when other work shares the machine, wall time does.
    chart = ("Task overhead (ad hoc, one page): seconds", [("%s: %s" % (name, kind), figures[name])
                                                           for kind, figures in (("wall", wall), ("CPU", cpu))
                                                           for name in samples])
    return rows, chart


def listing(bench, runs, jobs):
    bench.log("[2] listing %d jobs: module vs SDK loop vs Terraform strategy" % jobs)
    bench.emulator.seed(jobs)
    samples = bench.round_robin({
        "SDK loop script": lambda: bench.peer("sdk_listing.py"),
        "Terraform strategy script": lambda: bench.peer("terraform_listing.py"),
        "module task": lambda: bench.adhoc(MODULE, connection(bench.state), wrapped=True),
    }, runs)
    for name in ("SDK loop script", "Terraform strategy script"):
        for sample in samples[name]:
            sample.result = json.loads(sample.stdout.strip().splitlines()[-1])
    for sample in samples["module task"]:
        sample.result = dict(adhoc_result(sample), jobs=adhoc_result(sample)["total_count"])
        sample.result["requests"] = sample.result["request_stats"]["requests"]
    if any(sample.result["jobs"] != jobs for runs_ in samples.values() for sample in runs_):
        raise RuntimeError("a listing did not return all %d jobs" % jobs)
    wall = medians(samples, lambda sample: sample.wall)
    requests = medians(samples, lambda sample: sample.result["requests"])
    module_process = median([process("wall")(sample) for sample in samples["module task"]])
    label = "2 listing %dk jobs" % (jobs // 1000)
    rows = []
    for peer in ("SDK loop script", "Terraform strategy script"):
        rows.append(Row(label, "module process: wall", module_process, peer + ": wall", wall[peer],
                        target="<= 1.00x", met=module_process <= wall[peer]))
    for peer in ("SDK loop script", "Terraform strategy script"):
        rows.append(Row(label, "module task (whole ansible run): wall", wall["module task"], peer + ": wall", wall[peer]))
    rows.append(Row(label, "module: requests", requests["module task"], "Terraform strategy: requests",
                    requests["Terraform strategy script"], unit="requests", target="no empty page",
                    met=requests["module task"] == -(-jobs // 1000)))
    chart = ("Listing {:,} jobs: wall seconds".format(jobs), [
        ("SDK loop script", wall["SDK loop script"]), ("Terraform strategy script", wall["Terraform strategy script"]),
        ("module process", module_process), ("module task (ansible run)", wall["module task"])])
    return rows, chart


def waiting(bench, runs, polls, poll_seconds, jobs=100):
    bench.log("[3] waiting: %d jobs commit at the %dth list call, polled every %.1f s: wait_for_status vs until"
              % (jobs, polls, poll_seconds))
    password_auth = connection(bench.state, auth="password")

    def wait_with(playbook, **variables):
        def action():
            bench.emulator.seed(jobs, commit_after_calls=polls - 1)
            return bench.playbook(playbook, dict(variables, drs_connection=password_auth, poll_seconds=poll_seconds))
        return action

    samples = bench.round_robin({
        "until loop": wait_with("module_until.yml"),
        "wait_for_status": wait_with("module.yml", wait_for_status="COMMIT_SUCCESS"),
    }, runs)
    for runs_ in samples.values():
        for sample in runs_:
            # Every try of the until loop is the same run of the module: its counts times the tries.
            report = playbook_report(sample)
            sample.iam_calls = report["iam_calls"] * report.get("attempts", 1)
            sample.requests = report["requests"] * report.get("attempts", 1)
    rows = []
    figures = {}
    for measure, unit, figure, target in (
            ("wall", "s", lambda sample: sample.wall, None),
            ("CPU", "s", lambda sample: sample.cpu, 0.20),
            ("IAM token calls", "calls", lambda sample: sample.iam_calls, None),
            ("HTTP requests (DRS and IAM)", "requests", lambda sample: sample.requests, None)):
        figures[measure] = medians(samples, figure)
        value, baseline = figures[measure]["wait_for_status"], figures[measure]["until loop"]
        row = Row("3 waiting", "wait_for_status: " + measure, value, "until loop: " + measure, baseline, unit=unit)
        if target:
            row.target, row.met = "<= %.2fx" % target, value <= target * baseline
        if measure == "IAM token calls":
            row.target, row.met = "1 per task", value == 1
        rows.append(row)
    chart = ("Waiting, %d polls of %d jobs: seconds" % (polls, jobs), [
        ("until loop: wall", figures["wall"]["until loop"]), ("wait_for_status: wall", figures["wall"]["wait_for_status"]),
        ("until loop: CPU", figures["CPU"]["until loop"]), ("wait_for_status: CPU", figures["CPU"]["wait_for_status"])])
    return rows, chart


def large_batch(bench, runs, jobs, pending=100):
    bench.log("[4] %d jobs, %d of them not yet committed, playbook with register: return_jobs all vs unfinished vs none"
              % (jobs, pending))
    bench.emulator.seed(pending, committed=jobs - pending)
    token_auth = connection(bench.state)
    variants = {"ping playbook": lambda: bench.playbook("ping.yml", {}, wrapped=True)}
    for mode in ("none", "unfinished", "all"):
        variants["return_jobs=" + mode] = (
            lambda mode=mode: bench.playbook("module.yml", {"drs_connection": token_auth, "return_jobs": mode}, wrapped=True))
    samples = bench.round_robin(variants, runs)
    for mode, expected in (("all", jobs), ("unfinished", pending), ("none", 0)):
        if any(playbook_report(sample)["jobs"] != expected for sample in samples["return_jobs=" + mode]):
            raise RuntimeError("return_jobs=%s did not return %d jobs" % (mode, expected))
    wall = medians(samples, lambda sample: sample.wall)
    cpu = medians(samples, lambda sample: sample.cpu)
    module_wall, rss, json_mb = (medians(samples, process(figure)) for figure in ("wall", "rss_mb", "json_mb"))
    label = "4 batch %dk jobs" % (jobs // 1000)
    everything, unfinished, nothing = "return_jobs=all", "return_jobs=unfinished", "return_jobs=none"
    rows = [
        Row(label, "return_jobs=all: playbook wall", wall[everything], "return_jobs=none", wall[nothing]),
        Row(label, "return_jobs=unfinished: playbook wall", wall[unfinished], "return_jobs=none", wall[nothing]),
        Row(label, "return_jobs=none: playbook wall", wall[nothing], "ping playbook (ansible's floor)",
            wall["ping playbook"]),
        Row(label, "return_jobs=all: playbook CPU", cpu[everything], "return_jobs=none", cpu[nothing]),
        Row(label, "return_jobs=all: module process wall", module_wall[everything], "return_jobs=none",
            module_wall[nothing]),
        Row(label, "return_jobs=all: module peak RSS", rss[everything], "its result JSON", json_mb[everything],
            unit="MB", target="<= 10x", met=rss[everything] <= 10 * json_mb[everything]),
        Row(label, "return_jobs=none: module peak RSS", rss[nothing], "return_jobs=all", rss[everything], unit="MB"),
    ]
    chart = ("A {:,}-job batch, playbook with register: wall seconds".format(jobs), [(name, wall[name]) for name in samples])
    return rows, chart


def gate(bench, runs, batches):
    bench.log("[5] commit_gate on %d batch ids vs on 1 id vs one module run per id" % batches)
    ids = ["batch-%03d" % index for index in range(batches)]
    bench.emulator.seed_committed_batches(ids)
    token_auth = connection(bench.state)

    def gate_on(playbook, batch_ids):
        return lambda: bench.playbook(playbook, {"drs_connection": token_auth, "batch_ids": batch_ids})

    samples = bench.round_robin({
        "commit_gate, 1 id": gate_on("gate.yml", ids[:1]),
        "commit_gate, %d ids" % batches: gate_on("gate.yml", ids),
        "one module run per id, %d ids" % batches: gate_on("gate_per_id.yml", ids),
    }, runs)
    wall = medians(samples, lambda sample: sample.wall)
    label = "5 gate %d batches" % batches
    many, one = "commit_gate, %d ids" % batches, "commit_gate, 1 id"
    per_id = "one module run per id, %d ids" % batches
    rows = [
        Row(label, "commit_gate, %d ids: wall" % batches, wall[many], "commit_gate, 1 id", wall[one],
            target="<= 1.50x", met=wall[many] <= 1.5 * wall[one]),
        Row(label, "one module run per id, %d ids: wall" % batches, wall[per_id], "commit_gate, 1 id", wall[one]),
    ]
    chart = ("Gate on %d batch ids: wall seconds" % batches, [(name, wall[name]) for name in samples])
    return rows, chart


def replication_gate(bench, runs, batches, jobs_per_batch=5):
    bench.log("[6] commit_gate past COMMIT_SUCCESS: %d batches of %d DRS jobs vs 1 batch, to incremental under 30 s"
              % (batches, jobs_per_batch))
    ids = ["cutover-%03d" % index for index in range(batches)]
    token_auth = connection(bench.state)

    def gate_on(batch_ids):
        def action():
            bench.emulator.seed_replicating_batches(batch_ids, jobs_per_batch)
            bench.emulator.routes()
            sample = bench.playbook("gate_replication.yml", {"drs_connection": token_auth, "batch_ids": batch_ids})
            sample.routes, sample.report = bench.emulator.routes(), playbook_report(sample)
            return sample
        return action

    many, one = "gate, %d batches" % batches, "gate, 1 batch"
    samples = bench.round_robin({one: gate_on(ids[:1]), many: gate_on(ids)}, runs)
    jobs = batches * jobs_per_batch
    for sample in samples[many]:
        if sample.report["drs_jobs"] != jobs:
            raise RuntimeError("the gate followed %d DRS jobs, not %d" % (sample.report["drs_jobs"], jobs))
        # Each poll of the jobs: one status call per 10 jobs, one progress call per job whose lag decides (all of
        # them: they replicate from the first poll). The batch listings are the rest of the polls.
        job_polls = sample.report["polls"] - sample.routes["drs_list"] // batches
        sample.status_calls_per_poll = sample.routes["drs_jobs"] / float(job_polls)
        sample.progress_calls_per_poll = sample.routes["drs_job"] / float(job_polls)
    wall = medians(samples, lambda sample: sample.wall)
    status_calls = median([sample.status_calls_per_poll for sample in samples[many]])
    progress_calls = median([sample.progress_calls_per_poll for sample in samples[many]])
    label = "6 replication gate %d jobs" % jobs
    rows = [
        Row(label, "%s: wall" % many, wall[many], one, wall[one], target="<= 1.50x", met=wall[many] <= 1.5 * wall[one]),
        Row(label, "status calls per poll", status_calls, "one per job", jobs, unit="calls",
            target="<= ceil(n/10)", met=status_calls <= -(-jobs // 10)),
        Row(label, "progress calls per poll", progress_calls, "jobs whose lag decides", jobs, unit="calls",
            target="<= 1 per job", met=progress_calls <= jobs),
    ]
    chart = ("Replication gate, %d batches of %d jobs: wall seconds" % (batches, jobs_per_batch),
             [(name, wall[name]) for name in samples])
    return rows, chart


# ------------------------------------------------------------------------------------------ the run


def machine():
    """Date, CPU, cores, memory and versions, for the performance page."""
    facts = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
             "python": platform.python_version(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        facts["cpu"] = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    with open("/proc/meminfo", encoding="utf-8") as handle:
        facts["memory_gb"] = round(int(handle.readline().split()[1]) / 1024.0 ** 2, 1)
    versions = subprocess.run([sys.executable, "-m", "pip", "list", "--format", "json"], capture_output=True,
                              text=True, check=False).stdout
    versions = {item["name"].lower(): item["version"] for item in json.loads(versions or "[]")}
    facts.update({name: versions.get(name, "not installed") for name in ("ansible-core", "huaweicloudsdkdrs")})
    facts["commit"] = subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                     text=True, check=False).stdout.strip()
    return facts


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="latency the emulator adds to every request")
    parser.add_argument("--runs", type=int, default=5, help="runs of each variant in scenarios 1 and 2")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of each variant in scenarios 3 and 4")
    parser.add_argument("--quick", action="store_true", help="a smoke check: 1 run each, 2,000 and 10,000 jobs, 4 polls")
    parser.add_argument("--out-dir", default=os.path.join(REPO_ROOT, ".venv", "bench"),
                        help="where results.json and table.rst go (default .venv/bench)")
    parser.add_argument("--chart", help="the PNG chart (default OUT_DIR/performance.png; the performance page shows "
                                        "docs/docsite/rst/performance.png)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    runs, slow_runs = (1, 1) if args.quick else (args.runs, args.slow_runs)
    listing_jobs, batch_jobs, polls = (2000, 10000, 4) if args.quick else (10000, 100000, 20)
    facts = machine()
    print("hwcloud.drs benchmarks, %.0f ms per request; machine: %s" % (args.latency_ms, json.dumps(facts)), flush=True)
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-bench-")
    rows, charts = [], []
    try:
        with Emulator(args.latency_ms) as emulator:
            bench = Bench(emulator, workdir, log=lambda message: print(message, flush=True))
            for scenario in (lambda: task_overhead(bench, runs), lambda: listing(bench, runs, listing_jobs),
                             lambda: waiting(bench, slow_runs, polls, poll_seconds=1.0),
                             lambda: large_batch(bench, slow_runs, batch_jobs),
                             lambda: gate(bench, runs, batches=20),
                             lambda: replication_gate(bench, runs, batches=20)):
                scenario_rows, chart = scenario()
                rows += scenario_rows
                charts.append(chart)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    facts["seconds"] = round(time.monotonic() - started)
    facts["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print("\nmedians, each beside its baseline from the same run (%d runs, %d for scenarios 3 and 4), %d s in all"
          % (runs, slow_runs, facts["seconds"]))
    print(render_text(rows))
    print("load average at start %s, at end %s" % (facts["load_average_at_start"], facts["load_average_at_end"]))
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "results.json"), "w", encoding="utf-8") as handle:
        json.dump({"machine": facts, "rows": [row.__dict__ for row in rows], "charts": charts}, handle, indent=1)
    with open(os.path.join(args.out_dir, "table.rst"), "w", encoding="utf-8") as handle:
        handle.write(render_rst(rows) + "\n")
    chart_path = args.chart or os.path.join(args.out_dir, "performance.png")
    try:
        from chart import draw  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        print("no chart: %s (pip install -r requirements-dev.txt)" % error)
    else:
        draw(charts, chart_path, "hwcloud.drs benchmarks, %s, %d cores, %.0f ms latency (medians)"
             % (facts["date"], facts["cores"], args.latency_ms))
        print("chart: %s" % chart_path)
    print("results: %s" % args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
