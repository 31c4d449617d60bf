"""One finished ``ansible`` or ``ansible-playbook`` process and the results document its run wrote.

The document comes from the ``results_file`` callback (callback_plugins/results_file.py).
"""

import json


class AnsibleRun:
    """Return code, output and duration of one run; ``task(name)`` reads a task's result."""

    def __init__(self, command, returncode, stdout, stderr, duration, results_path):
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.results_path = results_path

    @property
    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return "AnsibleRun(rc=%s, %.1fs, %s)\n--- stdout\n%s\n--- stderr\n%s" % (
            self.returncode, self.duration, " ".join(str(part) for part in self.command[1:3]), self.stdout[-6000:],
            self.stderr[-3000:])

    def results_text(self):
        """The results document as written (for scans of the raw text)."""
        try:
            with open(self.results_path, encoding="utf-8") as handle:
                return handle.read()
        except OSError as error:
            raise AssertionError("no results document (%s): %r" % (error, self)) from None

    def json(self):
        try:
            return json.loads(self.results_text())
        except ValueError as error:
            raise AssertionError("the results document is not JSON (%s): %r" % (error, self)) from None

    def task_results(self, host="localhost"):
        """``[(task name, result)]`` for one host in play order (a looped task's items are in ``results``)."""
        found = []
        for play in self.json()["plays"]:
            for task in play["tasks"]:
                if host in task["hosts"]:
                    found.append((task["task"]["name"], task["hosts"][host]))
        return found

    def task(self, name, host="localhost"):
        """The result of the (last) task called ``name``."""
        results = self.task_results(host)
        matches = [result for task_name, result in results if task_name == name]
        assert matches, "no task %r ran; tasks were %r\n%r" % (name, [task_name for task_name, _result in results], self)
        return matches[-1]

    def module_result(self, host="localhost"):
        """The only task's result (ad hoc runs and one-task plays)."""
        results = self.task_results(host)
        assert len(results) == 1, "expected one task, got %r" % [name for name, _result in results]
        return results[0][1]

    def assert_ok(self):
        assert self.returncode == 0, repr(self)
        return self

    def assert_failed(self):
        assert self.returncode != 0, repr(self)
        return self
