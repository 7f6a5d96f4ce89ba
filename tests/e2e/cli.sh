# The command-line contract: help, version, usage errors (exact stderr,
# exit 2), OUT handling (refuse, --force, empty OUT) and --dry-run.

version() {
    run_phasemig --version
    same <(echo 0) "$WORK/status" && same <(echo "phasemig 0.2.0") "$WORK/stdout"
}

help_lists_migrate() {
    run_phasemig --help
    same <(echo 0) "$WORK/status" && grep -q '^  migrate ' "$WORK/stdout"
}

migrate_help() {
    run_phasemig migrate --help
    same <(echo 0) "$WORK/status" && grep -q -- '--dry-run' "$WORK/stdout" &&
        grep -q -- '--format FMT' "$WORK/stdout"
}

refuses_non_empty_out() {
    rm -rf "$WORK/o" && mkdir "$WORK/o" && echo keep >"$WORK/o/file"
    run_phasemig migrate fixtures/planner-seed "$WORK/o"
    same <(echo 2) "$WORK/status" &&
        same <(echo "phasemig: WORK/o: exists and is not empty (--force replaces it)") "$WORK/stderr" &&
        same <(echo keep) "$WORK/o/file" && [ "$(ls -A "$WORK/o")" = file ] &&
        [ -z "$(ls -d "$WORK"/o.phasemig-* 2>/dev/null)" ]
}

force_replaces() {
    rm -rf "$WORK/o" && mkdir "$WORK/o" && echo old >"$WORK/o/file"
    run_phasemig migrate --force fixtures/planner-seed "$WORK/o"
    same <(echo 0) "$WORK/status" && [ ! -e "$WORK/o/file" ] && [ -f "$WORK/o/summary.json" ] &&
        [ -z "$(ls -d "$WORK"/o.phasemig-* 2>/dev/null)" ]
}

empty_out_is_fine() {
    rm -rf "$WORK/o" && mkdir "$WORK/o"
    run_phasemig migrate fixtures/planner-seed "$WORK/o"
    same <(echo 0) "$WORK/status" && [ -f "$WORK/o/resource_assignments.csv" ]
}

dry_run_writes_nothing() {
    rm -rf "$WORK/dry" && mkdir "$WORK/dry"
    (cd "$WORK/dry" && "$PHASEMIG" migrate --dry-run "$ROOT/fixtures/planner-seed" >../dry.out) || return 1
    nothing_left "$WORK/dry" && grep -q '^assignments  420: 120 kept, 300 moved, 0 orphaned' "$WORK/dry.out" &&
        grep -A1 '^Diff preview.*the real run writes every one to OUT/diff.csv):$' "$WORK/dry.out" |
        grep -qx 'table,id,change,field,before,after,project_id,assignment_date,before_phase,after_phase'
}

seed_story() { # the summary a person reads: who moves where
    run_phasemig migrate --dry-run fixtures/planner-seed
    same <(echo 0) "$WORK/status" &&
        grep -A1 '^  Mobile Application Development' "$WORK/stdout" |
        grep -qx '    180 assignments pointed at Execution but are dated 2024-02-01..2024-04-30, on or before the cut 2024-10-15: they now fall in Planning' &&
        grep -A1 '^  Cloud Migration Phase 1' "$WORK/stdout" |
        grep -qx '    120 assignments pointed at Execution but are dated 2024-07-01..2024-10-28, on or before the cut 2025-04-01: they now fall in Planning' &&
        grep -A1 '^  in all, over 2 projects:$' "$WORK/stdout" | grep -q '^    300 move from Execution to Planning$' &&
        grep -q '^phases       8 (Planning 3, Execution 5)$' "$WORK/stdout" &&
        grep -q 'total 2800000.00' "$WORK/stdout"
}

