# reconcile: identical datasets; each kind of difference injected alone and
# found exactly once; values compared by type; other formats and column
# orders; migrate's output against its old-schema input shows exactly the
# schema changes.

# base: the seed migrated, as CSV, in $WORK/rb
reconcile_base() {
    rm -rf "$WORK/rb" "$WORK/ra"
    "$PHASEMIG" migrate fixtures/planner-seed "$WORK/rb" >/dev/null && rm "$WORK/rb/diff.csv" "$WORK/rb/summary.json" &&
        cp -r "$WORK/rb" "$WORK/ra"
}

# differs_once CHANGE FIELD: reconcile base vs $WORK/ra finds exactly one
# difference row, of that kind (and field), and exits 1
differs_once() {
    run_phasemig reconcile "$WORK/rb" "$WORK/ra"
    same <(echo 1) "$WORK/status" || return 1
    tail -n +2 "$WORK/stdout" >"$WORK/rows"
    [ "$(wc -l <"$WORK/rows")" = 1 ] || { cat "$WORK/rows"; return 1; }
    awk -F, -v c="$1" -v f="$2" '$3 == c && $4 == f' "$WORK/rows" | grep -q . || { cat "$WORK/rows"; return 1; }
}

identical() {
    reconcile_base || return 1
    run_phasemig reconcile "$WORK/rb" "$WORK/ra"
    same <(echo 0) "$WORK/status" && same <(echo "table,id,change,field,expected,actual") "$WORK/stdout" &&
        grep -q '^identical$' "$WORK/stderr"
}

missing_row() {
    reconcile_base && sed -i '5d' "$WORK/ra/resource_assignments.csv" && differs_once missing ""
}

extra_row() {
    reconcile_base && tail -n 1 "$WORK/ra/resource_assignments.csv" |
        sed 's/40000000-0000-4000-8000-000000000420/40000000-0000-4000-8000-000000000999/' >>"$WORK/ra/resource_assignments.csv" &&
        differs_once extra ""
}

changed_value() {
    reconcile_base && sed -i '2s/,75.00,/,76.00,/' "$WORK/ra/resource_assignments.csv" &&
        differs_once changed allocation_percentage &&
        grep -q '^resource_assignments,40000000-0000-4000-8000-000000000001,changed,allocation_percentage,75.00,76.00$' "$WORK/rows"
}

column_missing() {
    reconcile_base && "$CSVCOLS" "$WORK/rb/projects.csv" \
        program_id,name,business_sponsor,project_manager,technical_lead,start_date,end_date,cost_center_code,description,id,created_at \
        >"$WORK/ra/projects.csv" && differs_once column_missing updated_at
}

column_extra() {
    reconcile_base && sed -i '1s/$/,region/; 2,$s/$/,North/' "$WORK/ra/projects.csv" && differs_once column_extra region
}

null_is_not_empty() {
    reconcile_base && sed -i '2s/,$/,""/' "$WORK/ra/project_phases.csv" && differs_once changed description
}

equal_by_type() {  # 50000 = 50000.00; .5 = .500000; no fraction = .000000; ids in any case
    reconcile_base || return 1
    sed -i 's/,50000.00,/,50000,/' "$WORK/ra/project_phases.csv"
    sed -i '2s/09:00:00/09:00:00.5/g' "$WORK/rb/projects.csv"
    sed -i '2s/09:00:00/09:00:00.500000/g' "$WORK/ra/projects.csv"
    sed -i '2,$s/09:00:00/09:00:00.000000/g' "$WORK/ra/resource_assignments.csv"
    run_phasemig reconcile "$WORK/rb" "$WORK/ra"
    same <(echo 0) "$WORK/status" && same <(echo "table,id,change,field,expected,actual") "$WORK/stdout" || return 1
    # generated ids have hex letters: upper-case every id on one side
    rm -rf "$WORK/gen" "$WORK/gu" && "$GENDUMP" 2000 "$WORK/gen" && cp -r "$WORK/gen" "$WORK/gu" &&
        sed -i '2,$y/abcdef/ABCDEF/' "$WORK/gu/resource_assignments.csv" "$WORK/gu/project_phases.csv" || return 1
    grep -q '[A-F]' "$WORK/gu/resource_assignments.csv" || return 1
    run_phasemig reconcile "$WORK/gen" "$WORK/gu"
    same <(echo 0) "$WORK/status"
}

other_format_and_order() {
    reconcile_base || return 1
    rm -rf "$WORK/rs" && "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/rs" >/dev/null || return 1
    "$CSVCOLS" "$WORK/rb/resource_assignments.csv" \
        id,updated_at,created_at,expense_percentage,capital_percentage,allocation_percentage,assignment_date,project_id,resource_id \
        >"$WORK/ra/resource_assignments.csv"
    gzip "$WORK/ra/projects.csv"
    run_phasemig reconcile --out "$WORK/rdiff.csv" "$WORK/rs/dataset.db" "$WORK/ra"
    same <(echo 0) "$WORK/status" && same <(echo "table,id,change,field,expected,actual") "$WORK/rdiff.csv" &&
        grep -q '^identical$' "$WORK/stdout"
}

