#!/usr/bin/env bash
# make demo: start the offline DRS emulator with a realistic migration (24 batches of MySQL -> MySQL tasks that
# validate about 6 s after the start, one batch of another user that fails validation), run tools/demo.yml (list
# the batches, wait for validation, read why the failed batch failed, commit the batches through the
# hwcloud.drs.commit_gate role with commit_gate_commit, print batches per status), stop the emulator.
# Nothing is left running: the emulator is stopped on every exit path, and it also exits by itself
# when this script is gone (--parent-pid).
#
# Installs only what the demo needs (tools/requirements-demo.txt: ansible-core, requests, cryptography, at the
# versions the tests pin for the newest final release) into .venv/demo, once; PY=/path/to/python runs it with
# an interpreter that already has them instead.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${PY:-}" ]; then
    # shellcheck source=tools/venv-common.sh
    source "$repo/tools/venv-common.sh"
    python=$("$repo/tools/find-python.sh" 3.13 3.12) || {
        echo "demo: Python 3.12 or 3.13 is needed (ansible-core 2.21), on PATH or installed with pyenv" >&2
        exit 3
    }
    if [ -f "$repo/.venv/demo/.installed" ]; then
        echo "== checking .venv/demo (ansible-core, requests, cryptography)"
    else
        echo "== preparing .venv/demo: ansible-core, requests, cryptography (the first time only; a minute or so)"
    fi
    VENV_PROGRESS=1 ensure_venv "$repo/.venv/demo" "$python" "$repo/tools/requirements-demo.txt" \
        --constraint "$repo/tests/requirements/core-$(newest_final_release).txt"
    PY=$repo/.venv/demo/bin/python
fi
bin=$(dirname "$PY")
if [ ! -x "$PY" ] || [ ! -x "$bin/ansible-playbook" ]; then
    echo "demo: $PY with ansible-playbook beside it is needed" >&2
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
    --validate-after-seconds 6 \
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
