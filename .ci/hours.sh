#!/usr/bin/env bash
# The clock-sensitive tests again at 09:30 on a weekday and at 23:30 on a Saturday, Berlin time,
# under faketime (the whole process sees that wall clock). The two runs are independent, so they
# run side by side: pytest uses one core each, and CI machines have two.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
TESTS=${HOURS_TESTS:-tests/cli tests/core tests/services}
MARKS=${HOURS_MARKS:-not slow and not postgres and not browser}
out=$(mktemp -d)
pids=()
for at in "2026-12-01 09:30:00" "2026-12-05 23:30:00"; do
    log="$out/${at// /_}.log"
    # shellcheck disable=SC2086
    TZ=Europe/Berlin faketime -f "@$at" "$BIN/pytest" -q -p no:cacheprovider -m "$MARKS" $TESTS >"$log" 2>&1 &
    pids+=("$!")
done
rc=0
i=0
for at in "2026-12-01 09:30:00" "2026-12-05 23:30:00"; do
    log="$out/${at// /_}.log"
    echo "== faketime @$at (Europe/Berlin)"
    if wait "${pids[$i]}"; then
        tail -n 2 "$log"
    else
        rc=1
        cat "$log"  # a failure is shown whole
    fi
    i=$((i + 1))
done
rm -rf "$out"
exit "$rc"
