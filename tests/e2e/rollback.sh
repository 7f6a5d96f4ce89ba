# rollback: the round trip rollback(migrate(X)) equals X but for the
# project_phase_id of moved and orphaned assignments (fixtures and generated
# data); a project without phases is refused; every output format. With
# --against X it gives back X exactly, side by side or through the index on
# disk; the summary says where each link came from.

# round_trip X: X's tables come back, compared column by column by name
round_trip() {
    local x=$1 t
    rm -rf "$WORK/m" "$WORK/r"
    "$PHASEMIG" migrate "$x" "$WORK/m" >/dev/null && "$PHASEMIG" rollback "$WORK/m" "$WORK/r" >/dev/null ||
        return 1
    for t in projects project_phases; do
        same <("$CSVCOLS" "$x/$t.csv" --like "$x/$t.csv") <("$CSVCOLS" "$WORK/r/$t.csv" --like "$x/$t.csv") ||
            return 1
    done
    local ra=resource_assignments.csv others
    others=$("$CSVCOLS" "$x/$ra" --like "$x/$ra" | head -n 1 | tr , '\n' | grep -vx project_phase_id | paste -sd, -)
    same <("$CSVCOLS" "$x/$ra" "$others") <("$CSVCOLS" "$WORK/r/$ra" "$others") || return 1
    # which project_phase_ids changed, against what the diff says moved or orphaned
    paste -d, <("$CSVCOLS" "$x/$ra" id,project_phase_id) <("$CSVCOLS" "$WORK/r/$ra" project_phase_id) |
        awk -F, 'NR > 1 && $2 != $3 { print $1 }' | sort >"$WORK/changed"
    awk -F, '$1 == "resource_assignments" && $3 == "moved" { print $2 }' "$WORK/m/diff.csv" | sort >"$WORK/moved"
    awk -F, '$1 == "resource_assignments" && ($3 == "moved" || $3 == "orphaned") { print $2 }' \
        "$WORK/m/diff.csv" | sort >"$WORK/may_change"
    [ -s "$WORK/changed" ] || { echo "nothing changed: the test would prove nothing"; return 1; }
    same /dev/null <(comm -23 "$WORK/changed" "$WORK/may_change") &&   # changed only if moved/orphaned
        same /dev/null <(comm -23 "$WORK/moved" "$WORK/changed")          # every moved one changed
}

generated_round_trip() {
    rm -rf "$WORK/gen"
    "$GENDUMP" 20000 "$WORK/gen" && round_trip "$WORK/gen"
}

refuses_project_without_phase() {
    rm -rf "$WORK/m" "$WORK/rb" && mkdir "$WORK/rb"
    "$PHASEMIG" migrate fixtures/edge-cases "$WORK/m" >/dev/null 2>&1
    run_phasemig rollback "$WORK/m" "$WORK/rb/out"
    same <(echo 2) "$WORK/status" && same <(printf '%s\n' \
        "WORK/m/resource_assignments.csv:11: column project_id: '10000000-0000-4000-8000-000000000005': project has no phase to roll back to" \
        "phasemig: 1 problem in the input; nothing written") "$WORK/stderr" && nothing_left "$WORK/rb"
}

gzip_output() {
    rm -rf "$WORK/a" "$WORK/b"
    "$PHASEMIG" rollback fixtures/user-phases "$WORK/a" >/dev/null &&
        "$PHASEMIG" rollback --format csv.gz fixtures/user-phases "$WORK/b" >/dev/null || return 1
    local t
    for t in projects project_phases resource_assignments; do
        same "$WORK/a/$t.csv" <(gzip -dc "$WORK/b/$t.csv.gz") || return 1
    done
}

