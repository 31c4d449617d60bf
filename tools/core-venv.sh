#!/usr/bin/env bash
# Make sure .venv/core-<release> holds ansible-core <release> and the test tools pinned in
# tests/requirements/core-<release>.txt, on the first Python that tests/requirements/matrix.txt lists for it.
# Prints the virtualenv's path. Exit status 3 when no suitable Python is installed (the caller decides
# whether that is a skip or a failure), 2 for an unknown release, 1 when the install failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/venv-common.sh
source "$root/tools/venv-common.sh"

release=${1:?usage: tools/core-venv.sh RELEASE (for example 2.16)}
requirements="$root/tests/requirements/core-$release.txt"
read -r -a pythons <<< "$(pythons_for_release "$release")"
if [ ! -f "$requirements" ] || [ ${#pythons[@]} -eq 0 ]; then
    echo "ansible-core $release is not in tests/requirements/matrix.txt" >&2
    exit 2
fi
if ! python=$("$root/tools/find-python.sh" "${pythons[@]}"); then
    echo "no Python for ansible-core $release: it needs one of ${pythons[*]} (on PATH or installed with pyenv)" >&2
    exit 3
fi
venv="$root/.venv/core-$release"
ensure_venv "$venv" "$python" "$requirements"
echo "$venv"
