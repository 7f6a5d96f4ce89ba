# verify: each crafted broken dataset under fixtures/verify/ makes its check
# fail (the exact stdout in fixtures/expected/verify/NAME), every other pass;
# migrate's output verifies in every format; --json; SQLite indexes.

# verify_case NAME IDS...: the expected stdout and status, and exactly
# the checks IDS fail
verify_case() {
    local case=$1 exp=$ROOT/fixtures/expected/verify/$1
    shift
    run_phasemig verify --against fixtures/verify/original "fixtures/verify/$case"
    same "$exp/status" "$WORK/status" && same "$exp/stdout" "$WORK/stdout" &&
        same /dev/null "$WORK/stderr" && fails_only "$@"
}

# fails_only IDS...: the FAIL lines of the last run are exactly these checks
fails_only() {
    same <(printf '%s\n' "$@" | sed '/^$/d') <(sed -n 's/^  FAIL \([0-9]\) .*/\1/p' "$WORK/stdout")
}

migrated_verifies() {
    local fmt=$1
    rm -rf "$WORK/m"
    "$PHASEMIG" migrate --format "$fmt" fixtures/planner-seed "$WORK/m" >/dev/null || return 1
    local target=$WORK/m
    [ "$fmt" = sqlite ] && target=$WORK/m/dataset.db
    run_phasemig verify --against fixtures/planner-seed "$target"
    same <(echo 0) "$WORK/status" && fails_only &&
        grep -q '^  PASS 7 budget preserved: capital 1650000.00, expense 1150000.00, total 2800000.00 (equal to the original)$' "$WORK/stdout" &&
        grep -q '^  PASS 9 .*: 420 in one phase, 0 in none, 0 in more$' "$WORK/stdout"
}

# Inside migrate, check 9 finds each assignment's project through validate's
# note; run alone, verify parses and looks it up. On a generated dump
# (some assignments outside every phase) both count the same.
own_check_agrees() {
    rm -rf "$WORK/gen" "$WORK/m" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null &&
        "$PHASEMIG" migrate "$WORK/gen" "$WORK/m" >/dev/null || return 1
    local own alone
    own=$(sed -n 's/.*"id": 9, [^}]*"detail": "\([^"]*\)".*/\1/p' "$WORK/m/summary.json")
    alone=$("$PHASEMIG" verify "$WORK/m" | sed -n 's/^  WARN 9 [^:]*: //p')
    [ -n "$own" ] && [ "$own" = "$alone" ] &&
        [[ $own == *" in one phase, "[1-9]*" in none, 0 in more (orphaned: "[0-9]*" dated before its project's start, "[0-9]*" after its end, 0 in a project with no phase)" ]] ||
        { echo "migrate: '$own', verify: '$alone'"; return 1; }
}

sqlite_without_an_index() {
    rm -rf "$WORK/m"
    "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/m" >/dev/null || return 1
    sqlite3 "$WORK/m/dataset.db" 'DROP INDEX ix_project_phases_end_date'
    run_phasemig verify "$WORK/m/dataset.db"
    same <(echo 1) "$WORK/status" && fails_only 8 &&
        grep -qx '  FAIL 8 the tables are declared as the application.s: 1 difference: project_phases has no index ix_project_phases_end_date' "$WORK/stdout"
}

# every kind of difference from the application's tables is named, the
# first five, then "...": here a table made anew with TEXT columns, an
# index too many, and no primary key, NOT NULL or CHECK; OUT (the
# directory) is verified as its one database
sqlite_schema_differences() {
    rm -rf "$WORK/m"
    "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/m" >/dev/null || return 1
    sqlite3 "$WORK/m/dataset.db" "CREATE TABLE x AS SELECT * FROM project_phases;
        DROP TABLE project_phases; CREATE TABLE project_phases AS SELECT * FROM x; DROP TABLE x;
        CREATE INDEX ix_other ON project_phases (name);" || return 1
    run_phasemig verify "$WORK/m"
    same <(echo 1) "$WORK/status" && fails_only 8 &&
        grep -qx '  FAIL 8 the tables are declared as the application.s: 33 differences: project_phases.project_id is TEXT, not CHAR(36), project_phases.project_id is not NOT NULL, project_phases.capital_budget is NUM, not NUMERIC(15, 2), project_phases.capital_budget is not NOT NULL, project_phases.expense_budget is NUM, not NUMERIC(15, 2), ...' "$WORK/stdout"
}

