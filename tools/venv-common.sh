# shellcheck shell=bash
# Sourced by tools/core-venv.sh and tools/dev-venv.sh: build or refresh one virtualenv from one pinned file.
#
# ensure_venv DIR PYTHON REQUIREMENTS [EXTRA_PIP_ARGS...]
#   DIR is (re)created from PYTHON when it is missing or was made by another interpreter; the pins are
#   installed when they changed. DIR/.installed holds the interpreter and a copy of what was installed
#   (every file among EXTRA_PIP_ARGS too, such as a --requirement or --constraint file), so a fresh
#   checkout with the same pins reuses the virtualenv as it is.

ensure_venv() {
    local dir=$1 python=$2 requirements=$3
    shift 3
    local stamp="$dir/.installed" wanted argument
    wanted="$(printf 'python=%s\n' "$python"; cat "$requirements"
              for argument in "$@"; do printf '%s\n' "$argument"; [ -f "$argument" ] && cat "$argument"; done)"
    if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    if [ ! -x "$dir/bin/python" ] || ! head -n 1 "$stamp" 2>/dev/null | grep -qxF "python=$python"; then
        echo "== creating $dir with $("$python" --version 2>&1) ($python)" >&2
        rm -rf "$dir"
        "$python" -m venv "$dir" || return 1
    fi
    echo "== installing $(basename "$requirements") into $dir" >&2
    # Some machines' pip configuration names local package folders that do not exist: pip warns once per
    # package, which only buries the real messages. VENV_PROGRESS=1 shows one line per package instead of
    # silence (the demo: a user waits for it).
    local verbosity=--quiet shown="^WARNING: Location 'file:"
    if [ "${VENV_PROGRESS:-0}" = 1 ]; then
        verbosity=--progress-bar=off
        shown="^WARNING: Location 'file:|^ *(Requirement already satisfied|Using cached|Downloading|Obtaining|  )"
    fi
    "$dir/bin/python" -m pip install --disable-pip-version-check "$verbosity" --requirement "$requirements" "$@" 2>&1 \
        | { grep -Ev "$shown" >&2 || true; }
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    printf '%s\n' "$wanted" > "$stamp"
}

# --- tests/requirements/matrix.txt and the pins beside it: the one place that says which releases CI tests.

_requirements_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/requirements" && pwd)"

# Every release of the matrix, oldest first.
matrix_releases() {
    awk '!/^#/ && NF { print $1 }' "$_requirements_dir/matrix.txt"
}

# The Pythons listed for an ansible-core release in tests/requirements/matrix.txt.
pythons_for_release() {
    awk -v release="$1" '$1 == release { $1 = ""; print }' "$_requirements_dir/matrix.txt"
}

# The exact ansible-core version pinned for a release (for example 2.22.0rc1); nothing when it is not pinned.
pinned_core_version() {
    sed -n 's/^ansible-core==//p' "$_requirements_dir/core-$1.txt" 2>/dev/null
}

# True when the release is pinned to a pre-release (a beta or a release candidate): it is tested like any
# other release, but the full integration suite and the development tools stay on the newest final one.
is_prerelease() {
    [[ "$(pinned_core_version "$1")" =~ [a-z] ]]
}

# The releases of the matrix pinned to a final version, oldest first (a release without pins is none).
final_releases() {
    local release
    for release in $(matrix_releases); do
        [ -n "$(pinned_core_version "$release")" ] && ! is_prerelease "$release" && echo "$release"
    done
    return 0
}

newest_final_release() {
    final_releases | tail -n 1
}
