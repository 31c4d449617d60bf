#!/usr/bin/env bash
# Run `ansible-test sanity` of one ansible-core release on this collection, offline apart from PyPI.
#
# Usage: tools/run-ansible-sanity.sh VENV [extra ansible-test sanity arguments]
#   VENV is a virtualenv holding the ansible-core release to test with (for example .venv/core-2.16);
#   its Python is the one the sanity tests run on.
#
# ansible-test needs the collection at .../ansible_collections/hwcloud/drs, so the files git knows about
# (tracked, plus untracked ones that are not ignored) are copied into VENV/sanity/ansible_collections/
# hwcloud/drs. A copy rather than a symlink: ansible-test resolves symlinks and would otherwise see the
# real path.
#
# Each sanity test runs in its own virtual environment under ~/.ansible/test/venv. ansible-test bootstraps
# pip in those with a script it downloads from a host CI cannot reach; tools/ansible_test_get_pip.py
# replaces it, using a pip wheel from PyPI.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$(cd "${1:?usage: tools/run-ansible-sanity.sh VENV [ansible-test arguments]}" && pwd)"
shift
# ansible-test looks for pythonX.Y on PATH; pyenv's shims there refuse versions that are not active.
export PATH="$venv/bin:$PATH"
python_version="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
sanity_root="$venv/sanity"
copy="$sanity_root/ansible_collections/hwcloud/drs"

# The pip version ansible-test installs into its virtual environments.
pip_version="$(python - <<'PY'
import re, ansible_test._internal.python_requirements as requirements
source = open(requirements.__file__, encoding='utf-8').read()
print(re.search(r"default_packages = dict\(\s*pip='([^']+)'", source).group(1))
PY
)"

# One run at a time on this machine: every checkout shares ~/.ansible/test (its virtualenvs and pip
# bootstrap), and two runs building the same virtualenv break each other's pip.
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
exec 9> "$HOME/.ansible/test/hwcloud-drs-sanity.lock"
if ! flock --nonblock 9; then
    echo "waiting for another ansible-test sanity run on this machine to finish..." >&2
    flock 9
fi

# ansible-test installs each sanity test's requirements from its own pinned files. ansible-core 2.22 pins
# pylint's dependency dill by a direct archive URL on a code-hosting site that CI cannot reach, so the
# pylint test could not even start. The same dill from PyPI takes its place, in this release's own copy of
# ansible-test only. Any other requirement from outside PyPI, or a change to that one line, stops the run
# here: the substitution must be looked at again, not silently widened.
python - "$root" <<'PY'
import glob, os, sys
import ansible_test

SUBSTITUTES = {
    "dill @ https://github.com/uqfoundation/dill/archive/2308ffb0d0c605b9c050fa4c9fd5793d65c67022.zip"
    "#sha256=090190c7a7f6d6c3bd22f0be94e571e2c70c679d66ccf5be08baa51303607331": "dill==0.4.1",
}
folder = os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements")
for path in sorted(glob.glob(os.path.join(folder, "*.txt"))):
    with open(path, encoding="utf-8") as requirements:
        lines = requirements.read().splitlines()
    kept = []
    for line in lines:
        if " @ " in line.split("#", 1)[0]:
            if line not in SUBSTITUTES:
                sys.exit("ansible-test's %s requires %r from outside PyPI, which CI cannot reach: give it a PyPI "
                         "substitute in tools/run-ansible-sanity.sh" % (os.path.basename(path), line))
            line = SUBSTITUTES[line]
        kept.append(line)
    if kept != lines:
        with open(path, "w", encoding="utf-8") as requirements:
            requirements.write("\n".join(kept) + "\n")
        print("tools/run-ansible-sanity.sh: %s: requirements from outside PyPI replaced by their PyPI release"
              % os.path.basename(path))
PY

get_pip="$cache/get_pip_${pip_version//./_}.py"
if ! compgen -G "$cache/pip-${pip_version}-*.whl" > /dev/null; then
    python -m pip download --quiet --no-deps --only-binary=:all: --dest "$cache" "pip==${pip_version}"
fi
cp "$root/tools/ansible_test_get_pip.py" "$get_pip"

rm -rf "$sanity_root"
mkdir -p "$copy"
cd "$root"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' path; do
    case "$path" in .venv/* | tests/output/*) continue ;; esac
    [ -e "$path" ] || continue  # deleted in the work tree, not yet committed
    mkdir -p "$copy/$(dirname "$path")"
    cp -P "$path" "$copy/$path"
done

cd "$copy"
# ansible-test lists files through the nearest git repository above the collection; without
# one of its own here it would find this repository, in which .venv/ is ignored, and test nothing.
git init --quiet .
exec ansible-test sanity --venv --python "$python_version" --color no "$@"