from_sqlite_output() { # migrate to SQLite, roll that back: the same as from CSV
    # (the SQLite file holds the timestamps with six digits, as the
    # application reads them there: the same instants)
    rm -rf "$WORK/ms" "$WORK/mc" "$WORK/a" "$WORK/b"
    "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/ms" >/dev/null &&
        "$PHASEMIG" migrate fixtures/planner-seed "$WORK/mc" >/dev/null &&
        "$PHASEMIG" rollback "$WORK/ms/dataset.db" "$WORK/a" >/dev/null &&
        "$PHASEMIG" rollback "$WORK/mc" "$WORK/b" >/dev/null || return 1
    local f
    for f in projects project_phases resource_assignments; do
        same <(sed 's/\(:[0-9][0-9]\)\.000000/\1/g' "$WORK/a/$f.csv") "$WORK/b/$f.csv" || return 1
    done
    "$PHASEMIG" reconcile "$WORK/a" "$WORK/b" >/dev/null
}

expect "rollback: round trip of the planner seed" round_trip fixtures/planner-seed
expect "rollback: round trip of 20000 generated assignments" generated_round_trip
expect "rollback: a project without phases is a problem, nothing written" refuses_project_without_phase
expect "rollback: --format csv.gz holds the same bytes as csv" gzip_output
expect "rollback: from SQLite the same as from CSV" from_sqlite_output
expect "rollback: usage error" usage_error "phasemig: rollback: needs IN and OUT (or --dry-run IN [OUT])" rollback x

# exact_round_trip X: rollback --against X of migrate X is X, byte for byte
exact_round_trip() {
    local x=$1 t
    rm -rf "$WORK/m" "$WORK/r"
    "$PHASEMIG" migrate -q "$x" "$WORK/m" && "$PHASEMIG" rollback -q --against "$x" "$WORK/m" "$WORK/r" || return 1
    for t in projects project_phases resource_assignments; do
        same "$x/$t.csv" "$WORK/r/$t.csv" || return 1
    done
    grep -q '"links": {"restored": [1-9][0-9]*, "by_date": 0, "by_first_phase_rule": 0, "derived_not_restored": 0}, "against": {"not_in_original": 0, "phase_gone": 0' "$WORK/r/summary.json"
}

generated_exact_round_trip() {
    rm -rf "$WORK/gen" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null && exact_round_trip "$WORK/gen"
}

# fixtures/edge-cases is written with a BOM, CRLF line ends and quotes no
# writer needs, which phasemig reads and writes as PostgreSQL does: its
# values, column order and phase_type spellings come back exactly.
edge_cases_round_trip() {
    local x=fixtures/edge-cases t
    rm -rf "$WORK/m" "$WORK/r"
    "$PHASEMIG" migrate -q "$x" "$WORK/m" 2>/dev/null
    "$PHASEMIG" rollback -q --against "$x" "$WORK/m" "$WORK/r" || return 1
    for t in projects project_phases resource_assignments; do
        same <(head -n 1 "$WORK/r/$t.csv") <("$CSVCOLS" "$x/$t.csv" --like "$x/$t.csv" | head -n 1) &&
            same <("$CSVCOLS" "$x/$t.csv" --like "$x/$t.csv") "$WORK/r/$t.csv" || return 1
    done
}

# ORIGINAL in another order than the dataset: the ids do not line up, so
# ORIGINAL is read again into the index on disk, and the result is the same
shuffled_original() {
    rm -rf "$WORK/gen" "$WORK/shuf" "$WORK/m" "$WORK/r" && mkdir "$WORK/shuf" &&
        "$GENDUMP" 20000 "$WORK/gen" >/dev/null || return 1
    cp "$WORK/gen/projects.csv" "$WORK/gen/project_phases.csv" "$WORK/shuf/"
    { head -n 1 "$WORK/gen/resource_assignments.csv"
        tail -n +2 "$WORK/gen/resource_assignments.csv" | sort -t, -k8; } >"$WORK/shuf/resource_assignments.csv"
    "$PHASEMIG" migrate -q "$WORK/gen" "$WORK/m" &&
        "$PHASEMIG" rollback -q --against "$WORK/shuf" "$WORK/m" "$WORK/r" || return 1
    same "$WORK/gen/resource_assignments.csv" "$WORK/r/resource_assignments.csv"
}

