# rollback: the round trip rollback(migrate(X)) equals X but for the
# project_phase_id of moved and orphaned assignments (fixtures and generated
# data); a project without phases is refused; every output format.

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
    rm -rf "$WORK/ms" "$WORK/mc" "$WORK/a" "$WORK/b"
    "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/ms" >/dev/null &&
        "$PHASEMIG" migrate fixtures/planner-seed "$WORK/mc" >/dev/null &&
        "$PHASEMIG" rollback "$WORK/ms/dataset.db" "$WORK/a" >/dev/null &&
        "$PHASEMIG" rollback "$WORK/mc" "$WORK/b" >/dev/null && same_dir "$WORK/a" "$WORK/b"
}

expect "rollback: round trip of the planner seed" round_trip fixtures/planner-seed
expect "rollback: round trip of 20000 generated assignments" generated_round_trip
expect "rollback: a project without phases is a problem, nothing written" refuses_project_without_phase
expect "rollback: --format csv.gz holds the same bytes as csv" gzip_output
expect "rollback: from SQLite the same as from CSV" from_sqlite_output
expect "rollback: usage error" usage_error "phasemig: rollback: needs IN and OUT (or --dry-run IN [OUT])" rollback x
