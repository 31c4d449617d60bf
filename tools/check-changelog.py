"""Fail when the changelog bookkeeping does not hold (run by ``make changelog-lint``, part of ``make lint``).

1. Fragments: when files under plugins/ or roles/ changed since the last release commit (the newest commit
   that changed the list of releases in changelogs/changelog.yaml), at least one fragment must have been
   added under changelogs/fragments/ since then.
2. Version: galaxy.yml's version is the newest release in changelogs/changelog.yaml (released), or newer
   than it while some fragment is in no release yet (the next release, being prepared). Anything else
   (older, or newer with nothing to release) is a mistake.

"Since the release commit" covers the commits after it and the work tree, so ``make lint`` sees a change
before it is committed. A fragment answers for a release cycle, not for a file: it describes a change that
users see, which often spans many files and commits (a module, its module_utils and the role), while many
commits under plugins/ (refactors, fix-ups of the same change) have nothing to tell users. A per-file or
per-commit rule would demand empty fragments or a list of exemptions; what CI can check without guessing is
a cycle that changed the shipped code with no fragment at all, which would release it without a word.

Usage: python tools/check-changelog.py [REPOSITORY]  (default: this checkout). Needs git and the
repository's full history, not the network.
"""

import subprocess
import sys
from pathlib import Path

import yaml
from packaging.version import Version

CHANGES = "changelogs/changelog.yaml"
FRAGMENTS = "changelogs/fragments/"
SHIPPED_CODE = ("plugins/", "roles/")


def git(root, *args):
    return subprocess.run(["git", "-C", str(root)] + list(args), capture_output=True, text=True, check=True).stdout


def releases_at(root, commit):
    """The versions changelog.yaml lists at ``commit`` (none where it does not exist)."""
    try:
        text = git(root, "show", "%s:%s" % (commit, CHANGES))
    except subprocess.CalledProcessError:
        return set()
    return {str(version) for version in (yaml.safe_load(text) or {}).get("releases") or {}}


def last_release_commit(root):
    """The newest commit that added (or removed) a release in changelog.yaml; editing a release's text is none."""
    for commit in git(root, "log", "--format=%H", "--", CHANGES).split():
        parents = git(root, "rev-list", "--parents", "-n", "1", commit).split()[1:]
        if releases_at(root, commit) != (releases_at(root, parents[0]) if parents else set()):
            return commit
    return None


def fragment_problems(root):
    if git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        return ["a shallow clone hides the last release commit: fetch the whole history (git fetch --unshallow)"]
    base = last_release_commit(root)
    if base is None:
        return []  # nothing released yet: everything goes into the first release
    # The work tree against the release commit, and the files git does not track yet (new ones count as added).
    changes = [line.split("\t", 1) for line in git(root, "diff", "--no-renames", "--name-status", base).splitlines()]
    changes += [["A", path] for path in git(root, "ls-files", "--others", "--exclude-standard").splitlines()]
    code = sorted(path for status, path in changes if path.startswith(SHIPPED_CODE))
    fragments = [path for status, path in changes if status == "A" and path.startswith(FRAGMENTS)]
    if code and not fragments:
        return ["files under %s changed since the last release commit %s, but no fragment was added under %s:\n  %s"
                % (" or ".join(SHIPPED_CODE), base[:12], FRAGMENTS, "\n  ".join(code))]
    return []


def version_problems(root):
    galaxy = str(yaml.safe_load((root / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    releases = (yaml.safe_load((root / CHANGES).read_text(encoding="utf-8")) or {}).get("releases") or {}
    released = {name for release in releases.values() for name in release.get("fragments") or []}
    unreleased = [path.name for path in (root / FRAGMENTS).iterdir()
                  if path.suffix in (".yml", ".yaml") and path.name not in released]
    newest = max((str(version) for version in releases), key=Version, default=None)
    if newest is not None and Version(galaxy) == Version(newest):
        return []
    if newest is not None and Version(galaxy) < Version(newest):
        return ["galaxy.yml says version %s, older than %s, the newest release in %s" % (galaxy, newest, CHANGES)]
    if not unreleased:
        return ["galaxy.yml says version %s, newer than the newest release in %s (%s), but every fragment is "
                "released: add the fragments of %s, or set galaxy.yml back" % (galaxy, CHANGES, newest or "none", galaxy)]
    return []


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    problems = fragment_problems(root) + version_problems(root)
    for problem in problems:
        print("check-changelog: %s" % problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
