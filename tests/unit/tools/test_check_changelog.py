"""The changelog check of ``make lint`` (tools/check-changelog.py), run on small git repositories of its own.

Each test builds a repository shaped like this collection (galaxy.yml, changelogs/, plugins/), released at
1.0.0, and runs the script on it as ``make changelog-lint`` does. No network; git's own configuration of the
machine is not read.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "check-changelog.py"

# As short as the other unit tests' deadline (tests/unit/plugins/conftest.py): a few git commands each.
pytestmark = pytest.mark.timeout(60)

RELEASED_1_0_0 = """\
ancestor: null
releases:
  1.0.0:
    changes:
      release_summary: First release.
    fragments:
    - 1.0.0.yml
    release_date: '2026-11-28'
"""


class Repository:
    def __init__(self, root):
        self.root = root
        self.environment = dict(
            os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.invalid",
            GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.invalid",
        )

    def git(self, *args):
        subprocess.run(["git", "-C", str(self.root)] + list(args), env=self.environment, check=True,
                       capture_output=True)

    def write(self, path, text):
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message, files):
        """Write ``files`` (path: text) and commit everything."""
        for path, text in files.items():
            self.write(path, text)
        self.git("add", "--all")
        self.git("commit", "--quiet", "--message", message)

    def check(self):
        """The script's exit status and what it printed."""
        finished = subprocess.run([sys.executable, str(SCRIPT), str(self.root)], env=self.environment,
                                  capture_output=True, text=True, check=False)
        return finished.returncode, finished.stdout + finished.stderr


@pytest.fixture
def repo(tmp_path):
    """A collection released at 1.0.0 in its last commit (changelog.yaml gained the release)."""
    repository = Repository(tmp_path)
    repository.git("init", "--quiet")
    repository.commit("Skeleton", {
        "galaxy.yml": "version: 1.0.0\n",
        "plugins/modules/thing.py": "# version 1\n",
        "changelogs/changelog.yaml": "ancestor: null\nreleases: {}\n",
    })
    repository.commit("Release 1.0.0", {
        "changelogs/changelog.yaml": RELEASED_1_0_0,
        "changelogs/fragments/1.0.0.yml": "release_summary: First release.\n",
    })
    return repository


def test_a_fresh_release_passes(repo):
    assert repo.check() == (0, "")


def test_a_plugin_change_without_a_fragment_fails_naming_the_files(repo):
    repo.commit("Fix the module", {"plugins/modules/thing.py": "# version 2\n"})
    repo.commit("Fix the role", {"roles/gate/tasks/main.yml": "---\n"})
    status, output = repo.check()
    assert status == 1
    assert "plugins/modules/thing.py" in output and "roles/gate/tasks/main.yml" in output, output


def test_a_plugin_change_with_a_fragment_passes(repo):
    repo.commit("Fix the module", {"plugins/modules/thing.py": "# version 2\n"})
    repo.commit("Changelog fragment for the fix", {"changelogs/fragments/1-fix.yml": "bugfixes: [thing - fixed]\n"})
    assert repo.check() == (0, "")


def test_editing_a_released_fragment_is_no_new_fragment(repo):
    repo.commit("Fix the module", {
        "plugins/modules/thing.py": "# version 2\n",
        "changelogs/fragments/1.0.0.yml": "release_summary: First release, reworded.\n",
    })
    assert repo.check()[0] == 1


def test_the_work_tree_counts_an_untracked_fragment_too(repo):
    repo.write("plugins/modules/thing.py", "# version 2, not committed\n")
    assert repo.check()[0] == 1
    repo.write("changelogs/fragments/1-fix.yml", "bugfixes: [thing - fixed]\n")
    assert repo.check() == (0, "")


def test_editing_a_released_entry_is_no_release(repo):
    repo.commit("Fix the module", {"plugins/modules/thing.py": "# version 2\n"})
    repo.commit("Changelog 1.0.0: reworded", {"changelogs/changelog.yaml": RELEASED_1_0_0.replace("First", "The first")})
    status, output = repo.check()
    assert status == 1 and "plugins/modules/thing.py" in output, output


@pytest.mark.parametrize("version", ["0.9.0", "1.1.0"])
def test_a_version_that_disagrees_with_the_changelog_fails(repo, version):
    """Older than the newest release, or newer with nothing to release."""
    repo.commit("Version %s" % version, {"galaxy.yml": "version: %s\n" % version})
    status, output = repo.check()
    assert status == 1 and "galaxy.yml says version %s" % version in output, output


def test_the_next_version_with_unreleased_fragments_passes(repo):
    repo.commit("Prepare 1.1.0", {
        "galaxy.yml": "version: 1.1.0\n",
        "changelogs/fragments/1.1.0.yml": "release_summary: Second release.\n",
    })
    assert repo.check() == (0, "")


def test_a_shallow_clone_fails_saying_so(repo, tmp_path_factory):
    clone = Repository(tmp_path_factory.mktemp("shallow"))
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "file://%s" % repo.root, str(clone.root)],
                   env=repo.environment, check=True, capture_output=True)
    status, output = clone.check()
    assert status == 1 and "git fetch --unshallow" in output, output
