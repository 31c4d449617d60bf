"""What masking its own result costs the module on ansible-core 2.22 and later, where AnsibleModule no
longer masks no_log_values in it (plugins/module_utils/_drs_module.py, DrsModule._masked).

Prints medians for a result of 100,000 jobs (the most one listing reads), each beside the baseline measured
in the same run: the JSON encoding that exit_json does anyway. Run it with the Python of a release's
virtualenv, e.g. `.venv/core-2.22/bin/python benchmarks/result_masking.py`.
"""

import json
import os
import statistics
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "unit", "plugins"))
# The unit tests' conftest makes the collection importable from this checkout.
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

from ansible_collections.hwcloud.drs.plugins.module_utils import _drs_module  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import (  # noqa: E402  pylint: disable=wrong-import-position
    Secrets,
)
from support.jobs import make_jobs  # noqa: E402  pylint: disable=wrong-import-position,import-error

RUNS = 5
TOKEN = "MII" + "Zm9yIGJlbmNobWFya2luZyBvbmx5" * 40


class Run(object):
    """The part of DrsModule that _masked reads."""

    def __init__(self, echoed):
        self.secrets = Secrets([TOKEN, "sk-benchmark-secret-key-0001"])
        jobs = make_jobs(100000)
        if echoed:
            jobs[-1] = dict(jobs[-1], user_name="owner %s" % TOKEN)
        self.result = {"changed": False, "jobs": jobs, "total_count": len(jobs)}
        self.params = {"auth_token": TOKEN, "region": "cn-north-4"}
        self.no_log_options = frozenset(["auth_token"])

    masked = _drs_module.DrsModule._masked  # pylint: disable=protected-access
    _mask_values = _drs_module.DrsModule._mask_values  # pylint: disable=protected-access


def median_seconds(action):
    times = []
    for dummy in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    import ansible.release
    print("ansible-core %s, Python %d.%d, result of 100,000 jobs, median of %d runs" % (
        (ansible.release.__version__,) + sys.version_info[:2] + (RUNS,)))
    if _drs_module.register_secrets is None:
        print("this release masks no_log_values itself: the module adds nothing (run it on 2.22 or later)")
        return
    clean, echoed = Run(False), Run(True)
    baseline = median_seconds(lambda: json.dumps(clean.result))
    rows = [("exit_json's own JSON encoding (baseline)", baseline),
            ("masking, no secret in the result", median_seconds(lambda: clean.masked(clean.result))),
            ("masking, a token echoed into one job", median_seconds(lambda: echoed.masked(echoed.result)))]
    for label, seconds in rows:
        print("%-45s %7.3f s  %5.2fx" % (label, seconds, seconds / baseline))


if __name__ == "__main__":
    main()
