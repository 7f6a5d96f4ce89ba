# The command-line contract: help, version, usage errors (exact stderr,
# exit 2), OUT handling (refuse, --force, empty OUT) and --dry-run.

version() {
    run_phasemig --version
    same <(echo 0) "$WORK/status" && same <(echo "phasemig 0.1.0") "$WORK/stdout"
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
        grep -q '^Diff preview' "$WORK/dry.out"
}

seed_story() { # the summary a person reads: who moves where
    run_phasemig migrate --dry-run fixtures/planner-seed
    same <(echo 0) "$WORK/status" &&
        grep -A1 '^  Mobile Application Development' "$WORK/stdout" | grep -q '180 move from Execution to Planning' &&
        grep -A1 '^  Cloud Migration Phase 1' "$WORK/stdout" | grep -q '120 move from Execution to Planning' &&
        grep -A1 '^  in all, over 2 projects:$' "$WORK/stdout" | grep -q '^    300 move from Execution to Planning$' &&
        grep -q '^phases       8 (Planning 3, Execution 5)$' "$WORK/stdout" &&
        grep -q 'total 2800000.00' "$WORK/stdout"
}

expect "cli: --version" version
expect "cli: --help lists migrate" help_lists_migrate
expect "cli: migrate --help" migrate_help
expect "cli: no command" usage_error "phasemig: no command given"
expect "cli: unknown command" usage_error "phasemig: unknown command 'migrat'" migrat
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
expect "cli: the seed's summary says 300 move from Execution to Planning" seed_story

make_install() {
    rm -rf "$WORK/inst"
    make --no-print-directory -s install DESTDIR="$WORK/inst" PREFIX=/opt/pm >/dev/null || return 1
    [ -x "$WORK/inst/opt/pm/bin/phasemig" ] && same docs/phasemig.1 "$WORK/inst/opt/pm/share/man/man1/phasemig.1" &&
        "$WORK/inst/opt/pm/bin/phasemig" --version | grep -q '^phasemig '
}

[ -z "${SANITIZED:-}" ] && expect "cli: make install DESTDIR= PREFIX=" make_install
