# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every task result of a run as one JSON document, for the integration tests and the benchmarks.

ansible-core 2.19 no longer ships the ``json`` callback (it moved to ansible.posix, which a test run must
not need), and the secret scans read the default callback's -vvv output, so this one runs beside it.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: results_file
    type: notification
    short_description: every task result as one JSON document (integration tests)
    description: Writes every play, task and host result as one JSON document to E(RESULTS_JSON_FILE).
"""


def _task_and_host(result):
    # ansible-core 2.19 added the public ``task`` and ``host``; 2.16 to 2.18 only have the private names.
    task = getattr(result, "task", None) or result._task  # pylint: disable=protected-access
    host = getattr(result, "host", None) or result._host  # pylint: disable=protected-access
    return task, host


def _result_of(result):
    return getattr(result, "result", None) or result._result  # pylint: disable=protected-access


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "results_file"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plays = []
        self.current = None
        self.started = {}

    def v2_playbook_on_play_start(self, play):
        self.plays.append({"play": {"name": play.get_name()}, "tasks": []})
        self.current = None

    def _start(self, task):
        if not self.plays:
            self.plays.append({"play": {"name": ""}, "tasks": []})
        self.current = {"task": {"name": task.get_name(), "action": task.action}, "hosts": {}}
        self.plays[-1]["tasks"].append(self.current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task.get_name())] = time.monotonic()

    def _record(self, result, **extra):
        task, host = _task_and_host(result)
        if self.current is None or self.current["task"]["name"] != task.get_name():
            self._start(task)
        document = json.loads(self._dump_results(_result_of(result), indent=None, keep_invocation=True))
        document.update(extra)
        # Wall time of this host's run of the task, so tests can check pauses (Retry-After, fail fast).
        started = self.started.get((host.get_name(), task.get_name()))
        if started is not None:
            document["_seconds"] = round(time.monotonic() - started, 3)
        self.current["hosts"][host.get_name()] = document

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_playbook_on_stats(self, stats):
        summary = {host: stats.summarize(host) for host in sorted(stats.processed.keys())}
        with open(os.environ["RESULTS_JSON_FILE"], "w", encoding="utf-8") as handle:
            json.dump({"plays": self.plays, "stats": summary}, handle, indent=1, sort_keys=True)
