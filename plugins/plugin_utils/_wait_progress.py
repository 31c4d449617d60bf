# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin in front of every waiting module: progress lines while a wait runs.

A module cannot print while it runs; an action plugin can (its Display output reaches the controller, and
ansible-runner, AWX included, turns each line into an event). So the plugin runs the module in steps: it
passes ``_wait_state`` (empty the first time), and a module run that has a line to show ends after a poll,
returning ``progress`` (the line) and ``wait_state`` (what the next step needs: when the wait began, when the
next poll is due, the counts shown, the batches committed, the request counts so far). The plugin shows the
line and runs the next step, until a run ends the wait with the module's own result. The polls are those of a
wait in one run; each step adds a module start-up (and, with an IAM password, a login).

Under ``async``, or with ``progress_interval: 0``, the module runs once, as any module does.

Private to this collection: the interface may change without notice.
"""

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

# A run whose steps never end (a module that keeps answering with a state) stops here. A step lasts one poll
# interval at least (a second at the least), so a wait of the longest wait_timeout (31 days) stays below it.
MOST_STEPS = 31 * 86400 + 10


def _merged_unique(answers, key):
    merged = []
    for answer in answers:
        for item in answer.get(key) or ():
            if item not in merged:
                merged.append(item)
    return merged


class ActionModule(ActionBase):
    """Runs the module of the same name in steps, showing each step's progress line."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # no effect since ansible-core 2.5

        wrap_async = bool(self._task.async_val) and not getattr(self._connection, "has_native_async", False)
        args = dict(self._task.args)
        if "_wait_state" in args:
            # Only this plugin passes it, from one step to the next: a task that sets it would take the first step
            # for the whole wait.
            result.update(failed=True, msg="_wait_state is internal: the collection's action plugin passes it from "
                                           "one step of a wait to the next. Leave it out")
            return result
        if self._task.async_val:
            # In the background the module runs once, as any module does (its wait cannot print).
            answer = self._execute_module(module_args=args, task_vars=task_vars, wrap_async=wrap_async)
        else:
            # progress_interval 0 (and check mode) is the module's to read: it then ends in its first step.
            answers = self._run_in_steps(args, task_vars)
            answer = answers[-1]
            for key in ("warnings", "deprecations"):
                merged = _merged_unique(answers, key)
                if merged:
                    answer[key] = merged
            module_args = (answer.get("invocation") or {}).get("module_args")
            if isinstance(module_args, dict):
                module_args.pop("_wait_state", None)
        result.update(answer)
        if not wrap_async:
            # As the normal action plugin does: the module's temporary directory, kept between the steps.
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _run_in_steps(self, args, task_vars):
        # Each line names its host and task: a callback may print the task's banner only with its result (the
        # default one does when ok hosts are not shown), and the free strategy interleaves hosts and tasks.
        prefix = "[%s] %s: " % ((task_vars or {}).get("inventory_hostname", "localhost"), self._task.get_name())
        answers = []
        state = {}
        for dummy in range(MOST_STEPS):
            answer = self._execute_module(module_args=dict(args, _wait_state=state), task_vars=task_vars)
            state = answer.pop("wait_state", None)
            line = answer.pop("progress", None)
            answers.append(answer)
            if not state or answer.get("failed"):
                return answers
            if line:
                display.display(prefix + line)
        answers.append(dict(failed=True, msg="The wait did not end after %d steps" % MOST_STEPS))
        return answers