# the forms people type, end to end (tests/unit/test_options.c has the table)
short_version() { run_phasemig -V && same <(echo "phasemig 0.2.0") "$WORK/stdout"; }
version_command() { run_phasemig version && same <(echo "phasemig 0.2.0") "$WORK/stdout"; }
help_command() {
    run_phasemig help migrate
    same <(echo 0) "$WORK/status" && "$PHASEMIG" migrate --help | same - "$WORK/stdout"
}
equals_and_bundles() { # --format=sqlite and -qf, as GNU tools take them
    rm -rf "$WORK/o" && mkdir "$WORK/o" && echo old >"$WORK/o/file"
    run_phasemig migrate -qf --format=sqlite fixtures/planner-seed "$WORK/o"
    same <(echo 0) "$WORK/status" && same /dev/null "$WORK/stdout" && [ -f "$WORK/o/dataset.db" ] &&
        [ ! -e "$WORK/o/file" ]
}
double_dash() { # after --, "-n" is IN, not --dry-run
    rm -rf "$WORK/dd" && mkdir "$WORK/dd" && cp -r fixtures/planner-seed "$WORK/dd/-n" || return 1
    (cd "$WORK/dd" && "$PHASEMIG" migrate -q -- -n out) && [ -f "$WORK/dd/out/summary.json" ]
}
json_is_summary_json() { # --json: summary.json's object on stdout, the story on stderr
    rm -rf "$WORK/o"
    run_phasemig migrate --json fixtures/planner-seed "$WORK/o"
    same <(echo 0) "$WORK/status" && same "$WORK/o/summary.json" "$WORK/stdout.raw" &&
        grep -q '^assignments  420: 120 kept, 300 moved' "$WORK/stderr"
}
dry_run_json() { # the same object from a dry run, and nothing written
    rm -rf "$WORK/o" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/o" || return 1
    run_phasemig migrate -n --json fixtures/planner-seed
    same <(echo 0) "$WORK/status" && same "$WORK/o/summary.json" "$WORK/stdout.raw"
}
rollback_json() {
    rm -rf "$WORK/o" "$WORK/b" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/o" || return 1
    run_phasemig rollback --json "$WORK/o" "$WORK/b"
    same <(echo 0) "$WORK/status" && same "$WORK/b/summary.json" "$WORK/stdout.raw"
}
html_to_stdout() { # --html -: the report on stdout, the story on stderr
    run_phasemig migrate -n --html - fixtures/planner-seed
    same <(echo 0) "$WORK/status" && head -c 15 "$WORK/stdout" | grep -q '<!DOCTYPE html>' &&
        grep -q '^assignments  420' "$WORK/stderr"
}
rejects_to_stdout() { # --rejects -: the rejected rows on stdout, once, after the run
    rm -rf "$WORK/o"
    run_phasemig migrate --rejects - fixtures/bad/assignment-rules "$WORK/o"
    same <(echo 1) "$WORK/status" && head -n 1 "$WORK/stdout" | grep -q '^table,line,id,column,value,reason,raw$' &&
        [ "$(wc -l <"$WORK/stdout")" -gt 1 ] && grep -q 'the rows rejected are in stdout' "$WORK/stderr" &&
        [ -z "$(ls "${TMPDIR:-/tmp}"/phasemig-stdout.phasemig-* 2>/dev/null)" ]
}
schema_to_file() { # schema FILE writes it whole; - is stdout
    "$PHASEMIG" schema --new "$WORK/new.sql" && same docs/schema-new.sql "$WORK/new.sql" &&
        "$PHASEMIG" schema --old - | same docs/schema-old.sql -
}
reconcile_out_dash() { # --out - is stdout, as without --out
    "$PHASEMIG" reconcile --out - fixtures/planner-seed fixtures/edge-cases >"$WORK/a.csv" 2>/dev/null
    "$PHASEMIG" reconcile fixtures/planner-seed fixtures/edge-cases >"$WORK/b.csv" 2>/dev/null
    [ -s "$WORK/a.csv" ] && same "$WORK/a.csv" "$WORK/b.csv"
}
expect "cli: -V" short_version
expect "cli: phasemig version" version_command
expect "cli: phasemig help migrate is migrate --help" help_command
expect "cli: --format=sqlite and -qf" equals_and_bundles
expect "cli: -- ends the options" double_dash
expect "cli: migrate --json prints summary.json's object" json_is_summary_json
expect "cli: --dry-run --json prints the same numbers" dry_run_json
expect "cli: rollback --json prints summary.json's object" rollback_json
expect "cli: --html - is stdout" html_to_stdout
expect "cli: --rejects - is stdout" rejects_to_stdout
expect "cli: schema FILE and schema -" schema_to_file
expect "cli: reconcile --out - is stdout" reconcile_out_dash
expect "cli: --version" version
expect "cli: --help lists migrate" help_lists_migrate
expect "cli: migrate --help" migrate_help
expect "cli: no command" usage_error "phasemig: no command given"
expect "cli: unknown command" usage_error "phasemig: unknown command 'migrat' (did you mean migrate?)" migrat
expect "cli: unknown command, nothing close" usage_error "phasemig: unknown command 'frobnicate'" frobnicate
expect "cli: unknown option, did you mean" usage_error "phasemig: migrate: unknown option '--fromat=csv' (did you mean --format?)" migrate --fromat=csv a b
expect "cli: a flag given a value" usage_error "phasemig: migrate: --force takes no value" migrate --force=yes a b
expect "cli: an unknown short flag in a bundle" usage_error "phasemig: migrate: unknown option '-x'" migrate -qx a b
expect "cli: verify's usage error names verify --help" usage_error "phasemig: verify: needs DATASET" verify
expect "cli: reconcile's usage error names reconcile --help" usage_error "phasemig: reconcile: unknown option '--outt' (did you mean --out?)" reconcile --outt x a b
expect "cli: schema's usage error names schema --help" usage_error "phasemig: schema: --old or --new, not both" schema --old --new
expect "cli: OUT may not be -" usage_error "phasemig: migrate: OUT is a directory of tables, not '-' (--json prints the summary)" migrate a -
expect "cli: one stdout" usage_error "phasemig: migrate: only one of --json, --html - and --rejects - can have stdout" migrate --json --html - a b
expect "cli: migrate without OUT" usage_error "phasemig: migrate: needs IN and OUT (or --dry-run IN [OUT])" migrate fixtures/planner-seed
expect "cli: migrate with three paths" usage_error "phasemig: migrate: too many arguments" migrate a b c
expect "cli: unknown format" usage_error "phasemig: migrate: --format takes csv, csv.gz or sqlite, not 'xml'" migrate --format xml a b
expect "cli: --format without a value" usage_error "phasemig: migrate: --format needs a value" migrate a b --format
expect "cli: bad --max-errors" usage_error "phasemig: migrate: --max-errors takes a positive number, not '0'" migrate --max-errors 0 a b
expect "cli: unknown option" usage_error "phasemig: migrate: unknown option '--fast'" migrate --fast a b
expect "cli: a non-empty OUT is refused and left alone" refuses_non_empty_out
expect "cli: --force replaces a non-empty OUT" force_replaces
expect "cli: an empty OUT directory is used" empty_out_is_fine
expect "cli: --dry-run writes nothing" dry_run_writes_nothing

