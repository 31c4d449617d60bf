#!/usr/bin/env bash
# make demo: start the offline DRS emulator with a realistic batch (24 MySQL -> MySQL jobs that validate,
# then commit by themselves about 15 s later), run tools/demo.yml (list the jobs, wait for the commit
# through the hwcloud.drs.commit_gate role, print jobs per status), stop the emulator.
# Nothing is left running: the emulator is stopped on every exit path, and it also exits by itself
# when this script is gone (--parent-pid).
#
# Needs the virtualenv make creates (PY=.venv/dev/bin/python by default, or give PY=/path/to/python).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-$repo/.venv/dev/bin/python}
bin=$(dirname "$PY")
if [ ! -x "$PY" ] || [ ! -x "$bin/ansible-playbook" ]; then
    echo "demo: $PY with ansible-playbook beside it is needed; run 'make demo' (it creates .venv)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hwcloud-drs-demo.XXXXXX")
emulator_pid=""
cleanup() {
    if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== starting the DRS emulator on 127.0.0.1 (HTTPS, its own CA)"
PYTHONPATH="$repo/tests${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m drs_emulator \
    --port 0 --seed-file "$repo/tools/demo.json" \
    --validate-after-seconds 6 --auto-commit-after-seconds 15 \
    --state-file "$work/emulator.json" --parent-pid $$ \
    >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 1 100); do
    [ -s "$work/emulator.json" ] && break
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "demo: the emulator did not start:" >&2
        cat "$work/emulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
[ -s "$work/emulator.json" ] || { echo "demo: the emulator did not start within 10 s" >&2; exit 1; }
"$PY" -c 'import json, sys; print("   " + json.load(open(sys.argv[1]))["url"])' "$work/emulator.json"

echo "== running tools/demo.yml"
# The run sees this collection and nothing of the shell's ansible settings, credentials or proxies
# (tests/support/ansible_env.py; make's ANSIBLE_COLLECTIONS_PATH is kept, or a link is made in $work).
PYTHONPATH="$repo/tests" "$PY" -m support.run_isolated "$work" \
    ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_DISPLAY_SKIPPED_HOSTS=False -- \
    "$bin/ansible-playbook" "$repo/tools/demo.yml" -e "@$work/emulator.json"
echo "== demo finished; stopping the emulator"
