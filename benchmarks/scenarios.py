"""The four scenarios of issue 5. Each returns report rows; every variant of a scenario runs
interleaved with its baselines (round robin), so drift on a shared machine hits them alike."""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sys
import time

from measure import REPO_ROOT, listing_breakdown, listing_window, make_interpreter_wrapper, median, read_wrapper_records, run_timed, tool
from report import Row

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, "playbooks")
PEERS = os.path.join(HERE, "peers")
MODULE = "hwcloud.drs.drs_batch_async_job_info"
MODULE_IMPORT = "ansible_collections.hwcloud.drs.plugins.modules.drs_batch_async_job_info"
MODULE_FILE = os.path.join(REPO_ROOT, "plugins", "modules", "drs_batch_async_job_info.py")


def module_available():
    return os.path.exists(MODULE_FILE)


class Bench:
    """What every scenario needs: the emulator, an ansible environment, a work directory, run counts."""

    def __init__(self, emulator, env, workdir, runs, latency_ms, log=print):
        self.emulator = emulator
        self.env = env
        self.workdir = workdir
        self.runs = runs
        self.latency_ms = latency_ms
        self.log = log
        self.results = {}

    # ---------------------------------------------------------------- helpers

    def state_file(self):
        path = os.path.join(self.workdir, "emulator-state.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.emulator.state, handle)
        return path

    def connection(self):
        """The module's connection options for the emulator, token auth."""
        state = self.emulator.state
        return {
            "region": state["region"],
            "project_id": state["project_id"],
            "endpoint": state["url"],
            "iam_endpoint": state["url"],
            "ca_path": state["ca_path"],
            "auth_token": state["auth_token"],
        }

    def playbook_vars(self, style="token", **extra):
        state = self.emulator.state
        drs = {key: state[key] for key in ("region", "project_id", "url", "ca_path")}
        if style == "token":
            drs["auth_token"] = state["auth_token"]
        elif style == "password":
            for key in ("iam_user_name", "iam_password", "iam_domain_name"):
                drs[key] = state[key]
        data = dict(drs=drs, drs_url=state["url"], project_id=state["project_id"], ca_path=state["ca_path"],
                    auth_token=state["auth_token"])
        data.update(extra)
        path = os.path.join(self.workdir, "vars-%d.json" % time.monotonic_ns())
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        return path

    def adhoc(self, module, args=None, interpreter=None):
        command = [tool("ansible"), "localhost", "-m", module]
        if args is not None:
            command += ["-a", json.dumps(args)]
        if interpreter:
            command += ["-e", "ansible_python_interpreter=%s" % interpreter]
        return run_timed(command, env=self.env, cwd=self.workdir)

    def playbook(self, name, vars_file, interpreter=None):
        command = [tool("ansible-playbook"), os.path.join(PLAYBOOKS, name), "-e", "@" + vars_file]
        if interpreter:
            command += ["-e", "ansible_python_interpreter=%s" % interpreter]
        return run_timed(command, env=self.env, cwd=self.workdir)

    def measured(self, action):
        """Run action() with the emulator's request counters reset; attach the counters to the sample."""
        self.emulator.reset_stats()
        sample = action()
        sample.extra.update(self.emulator.stats())
        return sample

    def round_robin(self, variants, runs, caps=None):
        """variants: {name: callable -> Sample}; returns {name: [Sample]}, interleaved run by run.
        caps: {name: most runs} for slow baselines whose median settles early."""
        samples = {name: [] for name in variants}
        for index in range(runs):
            for name, action in variants.items():
                if caps and index >= caps.get(name, runs):
                    continue
                sample = self.measured(action)
                samples[name].append(sample)
                self.log("  run %d/%d %-28s %6.2fs wall %6.2fs cpu %s" % (
                    index + 1, runs, name, sample.wall, sample.cpu,
                    " ".join("%s=%s" % item for item in sorted(sample.extra.items()) if not isinstance(item[1], dict))))
        return samples


def _median_of(samples, key):
    if key in ("wall", "cpu"):
        return median([getattr(sample, key) for sample in samples])
    return median([sample.extra.get(key) for sample in samples])


def _peer_output(sample):
    return json.loads(sample.stdout.strip().splitlines()[-1])


def _module_result(sample):
    """The module's result from an ad hoc run's minimal-callback output ("localhost | SUCCESS => {...}")."""
    text = sample.stdout
    start = text.find("{")
    return json.loads(text[start:]) if start >= 0 else {}


# ==================================================================== 1. task overhead


def task_overhead(bench):
    bench.log("[1] task overhead: module (one small page) vs ping vs uri")
    bench.emulator.replace_jobs(5)
    state = bench.emulator.state
    uri_args = {
        "url": "%s/v5/%s/batch-async-jobs?offset=0&limit=1000" % (state["url"], state["project_id"]),
        "headers": {"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]},
        "ca_path": state["ca_path"],
    }
    variants = {
        "ping": lambda: bench.adhoc("ansible.builtin.ping"),
        "uri": lambda: bench.adhoc("ansible.builtin.uri", uri_args),
    }
    if module_available():
        variants["module"] = lambda: bench.adhoc(MODULE, bench.connection())
    samples = bench.round_robin(variants, bench.runs)
    ping = _median_of(samples["ping"], "wall")
    uri = _median_of(samples["uri"], "wall")
    rows = [Row("1 overhead", "uri GET one page (ad hoc)", uri, "s", "ansible.builtin.ping", ping)]
    if "module" in samples:
        module = _median_of(samples["module"], "wall")
        module_cpu, ping_cpu, uri_cpu = (_median_of(samples[name], "cpu") for name in ("module", "ping", "uri"))
        rows = [
            Row("1 overhead", "module, one page (ad hoc)", module, "s", "ansible.builtin.ping", ping,
                "<= 1.10x ping", module <= 1.10 * ping),
            Row("1 overhead", "module, one page (ad hoc)", module, "s", "ansible.builtin.uri, same GET", uri,
                "< 1.00x uri", module < uri),
            # CPU barely moves when other work shares the machine, wall time does: both are shown.
            Row("1 overhead", "module, one page: CPU", module_cpu, "s", "ansible.builtin.ping: CPU", ping_cpu,
                "<= 1.10x ping", module_cpu <= 1.10 * ping_cpu),
            Row("1 overhead", "module, one page: CPU", module_cpu, "s", "ansible.builtin.uri: CPU", uri_cpu,
                "< 1.00x uri", module_cpu < uri_cpu),
        ] + rows
        rows += import_time(bench)
    else:
        rows.append(Row("1 overhead", "module", None, note="plugins/modules/drs_batch_async_job_info.py not there yet"))
    return rows


_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def _parse_importtime(stderr):
    """[(depth, self_us, cumulative_us, name)] in the order python printed them (children first)."""
    entries = []
    for line in stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            entries.append((depth, int(match.group(1)), int(match.group(2)), match.group(4)))
    return entries


def _children(entries, name):
    """Direct imports made by `name` (the entries just before it, one level deeper)."""
    for index, (depth, _self, _cumulative, entry_name) in enumerate(entries):
        if entry_name == name:
            children = []
            for child in reversed(entries[:index]):
                if child[0] <= depth:
                    break
                if child[0] == depth + 1:
                    children.append(child)
            return children
    return []


def _imports_of_collection(entries):
    """After ansible.module_utils.basic: ({import made by collection code: cumulative us}, collection's own us)."""
    start = next((index for index, entry in enumerate(entries)
                  if entry[0] == 0 and entry[3] == "ansible.module_utils.basic"), -1) + 1
    entries = entries[start:]
    made, own = {}, 0
    for index, (depth, self_us, cumulative, name) in enumerate(entries):
        if name.startswith("ansible_collections"):
            own += self_us
            continue
        parent = next((entry for entry in entries[index + 1:] if entry[0] == depth - 1), None)
        if parent is not None and parent[3].startswith("ansible_collections"):
            made[name] = made.get(name, 0) + cumulative
    return made, own


def import_time(bench):
    """Import cost of the module on top of ansible.module_utils.basic (which ping pays as well)."""
    collections = bench.env["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0]
    env = dict(bench.env, PYTHONPATH=collections)
    code = "import ansible.module_utils.basic; import %s" % MODULE_IMPORT
    module_totals, basic_totals, own_totals, made = [], [], [], {}
    for _attempt in range(bench.runs):
        sample = run_timed([sys.executable, "-X", "importtime", "-c", code], env=env, cwd=bench.workdir)
        entries = _parse_importtime(sample.stderr)
        top = {entry[3]: entry for entry in entries if entry[0] == 0}
        basic_totals.append(top["ansible.module_utils.basic"][2] / 1000.0)
        module_totals.append(top[MODULE_IMPORT][2] / 1000.0)
        children, own = _imports_of_collection(entries)
        own_totals.append(own / 1000.0)
        for name, cumulative in children.items():
            made.setdefault(name, []).append(cumulative / 1000.0)
    module_ms = median(module_totals)
    heavy = sorted(((sum(values) / bench.runs, name) for name, values in made.items()), reverse=True)
    heavy_text = ", ".join("%s %.1f ms" % (name, ms) for ms, name in heavy[:5])
    others = [name for ms, name in heavy if ms >= 10 and name != "requests"]
    return [
        Row("1 overhead", "module import beyond module_utils.basic", module_ms, "ms",
            "ansible.module_utils.basic (every module)", median(basic_totals),
            "only requests heavy", not others,
            note="imports made by the collection's code (mean ms): %s; the collection's own modules: %.1f ms"
            % (heavy_text, median(own_totals))),
    ]


# ==================================================================== 2. full listing


def full_listing(bench, jobs=10000):
    bench.log("[2] full listing of %d jobs at %d ms: module vs SDK loop vs Terraform strategy vs uri loop" % (
        jobs, bench.latency_ms))
    bench.emulator.replace_jobs(jobs)
    state_file = bench.state_file()
    peer_env = dict(bench.env, HOME=os.path.join(bench.workdir, "sdk-home"))  # the SDK writes ~/.huaweicloud
    os.makedirs(peer_env["HOME"], exist_ok=True)
    variants = {}
    if _sdk_available():
        variants["sdk loop"] = lambda: run_timed(
            [sys.executable, os.path.join(PEERS, "sdk_listing.py"), state_file], env=peer_env, cwd=bench.workdir)
    variants["terraform strategy"] = lambda: run_timed(
        [sys.executable, os.path.join(PEERS, "terraform_listing.py"), state_file], env=peer_env, cwd=bench.workdir)
    uri_vars = bench.playbook_vars()
    variants["uri loop playbook"] = lambda: bench.playbook("uri_listing.yml", uri_vars)
    wrapper = log = None
    if module_available():
        wrapper, log = make_interpreter_wrapper(bench.workdir, "listing", trace_http=True)
        module_vars = bench.playbook_vars(expected_total=jobs)
        variants["module playbook"] = lambda: bench.playbook("module_listing.yml", module_vars, interpreter=wrapper)
    # The uri loop takes 10-20 s a run and is 3-5x slower than anything else: 3 runs settle its median.
    samples = bench.round_robin(variants, bench.runs, caps={"uri loop playbook": 3})
    if wrapper:
        records = read_wrapper_records(log)
        for sample, record in zip(samples["module playbook"], records):
            sample.extra["module_process"] = record

    rows = []
    label = "2 listing %dk" % (jobs // 1000)
    pages = math.ceil(jobs / 1000.0)
    physical = physical_limit(bench, jobs)
    scripts = [name for name in ("sdk loop", "terraform strategy") if name in samples]
    for name in scripts:
        for sample in samples[name]:
            sample.extra["peer"] = _peer_output(sample)
    if "module playbook" in samples:
        module_samples = samples["module playbook"]
        process = [sample.extra.get("module_process") or {} for sample in module_samples]
        module_wall = _median_of(module_samples, "wall")
        uri_wall = _median_of(samples["uri loop playbook"], "wall")
        rows.append(Row(label, "module playbook (register + assert)", module_wall, "s", "uri loop playbook", uri_wall,
                        "no slower", module_wall <= uri_wall))
        rows.append(Row(label, "module playbook: CPU", _median_of(module_samples, "cpu"), "s", "uri loop playbook: CPU",
                        _median_of(samples["uri loop playbook"], "cpu")))
        # A script's whole run is one python process that imports, lists and prints; the module's
        # counterpart is its own process under ansible (start, imports, listing, result JSON).
        process_wall = median([p.get("wall") for p in process])
        for name in scripts:
            peer_wall = _median_of(samples[name], "wall")
            rows.append(Row(label, "module process (start to JSON out)", process_wall, "s",
                            name + " script, whole run", peer_wall, "no slower",
                            process_wall is not None and process_wall <= peer_wall))
        listing = median([listing_window(p) for p in process])
        breakdown = [listing_breakdown(p) for p in process if listing_breakdown(p)]
        rows.append(Row(label, "module listing, first request to last page", listing, "s",
                        "physical limit: 2 x (one page, warm)", physical["limit"],
                        "<= 1.5x limit", listing is not None and listing <= 1.5 * physical["limit"],
                        note=physical["note"] + "; inside the module (medians): first page %.3f s (new TLS connection "
                        "included), the other pages %.3f s after it" % (
                            median([b[0] for b in breakdown]) or 0, median([b[1] for b in breakdown]) or 0)))
        rows.append(Row(label, "module listing, first request to last page", listing, "s",
                        "bare requests script, same concurrency", concurrent_client_listing(bench, jobs),
                        note="the bare script: first page, then the other pages 10 at a time on fresh connections, "
                             "in the benchmark's own process; what the module's listing can hope for on this machine"))
        for name in scripts:
            rows.append(Row(label, "module listing, first request to last page", listing, "s",
                            name + " listing loop", median([s.extra["peer"]["list_seconds"] for s in samples[name]])))
        module_requests = _median_of(module_samples, "requests")
        rows.append(Row(label, "module requests", module_requests, "requests", "ceil(N / 1000)", pages,
                        "no empty-page request", module_requests == pages,
                        note="most requests in flight at once at the emulator: %s"
                        % median([s.extra.get("max_in_flight") for s in module_samples])))
        rss = median([p.get("maxrss_kb") for p in process])
        size = median([p.get("stdout_bytes") for p in process])
        rows.append(Row(label, "module process peak RSS", rss / 1024.0 if rss else None, "MB",
                        "result JSON", size / 1e6 if size else None))
        bench.results["listing_module_process"] = process
    for name, peer_samples in samples.items():
        if name == "module playbook":
            continue
        rows.append(Row(label, "%s requests" % name, _median_of(peer_samples, "requests"), "requests",
                        "ceil(N / 1000)", pages))
    for name in scripts:
        rows.append(Row(label, "%s script, whole run" % name, _median_of(samples[name], "wall"), "s",
                        "its listing loop only", median([s.extra["peer"]["list_seconds"] for s in samples[name]])))
    return rows


def _sdk_available():
    try:
        import importlib.util

        return importlib.util.find_spec("huaweicloudsdkdrs") is not None
    except ImportError:
        return False


def concurrent_client_listing(bench, jobs, page=1000, concurrency=10, runs=5):
    """The best a plain client can do here: a bare requests script in this process, first page alone, then
    the rest `concurrency` at a time on fresh keep-alive connections (what the module does, minus ansible)."""
    import requests
    from concurrent.futures import ThreadPoolExecutor

    state = bench.emulator.state
    url = "%s/v5/%s/batch-async-jobs" % (state["url"], state["project_id"])
    timings = []
    for _attempt in range(runs):
        session = requests.Session()
        session.trust_env = False
        session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=concurrency, max_retries=0))
        session.headers.update({"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]})

        def get(offset):
            return session.get(url, params={"offset": offset, "limit": page}, verify=state["ca_path"],
                               timeout=60).json()["jobs"]

        with ThreadPoolExecutor(concurrency) as pool:
            start = time.perf_counter()
            count = len(get(0))
            count += sum(len(jobs_page) for jobs_page in pool.map(get, range(page, jobs, page)))
            timings.append(time.perf_counter() - start)
        session.close()
        if count != jobs:
            raise RuntimeError("concurrent client listed %d of %d jobs" % (count, jobs))
    return median(timings)


def physical_limit(bench, jobs, page=1000, probes=9):
    """Two round trips, each the time one keep-alive GET of a full page takes at this latency."""
    import requests

    state = bench.emulator.state
    session = requests.Session()
    session.trust_env = False
    session.verify = state["ca_path"]
    session.headers.update({"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]})
    url = "%s/v5/%s/batch-async-jobs" % (state["url"], state["project_id"])
    session.get(url, params={"offset": 0, "limit": 1}, timeout=60)  # connection set up outside the figure
    timings = []
    for index in range(probes):
        start = time.perf_counter()
        response = session.get(url, params={"offset": (index * page) % max(jobs, 1), "limit": page}, timeout=60)
        response.json()
        timings.append(time.perf_counter() - start)
    one_page = median(timings)
    return {
        "one_page": one_page,
        "limit": 2 * one_page,
        "note": "one full page on a warm connection takes %.3f s at %d ms latency (median of %d); the limit "
                "assumes the %d pages after the first all travel in parallel in one more round trip"
                % (one_page, bench.latency_ms, probes, math.ceil(jobs / float(page)) - 1),
    }


# ==================================================================== 3. waiting


def waiting(bench, jobs=100, polls=20, poll_seconds=1.0, runs=None):
    runs = runs or bench.runs
    bench.log("[3] waiting: %d jobs commit after %d polls, poll every %.1f s: wait_for_status vs until loop"
              % (jobs, polls, poll_seconds))
    if not module_available():
        return [Row("3 waiting", "module", None, note="module not there yet")]

    def run(playbook, interpreter=None, commit_after=polls):
        def action():
            bench.emulator.replace_jobs_committing(jobs, commit_after)
            return bench.playbook(playbook, bench.playbook_vars(style="password", poll_seconds=poll_seconds),
                                  interpreter=interpreter)
        return action

    samples = bench.round_robin({"wait_for_status": run("wait_builtin.yml"), "until loop": run("wait_until.yml")}, runs)
    builtin, until = samples["wait_for_status"], samples["until loop"]
    # One more run of each through the interpreter wrapper, outside the medians (the wrapper is a process
    # per module run, which would bill the until loop 20 extra python start-ups): the modules' own CPU.
    # Every retry of the until loop is the same one-poll module run, so its diagnostic run stops after
    # 5 polls and is scaled to the full count.
    wrapper, log = make_interpreter_wrapper(bench.workdir, "waiting")
    module_cpu = {}
    diagnostic_polls = min(5, polls)
    for name, playbook, commit_after in (("wait_for_status", "wait_builtin.yml", polls),
                                         ("until loop", "wait_until.yml", diagnostic_polls)):
        bench.measured(run(playbook, wrapper, commit_after))
        records = read_wrapper_records(log)
        cpu = sum(record["cpu"] for record in records)
        if name == "until loop" and records:
            cpu = cpu * polls / float(len(records))
        module_cpu[name] = (cpu, len(records))
        bench.log("  diagnostic run %-18s module processes: %d, their CPU %.2f s%s" % (
            name, len(records), sum(record["cpu"] for record in records),
            " (x %d/%d for the table)" % (polls, len(records)) if name == "until loop" and records else ""))
    rows = []
    for key, unit, label in (("wall", "s", "wall"), ("cpu", "s", "CPU (children rusage)"),
                             ("requests", "requests", "DRS list requests"), ("iam_calls", "calls", "IAM token calls")):
        value, baseline = _median_of(builtin, key), _median_of(until, key)
        target, met = "", None
        if key == "cpu":
            target, met = "<= 0.20x until", value is not None and baseline and value <= 0.2 * baseline
        if key == "iam_calls":
            target, met = "1 per task, not per poll", value is not None and value <= 1
        rows.append(Row("3 waiting", "wait_for_status " + label, value, unit, "until loop, same interval", baseline,
                        target, met))
    rows.append(Row("3 waiting", "wait_for_status: module process CPU (1 run)", module_cpu["wait_for_status"][0], "s",
                    "until loop: its %d module processes (%d measured)" % (polls, module_cpu["until loop"][1]),
                    module_cpu["until loop"][0],
                    note="the rest of each CPU figure is ansible itself: its start-up and the controller's result-polling "
                         "loop, which burns CPU for as long as any task runs (next row)"))
    idle = {0: [], 8: []}
    for seconds in idle:
        idle[seconds].append(bench.adhoc("ansible.builtin.command", {"cmd": "sleep %d" % seconds}).cpu)
    per_second = (median(idle[8]) - median(idle[0])) / 8.0
    rows.append(Row("3 waiting", "ansible's own CPU per second a task runs", per_second, "s",
                    "ansible.builtin.command sleep 0 (whole run)", median(idle[0]),
                    note="(CPU of command sleep 8 - CPU of command sleep 0) / 8, one run each: a rough figure"))
    return rows


# ==================================================================== 4. scale


def scale(bench, jobs=100000, runs=None, pending=100):
    runs = runs or bench.runs
    bench.log("[4] scale: %d jobs (%d validated, waiting for a commit; the rest committed), playbook with "
              "register: return_jobs all vs unfinished vs none" % (jobs, pending))
    if not module_available():
        return [Row("4 scale", "module", None, note="module not there yet")]
    bench.emulator.replace_jobs_gate(jobs, pending)
    wrapper, log = make_interpreter_wrapper(bench.workdir, "scale", trace_http=True)
    # ping must not pay the HTTP trace's import of requests: a plain wrapper writing to the same log
    floor_wrapper = make_interpreter_wrapper(bench.workdir, "scale-floor", log=log)[0]
    floor_vars = bench.playbook_vars()
    variants = {"ping playbook": lambda: bench.playbook("floor.yml", floor_vars, interpreter=floor_wrapper)}
    for mode in ("all", "unfinished", "none"):
        vars_file = bench.playbook_vars(expected_total=jobs, return_jobs=mode)
        variants["return_jobs=" + mode] = functools.partial(
            bench.playbook, "module_listing.yml", vars_file, interpreter=wrapper)
    samples = {name: [] for name in variants}
    for index in range(runs):
        for name, action in variants.items():
            sample = bench.measured(action)
            records = read_wrapper_records(log)
            sample.extra["module_process"] = records[-1] if records else {}
            samples[name].append(sample)
            process = sample.extra["module_process"]
            bench.log("  run %d/%d %-24s %6.2fs wall %6.2fs cpu; module process %.2fs, %.0f MB peak, %.1f MB JSON; %s requests" % (
                index + 1, runs, name, sample.wall, sample.cpu, process.get("wall", 0), process.get("maxrss_kb", 0) / 1024.0,
                process.get("stdout_bytes", 0) / 1e6, sample.extra.get("requests")))
    rows = []
    label = "4 scale %dk" % (jobs // 1000)
    pages = math.ceil(jobs / 1000.0)
    one_page = physical_limit(bench, jobs, probes=5)["one_page"]
    network_limit = one_page * (1 + math.ceil((pages - 1) / 10.0))  # page_concurrency 10
    floor = _median_of(samples["ping playbook"], "wall")
    figures = {}
    for name in ("return_jobs=all", "return_jobs=unfinished", "return_jobs=none"):
        process = [s.extra["module_process"] for s in samples[name]]
        figures[name] = dict(
            wall=_median_of(samples[name], "wall"), cpu=_median_of(samples[name], "cpu"),
            process_wall=median([p.get("wall") for p in process]),
            rss=(median([p.get("maxrss_kb") for p in process]) or 0) / 1024.0,
            json=(median([p.get("stdout_bytes") for p in process]) or 0) / 1e6,
            requests=_median_of(samples[name], "requests"),
            listing=median([listing_window(p) for p in process]))
    everything, unfinished, nothing = (figures["return_jobs=" + mode] for mode in ("all", "unfinished", "none"))
    rows.append(Row(label, "return_jobs=all: playbook wall", everything["wall"], "s",
                    "ping playbook (ansible floor)", floor))
    rows.append(Row(label, "return_jobs=unfinished: playbook wall", unfinished["wall"], "s",
                    "return_jobs=all", everything["wall"]))
    rows.append(Row(label, "return_jobs=none: playbook wall", nothing["wall"], "s",
                    "ping playbook + network limit", floor + network_limit, "close to it",
                    nothing["wall"] <= 1.5 * (floor + network_limit),
                    note="network limit: %d pages, first alone then 10 at a time = %d rounds x %.3f s per page = %.2f s"
                    % (pages, 1 + math.ceil((pages - 1) / 10.0), one_page, network_limit)))
    rows.append(Row(label, "return_jobs=all: playbook CPU", everything["cpu"], "s",
                    "return_jobs=none", nothing["cpu"]))
    for name, figure in figures.items():
        rows.append(Row(label, name + ": module process wall", figure["process_wall"], "s",
                        "network limit", network_limit))
    rows.append(Row(label, "listing inside the module (first request to last page)", nothing["listing"], "s",
                    "network limit", network_limit))
    rows.append(Row(label, "return_jobs=all: module peak RSS", everything["rss"], "MB",
                    "its result JSON", everything["json"], "<= 10x JSON",
                    bool(everything["rss"]) and everything["rss"] <= 10 * everything["json"]))
    listing_process = bench.results.get("listing_module_process") or []
    small_rss = (median([p.get("maxrss_kb") for p in listing_process]) or 0) / 1024.0
    if small_rss:
        rows.append(Row(label, "return_jobs=all: module peak RSS", everything["rss"], "MB",
                        "same at 10k jobs (scenario 2)", small_rss,
                        note="RSS above the 10k run per extra 1,000 jobs: %.2f MB"
                        % ((everything["rss"] - small_rss) / ((jobs - 10000) / 1000.0)) if jobs > 10000 else ""))
    rows.append(Row(label, "return_jobs=unfinished: result JSON", unfinished["json"], "MB",
                    "return_jobs=all", everything["json"]))
    rows.append(Row(label, "return_jobs=none: module peak RSS", nothing["rss"], "MB",
                    "return_jobs=all", everything["rss"]))
    rows.append(Row(label, "requests (each mode)", everything["requests"], "requests", "ceil(N / 1000)", pages,
                    "no empty-page request", everything["requests"] == pages))
    bench.results["scale_process"] = figures
    return rows
