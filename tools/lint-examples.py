"""Run ansible-lint on the EXAMPLES of every module, as tasks of one play each.

ansible-lint does not look inside a module's documentation, so the examples users copy would
otherwise escape the rules the role and the playbooks follow. The EXAMPLES text is kept as the
author wrote it (indented under ``tasks:``), so formatting rules apply to it too.

Usage: python tools/lint-examples.py WORKDIR (run by ``make lint`` with .venv/dev/bin on PATH).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "hwcloud.drs"


def module_names():
    return sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("*.py") if not path.stem.startswith("_"))


def examples_playbook(module):
    documented = subprocess.run(["ansible-doc", "--json", module], capture_output=True, text=True, check=True)
    examples = json.loads(documented.stdout)[module]["examples"].strip("\n")
    lines = ["---", "- name: EXAMPLES of %s" % module, "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    lines += [("    " + line) if line.strip() else "" for line in examples.splitlines()]
    return "\n".join(lines) + "\n"


def main():
    workdir = Path(sys.argv[1])
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for config in (".ansible-lint", ".yamllint"):
        shutil.copy(ROOT / config, workdir / config)
    playbooks = []
    for name in module_names():
        playbook = workdir / ("%s.yml" % name)
        playbook.write_text(examples_playbook("%s.%s" % (NAMESPACE, name)), encoding="utf-8")
        playbooks.append(playbook.name)
    if not playbooks:
        print("no modules to lint")
        return 0
    return subprocess.run(["ansible-lint", "--offline", "--project-dir", str(workdir)] + playbooks,
                          cwd=str(workdir), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