# a dry run names the files the real run writes as such: the rejects file,
# diff.csv (past 20 projects with changes), summary.json
dry_run_names_files_truly() {
    rm -rf "$WORK/gen" "$WORK/rj.csv" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null || return 1
    run_phasemig migrate --dry-run --rejects "$WORK/rj.csv" fixtures/bad/ragged-row
    same <(echo 1) "$WORK/status" && [ ! -e "$WORK/rj.csv" ] &&
        grep -qx 'phasemig: 2 problems; the real run writes the rows rejected to WORK/rj.csv' "$WORK/stderr" || return 1
    run_phasemig migrate --dry-run "$WORK/gen" "$WORK/out"
    grep -q '^  ... and [0-9]* more projects with changes (the real run writes every one to WORK/out/diff.csv, a row each)$' "$WORK/stdout" &&
        grep -q '^  ... and [0-9]* more projects where the policies differ (the real run lists them all in WORK/out/summary.json)$' "$WORK/stdout" &&
        grep -q '^Diff preview, the first rows of each section ([0-9]* rows in all; the real run writes every one to WORK/out/diff.csv):$' "$WORK/stdout" &&
        ! grep -q '(see diff.csv)\|(summary.json)' "$WORK/stdout"
}
expect "cli: a dry run says what the real run writes where it names a file" dry_run_names_files_truly
expect "cli: the seed's summary says 300 move from Execution to Planning" seed_story

# make install and uninstall: tests/e2e/packaging.sh