# What cannot be restored is derived and counted: assignments ORIGINAL does
# not have, and those whose phase is gone from the dataset.
partly_restored() {
    local x=fixtures/planner-seed gone=20000000-0000-4000-8000-000000000012
    rm -rf "$WORK/m" "$WORK/r" "$WORK/orig" && mkdir "$WORK/orig"
    "$PHASEMIG" migrate -q "$x" "$WORK/m" || return 1
    cp "$x/projects.csv" "$x/project_phases.csv" "$WORK/orig/"
    head -n 401 "$x/resource_assignments.csv" >"$WORK/orig/resource_assignments.csv"   # 20 left out
    grep -v ",$gone," "$WORK/m/project_phases.csv" >"$WORK/m/phases" && mv "$WORK/m/phases" "$WORK/m/project_phases.csv"
    local pointed
    pointed=$(head -n 401 "$x/resource_assignments.csv" | grep -c ",$gone,")
    run_phasemig rollback --against "$WORK/orig" "$WORK/m" "$WORK/r"
    same <(echo 0) "$WORK/status" &&
        grep -qx "  $((400 - pointed)) restored from WORK/orig: the id is there and its phase still is, in the same project" "$WORK/stdout" &&
        grep -qx "  of the $((20 + pointed)) derived, 20 were not in WORK/orig, $pointed had a phase that is gone" "$WORK/stdout" &&
        grep -q "^These $((20 + pointed)) links are derived, not restored" "$WORK/stdout"
}

# Without --against the summary says the links are derived, not restored
says_links_are_derived() {
    rm -rf "$WORK/m" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/m" || return 1
    run_phasemig rollback --dry-run "$WORK/m"
    same <(echo 0) "$WORK/status" &&
        grep -qx '  420 by date: the phase of its project that contains its date' "$WORK/stdout" &&
        grep -qx '  0 by the first-phase rule: no phase contains its date, so its project.s first phase' "$WORK/stdout" &&
        grep -q '^These 420 links are derived, not restored: .* rollback --against ORIGINAL (the export before the migration) restores the links it still can.$' "$WORK/stdout"
}

# --against a dataset that is not the old-schema export: exit 2, nothing written
against_new_schema() {
    rm -rf "$WORK/m" "$WORK/rb" && mkdir "$WORK/rb" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/m" || return 1
    run_phasemig rollback --against fixtures/user-phases "$WORK/m" "$WORK/rb/out"
    fails_cleanly "$WORK/rb" "phasemig: fixtures/user-phases: no phase_type column: --against takes the old-schema export from before the migration"
}

# --against a path that is not there: the input's problem, exit 2, nothing written
against_missing() {
    rm -rf "$WORK/m" "$WORK/rb" && mkdir "$WORK/rb" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/m" || return 1
    run_phasemig rollback --against "$WORK/nowhere" "$WORK/m" "$WORK/rb/out"
    fails_cleanly "$WORK/rb" "WORK/nowhere: cannot open: No such file or directory
phasemig: 1 problem in the input; nothing written"
}

# --strict: a link by the first-phase rule is a WARN, exit 1
strict_first_phase_rule() {
    rm -rf "$WORK/r" && run_phasemig rollback --strict fixtures/user-phases "$WORK/r"
    same <(echo 1) "$WORK/status" && grep -q '^  WARN 2 every assignment has a project_phase_id: 6 of 6 assignments (5 by date, 1 unmatched_to_first_phase)$' "$WORK/stdout"
}

expect "rollback: --against the seed gives back the seed exactly" exact_round_trip fixtures/planner-seed
expect "rollback: --against 20000 generated assignments gives them back exactly" generated_exact_round_trip
expect "rollback: --against edge-cases gives back every value, column order and spelling" edge_cases_round_trip
expect "rollback: --against an ORIGINAL in another order (the index on disk)" shuffled_original
expect "rollback: --against: what cannot be restored is derived and counted" partly_restored
expect "rollback: without --against the links are said to be derived" says_links_are_derived
expect "rollback: --against a new-schema dataset is refused" against_new_schema
expect "rollback: --against a path that is not there" against_missing
expect "rollback: --strict makes the first-phase rule's WARN exit 1" strict_first_phase_rule
expect "migrate: --against is not migrate's" usage_error "phasemig: migrate: --against is an option of rollback and verify" migrate --against x y z
