"""Offline stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test creates each sanity virtual environment without pip and then runs
``~/.ansible/test/cache/get_pip_<version>.py`` (normally fetched from a host CI
cannot reach). tools/run-ansible-sanity.sh installs this file under that name,
next to the pip wheel it downloaded from PyPI with ``pip download``.

This script puts that wheel on ``sys.path`` and runs pip's own ``install``
with the arguments ansible-test passes, minus the ones that only make sense for
the real get-pip.py: the ``pip==<version>`` requirement (the wheel itself is
installed instead) and ``--no-setuptools`` / ``--no-wheel``.
"""

import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = re.sub(r'^get_pip_', '', os.path.splitext(os.path.basename(__file__))[0]).replace('_', '.')


def find_wheel():
    wheels = glob.glob(os.path.join(HERE, 'pip-%s-*.whl' % VERSION))
    if not wheels:
        sys.exit('pip %s wheel not found next to %s; run tools/run-ansible-sanity.sh again' % (VERSION, __file__))
    return wheels[0]


def main():
    wheel = find_wheel()
    sys.path.insert(0, wheel)
    arguments = [
        argument for argument in sys.argv[1:]
        if argument not in ('--no-setuptools', '--no-wheel') and not argument.startswith('pip==')
    ]
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel
    return pip_main(['install', '--no-warn-script-location'] + arguments + [wheel])


if __name__ == '__main__':
    sys.exit(main())
