"""The four scenarios of issue 5. Each returns report rows; every variant of a scenario runs
interleaved with its baselines (round robin), so drift on a shared machine hits them alike."""

from __future__ import annotations

import json
import math
import os
import re
import sys
import time

from measure import REPO_ROOT, listing_window, make_interpreter_wrapper, median, read_wrapper_records, run_timed, tool
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

    def connection(self, style="token"):
        state = self.emulator.state
        options = {
            "region": state["region"],
            "project_id": state["project_id"],
            "endpoint": state["url"],
            "iam_endpoint": state["url"],
            "ca_path": state["ca_path"],
        }
        if style == "token":
            options["auth_token"] = state["auth_token"]
        elif style == "password":
            options.update(
                iam_user_name=state["iam_user_name"],
                iam_password=state["iam_password"],
                iam_domain_name=state["iam_domain_name"],
            )
        elif style == "aksk":
            options.update(access_key=state["access_key"], secret_key=state["secret_key"])
        return options

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

    def round_robin(self, variants, runs):
        """variants: {name: callable -> Sample}; returns {name: [Sample]}, interleaved run by run."""
        samples = {name: [] for name in variants}
        for index in range(runs):
            for name, action in variants.items():
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
        variants["module"] = lambda: bench.adhoc(MODULE, bench.connection("token"))
    samples = bench.round_robin(variants, bench.runs)
    ping = _median_of(samples["ping"], "wall")
    uri = _median_of(samples["uri"], "wall")
    rows = [Row("1 overhead", "uri GET one page (ad hoc)", uri, "s", "ansible.builtin.ping", ping)]
    if "module" in samples:
        module = _median_of(samples["module"], "wall")
        rows = [
            Row("1 overhead", "module, one page (ad hoc)", module, "s", "ansible.builtin.ping", ping,
                "<= 1.10x ping", module <= 1.10 * ping),
            Row("1 overhead", "module, one page (ad hoc)", module, "s", "ansible.builtin.uri, same GET", uri,
                "< 1.00x uri", module < uri),
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


def import_time(bench):
    """Import cost of the module on top of ansible.module_utils.basic (which ping pays as well)."""
    collections = bench.env["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0]
    env = dict(bench.env, PYTHONPATH=collections)
    code = "import ansible.module_utils.basic; import %s" % MODULE_IMPORT
    module_totals, basic_totals, heavy = [], [], {}
    for _ in range(bench.runs):
        sample = run_timed([sys.executable, "-X", "importtime", "-c", code], env=env, cwd=bench.workdir)
        entries = _parse_importtime(sample.stderr)
        by_name = {entry[3]: entry for entry in entries if entry[0] == 0}
        basic_totals.append(by_name.get("ansible.module_utils.basic", (0, 0, 0, ""))[2] / 1000.0)
        # the module is imported through its packages; the last top-level entry is the module itself
        top = [entry for entry in entries if entry[0] == 0]
        module_entry = [entry for entry in top if entry[3] == MODULE_IMPORT]
        module_totals.append((module_entry[0][2] if module_entry else top[-1][2]) / 1000.0)
        for depth, _self, cumulative, name in entries:
            if cumulative >= 2000 and not name.startswith(("ansible.module_utils", "ansible_collections.hwcloud.drs")):
                root = name.split(".")[0]
                heavy.setdefault(root, []).append(cumulative / 1000.0)
    module_ms = median(module_totals)
    basic_ms = median(basic_totals)
    heavy_top = sorted(((median(v), k) for k, v in heavy.items()), reverse=True)[:5]
    heavy_text = ", ".join("%s %.0f ms" % (name, ms) for ms, name in heavy_top) or "none over 2 ms"
    others = [name for ms, name in heavy_top if ms >= 10 and name not in ("requests", "urllib3")]
    return [
        Row("1 overhead", "module import beyond module_utils.basic", module_ms, "ms",
            "ansible.module_utils.basic (every module)", basic_ms,
            "only requests heavy", not others, note="third-party imports over 2 ms: " + heavy_text),
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
    samples = bench.round_robin(variants, bench.runs)
    if wrapper:
        records = read_wrapper_records(log)
        for sample, record in zip(samples["module playbook"], records):
            sample.extra["module_process"] = record

    rows = []
    physical = physical_limit(bench, jobs)
    for name in ("sdk loop", "terraform strategy"):
        if name in samples:
            for sample in samples[name]:
                sample.extra["peer"] = _peer_output(sample)
    fastest_name, fastest = min(((name, _median_of(s, "wall")) for name, s in samples.items()
                                 if name != "module playbook"), key=lambda item: item[1])
    if "module playbook" in samples:
        module_samples = samples["module playbook"]
        module_wall = _median_of(module_samples, "wall")
        for name in samples:
            if name == "module playbook":
                continue
            rows.append(Row("2 listing 10k", "module, whole playbook task", module_wall, "s", name + ", whole run",
                            _median_of(samples[name], "wall"),
                            "no slower than any peer" if name == fastest_name else "",
                            (module_wall <= fastest) if name == fastest_name else None))
        listing = median([listing_window(sample.extra.get("module_process", {})) for sample in module_samples])
        rows.append(Row("2 listing 10k", "module listing, first request to last page", listing, "s",
                        "physical limit: 2 x (round trip + one page)", physical["limit"],
                        "<= 1.5x limit", listing is not None and listing <= 1.5 * physical["limit"],
                        note=physical["note"]))
        module_requests = _median_of(module_samples, "requests")
        rows.append(Row("2 listing 10k", "module requests", module_requests, "requests",
                        "ceil(N / 1000)", math.ceil(jobs / 1000.0), "no empty-page request",
                        module_requests == math.ceil(jobs / 1000.0)))
        process = [sample.extra.get("module_process", {}) for sample in module_samples]
        rows.append(Row("2 listing 10k", "module process peak RSS", median([p.get("maxrss_kb") for p in process]) / 1024.0
                        if process and process[0] else None, "MB"))
        rows.append(Row("2 listing 10k", "module result JSON", median([p.get("stdout_bytes") for p in process]) / 1e6
                        if process and process[0] else None, "MB"))
        bench.results["listing_10k_module_process"] = process
    for name, peer_samples in samples.items():
        if name == "module playbook":
            continue
        rows.append(Row("2 listing 10k", "%s requests" % name, _median_of(peer_samples, "requests"), "requests",
                        "ceil(N / 1000)", math.ceil(jobs / 1000.0)))
    for name in ("sdk loop", "terraform strategy"):
        if name in samples:
            rows.append(Row("2 listing 10k", "%s listing loop only" % name,
                            median([s.extra["peer"]["list_seconds"] for s in samples[name]]), "s",
                            "physical limit", physical["limit"]))
    return rows


def _sdk_available():
    try:
        import importlib.util

        return importlib.util.find_spec("huaweicloudsdkdrs") is not None
    except ImportError:
        return False


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

    def run(playbook):
        def action():
            bench.emulator.replace_jobs_committing(jobs, polls)
            return bench.playbook(playbook, bench.playbook_vars(style="password", poll_seconds=poll_seconds))
        return action

    samples = bench.round_robin({"wait_for_status": run("wait_builtin.yml"), "until loop": run("wait_until.yml")}, runs)
    builtin, until = samples["wait_for_status"], samples["until loop"]
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
    return rows


# ==================================================================== 4. scale


def scale(bench, jobs=100000, runs=None):
    runs = runs or bench.runs
    bench.log("[4] scale: %d jobs, playbook with register: return_jobs all vs unfinished vs none" % jobs)
    if not module_available():
        return [Row("4 scale", "module", None, note="module not there yet")]
    bench.emulator.replace_jobs(jobs)
    wrapper, log = make_interpreter_wrapper(bench.workdir, "scale")
    variants = {}
    for mode in ("all", "unfinished", "none"):
        vars_file = bench.playbook_vars(expected_total=jobs, return_jobs=mode)
        variants["return_jobs=" + mode] = (lambda path: lambda: bench.playbook(
            "module_listing.yml", path, interpreter=wrapper))(vars_file)
    samples = {name: [] for name in variants}
    for index in range(runs):
        for name, action in variants.items():
            sample = bench.measured(action)
            records = read_wrapper_records(log)
            sample.extra["module_process"] = records[-1] if records else {}
            samples[name].append(sample)
            bench.log("  run %d/%d %-24s %6.2fs wall %6.2fs cpu module %s" % (
                index + 1, runs, name, sample.wall, sample.cpu, sample.extra["module_process"]))
    rows = []
    all_wall = _median_of(samples["return_jobs=all"], "wall")
    network = physical_limit(bench, jobs, probes=5)
    pages = math.ceil(jobs / 1000.0)
    concurrency = 10
    network_limit = network["one_page"] * (1 + math.ceil((pages - 1) / float(concurrency)))
    for name, mode_samples in samples.items():
        process = [s.extra["module_process"] for s in mode_samples]
        wall = _median_of(mode_samples, "wall")
        rows.append(Row("4 scale 100k", name + ", playbook wall", wall, "s",
                        "return_jobs=all" if name != "return_jobs=all" else "", all_wall if name != "return_jobs=all" else None))
        rows.append(Row("4 scale 100k", name + ", module process wall", median([p.get("wall") for p in process]), "s",
                        "network: 11 rounds of one page" if name == "return_jobs=none" else "",
                        network_limit if name == "return_jobs=none" else None))
        rss = median([p.get("maxrss_kb") for p in process])
        size = median([p.get("stdout_bytes") for p in process])
        rows.append(Row("4 scale 100k", name + ", module peak RSS", rss / 1024.0 if rss else None, "MB",
                        "result JSON" if name == "return_jobs=all" else "", size / 1e6 if size and name == "return_jobs=all" else None,
                        "<= 10x JSON" if name == "return_jobs=all" else "",
                        (rss * 1024 <= 10 * size) if rss and size and name == "return_jobs=all" else None))
        rows.append(Row("4 scale 100k", name + ", result JSON", size / 1e6 if size is not None else None, "MB"))
        rows.append(Row("4 scale 100k", name + ", requests", _median_of(mode_samples, "requests"), "requests",
                        "ceil(N / 1000)", pages))
    bench.results["scale_100k_all_process"] = [s.extra["module_process"] for s in samples["return_jobs=all"]]
    return rows
