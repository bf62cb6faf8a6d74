#!/bin/sh
# `make detach-test`: runs the MNT_DETACH experiment into a temporary directory, checks
# that every case produced a row (scripts/detach_table.py check) and that the host's
# /proc/self/mountinfo is byte for byte the same before and after.
#   usage: bench/detach_test.sh BUILD/bench/detach_experiment [PYTHON]
set -u
experiment=$1
python=${2:-/usr/bin/python3}
here=$(dirname "$0")

if [ "$(id -u)" -ne 0 ] && ! unshare -U -m true 2>/dev/null; then
    echo "ok 1 - detach: # SKIP not root and unprivileged user namespaces are not allowed"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/detach-test.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

cat /proc/self/mountinfo >"$work/mountinfo.before"
"$experiment" --csv "$work/run.csv" --meta "$work/run.meta.json" --commit test \
    2>"$work/stderr"
status=$?
cat /proc/self/mountinfo >"$work/mountinfo.after"

failed=0
if [ "$status" -eq 0 ]; then
    echo "ok - detach: the experiment ran ($(tail -n 1 "$work/stderr"))"
else
    echo "not ok - detach: the experiment exited $status"; sed 's/^/# /' "$work/stderr"
    failed=1
fi
if cmp -s "$work/mountinfo.before" "$work/mountinfo.after"; then
    echo "ok - detach: the host's /proc/self/mountinfo is unchanged"
else
    echo "not ok - detach: the host's /proc/self/mountinfo changed"
    diff "$work/mountinfo.before" "$work/mountinfo.after" | sed 's/^/# /'
    failed=1
fi
"$experiment" --list-cases >"$work/cases.txt" &&
    "$python" "$here/../scripts/detach_table.py" check "$work/run.csv" \
        "$work/run.meta.json" "$work/cases.txt" || failed=1
exit "$failed"
