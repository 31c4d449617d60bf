#!/usr/bin/env bash
# The test stages of every supported ansible-core release (what `make test` and .ci/run run).
#
# For each release in tests/requirements/matrix.txt: ansible-test sanity, the unit tests and the
# integration smoke set (pytest -m smoke), each in .venv/core-<release> on a Python the release supports;
# on the newest final release (not a beta or release candidate) the full integration suite replaces the
# smoke set. Then the lint stage.
#
# Environment:
#   CORE="2.16 2.21"   only these releases (no lint stage unless STAGES names it)
#   STAGES="unit smoke" only these stages (sanity unit smoke integration lint)
#   PYTEST_ARGS        pytest options, and tests to run instead of a stage's whole folder:
#                      make integration PYTEST_ARGS="-x tests/integration/test_waiting.py::test_fail_fast"
#   SANITY_ARGS        passed on to ansible-test sanity
#   CI=true            a release without a suitable Python fails instead of being skipped
#   SANITY_IN_BACKGROUND=0  run sanity inline instead of beside the tests
# Every stage runs even when an earlier one failed; the summary names each result, and the exit status
# is non-zero when any stage failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

# shellcheck source=tools/venv-common.sh
source tools/venv-common.sh
releases=$(matrix_releases)
# The full integration suite runs on the newest final release; a pre-release after it runs the smoke set.
newest=$(newest_final_release)
selected=${CORE:-$releases}
all_stages="sanity unit smoke integration lint"
wanted=${STAGES:-$all_stages}
if [ -z "${CORE:-}" ] || [[ " $wanted " == *" lint "* && -n "${STAGES:-}" ]]; then run_lint=1; else run_lint=0; fi
for stage in $wanted; do
    [[ " $all_stages " == *" $stage "* ]] || { echo "unknown stage '$stage' (known: $all_stages)" >&2; exit 2; }
done

summary=""
failed=0
record() {  # release stage result seconds
    summary+=$(printf '%-8s %-12s %-8s %5ss' "$1" "$2" "$3" "$4")$'\n'
    [ "$3" = "FAILED" ] && failed=1
    return 0
}

# The exit status of a stage that PYTEST_ARGS leaves nothing to run: recorded as skipped, not as a failure.
NOTHING_SELECTED=100

