#!/usr/bin/env bash
# Re-pin tests/requirements/core-<release>.txt: the newest ansible-core <release>.x with
# tests/requirements/direct.txt, frozen in a throw-away virtualenv on the release's first listed Python.
# A release with no final version yet (2.22 while it is at 2.22.0rc1) is pinned to its newest pre-release;
# once its .0 is out, the same command moves the pin to it.
#
# Usage: tools/pin-requirements.sh 2.16 [2.17 ...]
#        tools/pin-requirements.sh next
#   next: when PyPI holds a pre-release of a release newer than any in tests/requirements/matrix.txt, add
#         that release to the matrix (on the Pythons of the newest release that it accepts) and pin it, so
#         that CI tests the coming release the day its first beta appears. Otherwise re-pin the newest
#         release of the matrix (a newer release candidate, or its final version).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/venv-common.sh
source "$root/tools/venv-common.sh"

quiet_pip() {  # python pip-arguments...: pip without the machine's warnings about missing local indexes
    local python=$1
    shift
    "$python" -m pip --disable-pip-version-check "$@" 2> >(grep -v "^WARNING: Location 'file:" >&2)
}

# Every version of ansible-core that PyPI offers to this Python, pre-releases included, newest first.
available_versions() {  # python
    quiet_pip "$1" index versions --pre ansible-core | sed -n 's/^Available versions: //p' | tr -d ' ' | tr ',' '\n'
}

pin() {  # release [python ...]: the release's Pythons from the matrix, unless given
    local release=$1 pythons python scratch version versions
    shift
    if [ $# -gt 0 ]; then pythons=("$@"); else read -r -a pythons <<< "$(pythons_for_release "$release")"; fi
    [ ${#pythons[@]} -gt 0 ] || { echo "ansible-core $release is not in tests/requirements/matrix.txt" >&2; exit 2; }
    python=$("$root/tools/find-python.sh" "${pythons[0]}") || { echo "Python ${pythons[0]} not found" >&2; exit 3; }
    # The newest final version when PyPI has one; a release that has none yet (2.22 while it is at 2.22.0rc1)
    # gets its newest pre-release. Read from one list of PyPI's versions (a failed query stops the script),
    # rather than guessed from a failed install: a failure for any other reason must not quietly pin a final
    # release to a release candidate.
    versions=$(available_versions "$python")
    version=$(grep -m1 -E "^${release//./\\.}\.[0-9]+$" <<< "$versions" || true)
    if [ -z "$version" ]; then
        version=$(grep -m1 -E "^${release//./\\.}\." <<< "$versions" || true)
        [ -n "$version" ] || { echo "PyPI offers no ansible-core $release.x to Python ${pythons[0]}" >&2; exit 3; }
        echo "ansible-core $release has no final version on PyPI yet: pinning its newest pre-release, $version"
    fi
    scratch=$(mktemp -d)
    "$python" -m venv "$scratch"
    # An exact pin: only ansible-core may be a pre-release (--pre would take every dependency's too).
    quiet_pip "$scratch/bin/python" install --quiet "ansible-core==$version" \
        --requirement "$root/tests/requirements/direct.txt"
    {
        echo "# ansible-core $release and what the tests need on it, pinned exactly (frozen on Python ${pythons[0]})."
        echo "# Installed into .venv/core-$release by tools/core-venv.sh; regenerate with tools/pin-requirements.sh $release."
        "$scratch/bin/python" -m pip freeze
    } > "$root/tests/requirements/core-$release.txt"
    rm -rf "$scratch"
    echo "pinned $(grep '^ansible-core==' "$root/tests/requirements/core-$release.txt") in tests/requirements/core-$release.txt"
}

add_next_release() {
    local newest pythons python latest="" series candidates=() version scratch
    newest=$(matrix_releases | tail -n 1)
    read -r -a pythons <<< "$(pythons_for_release "$newest")"
    # The newest Python of the newest release sees every ansible-core it can run.
    for version in $(printf '%s\n' "${pythons[@]}" | sort -rV); do
        if python=$("$root/tools/find-python.sh" "$version"); then
            latest=$(available_versions "$python" | head -n 1) || latest=""
            break
        fi
    done
    [ -n "$latest" ] || { echo "could not ask PyPI for ansible-core's versions (on Python ${pythons[*]})" >&2; exit 3; }
    series=$(echo "$latest" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
    if [ "$(printf '%s\n%s\n' "$newest" "$series" | sort -V | tail -n 1)" = "$newest" ]; then
        echo "ansible-core $latest is the newest on PyPI; $newest is already in the matrix: re-pinning it"
        pin "$newest"
        return
    fi
    # The new release keeps the Pythons of the newest one that it still accepts (2.22 dropped 3.12).
    scratch=$(mktemp -d)
    for version in "${pythons[@]}"; do
        python=$("$root/tools/find-python.sh" "$version") || continue
        if quiet_pip "$python" download --quiet --no-deps --pre --dest "$scratch" "ansible-core==$latest" 2>/dev/null; then
            candidates+=("$version")
        fi
    done
    rm -rf "$scratch"
    [ ${#candidates[@]} -gt 0 ] || { echo "no installed Python among ${pythons[*]} accepts ansible-core $latest" >&2; exit 3; }
    # Pinned first, listed after: a matrix line without its pins would point every script at nothing.
    pin "$series" "${candidates[@]}"
    echo "$series ${candidates[*]}" >> "$root/tests/requirements/matrix.txt"
    echo "added ansible-core $series on Python ${candidates[*]} to tests/requirements/matrix.txt"
}

[ $# -gt 0 ] || { echo "usage: tools/pin-requirements.sh RELEASE [RELEASE ...] | next" >&2; exit 2; }
for release in "$@"; do
    if [ "$release" = next ]; then add_next_release; else pin "$release"; fi
done
