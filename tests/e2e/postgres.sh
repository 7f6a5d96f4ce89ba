# PostgreSQL: the load.psql that migrate and rollback write, run by psql on
# a real, throwaway server, loads their CSV output into the tables of
# `phasemig schema --new` (rollback's: --old) in one transaction; the row
# counts are printed and right, every constraint holds, and the tables
# exported with \copy ... CSV HEADER give back what phasemig wrote, column
# by column by name, NULL and "" apart.
#
# The server is a throwaway one (tests/pg.sh), stopped and removed on every
# way out. Plain pass only: under SANITIZED=1 this file prints nothing and
# registers no test.
#
# Each load is checked twice: into the typed tables of the schema, and into
# a mirror of them in the schema `raw` (search_path=raw, the same
# load.psql) whose columns are all text, in the reverse order, after a
# serial `phasemig_ord`. The mirror, read back in load order, must be the
# file: byte for byte (phasemig writes CSV as COPY does) and column by
# column by name (csvcols). The typed tables, exported ordered by id, must
# equal the mirror's values cast to the typed columns' types (so `100`
# loaded into NUMERIC(5,2) comes back as `100.00` on both sides, and an
# upper-case UUID lower-cased on both sides), and `phasemig reconcile`
# must find them identical to phasemig's output (values by type).

PG_PORT=54329
# shellcheck source=tests/pg.sh
. tests/pg.sh

# pg_load DB OUT [SEARCH_PATH]: runs OUT/load.psql as its comment says:
# in OUT, or, when $PG_ELSEWHERE names a directory, there with -v dir=OUT;
# status, stdout and stderr in $WORK/pg/load.{status,out,err}
pg_load() {
    local db=$1 out=$2 opts=
    [ -z "${3:-}" ] || opts="-c search_path=$3"
    if [ -n "${PG_ELSEWHERE:-}" ]; then
        (cd "$PG_ELSEWHERE" && env -u PGCLIENTENCODING -u PGSERVICE PGOPTIONS="$opts" PGHOST="$PG_DIR" \
            PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE="$db" psql -X -v "dir=$out" -f "$out/load.psql")
    else
        (cd "$out" && env -u PGCLIENTENCODING -u PGSERVICE PGOPTIONS="$opts" PGHOST="$PG_DIR" \
            PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE="$db" psql -X -f load.psql)
    fi >"$WORK/pg/load.out" 2>"$WORK/pg/load.err"
    echo $? >"$WORK/pg/load.status"
}

# pg_schema_dumped old|new: PostgreSQL makes of `phasemig schema --old`
# (--new) what fixtures/expected/schema/pg_dump-old.sql (-new) says: the
# application's three tables
pg_schema_dumped() {
    pg postgres -c "CREATE DATABASE ddl_$1" && "$PHASEMIG" schema "--$1" | pg "ddl_$1" &&
        same fixtures/expected/schema/pg_dump-"$1".sql <(pg_dump_schema "ddl_$1")
}

# header_cols FILE: the header's column names, one a line (plain names only)
header_cols() {
    local h
    h=$(head -n 1 "$1")
    case $h in *'"'*) echo "header_cols: $1: quoted header, not supported here" >&2; return 1 ;; esac
    tr , '\n' <<<"$h"
}

# table_file DIR TABLE: the table's CSV text (gzip inflated) as a path
table_file() {
    if [ -f "$1/$2.csv" ]; then echo "$1/$2.csv"; else
        gzip -dc "$1/$2.csv.gz" >"$WORK/pg/$2.inflated.csv" && echo "$WORK/pg/$2.inflated.csv"
    fi
}

# new_db DB SCHEMA_FLAG OUT [SQL]: a fresh database with `phasemig schema
# SCHEMA_FLAG` (SQL after it, to adapt the tables), and the text mirror of
# OUT's three files in the schema raw
new_db() {
    local db=$1 flag=$2 out=$3 sql=${4:-} t f cols c
    pg postgres -c "CREATE DATABASE $db" || return 1
    "$PHASEMIG" schema "$flag" >"$WORK/pg/schema.sql" && pg "$db" -f "$WORK/pg/schema.sql" || return 1
    [ -z "$sql" ] || pg "$db" -c "$sql" || return 1
    local mirror="CREATE SCHEMA raw;"
    for t in projects project_phases resource_assignments; do
        f=$(table_file "$out" "$t") && cols=$(header_cols "$f") || return 1
        mirror+=" CREATE TABLE raw.$t (phasemig_ord bigserial"
        while read -r c; do mirror+=", \"$c\" text"; done < <(tac <<<"$cols")
        mirror+=");"
    done
    pg "$db" -c "$mirror"
}

