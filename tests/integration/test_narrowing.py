"""The documented ways to narrow a run (CONTRIBUTING.md, "Testing") run what they name, and only that.

Each case runs `make` as a contributor types it, on the release of this virtualenv, and reads pytest's own
closing line: a narrowing that is ignored runs the whole folder and shows in the count.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ansible.release import __version__ as ANSIBLE_VERSION

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASE = ".".join(ANSIBLE_VERSION.split(".")[:2])
ONE_FILE = "tests/unit/plugins/module_utils/test__http_hints.py"
ONE_TEST = "tests/unit/plugins/module_utils/test__settings_secrets.py::test_none_stays_none"


def make(*arguments):
    environment = dict(os.environ, CORE=RELEASE)
    for name in ("STAGES", "PYTEST_ARGS", "SANITY_ARGS", "MAKEFLAGS", "MAKELEVEL"):
        environment.pop(name, None)
    process = subprocess.run(["make", "--no-print-directory"] + list(arguments), cwd=str(REPO_ROOT), env=environment,
                             capture_output=True, text=True, timeout=600, check=False)
    return process.returncode, process.stdout + process.stderr


def collected(target):
    process = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", target],
                             cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=300, check=False)
    return len([line for line in process.stdout.splitlines() if "::" in line])


@pytest.mark.parametrize("target", [ONE_FILE, ONE_TEST], ids=["one file", "one test"])
def test_pytest_args_naming_tests_run_only_those(target):
    status, output = make("unit", 'PYTEST_ARGS=-q %s' % target)
    assert status == 0, output[-3000:]
    passed = re.search(r"^(\d+) passed", output, re.MULTILINE)
    assert passed and int(passed.group(1)) == collected(target), output[-3000:]


def test_a_stage_whose_folder_holds_none_of_the_named_tests_runs_nothing():
    status, output = make("unit", "PYTEST_ARGS=tests/integration/test_waiting.py")
    assert status == 0, output[-3000:]
    assert "the unit stage runs nothing" in output and re.search(r"%s\s+unit\s+skipped" % re.escape(RELEASE), output)


def test_an_option_whose_value_is_a_test_path_stays_an_option():
    target = ONE_TEST.split("::", maxsplit=1)[0]
    status, output = make("unit", "PYTEST_ARGS=-q --deselect %s %s" % (ONE_TEST, target))
    assert status == 0, output[-3000:]
    passed = re.search(r"^(\d+) passed", output, re.MULTILINE)
    assert passed and int(passed.group(1)) == collected(target) - 1, output[-3000:]


def test_a_named_test_outside_the_smoke_set_skips_the_smoke_stage():
    status, output = make("smoke", "PYTEST_ARGS=tests/integration/test_paging.py")
    assert status == 0, output[-3000:]
    assert re.search(r"%s\s+smoke\s+skipped" % re.escape(RELEASE), output), output[-3000:]
