# The same data in every input format gives byte-identical output, and the
# same input twice gives the same bytes (csv, csv.gz and sqlite output).

tables_and_diff() { # OUT_A OUT_B: the same tables, diff and summary
    local f rc=0
    for f in projects.csv project_phases.csv resource_assignments.csv diff.csv summary.json; do
        same "$1/$f" "$2/$f" || rc=1
    done
    return $rc
}

from_gzip() {
    rm -rf "$WORK/gz" "$WORK/a" "$WORK/b" && mkdir "$WORK/gz"
    local f
    for f in fixtures/planner-seed/*.csv; do gzip -c "$f" >"$WORK/gz/$(basename "$f")"; done
    "$PHASEMIG" migrate fixtures/planner-seed "$WORK/a" >/dev/null &&
        "$PHASEMIG" migrate "$WORK/gz" "$WORK/b" >/dev/null && tables_and_diff "$WORK/a" "$WORK/b"
}

from_multi_member_gzip() {
    rm -rf "$WORK/gz" "$WORK/a" "$WORK/b" && mkdir "$WORK/gz"
    cp fixtures/planner-seed/projects.csv fixtures/planner-seed/project_phases.csv "$WORK/gz/"
    local src=fixtures/planner-seed/resource_assignments.csv
    # three members, split mid-line, named .csv.gz
    { head -c 1000 "$src" | gzip -c; tail -c +1001 "$src" | head -c 30000 | gzip -c
      tail -c +31001 "$src" | gzip -c; } >"$WORK/gz/resource_assignments.csv.gz"
    "$PHASEMIG" migrate fixtures/planner-seed "$WORK/a" >/dev/null &&
        "$PHASEMIG" migrate "$WORK/gz" "$WORK/b" >/dev/null && tables_and_diff "$WORK/a" "$WORK/b"
}

from_sqlite() {
    rm -rf "$WORK/seed.db" "$WORK/a" "$WORK/b"
    seed_as_sqlite "$WORK/seed.db" || return 1
    [ "$(sqlite3 "$WORK/seed.db" "SELECT typeof(capital_budget) FROM project_phases LIMIT 1")" = integer ] || return 1
    "$PHASEMIG" migrate fixtures/planner-seed "$WORK/a" >/dev/null &&
        "$PHASEMIG" migrate "$WORK/seed.db" "$WORK/b" >/dev/null && tables_and_diff "$WORK/a" "$WORK/b"
}

# NULL and '' stay apart from SQLite input, as from CSV
sqlite_null_and_empty() {
    rm -rf "$WORK/ne.db" "$WORK/ne"
    sqlite3 "$WORK/ne.db" <<SQL
CREATE TABLE projects (id TEXT, name TEXT, start_date TEXT, end_date TEXT, note TEXT);
INSERT INTO projects VALUES ('10000000-0000-4000-8000-000000000001', NULL, '2024-01-01', '2024-01-31', '');
CREATE TABLE project_phases (id TEXT, project_id TEXT, phase_type TEXT, capital_budget NUMERIC,
  expense_budget NUMERIC, total_budget NUMERIC, note TEXT);
INSERT INTO project_phases VALUES ('20000000-0000-4000-8000-000000000001',
  '10000000-0000-4000-8000-000000000001', 'Execution', 0.1, 0.2, 0.3, NULL);
CREATE TABLE resource_assignments (id TEXT, project_id TEXT, project_phase_id TEXT,
  assignment_date TEXT, note TEXT);
INSERT INTO resource_assignments VALUES ('40000000-0000-4000-8000-000000000001',
  '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '2024-01-15', '');
INSERT INTO resource_assignments VALUES ('40000000-0000-4000-8000-000000000002',
  '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '2024-01-16', NULL);
SQL
    "$PHASEMIG" migrate "$WORK/ne.db" "$WORK/ne" >/dev/null || return 1
    same <(printf '%s\n' 'id,name,start_date,end_date,note' \
        '10000000-0000-4000-8000-000000000001,,2024-01-01,2024-01-31,""') "$WORK/ne/projects.csv" &&
    same <(printf '%s\n' 'id,project_id,capital_budget,expense_budget,total_budget,note,name,start_date,end_date,description' \
        '20000000-0000-4000-8000-000000000001,10000000-0000-4000-8000-000000000001,0.10,0.20,0.30,,Execution,2024-01-01,2024-01-31,') \
        "$WORK/ne/project_phases.csv" &&
    same <(printf '%s\n' 'id,project_id,assignment_date,note' \
        '40000000-0000-4000-8000-000000000001,10000000-0000-4000-8000-000000000001,2024-01-15,""' \
        '40000000-0000-4000-8000-000000000002,10000000-0000-4000-8000-000000000001,2024-01-16,') \
        "$WORK/ne/resource_assignments.csv"
}

gzip_output_is_the_csv() {
    rm -rf "$WORK/a" "$WORK/b"
    "$PHASEMIG" migrate fixtures/edge-cases "$WORK/a" >/dev/null
    "$PHASEMIG" migrate --format csv.gz fixtures/edge-cases "$WORK/b" >/dev/null
    local t rc=0
    for t in projects project_phases resource_assignments; do
        same "$WORK/a/$t.csv" <(gzip -dc "$WORK/b/$t.csv.gz") || rc=1
    done
    return $rc
}

sqlite_output_holds() {
    rm -rf "$WORK/s"
    "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/s" >/dev/null || return 1
    local db=$WORK/s/dataset.db
    [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || return 1
    [ "$(sqlite3 "$db" 'SELECT count(*) FROM resource_assignments')" = 420 ] || return 1
    # the checks are there: a phase ending before it starts, a negative budget
    ! sqlite3 "$db" "UPDATE project_phases SET end_date = '2000-01-01'" 2>/dev/null || return 1
    ! sqlite3 "$db" "UPDATE project_phases SET capital_budget = -1" 2>/dev/null || return 1
    ! sqlite3 "$db" "UPDATE resource_assignments SET resource_id = NULL" 2>/dev/null || return 1
    ! sqlite3 "$db" "UPDATE projects SET cost_center_code = 'CC-1'" 2>/dev/null || return 1
    # the application's indexes, its timestamps' six digits
    [ "$(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_project_phases%' ORDER BY name" | tr '\n' ' ')" = \
        "ix_project_phases_end_date ix_project_phases_id ix_project_phases_project_id ix_project_phases_start_date " ] &&
        [ "$(sqlite3 "$db" "SELECT DISTINCT created_at FROM resource_assignments")" = "2024-01-15 09:00:00.000000" ]
}

# a row the application's table does not take (NULL where it has NOT
# NULL): a clear error naming it, nothing written
sqlite_refuses_null() {
    rm -rf "$WORK/nn" && mkdir "$WORK/nn" || return 1
    run_phasemig migrate --format sqlite fixtures/edge-cases "$WORK/nn/out"
    fails_cleanly "$WORK/nn" "phasemig: WORK/nn/out.phasemig-XXXXXX/dataset.db: NOT NULL constraint failed: resource_assignments.resource_id, in fixtures/edge-cases/resource_assignments.csv line 3: the application's table does not take it (--format csv writes the dataset as it is)"
}

twice_same_bytes() {
    local fmt=$1
    rm -rf "$WORK/a" "$WORK/b"
    # edge-cases holds NULLs the application's SQLite tables do not take
    local input=fixtures/edge-cases
    [ "$fmt" = sqlite ] && input=fixtures/planner-seed
    "$PHASEMIG" migrate --format "$fmt" "$input" "$WORK/a" >/dev/null &&
        "$PHASEMIG" migrate --format "$fmt" "$input" "$WORK/b" >/dev/null && same_dir "$WORK/a" "$WORK/b"
}

# diff.csv of a generated dump (thousands of phases: a phases section of
# several hundred KB, held until the schema rows are all known): the schema
# rows first, then four rows per phase in the order of the output's
# project_phases.csv, with its name and dates, then the assignments.
diff_sections_in_order() {
    rm -rf "$WORK/gen" "$WORK/d" && "$GENDUMP" 200000 "$WORK/gen" >/dev/null &&
        "$PHASEMIG" migrate "$WORK/gen" "$WORK/d" >/dev/null || return 1
    awk -F, 'NR > 1 { s = $2 == "" ? 0 : $1 == "project_phases" ? 1 : 2
                      if (s < last) { print "section " s " after " last " on line " NR; exit 1 }
                      last = s }' "$WORK/d/diff.csv" || return 1
    "$CSVCOLS" "$WORK/d/project_phases.csv" id,name,start_date,end_date | tail -n +2 |
        awk -F, '{ print $1 ",name," $2; print $1 ",start_date," $3; print $1 ",end_date," $4 }' >"$WORK/want"
    awk -F, '$1 == "project_phases" && $2 != "" && $4 != "phase_type" { print $2 "," $4 "," $6 }' \
        "$WORK/d/diff.csv" >"$WORK/got"
    [ "$(wc -l <"$WORK/want")" -gt 3000 ] && same "$WORK/want" "$WORK/got"
}

# Columns the tool does not know are carried through (docs/formats.md), as
# many as there are: a projects.csv with 20 more columns (32 in all) comes
# out with all 32 in its header and in every row.
many_extra_columns() {
    rm -rf "$WORK/wide" "$WORK/wide-out" && cp -r fixtures/planner-seed "$WORK/wide" || return 1
    awk -F, -v OFS=, '{ for (i = 0; i < 20; i++) $(NF + 1) = (NR == 1 ? "extra" i : "v" i); print }' \
        fixtures/planner-seed/projects.csv >"$WORK/wide/projects.csv"
    "$PHASEMIG" migrate -q "$WORK/wide" "$WORK/wide-out" || return 1
    same <(head -n 1 "$WORK/wide/projects.csv") <(head -n 1 "$WORK/wide-out/projects.csv") &&
        same <(echo 32) <(awk -F, '{ print NF }' "$WORK/wide-out/projects.csv" | sort -u)
}

expect "formats: gzip input gives the same output as CSV" from_gzip
expect "formats: a multi-member gzip stream is read whole" from_multi_member_gzip
expect "formats: SQLite input (INTEGER money) gives the same output as CSV" from_sqlite
expect "formats: SQLite NULL and '' stay apart, REAL money gets two decimals" sqlite_null_and_empty
expect "formats: --format csv.gz holds the same bytes as csv" gzip_output_is_the_csv
# match's finding travels on the row, not in a column: an input column
# named as one it once added is data like any other, carried through
own_names_carried() {
    rm -rf "$WORK/own" "$WORK/own-out" && cp -r fixtures/planner-seed "$WORK/own" &&
        awk -F, 'BEGIN { OFS = "," } { print $0, (NR == 1 ? "phasemig:change" : "x" NR) }' \
            fixtures/planner-seed/resource_assignments.csv >"$WORK/own/resource_assignments.csv" &&
        "$PHASEMIG" migrate -q "$WORK/own" "$WORK/own-out" || return 1
    same <(head -n 1 "$WORK/own-out/resource_assignments.csv") \
        <(echo "resource_id,project_id,assignment_date,allocation_percentage,capital_percentage,expense_percentage,id,created_at,updated_at,phasemig:change") &&
        same <(cut -d, -f11 "$WORK/own/resource_assignments.csv") <(cut -d, -f10 "$WORK/own-out/resource_assignments.csv") &&
        rm -rf "$WORK/seed-out" && "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/seed-out" &&
        same "$WORK/seed-out/diff.csv" "$WORK/own-out/diff.csv"
}

expect "formats: a column named as one match once added (phasemig:change) is carried through" own_names_carried
expect "formats: --format sqlite has the application's checks, NOT NULLs, unique and indexes" sqlite_output_holds
expect "formats: --format sqlite: a NULL the application's table does not take is an error, nothing written" sqlite_refuses_null
expect "formats: 32 columns, 20 of them unknown, are all carried through" many_extra_columns
for fmt in csv csv.gz sqlite; do
    expect "determinism: two runs, same bytes ($fmt)" twice_same_bytes "$fmt"
done
expect "formats: diff.csv sections in order, every phase remapped as written" diff_sections_in_order
