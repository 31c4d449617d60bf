"""``python -m support.run_isolated WORKDIR [NAME=VALUE ...] -- COMMAND ...``: run COMMAND in the isolated
ansible environment of ansible_env.py (for shell scripts such as tools/demo.sh), NAME=VALUE added on top."""

import os
import sys

from support.ansible_env import isolated_environment


def main(argv):
    if "--" not in argv or len(argv) < 3:
        sys.exit(__doc__)
    split = argv.index("--")
    workdir, settings, command = argv[0], argv[1:split], argv[split + 1:]
    environment = isolated_environment(workdir)
    environment.update(setting.split("=", 1) for setting in settings)
    # The caller put tests/ on PYTHONPATH to import this; the command must not import from there.
    environment.pop("PYTHONPATH", None)
    os.execvpe(command[0], command, environment)


if __name__ == "__main__":
    main(sys.argv[1:])
