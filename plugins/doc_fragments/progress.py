# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    # The progress lines of every waiting module (their action plugin: plugins/plugin_utils/_wait_progress.py).
    DOCUMENTATION = r"""
options:
  progress_interval:
    description:
      - While the module waits, a progress line is printed at default verbosity when the wait starts, when the
        counts by status change (at most every 10 seconds), and every O(progress_interval) seconds, with the counts
        by status, the first ids still pending (shortened), and the time waited out of the timeout. Under AWX
        and ansible-runner each line is an event, so a long wait is never silent.
      - V(0) prints no line and waits in one module run.
      - The lines come from the module's action plugin, which runs the wait in steps of one module run each, with
        the polls of a wait in one run. Each step adds a module start-up, and with O(iam_password) an IAM login.
      - Under C(async), the module runs once and prints no line (C(async_status) reports it).
      - At most V(86400).
    type: int
    default: 60
    version_added: 1.3.0
  _wait_state:
    description:
      - Internal, set by the module's action plugin from one step of a wait to the next. Never set it.
    type: dict
    version_added: 1.3.0
"""