schema_changes_only() {
    reconcile_base || return 1
    run_phasemig reconcile --json fixtures/planner-seed "$WORK/rb"
    same <(echo 1) "$WORK/status" && same <(printf '%s\n' "table,id,change,field,expected,actual" \
        "project_phases,,column_missing,phase_type,," "project_phases,,column_extra,name,," \
        "project_phases,,column_extra,start_date,," "project_phases,,column_extra,end_date,," \
        "project_phases,,column_extra,description,," "resource_assignments,,column_missing,project_phase_id,,") \
        "$WORK/stdout" &&
        grep -q '"resource_assignments": {"expected": 420, "actual": 420, "matching": 420, "missing": 0, "extra": 0, "changed": 0, "changed_fields": 0, "column_missing": 1, "column_extra": 0}' "$WORK/stderr" &&
        grep -q '"projects_differing": \[\]' "$WORK/stderr"
}

per_project_totals() {
    reconcile_base && sed -i '2s/,50000.00,50000.00,100000.00,/,50000.00,50000.01,100000.01,/' "$WORK/ra/project_phases.csv" &&
        sed -i '3d' "$WORK/ra/resource_assignments.csv" || return 1
    run_phasemig reconcile --json "$WORK/rb" "$WORK/ra"
    same <(echo 1) "$WORK/status" &&
        grep -q '{"project_id": "10000000-0000-4000-8000-000000000001", "expected": {"capital": "350000.00", "expense": "250000.00", "total": "600000.00", "assignments": 180}, "actual": {"capital": "350000.00", "expense": "250000.01", "total": "600000.01", "assignments": 179}}' "$WORK/stderr"
}

# The differential test (issue 20): on generated pairs with differences
# injected into both sides (tests/mkdiffs.sh: values of every type changed
# or spelt otherwise, rows missing, extra, repeated, ids no UUID or empty),
# phasemig gives exactly the rows, summary and status of the reference
# implementation (build/reconcile-ref: the SQLite merge join it replaced),
# held in memory and with a budget of 1 and 5000 bytes, which force every
# table, or most, through the spill file (PHASEMIG_RECONCILE_BUDGET is a
# test-only setting).
RECONCILE_REF=$ROOT/build/reconcile-ref

# same_as_reference EXPECTED ACTUAL [OPTION...]
same_as_reference() {
    local e=$1 a=$2 b
    shift 2
    "$RECONCILE_REF" reconcile "$@" "$e" "$a" >"$WORK/ref.out" 2>"$WORK/ref.err"
    echo $? >>"$WORK/ref.err"
    [ "$(wc -l <"$WORK/ref.out")" -gt 20 ] || { echo "too few differences to show anything"; cat "$WORK/ref.out"; return 1; }
    for b in "" 1 5000; do
        PHASEMIG_RECONCILE_BUDGET=$b "$PHASEMIG" reconcile "$@" "$e" "$a" >"$WORK/new.out" 2>"$WORK/new.err"
        echo $? >>"$WORK/new.err"
        same "$WORK/ref.out" "$WORK/new.out" && same "$WORK/ref.err" "$WORK/new.err" || { echo "budget '$b'"; return 1; }
    done
}