# rows_out OUT TABLE: rows.TABLE.out of OUT/summary.json
rows_out() {
    sed -n "s/.*\"$2\": {\"in\": [0-9]*, \"out\": \([0-9]*\).*/\1/p" "$1/summary.json"
}

# loaded DB OUT: load.psql of OUT, into the typed tables and into the text
# mirror; both commit, print each table's rows loaded and written, and hold
# them; every CHECK and foreign key holds when PostgreSQL checks it afresh
loaded() {
    local db=$1 out=$2 t n
    pg_load "$db" "$out"
    [ "$(cat "$WORK/pg/load.status")" = 0 ] || { echo "load.psql failed:"; cat "$WORK/pg/load.err"; return 1; }
    for t in projects project_phases resource_assignments; do
        n=$(rows_out "$out" "$t")
        [ -n "$n" ] || { echo "no rows.$t.out in $out/summary.json"; return 1; }
        grep -qx "load.psql: $t: $n rows loaded, phasemig wrote $n" "$WORK/pg/load.out" ||
            { echo "load.psql did not print $n rows for $t:"; cat "$WORK/pg/load.out"; return 1; }
        same <(echo "$n") <(pg "$db" -At -c "SELECT count(*) FROM public.$t") || return 1
    done
    # the text mirror: the same script, search_path=raw
    pg_load "$db" "$out" raw
    [ "$(cat "$WORK/pg/load.status")" = 0 ] || { echo "load.psql into raw failed:"; cat "$WORK/pg/load.err"; return 1; }
    # every CHECK and foreign key, dropped and added again: checked on every row now
    pg "$db" <<'SQL' || return 1
BEGIN;
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def
               FROM pg_constraint
              WHERE contype IN ('c', 'f') AND connamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s',
                       r.tbl, r.conname, r.conname, r.def);
    END LOOP;
END $$;
ROLLBACK;
SQL
}