json_output() {
    run_phasemig verify --json --against fixtures/verify/original fixtures/verify/gap
    same <(echo 1) "$WORK/status" && grep -q '^  "ok": false,$' "$WORK/stdout" &&
        grep -q '"id": 6, "name": "phases cover each project.s dates exactly", "ok": false' "$WORK/stdout" &&
        [ "$(grep -c '"ok": true' "$WORK/stdout")" = 8 ]
}

# which checks each crafted dataset must fail (an assignment inside two
# phases needs two overlapping phases, so it fails 6 as well as 9; a
# project that only a phase names counts in the budgets, not as a project,
# and its assignment is in no phase)
declare -A MUST_FAIL=([good]="" [null-name]=1 [project-phase-id-left]=3
    [start-after-end]=4 [gap]=6 [overlap]=6 [not-covered]=6 [budget-off]=7 [in-two-phases]="6 9"
    [unlisted-project]=7)
for case in $(printf '%s\n' "${!MUST_FAIL[@]}" | sort); do
    # shellcheck disable=SC2086 # the list splits into ids on purpose
    expect "verify: $case (fails: ${MUST_FAIL[$case]:-none})" verify_case "$case" ${MUST_FAIL[$case]}
done
[ "$(ls fixtures/verify | grep -cv original)" = "${#MUST_FAIL[@]}" ] ||
    expect "verify: every fixtures/verify case is listed in MUST_FAIL" false
for fmt in csv csv.gz sqlite; do
    expect "verify: migrate's $fmt output passes every check" migrated_verifies "$fmt"
done
expect "verify: migrate's own check 9 agrees with verify run alone" own_check_agrees
expect "verify: a SQLite dataset without an index fails check 8 alone, naming it" sqlite_without_an_index
expect "verify: check 8 names the first five differences from the application's tables" sqlite_schema_differences
expect "verify: --json" json_output
expect "verify: usage error" usage_error "phasemig: verify: needs DATASET" verify

# Orphaned assignments are a WARN: exit 0, and 1 with --strict; the JSON
# says "status" beside "ok", and summary.json counts them by cause.
orphans_warn() {
    rm -rf "$WORK/gen" "$WORK/m" && "$GENDUMP" 2000 "$WORK/gen" >/dev/null || return 1
    run_phasemig migrate "$WORK/gen" "$WORK/m"
    same <(echo 0) "$WORK/status" || return 1
    # the WARN comes right after the headline numbers, before the moves
    sed -n '7,8p' "$WORK/stdout" | grep -q '^WARN [0-9]* assignments are orphaned (in no phase): [0-9]* dated before its project.s start, [0-9]* after its end, 0 in a project with no phase$' ||
        { sed -n '1,9p' "$WORK/stdout"; return 1; }
    # each cause in its own line of a project, with its own dates
    grep -q "^    [0-9]* assignments\? pointed at [A-Za-z]* but \(is\|are\) dated [0-9-]*\(\.\.[0-9-]*\)\?, before the project's start [0-9-]*: \(it falls\|they fall\) in no phase (orphaned)$" "$WORK/stdout" &&
        grep -q "^    [0-9]* assignments\? pointed at [A-Za-z]* but \(is\|are\) dated [0-9-]*\(\.\.[0-9-]*\)\?, after the project's end [0-9-]*: \(it falls\|they fall\) in no phase (orphaned)$" "$WORK/stdout" || return 1
    grep -q '"orphaned_by_cause": {"before_start": [0-9]*, "after_end": [0-9]*, "no_phase": 0, "between_phases": 0}}' "$WORK/m/summary.json" &&
        grep -q '"id": 9, [^}]*"ok": true, "status": "WARN"' "$WORK/m/summary.json" || return 1
    run_phasemig verify "$WORK/m"
    same <(echo 0) "$WORK/status" && tail -n 1 "$WORK/stdout" | grep -qx 'WARN: 0 of 9 checks fail, 1 warn' || return 1
    run_phasemig verify --strict "$WORK/m"
    same <(echo 1) "$WORK/status" &&
        tail -n 1 "$WORK/stdout" | grep -qx 'WARN: 0 of 9 checks fail, 1 warn (--strict: exit 1)' || return 1
    run_phasemig verify --json "$WORK/m"
    grep -q '^  "status": "WARN",$' "$WORK/stdout" || return 1
    rm -rf "$WORK/m"
    run_phasemig migrate --strict "$WORK/gen" "$WORK/m"
    same <(echo 1) "$WORK/status" && [ -f "$WORK/m/summary.json" ]
}

