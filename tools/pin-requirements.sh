#!/usr/bin/env bash
# Re-pin tests/requirements/core-<release>.txt: the newest ansible-core <release>.x with
# tests/requirements/direct.txt, frozen in a throw-away virtualenv on the release's first listed Python.
# Usage: tools/pin-requirements.sh 2.16 [2.17 ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/venv-common.sh
source "$root/tools/venv-common.sh"

for release in "$@"; do
    read -r -a pythons <<< "$(pythons_for_release "$release")"
    python=$("$root/tools/find-python.sh" "${pythons[0]}") || { echo "Python ${pythons[0]} not found" >&2; exit 3; }
    scratch=$(mktemp -d)
    "$python" -m venv "$scratch"
    "$scratch/bin/python" -m pip install --disable-pip-version-check --quiet "ansible-core==$release.*" \
        --requirement "$root/tests/requirements/direct.txt"
    {
        echo "# ansible-core $release and what the tests need on it, pinned exactly (frozen on Python ${pythons[0]})."
        echo "# Installed into .venv/core-$release by tools/core-venv.sh; regenerate with tools/pin-requirements.sh $release."
        "$scratch/bin/python" -m pip freeze
    } > "$root/tests/requirements/core-$release.txt"
    rm -rf "$scratch"
    echo "pinned $(grep '^ansible-core==' "$root/tests/requirements/core-$release.txt") in tests/requirements/core-$release.txt"
done