# reconciles DB OUT: each table, exported, gives back OUT's file; and
# `phasemig reconcile` finds the exported tables identical to OUT
reconciles() {
    local db=$1 out=$2 t f plain casts rc=0
    rm -rf "$WORK/pg/export" && mkdir "$WORK/pg/export" || return 1
    for t in projects project_phases resource_assignments; do
        f=$(table_file "$out" "$t") || return 1
        # the mirror in load order: the file, byte for byte and by column name
        IFS=$'\t' read -r plain casts < <(pg "$db" -At -F $'\t' -c "
            SELECT string_agg(format('%I', r.attname), ',' ORDER BY r.attnum DESC),
                   string_agg(format('%I::%s', r.attname, format_type(p.atttypid, p.atttypmod)),
                              ',' ORDER BY r.attnum DESC)
              FROM pg_attribute r JOIN pg_attribute p ON p.attname = r.attname
             WHERE r.attrelid = 'raw.$t'::regclass AND p.attrelid = 'public.$t'::regclass
               AND r.attnum > 0 AND r.attname <> 'phasemig_ord' AND NOT p.attisdropped")
        [ -n "$casts" ] || { echo "$t: no columns"; return 1; }
        pg "$db" -c "\\copy (SELECT $plain FROM raw.$t ORDER BY phasemig_ord) TO '$WORK/pg/$t.raw.csv' CSV HEADER" ||
            return 1
        same <("$CSVCOLS" "$f" --like "$f") <("$CSVCOLS" "$WORK/pg/$t.raw.csv" --like "$f") || rc=1
        same "$f" "$WORK/pg/$t.raw.csv" || rc=1
        # the typed table against the file's values read as its columns' types
        pg "$db" -c "\\copy (SELECT $plain FROM public.$t ORDER BY id) TO '$WORK/pg/$t.typed.csv' CSV HEADER" \
            -c "\\copy (SELECT $casts FROM raw.$t ORDER BY id::uuid) TO '$WORK/pg/$t.cast.csv' CSV HEADER" ||
            return 1
        same "$WORK/pg/$t.cast.csv" "$WORK/pg/$t.typed.csv" || rc=1
        cp "$WORK/pg/$t.typed.csv" "$WORK/pg/export/$t.csv" || return 1
        # and every column of the file is in the table
        same <(header_cols "$f") <(head -n 1 "$WORK/pg/$t.typed.csv" | tr , '\n') || rc=1
    done
    "$PHASEMIG" reconcile "$out" "$WORK/pg/export" >"$WORK/pg/reconcile.out" 2>&1 ||
        { echo "phasemig reconcile $out EXPORT:"; head -20 "$WORK/pg/reconcile.out"; rc=1; }
    return $rc
}

# phasemig_to NAME ARGS...: phasemig ARGS, output in $WORK/pg/NAME (status 0 or 1)
phasemig_to() {
    local name=$1
    shift
    rm -rf "${WORK:?}/pg/$name"
    "$PHASEMIG" "$@" "$WORK/pg/$name" >/dev/null 2>"$WORK/pg/phasemig.err"
    local rc=$?
    [ "$rc" -le 1 ] || { cat "$WORK/pg/phasemig.err"; return 1; }
}

# edge-cases carries three columns the planner's tables do not have (a
# user's live tables that have them take them: here they are added), and
# one assignment holds "" in resource_id and created_at, which no uuid or
# timestamp column can hold: those two are text here, so that NULL and ""
# can be told apart on the way through PostgreSQL. It is no export of the
# application: it leaves out columns, and NULL, that the application's
# tables have NOT NULL; here those NOT NULLs are dropped (every CHECK, key
# and index stands).
EDGE_NULLS="DO \$\$ DECLARE c record; BEGIN
    FOR c IN SELECT attrelid::regclass AS t, attname FROM pg_attribute
              WHERE attrelid IN ('projects'::regclass, 'project_phases'::regclass,
                                 'resource_assignments'::regclass)
                AND attnum > 0 AND attnotnull AND attname <> 'id'
    LOOP EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP NOT NULL', c.t, c.attname); END LOOP;
END \$\$;"
EDGE_COLUMNS="ALTER TABLE projects ADD COLUMN region text;
ALTER TABLE project_phases ADD COLUMN cost_code text;
ALTER TABLE resource_assignments ADD COLUMN note text,
    ALTER COLUMN resource_id TYPE text, ALTER COLUMN created_at TYPE text;
$EDGE_NULLS"

case_load() { # DB SCHEMA_FLAG OUT [SQL]
    new_db "$1" "$2" "$3" "${4:-}" && loaded "$1" "$3"
}

pg_migrate_seed() {
    phasemig_to seed migrate fixtures/planner-seed && case_load seed --new "$WORK/pg/seed"
}

pg_new_schema_enforced() { # on the loaded seed: the checks bite, the indexes are there
    local bad
    for bad in "UPDATE project_phases SET end_date = start_date - 1" \
        "UPDATE project_phases SET capital_budget = -1" \
        "UPDATE project_phases SET total_budget = total_budget + 1" \
        "UPDATE resource_assignments SET capital_percentage = 100.01" \
        "DELETE FROM projects" \
        "UPDATE project_phases SET name = NULL" \
        "INSERT INTO project_phases SELECT * FROM project_phases LIMIT 1"; do
        if pg seed -c "$bad" 2>/dev/null; then echo "accepted: $bad"; return 1; fi
    done
    same <(printf '%s\n' ix_project_phases_end_date ix_project_phases_id \
        ix_project_phases_project_id ix_project_phases_start_date) \
        <(pg seed -At -c "SELECT indexname FROM pg_indexes WHERE tablename = 'project_phases'
                          AND indexname LIKE 'ix_%' ORDER BY 1") &&
        same <(printf '%s\n' check_accounting_split check_allocation_percentage check_budget_sum \
            check_capital_budget_positive check_capital_percentage check_expense_budget_positive \
            check_expense_percentage check_phase_dates check_project_dates \
            check_total_budget_positive project_phases_project_id_fkey \
            resource_assignments_project_id_fkey) \
            <(pg seed -At -c "SELECT conname FROM pg_constraint WHERE contype IN ('c', 'f')
                              AND connamespace = 'public'::regnamespace ORDER BY 1")
}

pg_migrate_edge() {
    phasemig_to edge migrate fixtures/edge-cases && case_load edge --new "$WORK/pg/edge" "$EDGE_COLUMNS" ||
        return 1
    # NULL and "" apart in the tables themselves: (NULL, "") per column
    same <(printf '%s\n' 'region 1 1' 'description 1 1' 'cost_code 1 1' 'resource_id 1 1' \
        'created_at 1 1' 'note 1 0') <(pg edge -At -F ' ' -c "
        SELECT 'region', count(*) FILTER (WHERE region IS NULL), count(*) FILTER (WHERE region = '')
          FROM projects
        UNION ALL SELECT 'description', count(*) FILTER (WHERE description IS NULL),
               count(*) FILTER (WHERE description = '') FROM projects
        UNION ALL SELECT 'cost_code', count(*) FILTER (WHERE cost_code IS NULL),
               count(*) FILTER (WHERE cost_code = '') FROM project_phases
        UNION ALL SELECT 'resource_id', count(*) FILTER (WHERE resource_id IS NULL),
               count(*) FILTER (WHERE resource_id = '') FROM resource_assignments
        UNION ALL SELECT 'created_at', count(*) FILTER (WHERE created_at IS NULL),
               count(*) FILTER (WHERE created_at = '') FROM resource_assignments
        UNION ALL SELECT 'note', count(*) FILTER (WHERE note IS NULL),
               count(*) FILTER (WHERE note = '') FROM resource_assignments")
}

pg_one_transaction() { # the third \copy fails: the first two are undone too
    new_db whole --new "$WORK/pg/edge" "ALTER TABLE projects ADD COLUMN region text;
        ALTER TABLE project_phases ADD COLUMN cost_code text; $EDGE_NULLS" || return 1
    pg_load whole "$WORK/pg/edge"
    same <(echo 3) "$WORK/pg/load.status" &&
        grep -q 'column "note" of relation "resource_assignments" does not exist' "$WORK/pg/load.err" &&
        grep -qx 'COPY 6' "$WORK/pg/load.out" && grep -qx 'COPY 8' "$WORK/pg/load.out" &&
        same <(echo 0) <(pg whole -At -c "SELECT (SELECT count(*) FROM projects)
            + (SELECT count(*) FROM project_phases) + (SELECT count(*) FROM resource_assignments)")
}

pg_counts_guarded() { # a file that lost its last row: nothing loaded
    rm -rf "$WORK/pg/short" && cp -r "$WORK/pg/seed" "$WORK/pg/short" &&
        sed -i '$d' "$WORK/pg/short/resource_assignments.csv" && new_db short --new "$WORK/pg/short" ||
        return 1
    pg_load short "$WORK/pg/short"
    same <(echo 3) "$WORK/pg/load.status" &&
        grep -qx 'load.psql: resource_assignments: 419 rows loaded, phasemig wrote 420' "$WORK/pg/load.out" &&
        grep -q 'the files do not hold the rows phasemig wrote: nothing loaded' "$WORK/pg/load.err" &&
        same <(echo 0) <(pg short -At -c "SELECT count(*) FROM projects")
}

pg_migrate_gz_elsewhere() { # csv.gz through gzip -dc; run from elsewhere with -v dir=
    phasemig_to "gz out" migrate --format csv.gz fixtures/planner-seed || return 1
    [ ! -e "$WORK/pg/gz out/projects.csv" ] && grep -q "FROM PROGRAM 'gzip -dc projects.csv.gz'" \
        "$WORK/pg/gz out/load.psql" || { echo "not a gzip load.psql"; return 1; }
    mkdir -p "$WORK/pg/elsewhere" && new_db gz --new "$WORK/pg/gz out" || return 1
    PG_ELSEWHERE=$WORK/pg/elsewhere loaded gz "$WORK/pg/gz out" && reconciles gz "$WORK/pg/gz out"
}

pg_generated() {
    rm -rf "$WORK/pg/gen" && "$GENDUMP" 100000 "$WORK/pg/gen" >/dev/null &&
        phasemig_to gen-new migrate "$WORK/pg/gen" && case_load gen_new --new "$WORK/pg/gen-new"
}

pg_rollback_seed() {
    phasemig_to seed-old rollback "$WORK/pg/seed" && case_load seed_old --old "$WORK/pg/seed-old"
}

pg_rollback_generated() {
    phasemig_to gen-old rollback "$WORK/pg/gen-new" && case_load gen_old --old "$WORK/pg/gen-old"
}

pg_rollback_edge() { # rejects the assignments of the project without phases, loads the rest
    phasemig_to edge-old rollback --rejects "$WORK/pg/edge-old.rejects" "$WORK/pg/edge" &&
        case_load edge_old --old "$WORK/pg/edge-old" "$EDGE_COLUMNS" &&
        same <(echo 11) <(pg edge_old -At -c "SELECT count(*) FROM resource_assignments")
}

pg_old_schema_enum() {
    same <(printf '%s\n' PLANNING EXECUTION) \
        <(pg seed_old -At -c "SELECT unnest(enum_range(NULL::phasetype))") &&
        same <(echo phasetype) <(pg seed_old -At -c "SELECT format_type(atttypid, atttypmod)
            FROM pg_attribute WHERE attrelid = 'project_phases'::regclass AND attname = 'phase_type'") &&
        ! pg seed_old -c "UPDATE project_phases SET phase_type = 'planning'" 2>/dev/null
}

pg_unnamable_column() { # a header name with a line break: a script that says so, loads nothing
    rm -rf "$WORK/pg/nl-in" && cp -r fixtures/planner-seed "$WORK/pg/nl-in" &&
        awk 'NR == 1 { print $0 ",\"odd" ; print "name\"" ; next } { print $0 ",x" }' \
            fixtures/planner-seed/projects.csv >"$WORK/pg/nl-in/projects.csv" &&
        phasemig_to nl migrate "$WORK/pg/nl-in" && pg postgres -c "CREATE DATABASE nl" &&
        "$PHASEMIG" schema --new | pg nl && pg nl -c 'ALTER TABLE projects ADD COLUMN "odd
name" text' || return 1
    pg_load nl "$WORK/pg/nl"
    same <(echo 3) "$WORK/pg/load.status" &&
        grep -q 'projects.csv has a column whose name is empty or holds a line break' "$WORK/pg/load.err" &&
        same <(echo 0) <(pg nl -At -c "SELECT count(*) FROM projects")
}

no_psql_for_sqlite() {
    rm -rf "$WORK/pg/sq" && "$PHASEMIG" migrate --format sqlite fixtures/planner-seed "$WORK/pg/sq" >/dev/null &&
        [ -f "$WORK/pg/sq/dataset.db" ] && [ ! -e "$WORK/pg/sq/load.psql" ]
}

if [ -z "${SANITIZED:-}" ]; then
    mkdir -p "$WORK/pg"
    expect "schema: --old prints docs/schema-old.sql" same <("$PHASEMIG" schema --old) docs/schema-old.sql
    expect "schema: --new prints docs/schema-new.sql" same <("$PHASEMIG" schema --new) docs/schema-new.sql
    expect "postgres: --format sqlite writes no load.psql" no_psql_for_sqlite

    if pg_server_begin postgres; then
        expect "postgres: the old schema, as PostgreSQL dumps it, is the application's three tables" \
            pg_schema_dumped old
        expect "postgres: the new schema, as PostgreSQL dumps it, is the application's three tables" \
            pg_schema_dumped new
        expect "postgres: migrate planner-seed: load.psql loads the new schema, counts and constraints hold" pg_migrate_seed
        expect "postgres: migrate planner-seed: the tables give back the files" reconciles seed "$WORK/pg/seed"
        expect "postgres: the new schema's checks, foreign keys and date indexes bite" pg_new_schema_enforced
        expect "postgres: migrate edge-cases: loads (NULL and \"\" apart, extra columns by name)" pg_migrate_edge
        expect "postgres: migrate edge-cases: the tables give back the files" reconciles edge "$WORK/pg/edge"
        expect "postgres: one transaction: a failing \\copy undoes the others" pg_one_transaction
        expect "postgres: a file with rows missing loads nothing" pg_counts_guarded
        expect "postgres: a column name psql cannot spell: load.psql says so, loads nothing" pg_unnamable_column
        expect "postgres: csv.gz through gzip -dc, run elsewhere with -v dir=" pg_migrate_gz_elsewhere
        expect "postgres: migrate 100000 generated assignments: loads" pg_generated
        expect "postgres: migrate 100000 generated assignments: the tables give back the files" \
            reconciles gen_new "$WORK/pg/gen-new"
        expect "postgres: rollback planner-seed: load.psql loads the old schema" pg_rollback_seed
        expect "postgres: rollback planner-seed: the tables give back the files" reconciles seed_old "$WORK/pg/seed-old"
        expect "postgres: the old schema's phase_type is the enum phasetype" pg_old_schema_enum
        expect "postgres: rollback --rejects edge-cases: loads the old schema" pg_rollback_edge
        expect "postgres: rollback edge-cases: the tables give back the files" reconciles edge_old "$WORK/pg/edge-old"
        expect "postgres: rollback of the generated dump: loads the old schema" pg_rollback_generated
        expect "postgres: rollback of the generated dump: the tables give back the files" \
            reconciles gen_old "$WORK/pg/gen-old"
    fi
    pg_server_end
    rm -rf "${WORK:?}/pg"
fi
