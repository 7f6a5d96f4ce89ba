#!/usr/bin/env bash
# Runs every test twice: the plain build, then the ASan+UBSan build; the
# unit tests a third time under ThreadSanitizer (tests/e2e/threads.sh runs
# the TSan binary end to end).
# Unit tests are cmocka; end-to-end tests are tests/e2e/*.sh run by
# tests/e2e.sh against a given binary. The last line counts them all.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
tally() { # reads "N passed, M failed" from a runner's last line
    local line; line=$(tail -n 1 "$1")
    local p f; p=$(sed -n 's/.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
    f=$(sed -n 's/.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' <<<"$line")
    if [ -z "$p" ]; then echo "runner printed no count: $1"; failed=$((failed + 1)); return; fi
    passed=$((passed + p)); failed=$((failed + f))
}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
echo "== layers"
tests/layers.sh | tee "$log/layers"
tally "$log/layers"
for flavour in plain asan tsan; do
    echo "== unit tests ($flavour)"
    unit=build/$flavour/unit
    case $flavour in plain) bin=./phasemig ;; asan) bin=build/asan/phasemig ;; tsan) bin= ;; esac
    "$unit" >"$log/unit-$flavour" 2>&1
    rc=$?
    cat "$log/unit-$flavour"
    # cmocka's group summaries: "[  PASSED  ] N test(s)." and
    # "[  FAILED  ] N test(s), listed below:"
    up=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log/unit-$flavour" | awk '{s += $1} END {print s + 0}')
    uf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log/unit-$flavour" | awk '{s += $1} END {print s + 0}')
    uf=${uf:-0}
    [ "$rc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1   # crashed (a sanitizer report)
    echo "unit ($flavour): ${up:-0} passed, $uf failed" | tee "$log/unit-$flavour-count"
    tally "$log/unit-$flavour-count"
    [ -n "$bin" ] || continue
    echo "== end-to-end tests ($flavour)"
    SANITIZED=$([ "$flavour" = asan ] && echo 1) PHASEMIG="$bin" tests/e2e.sh 2>&1 | tee "$log/e2e-$flavour"
    tally "$log/e2e-$flavour"
done
echo
echo "all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
