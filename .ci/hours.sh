#!/usr/bin/env bash
# The clock-sensitive tests again at 09:30 on a weekday and at 23:30 on a Saturday, Berlin time,
# under faketime (the whole process sees that wall clock). One after the other: side by side,
# the terminal player's Ctrl-C test timed out twice in four runs.
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
    # shellcheck disable=SC2086
    TZ=Europe/Berlin faketime -f "@$at" "$BIN/pytest" -q -p no:cacheprovider -n "$JOBS" -m "$MARKS" $TESTS >"$log" 2>&1
    codes+=("$?")
done
rc=0
i=0
for at in "2026-12-01 09:30:00" "2026-12-05 23:30:00"; do
    log="$out/${at// /_}.log"
    echo "== faketime @$at (Europe/Berlin)"
    if [ "${codes[$i]}" -eq 0 ]; then
        tail -n 2 "$log"
    else
        rc=1
        cat "$log"  # a failure is shown whole
    fi
    i=$((i + 1))
done
rm -rf "$out"
exit "$rc"
