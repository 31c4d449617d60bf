"""Task overhead of the module with an earlier code map beside today's: `.venv/dev/bin/python benchmarks/code_map_overhead.py`.

Issue 15 cut plugins/module_utils from 20 files to 8. This measures, in one run and interleaved run by run,
the same ad hoc task (one page of 5 jobs, token auth) with the collection as it was at ``--before`` (a git
commit, extracted with git archive) and as it is in this checkout, beside the same GET through
ansible.builtin.uri. Prints the medians of wall and CPU time and each one's ratio to uri, plus the size of
the module payload (AnsiballZ) each layout ships.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from measure import REPO_ROOT, Emulator, ansible_environment, connection, median, run_timed  # noqa: E402

MODULE = "hwcloud.drs.drs_batch_async_job_info"
# The last commit before issue 15's first part: 20 module_utils files.
BEFORE = "9cea660"


SHIPPED = ("plugins", "meta", "galaxy.yml")


def collection_at(ref, root):
    """An ansible_collections tree holding what a collection ships (``SHIPPED``) of this repository at ``ref``, or
    of the working tree (``ref`` None): both variants are plain copies, so only their code differs."""
    target = os.path.join(root, "ansible_collections", "hwcloud", "drs")
    os.makedirs(target)
    if ref is None:
        for name in SHIPPED:
            source = os.path.join(REPO_ROOT, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(target, name), ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, target)
        return root
    archive = subprocess.run(["git", "-C", REPO_ROOT, "archive", ref] + list(SHIPPED), capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(target)
    return root


def payload_bytes(env):
    """The size of the AnsiballZ payload a run without pipelining left (ANSIBLE_KEEP_REMOTE_FILES keeps it)."""
    files = glob.glob(os.path.join(env["ANSIBLE_REMOTE_TEMP"], "ansible-tmp-*", "AnsiballZ_*.py"))
    return max(os.path.getsize(path) for path in files) if files else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the earlier layout's commit (default %(default)s)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-code-map-")
    try:
        envs = {}
        for name, ref in (("before", args.before), ("after", None)):
            env = ansible_environment(os.path.join(workdir, name + "-work"))
            env["ANSIBLE_COLLECTIONS_PATH"] = collection_at(ref, os.path.join(workdir, name))
            envs[name] = env
        bin_dir = os.path.dirname(sys.executable)
        with Emulator(args.latency_ms) as emulator:
            emulator.seed(5)
            state = emulator.state
            uri = {"url": "%s/v5/%s/batch-async-jobs?offset=0&limit=1000" % (state["url"], state["project_id"]),
                   "headers": {"Content-Type": "application/json", "X-Auth-Token": state["auth_token"]},
                   "ca_path": state["ca_path"]}
            variants = {
                "ansible.builtin.uri": (envs["after"], "ansible.builtin.uri", uri),
                "module, %s layout" % args.before: (envs["before"], MODULE, connection(state)),
                "module, this checkout": (envs["after"], MODULE, connection(state)),
            }
            samples = {name: [] for name in variants}
            for index in range(args.runs):
                for name, (env, module, module_args) in variants.items():
                    command = [os.path.join(bin_dir, "ansible"), "localhost", "-m", module, "-a", json.dumps(module_args)]
                    sample = run_timed(command, env)
                    samples[name].append(sample)
                    print("  run %d/%d  %-28s %5.2f s wall  %5.2f s CPU" % (
                        index + 1, args.runs, name, sample.wall, sample.cpu), flush=True)
            sizes = {}
            for name in ("before", "after"):
                env = dict(envs[name], ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_PIPELINING="0")
                run_timed([os.path.join(bin_dir, "ansible"), "localhost", "-m", MODULE, "-a",
                           json.dumps(connection(state))], env)
                sizes[name] = payload_bytes(env)
        listed = subprocess.run(["git", "-C", REPO_ROOT, "ls-tree", "--name-only", args.before, "plugins/module_utils/"],
                                capture_output=True, text=True, check=True).stdout.split()
        files = {"before": len([path for path in listed if path.endswith(".py")]),
                 "after": len(glob.glob(os.path.join(REPO_ROOT, "plugins", "module_utils", "*.py")))}
        uri_wall = median([sample.wall for sample in samples["ansible.builtin.uri"]])
        uri_cpu = median([sample.cpu for sample in samples["ansible.builtin.uri"]])
        print("\nmedians of %d interleaved runs, emulator latency %g ms" % (args.runs, args.latency_ms))
        print("%-30s %8s %8s %10s %10s" % ("variant", "wall s", "CPU s", "wall/uri", "CPU/uri"))
        for name, runs in samples.items():
            wall, cpu = median([sample.wall for sample in runs]), median([sample.cpu for sample in runs])
            print("%-30s %8.2f %8.2f %9.2fx %9.2fx" % (name, wall, cpu, wall / uri_wall, cpu / uri_cpu))
        for name in ("before", "after"):
            print("%s: %d module_utils files, AnsiballZ payload %s bytes" % (
                args.before if name == "before" else "this checkout", files[name], sizes[name]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
