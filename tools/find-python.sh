#!/usr/bin/env bash
# Print the path of the first working interpreter among the Python versions given (e.g. 3.12 3.11):
# first `pythonX.Y` on PATH, then pyenv's installed versions. pyenv's shims stand on PATH for every
# installed version but refuse to run those that are not active, so each candidate is run once.
# Exit status 1, printing nothing, when none is found.
set -uo pipefail

candidates() {
    local version=$1
    command -v "python$version" 2>/dev/null
    if command -v pyenv >/dev/null 2>&1; then
        local root
        root=$(pyenv root 2>/dev/null) || return 0
        printf '%s\n' "$root"/versions/"$version".*/bin/python"$version" | sort -rV
    fi
}

for version in "$@"; do
    while IFS= read -r interpreter; do
        [ -n "$interpreter" ] || continue
        # A virtualenv's interpreter (ours are on PATH under make) is never a base for another one.
        resolved=$("$interpreter" -c 'import sys; assert sys.prefix == sys.base_prefix; print(sys.executable)' \
            2>/dev/null) || continue
        echo "$resolved"
        exit 0
    done < <(candidates "$version")
done
exit 1
