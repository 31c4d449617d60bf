"""Feed arguments to a module's main() and read what it printed, on every ansible-core release supported.

2.19 added ``ansible.module_utils.testing.patch_module_args``; older releases read the arguments from
``ansible.module_utils.basic._ANSIBLE_ARGS`` (the mechanism their own unit tests use).
"""

import contextlib
import json

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