pytest_stage() {  # venv stage folder [pytest options]
    # PYTEST_ARGS may name tests (tests/integration/test_waiting.py::test_x): a stage runs those under its own
    # folder instead of the whole folder, and nothing when they are all elsewhere.
    local venv=$1 stage=$2 folder=$3 status=0 word elsewhere=0
    shift 3
    local options=(-ra) paths=() takes_value=0
    # shellcheck disable=SC2086  # PYTEST_ARGS is a list of words
    for word in ${PYTEST_ARGS:-}; do
        if [ "$takes_value" -eq 1 ]; then
            options+=("$word")
            takes_value=0
            continue
        fi
        case $word in
            # Options whose value is a path: --deselect tests/x.py::y is no test to run.
            --deselect | --ignore | --ignore-glob | --junitxml | --junit-xml | --rootdir | --confcutdir | --basetemp | -c)
                options+=("$word")
                takes_value=1
                ;;
            tests/*) if [[ "$word" == "$folder"* ]]; then paths+=("$word"); else elsewhere=1; fi ;;
            *) options+=("$word") ;;
        esac
    done
    if [ ${#paths[@]} -eq 0 ]; then
        if [ "$elsewhere" -eq 1 ]; then
            echo "== the $stage stage runs nothing: PYTEST_ARGS names no test under $folder"
            return "$NOTHING_SELECTED"
        fi
        paths=("$folder")
    fi
    "$venv/bin/python" -m pytest -o cache_dir="$venv/pytest-cache" "${options[@]}" "$@" "${paths[@]}" || status=$?
    if [ "$status" -eq 5 ]; then
        if [ "${paths[*]}" != "$folder" ]; then
            # The named tests are not in this stage's set (a test outside the smoke set, in the smoke stage).
            echo "== the $stage stage runs nothing: none of the tests PYTEST_ARGS names is in it"
            return "$NOTHING_SELECTED"
        fi
        echo "ERROR: pytest collected no test for the $stage stage" >&2
    fi
    return "$status"
}

run_stage() {  # release venv stage
    local release=$1 venv=$2 stage=$3
    # shellcheck disable=SC2086  # SANITY_ARGS is a list of words
    case $stage in
        sanity) tools/run-ansible-sanity.sh "$venv" ${SANITY_ARGS:-} ;;
        unit) pytest_stage "$venv" unit tests/unit ;;
        smoke) pytest_stage "$venv" smoke tests/integration -m smoke ;;
        integration) pytest_stage "$venv" integration tests/integration ;;
    esac
}

# Phase 1: the virtualenv of each selected release, and the stages it runs.
declare -A venv_of stages_of
prepared=""
for release in $selected; do
    stages=""
    for stage in sanity unit smoke integration; do
        [[ " $wanted " == *" $stage "* ]] || continue
        # The newest release runs the full suite, which holds the smoke set; older ones run the smoke set
        # unless the full suite is asked for them by name (STAGES=integration CORE=2.16).
        if [ "$stage" = smoke ] && [ "$release" = "$newest" ] && [[ " $wanted " == *" integration "* ]]; then continue; fi
        if [ "$stage" = integration ] && [ "$release" != "$newest" ] && [ -z "${STAGES:-}" ]; then continue; fi
        stages+=" $stage"
    done
    [ -n "$stages" ] || continue
    venv=$(tools/core-venv.sh "$release")
    status=$?
    if [ $status -ne 0 ]; then
        if [ $status -eq 3 ] && [ "${CI:-}" != "true" ]; then
            echo "== SKIPPING ansible-core $release: no Python for it on this machine (CI fails here instead)"
            for stage in $stages; do record "$release" "$stage" "skipped" 0; done
        else
            for stage in $stages; do record "$release" "$stage" "FAILED" 0; done
        fi
        continue
    fi
    venv_of[$release]=$venv
    stages_of[$release]=$stages
    prepared+=" $release"
done

describe() {  # release -> "ansible-core X.Y.Z on Python A.B"
    "${venv_of[$1]}/bin/python" -c \
        'import sys; from ansible.release import __version__ as v; print("ansible-core %s on Python %d.%d" % ((v,) + sys.version_info[:2]))'
}

# Phase 2: sanity mostly waits (on ansible-test's virtualenvs and child processes), so by default it runs
# in the background, one release after another, while the tests run in the foreground; its output is
# kept in .venv/core-<release>/sanity.log and shown after the tests. SANITY_IN_BACKGROUND=0 runs it inline.
background_sanity=""
if [ "${SANITY_IN_BACKGROUND:-1}" = 1 ]; then
    for release in $prepared; do
        [[ "${stages_of[$release]}" == *sanity* ]] && background_sanity+=" $release"
    done
fi
if [ -n "$background_sanity" ]; then
    (
        for release in $background_sanity; do
            started=$(date +%s)
            if run_stage "$release" "${venv_of[$release]}" sanity > "${venv_of[$release]}/sanity.log" 2>&1; then
                result=passed
            else
                result=FAILED
            fi
            echo "$result $(( $(date +%s) - started ))" > "${venv_of[$release]}/sanity.result"
        done
    ) &
    sanity_job=$!
    echo "== ansible-test sanity runs in the background for:$background_sanity (logs after the tests)"
fi

for release in $prepared; do
    for stage in ${stages_of[$release]}; do
        if [ "$stage" = sanity ] && [[ " $background_sanity " == *" $release "* ]]; then continue; fi
        echo "======== $(describe "$release"): $stage"
        started=$(date +%s)
        status=0
        run_stage "$release" "${venv_of[$release]}" "$stage" || status=$?
        case $status in 0) result=passed ;; "$NOTHING_SELECTED") result=skipped ;; *) result=FAILED ;; esac
        record "$release" "$stage" "$result" $(( $(date +%s) - started ))
    done
done

if [ -n "$background_sanity" ]; then
    wait "$sanity_job"
    for release in $background_sanity; do
        echo "======== $(describe "$release"): sanity"
        cat "${venv_of[$release]}/sanity.log"
        read -r result seconds < "${venv_of[$release]}/sanity.result" || { result=FAILED; seconds=0; }
        record "$release" sanity "$result" "$seconds"
    done
fi

if [ "$run_lint" -eq 1 ] && [[ " $wanted " == *" lint "* ]]; then
    echo "======== lint (development virtualenv .venv/dev)"
    started=$(date +%s)
    if make --no-print-directory lint; then result=passed; else result=FAILED; fi
    record "dev" "lint" "$result" $(( $(date +%s) - started ))
fi

echo "======== test summary"
printf '%-8s %-12s %-8s %6s\n' release stage result time
printf '%s' "$summary"
count() { printf '%s' "$summary" | awk -v result="$1" '$3 == result' | wc -l | tr -d ' '; }
echo "stages: $(count passed) passed, $(count FAILED) failed, $(count skipped) skipped"
exit "$failed"
