"""Feed arguments to a module's main() and read what it printed, on every ansible-core release supported;
``run_main`` does both.

2.19 added ``ansible.module_utils.testing.patch_module_args``; older releases read the arguments from
``ansible.module_utils.basic._ANSIBLE_ARGS`` (the mechanism their own unit tests use).
"""

import contextlib
import io
import json
import time

import pytest

from support.fake_clock import FakeClock  # pylint: disable=import-error

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None


@contextlib.contextmanager
def module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    from ansible.module_utils import basic
    saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")  # pylint: disable=protected-access
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access


# From ansible-core 2.22 a module hands the secrets it registered to the controller in this key, which the
# controller removes before anything is shown or registered: it is a channel, not part of the result.
NEW_SECRETS_KEY = "_ansible_new_secrets"


def module_output(printed):
    """``(result, output, new_secrets)`` of a module's printed JSON: the result and the printed text without
    the controller's channel (as a user sees them), and the secrets sent along it (empty before 2.22)."""
    result = json.loads(printed)
    new_secrets = result.pop(NEW_SECRETS_KEY, [])
    return result, json.dumps(result), new_secrets


class ModuleRun(object):
    """One run of a module's main(): ``result``; ``output``, the printed result as the controller passes it on;
    ``new_secrets``, the secrets the module registered with ansible-core's masking (2.22 and later, else
    empty); the ``clock`` it ran on and the ``session`` it was given."""

    def __init__(self, printed, clock, session):
        self.result, self.output, self.new_secrets = module_output(printed)
        self.clock = clock
        self.session = session


def run_main(main, args, session=None, clock=None, sleep=None):
    """Run ``main(session=, clock=, sleep=)`` with ``args`` and return the ModuleRun.

    By default on a FakeClock whose wall clock is the real one (access key signatures carry a date a server
    accepts), sleeping on that clock.
    """
    clock = clock or FakeClock(wall=time.time)
    stdout = io.StringIO()
    with module_args(args), contextlib.redirect_stdout(stdout):
        with pytest.raises(SystemExit):
            main(session=session, clock=clock, sleep=sleep or clock.sleep)
    return ModuleRun(stdout.getvalue(), clock, session)
