"""What each step ansible takes with a large module result costs, without a profiler's overhead.

`python benchmarks/large_result_costs.py [--jobs 100000]` builds a result of N jobs shaped like the
module's and times, in this process, the functions ansible-core 2.19 runs on it between the module's
exit_json() and the registered variable (best of 3 each). The profile of a real run
(profile_large_result.py) says which functions these are; this says what they cost, in CPU seconds of
this process (best of 3), which other load on the machine barely changes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import random
import shutil
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from measure import collections_path  # noqa: E402


def best_of(function, repeat=3):
    """Least CPU time (this process) of `repeat` calls: other load on the machine barely moves it."""
    timings = []
    for _attempt in range(repeat):
        gc.collect()
        start = time.process_time()
        function()
        timings.append(time.process_time() - start)
    return min(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="hwcloud-drs-costs-")
    try:
        sys.path.insert(0, collections_path(workdir))
        measure_costs(args.jobs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure_costs(count):

    from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
    from ansible.module_utils.common.parameters import remove_values
    from ansible.utils.vars import transform_to_native_types
    from ansible.vars.clean import module_response_deepcopy, strip_internal_keys
    from ansible_collections.hwcloud.drs.plugins.module_utils import _drs_module

    rng = random.Random(1)
    jobs = [{"async_job_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "status": "COMMIT_SUCCESS",
             "domain_name": "demo-domain", "user_name": "migration-bot", "create_time": "2026-11-27T09:30:00Z"}
            for _index in range(count)]
    # what a password-auth run holds in no_log_values: the password, a 1.2 kB IAM token
    secrets = {"demo-password-1", "MII" + "x" * 1200}
    rest = {"changed": False, "total_count": count, "status_counts": {"COMMIT_SUCCESS": count},
            "request_stats": {"requests": 100, "retries": 0, "polls": 1, "iam_calls": 1},
            "invocation": {"module_args": {"region": "cn-north-4"}}}
    result = dict(rest, jobs=jobs)
    encoder = get_module_encoder("legacy", Direction.MODULE_TO_CONTROLLER)
    decoder = get_module_decoder("legacy", Direction.MODULE_TO_CONTROLLER)
    text = json.dumps(result, cls=encoder)
    data = json.loads(text, cls=decoder)

    def spliced():
        # rest through ansible's encoder, the (plain JSON) jobs through the stdlib C encoder
        head = json.dumps(rest, cls=encoder)
        return head[:-1] + ', "jobs": ' + json.dumps(jobs) + "}"

    assert json.loads(spliced()) == json.loads(text)
    steps = [
        ("module", "remove_values() over the result (ansible's generic no_log scrub)",
         lambda: remove_values(result, secrets)),
        ("module", "jobs_cannot_hold() (the module's check that lets it skip that scrub)",
         lambda: _drs_module.jobs_cannot_hold(jobs, secrets)),
        ("module", "json.dumps(result) with ansible's legacy module encoder", lambda: json.dumps(result, cls=encoder)),
        ("module", "same output: the rest with that encoder, the jobs with the stdlib C encoder", spliced),
        ("worker", "json.loads() of the module's output with ansible's decoder", lambda: json.loads(text, cls=decoder)),
        ("worker", "pickle to the main process and back (results queue)", lambda: pickle.loads(pickle.dumps(data))),
        ("main", "module_response_deepcopy() (register, then again for the callback)",
         lambda: module_response_deepcopy(data)),
        ("main", "module_response_deepcopy() + strip_internal_keys() (register, then the callback)",
         lambda: strip_internal_keys(module_response_deepcopy(data))),
        ("main", "transform_to_native_types() (the default callback reading the result)",
         lambda: transform_to_native_types(data)),
    ]
    print("%d jobs, result JSON %.1f MB; CPU seconds, best of 3" % (count, len(text) / 1e6))
    for where, what, function in steps:
        print("  %-6s %-80s %6.3f" % (where, what, best_of(function)))


if __name__ == "__main__":
    main()
