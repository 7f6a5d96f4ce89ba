#!/usr/bin/env bash
# End-to-end tests: run the built binary ($PHASEMIG, default ./phasemig) on
# fixtures and compare what it prints, writes and returns with expected
# files (cmp). Each tests/e2e/*.sh file is sourced and calls `expect`.
# The last line is "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
PHASEMIG=$(realpath "${PHASEMIG:-./phasemig}")
CSVCOLS=$ROOT/build/csvcols     # reorders CSV columns (tests/csvcols.c)
GENDUMP=$ROOT/build/gendump     # generated dumps (tests/gendump.c)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# expect NAME COMMAND...: the test passes when COMMAND succeeds; its output
# is shown only when it fails.
expect() {
    local name=$1
    shift
    local log
    if log=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "ok - $name"
    else
        failed=$((failed + 1))
        echo "not ok - $name"
        printf '%s\n' "$log" | sed 's/^/#   /' | head -40
    fi
}

# same FILE_A FILE_B: byte-identical, else a diff (either may be a pipe,
# so both are read once into files)
same() {
    cat "$1" >"$WORK/same.a" && cat "$2" >"$WORK/same.b" || return 1
    if cmp -s "$WORK/same.a" "$WORK/same.b"; then return 0; fi
    echo "differs: $1 $2"
    diff -u "$WORK/same.a" "$WORK/same.b" | head -30
    return 1
}

# same_dir DIR_A DIR_B: the same file names with the same bytes
same_dir() {
    local rc=0 f
    if ! diff <(cd "$1" && ls -A) <(cd "$2" && ls -A); then return 1; fi
    for f in "$1"/*; do same "$f" "$2/$(basename "$f")" || rc=1; done
    return $rc
}

# migrate_to OUT ARGS...: runs migrate, keeping stdout, stderr and status
# in $WORK/stdout, $WORK/stderr, $WORK/status (paths under $WORK shown as WORK)
run_phasemig() {
    "$PHASEMIG" "$@" >"$WORK/stdout.raw" 2>"$WORK/stderr.raw"
    echo $? >"$WORK/status"
    sed "s|$WORK|WORK|g" "$WORK/stdout.raw" >"$WORK/stdout"
    sed "s|$WORK|WORK|g" "$WORK/stderr.raw" >"$WORK/stderr"
}

# nothing_left DIR: no OUT and no staging directory left in DIR
nothing_left() {
    local left
    left=$(ls -A "$1")
    if [ -n "$left" ]; then echo "left behind in $1: $left"; return 1; fi
}

# fails_cleanly DIR EXPECTED_STDERR: the last run_phasemig exited 2 with
# that stderr (staging names normalised) and left DIR empty
fails_cleanly() {
    same <(echo 2) "$WORK/status" &&
        same <(printf '%s\n' "$2") <(sed 's/phasemig-[A-Za-z0-9]\{6\}/phasemig-XXXXXX/' "$WORK/stderr") &&
        nothing_left "$1"
}
# interrupted SIGNAL NUMBER: the assignments come through a pipe that stays
# open, so the run is surely in the middle when the signal arrives
interrupted() {
    rm -rf "$WORK/fifo" "$WORK/sig" && mkdir "$WORK/fifo" "$WORK/sig"
    cp fixtures/planner-seed/projects.csv fixtures/planner-seed/project_phases.csv "$WORK/fifo/"
    mkfifo "$WORK/fifo/resource_assignments.csv"
    (head -n 50 fixtures/planner-seed/resource_assignments.csv && sleep 20) \
        >"$WORK/fifo/resource_assignments.csv" &
    local writer=$!
    "$PHASEMIG" migrate "$WORK/fifo" "$WORK/sig/out" >/dev/null 2>"$WORK/stderr" &
    local pid=$! tries=0
    # the staging directory exists once the small tables are done and the
    # run waits on the pipe: then it is surely in the middle
    until ls -d "$WORK"/sig/out.phasemig-* >/dev/null 2>&1 || [ $((tries += 1)) -gt 100 ]; do
        sleep 0.1
    done
    sleep 0.2
    local sent=$SECONDS
    kill "-$1" "$pid"
    wait "$pid"
    echo $? >"$WORK/status"
    local took=$((SECONDS - sent))
    kill "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null
    # at once, not when the pipe's writer ends 20 s later (the reader
    # thread is blocked on the pipe; the main thread still sees the signal)
    [ "$took" -le 5 ] || { echo "ended $took s after the signal"; return 1; }
    fails_cleanly "$WORK/sig" "phasemig: interrupted by signal $2; nothing written"
}
# cut_gzip_mid_table DIR: a generated dump whose assignments are gzip cut
# in the middle: well past the header, so the reader thread finds the end
# while the main thread is still busy with earlier rows
cut_gzip_mid_table() {
    rm -rf "$1" && "$GENDUMP" 20000 "$1" >/dev/null || return 1
    gzip -c "$1/resource_assignments.csv" | head -c 400000 >"$1/resource_assignments.csv.gz" &&
        rm "$1/resource_assignments.csv"
}

# usage_error EXPECTED_STDERR ARGS...: exit 2, that message and the hint
# to the command's own --help (phasemig's, when ARGS name no command)
usage_error() {
    local want=$1 help="phasemig --help"
    shift
    case ${1:-} in migrate | verify | rollback | reconcile | schema) help="phasemig $1 --help" ;; esac
    run_phasemig "$@"
    same <(echo 2) "$WORK/status" && same <(printf '%s\n' "$want" \
        "Try '$help' for more information.") "$WORK/stderr" && same /dev/null "$WORK/stdout"
}

# seed_as_sqlite DB: the planner seed as an old-schema SQLite file, with
# NUMERIC columns, so money comes back as INTEGER (50000, not 50000.00)
seed_as_sqlite() {
    sqlite3 "$1" <<SQL
CREATE TABLE projects (program_id TEXT, name TEXT, business_sponsor TEXT, project_manager TEXT,
  technical_lead TEXT, start_date DATE, end_date DATE, cost_center_code TEXT, description TEXT,
  id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT);
CREATE TABLE project_phases (project_id TEXT, phase_type TEXT, capital_budget NUMERIC(15,2),
  expense_budget NUMERIC(15,2), total_budget NUMERIC(15,2), id TEXT PRIMARY KEY,
  created_at TEXT, updated_at TEXT);
CREATE TABLE resource_assignments (resource_id TEXT, project_id TEXT, project_phase_id TEXT,
  assignment_date DATE, allocation_percentage NUMERIC(5,2), capital_percentage NUMERIC(5,2),
  expense_percentage NUMERIC(5,2), id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT);
.import --csv --skip 1 $ROOT/fixtures/planner-seed/projects.csv projects
.import --csv --skip 1 $ROOT/fixtures/planner-seed/project_phases.csv project_phases
.import --csv --skip 1 $ROOT/fixtures/planner-seed/resource_assignments.csv resource_assignments
SQL
}

for t in tests/e2e/${E2E:-*}.sh; do   # E2E=NAME runs tests/e2e/NAME.sh alone
    # shellcheck source=/dev/null
    . "$t"
done

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