# strict_clean: --strict changes nothing where nothing warns
strict_clean() {
    run_phasemig verify --strict --against fixtures/verify/original fixtures/verify/good
    same <(echo 0) "$WORK/status" && tail -n 1 "$WORK/stdout" | grep -qx 'PASS: 0 of 9 checks fail'
}

# wrong_schema CMD DATASET MESSAGE: one line naming the schema and the
# command meant, exit 2, no check run, nothing written
wrong_schema() {
    local cmd=$1 dataset=$2 message=$3
    rm -rf "$WORK/ws" && mkdir "$WORK/ws"
    if [ "$cmd" = verify ]; then run_phasemig verify "$dataset"; else run_phasemig "$cmd" "$dataset" "$WORK/ws/out"; fi
    same <(echo 2) "$WORK/status" && same <(echo "$message") "$WORK/stderr" &&
        same /dev/null "$WORK/stdout" && nothing_left "$WORK/ws"
}

expect "verify: orphaned assignments are a WARN; --strict makes it exit 1" orphans_warn
expect "verify: --strict with nothing to warn of" strict_clean
expect "verify: an old-schema dataset is named, not checked" wrong_schema verify fixtures/planner-seed \
    "phasemig: fixtures/planner-seed: this dataset has phase_type and project_phase_id: it is in the old schema; use phasemig migrate"
expect "migrate: a new-schema dataset is named, not migrated" wrong_schema migrate fixtures/user-phases \
    "phasemig: fixtures/user-phases: this dataset has named, dated phases and no phase_type: it is in the new schema; use phasemig verify or phasemig rollback"
expect "rollback: an old-schema dataset is named, not rolled back" wrong_schema rollback fixtures/planner-seed \
    "phasemig: fixtures/planner-seed: this dataset has phase_type and no phase names or dates: it is in the old schema; use phasemig migrate"

expect "verify: a half-migrated dataset (phase_type beside the new columns) is named, not checked" \
    wrong_schema verify fixtures/bad/half-migrated "phasemig: fixtures/bad/half-migrated: this dataset is half-migrated: project_phases has phase_type and also name, start_date, end_date, description, as the application's migration 92023c163a26 leaves a SQLite database where it stops; migrate the copy from before the migration (the backup taken before it)"
expect "rollback: a half-migrated dataset is named, not rolled back" \
    wrong_schema rollback fixtures/bad/half-migrated "phasemig: fixtures/bad/half-migrated: this dataset is half-migrated: project_phases has phase_type and also name, start_date, end_date, description, as the application's migration 92023c163a26 leaves a SQLite database where it stops; migrate the copy from before the migration (the backup taken before it)"
