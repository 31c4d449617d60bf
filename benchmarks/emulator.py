"""The emulator as the benchmarks use it: started through drs_emulator.testing.EmulatorProcess on
127.0.0.1, driven through that class's control-endpoint helpers (seeding, request statistics)."""

from __future__ import annotations

import os
import sys

from measure import REPO_ROOT

sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))


class BenchEmulator:
    def __init__(self, latency_ms=50.0):
        self.latency_ms = latency_ms
        self._process = None
        self.state = None

    def __enter__(self):
        from drs_emulator.testing import EmulatorProcess

        self._process = EmulatorProcess(latency=self.latency_ms / 1000.0)
        self._process.__enter__()
        self.state = self._process.state
        if not self.state["url"].startswith("https://127.0.0.1:"):
            raise SystemExit("benchmarks: the emulator is not on 127.0.0.1: %s" % self.state["url"])
        return self

    def __exit__(self, *exc):
        self._process.__exit__(*exc)
        return False

    def replace_jobs(self, count, **lifecycle):
        """Replace every job with `count` fresh ones (all validating unless lifecycle says otherwise)."""
        return self._process.seed(count, random_seed=200, **lifecycle)

    def replace_jobs_gate(self, count, pending):
        """A large gate: `count` jobs, all committed except `pending` that wait validated for a commit."""
        self.replace_jobs(count - pending, initial_status="COMMIT_SUCCESS")
        return self._process.seed(pending, replace=False, random_seed=201, initial_status="AUTO_PARAM_VALIDATE_SUCCESS")

    def replace_jobs_committing(self, count, polls):
        """A batch that is validated on the first list call and committed as the `polls`-th is answered."""
        return self.replace_jobs(count, validate_after_calls=0, auto_commit_after_calls=polls - 1)

    def reset_stats(self):
        self._process.reset_stats()

    def stats(self):
        data = self._process.stats()
        return {
            "requests": data.get("list_calls", 0),
            "iam_calls": data.get("iam_token_calls", 0),
            "max_in_flight": data.get("max_in_flight", 0),
            "all_requests": data.get("total", 0),
        }