# new schema: migrate's output, differences on both sides, one shuffled
differential_new_schema() {
    rm -rf "$WORK/dg" "$WORK/db" "$WORK/de" "$WORK/da" && "$GENDUMP" 4000 "$WORK/dg" >/dev/null &&
        "$PHASEMIG" migrate -q "$WORK/dg" "$WORK/db" && rm "$WORK/db/diff.csv" "$WORK/db/summary.json" "$WORK/db"/*.psql "$WORK/db"/*.html 2>/dev/null
    tests/mkdiffs.sh "$WORK/db" "$WORK/de" 1 && tests/mkdiffs.sh "$WORK/de" "$WORK/da" 2 shuffle || return 1
    same_as_reference "$WORK/de" "$WORK/da" --json && same_as_reference "$WORK/da" "$WORK/de" &&
        same_as_reference "$WORK/db" "$WORK/da" --json
}

# old schema, columns in another order on one side, gzip on the other
differential_columns_gzip() {
    rm -rf "$WORK/dg" "$WORK/de" "$WORK/da" && "$GENDUMP" 4000 "$WORK/dg" >/dev/null &&
        tests/mkdiffs.sh "$WORK/dg" "$WORK/de" 3 shuffle && tests/mkdiffs.sh "$WORK/dg" "$WORK/da" 4 || return 1
    "$CSVCOLS" "$WORK/da/resource_assignments.csv" \
        id,updated_at,created_at,expense_percentage,capital_percentage,allocation_percentage,assignment_date,project_phase_id,project_id,resource_id \
        >"$WORK/da/ra.csv" && mv "$WORK/da/ra.csv" "$WORK/da/resource_assignments.csv" &&
        gzip "$WORK/de/resource_assignments.csv" "$WORK/de/projects.csv" || return 1
    same_as_reference "$WORK/de" "$WORK/da" --json && same_as_reference "$WORK/da" "$WORK/de"
}

# SQLite against CSV: migrate's SQLite output against changed CSV
differential_sqlite() {
    rm -rf "$WORK/dg" "$WORK/ds" "$WORK/db" "$WORK/da" && "$GENDUMP" 4000 "$WORK/dg" >/dev/null &&
        "$PHASEMIG" migrate -q --format sqlite "$WORK/dg" "$WORK/ds" && "$PHASEMIG" migrate -q "$WORK/dg" "$WORK/db" || return 1
    rm "$WORK/db/diff.csv" "$WORK/db/summary.json" "$WORK/db"/*.psql "$WORK/db"/*.html 2>/dev/null
    tests/mkdiffs.sh "$WORK/db" "$WORK/da" 5 shuffle || return 1
    same_as_reference "$WORK/ds/dataset.db" "$WORK/da" --json && same_as_reference "$WORK/da" "$WORK/ds/dataset.db"
}

# identical sides, one shuffled: identical, also through the spill file
identical_shuffled() {
    rm -rf "$WORK/dg" "$WORK/da" && "$GENDUMP" 3000 "$WORK/dg" >/dev/null &&
        mkdir "$WORK/da" && for f in "$WORK/dg"/*.csv; do
            { head -n 1 "$f"; tail -n +2 "$f" | sort; } >"$WORK/da/$(basename "$f")"; done || return 1
    for b in "" 1; do
        PHASEMIG_RECONCILE_BUDGET=$b run_phasemig reconcile "$WORK/dg" "$WORK/da"
        same <(echo 0) "$WORK/status" && same <(echo "table,id,change,field,expected,actual") "$WORK/stdout" &&
            grep -q '^identical$' "$WORK/stderr" || { echo "budget '$b'"; return 1; }
    done
}

# both sides read at once, each with problems: all of them, expected's
# first, as if read one after the other (five runs, the same bytes), and
# no --out file
problems_of_both_sides_in_order() {
    rm -rf "$WORK/rp_e" "$WORK/rp_a" && cp -r fixtures/bad/ragged-row "$WORK/rp_e" &&
        cp -r fixtures/bad/ragged-row "$WORK/rp_a" || return 1
    local side i
    for i in 1 2 3 4 5; do
        run_phasemig reconcile --out "$WORK/rp.csv" "$WORK/rp_e" "$WORK/rp_a"
        same <(echo 2) "$WORK/status" && same /dev/null "$WORK/stdout" &&
            same <(for side in rp_e rp_a; do
                       echo "WORK/$side/projects.csv:3: column end_date: '': ragged row: 3 fields, the header has 4"
                       echo "WORK/$side/projects.csv:4: column #5: 'extra': ragged row: 5 fields, the header has 4"
                   done
                   echo "phasemig: 4 problems in the input; nothing written") "$WORK/stderr" &&
            [ ! -e "$WORK/rp.csv" ] || return 1
    done
}

expect "reconcile: identical datasets" identical
expect "reconcile: a missing row, found once" missing_row
expect "reconcile: an extra row, found once" extra_row
expect "reconcile: a changed value, found once" changed_value
expect "reconcile: a missing column, found once" column_missing
expect "reconcile: an extra column, found once" column_extra
expect "reconcile: NULL differs from ''" null_is_not_empty
expect "reconcile: values compared by type" equal_by_type
expect "reconcile: SQLite against gzip CSV in another column order" other_format_and_order
expect "reconcile: migrate's output against its input: the schema changes only" schema_changes_only
expect "reconcile: per-project budgets and assignment counts that differ" per_project_totals
expect "reconcile: both sides' problems, expected's first, though read at once" problems_of_both_sides_in_order
expect "reconcile: usage error" usage_error "phasemig: reconcile: needs EXPECTED and ACTUAL" reconcile x
expect "reconcile: new schema, both sides changed, one shuffled: the reference's rows, in memory and spilled" differential_new_schema
expect "reconcile: old schema, other column order, gzip: the reference's rows, in memory and spilled" differential_columns_gzip
expect "reconcile: SQLite against CSV: the reference's rows, in memory and spilled" differential_sqlite
expect "reconcile: the same rows in another order are identical, in memory and spilled" identical_shuffled
