#!/usr/bin/env bash
# Make sure .venv/dev holds the development tools of requirements-dev.txt with the newest ansible-core that
# the available Python allows, and that release's test tools (tests/requirements/core-<release>.txt):
# Python 3.13 or 3.12 when present (ansible-core 2.20 and later need 3.12); otherwise the newest older
# release whose Python is found.
# PYTHON=/path/to/python overrides the choice.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/venv-common.sh
source "$root/tools/venv-common.sh"

# The development tools run on a final release, never on a beta or release candidate.
newest=$(newest_final_release)
python=${PYTHON:-}
[ -n "$python" ] || python=$("$root/tools/find-python.sh" 3.13 3.12 3.11 3.10) || {
    echo "no Python 3.10 to 3.13 found (on PATH or installed with pyenv)" >&2
    exit 3
}
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
release=""
for candidate in $(final_releases); do
    case " $(pythons_for_release "$candidate") " in *" $version "*) release=$candidate ;; esac
done
if [ -z "$release" ]; then
    echo "Python $version ($python) runs no supported ansible-core release; see tests/requirements/matrix.txt" >&2
    exit 3
fi

if [ "$release" != "$newest" ]; then
    echo "== Python $version allows ansible-core $release at most (the newest, $newest, needs Python 3.12+)" >&2
fi
# ansible-core and the test tools from the release's own pins; the development tools from requirements-dev.txt.
ensure_venv "$root/.venv/dev" "$python" "$root/requirements-dev.txt" \
    --requirement "$root/tests/requirements/core-$release.txt"
mkdir -p "$root/.venv/collections/ansible_collections/hwcloud"
ln -sfn "$root" "$root/.venv/collections/ansible_collections/hwcloud/drs"
