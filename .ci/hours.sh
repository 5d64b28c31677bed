#!/usr/bin/env bash
# The clock-sensitive tests again at 09:30 on a weekday and at 23:30 on a Saturday, Berlin time,
# under faketime (the whole process sees that wall clock). The two hours one after the other, each
# on JOBS cores side by side, then its real-time tests alone: beside other work, the terminal
# player's Ctrl-C test timed out twice in four runs.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
TESTS=${HOURS_TESTS:-tests/cli tests/core tests/services}
MARKS=${HOURS_MARKS:-not slow and not postgres and not browser}
JOBS=${JOBS:-2}  # pytest-xdist workers inside each run
out=$(mktemp -d)
codes=()
for at in "2026-12-01 09:30:00" "2026-12-05 23:30:00"; do
    log="$out/${at// /_}.log"
    # Side by side first, then the real-time tests alone (as `make pytest` runs them).
    # shellcheck disable=SC2086
    TZ=Europe/Berlin faketime -f "@$at" "$BIN/pytest" -q -p no:cacheprovider -n "$JOBS" \
        -m "($MARKS) and not realtime" $TESTS >"$log" 2>&1
    first=$?
    # shellcheck disable=SC2086
    TZ=Europe/Berlin faketime -f "@$at" "$BIN/pytest" -q -p no:cacheprovider \
        -m "($MARKS) and realtime" $TESTS >>"$log" 2>&1
    second=$?
    # pytest exits 5 when a selection is empty: nothing failed.
    [ "$second" -eq 5 ] && second=0
    codes+=("$(( first != 0 ? first : second ))")
done
rc=0
i=0
for at in "2026-12-01 09:30:00" "2026-12-05 23:30:00"; do
    log="$out/${at// /_}.log"
    echo "== faketime @$at (Europe/Berlin)"
    if [ "${codes[$i]}" -eq 0 ]; then
        grep -E "[0-9]+ (passed|failed)|no tests ran" "$log"  # each run's summary line
    else
        rc=1
        cat "$log"  # a failure is shown whole
    fi
    i=$((i + 1))
done
rm -rf "$out"
exit "$rc"
