# The application's SQLite database (planner.db), migrated whole: its own
# migration cannot run on SQLite, so phasemig's copy is the migrated
# database. The database is made here without the application's code:
# phasemig's SQLite DDL of the three tables (`phasemig schema --old
# --sqlite`, the application's `.schema`, line for line), the tables
# outside them its keys name, two tables that point at them as actuals and
# scope_assignments do, alembic_version; the seed's rows stored as the
# application stores them (timestamps with six fractional digits, numbers
# by NUMERIC affinity: 50000.00 is the integer 50000), and one phase whose
# budgets its floating-point CHECK refuses (0.10 + 0.20 is not 0.30 there).
#
# migrate --format sqlite of it: OUT/planner.db is the database the same
# recipe makes at the new revision with migrate's rows (every table, each
# object of the schema, the storage classes), the input untouched; then
# rollback --against gives back the original. A half-migrated database,
# one whose revision contradicts its columns, one with a trigger on a
# table to be made anew, and one whose other table points at a rejected
# row are refused, nothing written. One instant written with 0 to 6
# fractional digits reads back the same by every route.

SQ=$WORK/sq

# sq_build DB old|new [DATASET]: the planner.db at the schema's revision,
# with DATASET's rows (a CSV directory in that schema) if given
sq_build() {
    local db=$1 flag=$2 data=${3:-} rev=976e6adbac6f
    [ "$flag" = old ] || rev=92023c163a26
    rm -f "$db"
    {
        echo "CREATE TABLE programs (id CHAR(36) NOT NULL, PRIMARY KEY (id));"
        echo "CREATE TABLE resources (id CHAR(36) NOT NULL, PRIMARY KEY (id));"
        "$PHASEMIG" schema "--$flag" --sqlite || return 1
        echo "CREATE TABLE actuals (id CHAR(36) NOT NULL, project_id CHAR(36) NOT NULL,"
        echo "    resource_assignment_id CHAR(36), hours NUMERIC(5, 2), PRIMARY KEY (id),"
        echo "    FOREIGN KEY(project_id) REFERENCES projects (id),"
        echo "    FOREIGN KEY(resource_assignment_id) REFERENCES resource_assignments (id));"
        echo "CREATE TABLE scope_assignments (id CHAR(36) NOT NULL, project_id CHAR(36),"
        echo "    PRIMARY KEY (id), FOREIGN KEY(project_id) REFERENCES projects (id));"
        echo "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        echo "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
        echo "INSERT INTO alembic_version VALUES ('$rev');"
    } >"$SQ/ddl.sql" && sqlite3 "$db" <"$SQ/ddl.sql" || return 1
    [ -n "$data" ] || return 0
    sq_rows "$db" "$data"
}

# sq_rows DB DATASET: DATASET's rows into DB's three tables, each column as
# the application stores it; the programs and resources they name; rows in
# actuals and scope_assignments that point at them
sq_rows() {
    local db=$1 data=$2 t
    local six="CASE WHEN %s GLOB '????-??-?? ??:??:??' THEN %s || '.000000' ELSE %s END"
    {
        echo "PRAGMA ignore_check_constraints = ON;"   # the floating-point CHECK's row goes in
        for t in projects project_phases resource_assignments; do
            echo ".import --csv $data/$t.csv in_$t"
        done
        echo "INSERT INTO programs SELECT DISTINCT program_id FROM in_projects;"
        echo "INSERT INTO resources SELECT DISTINCT resource_id FROM in_resource_assignments;"
        for t in projects project_phases resource_assignments; do
            local cols
            cols=$(head -n 1 "$data/$t.csv" | tr -d '\r')
            printf 'INSERT INTO %s (%s) SELECT ' "$t" "$cols"
            local c sep=
            # (.import reads an empty field as '': the seed's are NULLs)
            for c in ${cols//,/ }; do
                case $c in created_at | updated_at) printf "%s$six" "$sep" "$c" "$c" "$c" ;;
                    *) printf "%sNULLIF(%s, '')" "$sep" "$c" ;; esac
                sep=", "
            done
            echo " FROM in_$t;"
            echo "DROP TABLE in_$t;"
        done
        echo "INSERT INTO actuals SELECT 'a' || substr(id, 2), project_id, id, 8"
        echo "    FROM resource_assignments ORDER BY id LIMIT 40;"
        echo "INSERT INTO actuals SELECT 'b' || substr(id, 2), id, NULL, 4 FROM projects;"
        echo "INSERT INTO scope_assignments SELECT 's' || substr(id, 2), id FROM projects;"
    } >"$SQ/rows.sql" && sqlite3 "$db" <"$SQ/rows.sql"
}

# sq_same DB_A DB_B: the same objects (each CREATE, in any order) and, per
# table, the same rows with the same storage classes (.dump spells each
# value by its class), in any order
sq_same() {
    same <(sqlite3 "$1" .schema | sort) <(sqlite3 "$2" .schema | sort) || return 1
    local t
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"); do
        same <(sqlite3 "$1" ".dump $t" | grep '^INSERT' | sort) \
            <(sqlite3 "$2" ".dump $t" | grep '^INSERT' | sort) || { echo "table $t"; return 1; }
    done
}

# the original: the seed, and a project whose phase's budgets the CHECK
# refuses in floating point (held by the application's database all the same)
sq_setup() {
    rm -rf "$SQ" && mkdir -p "$SQ/elsewhere" && sq_build "$SQ/planner.db" old fixtures/planner-seed &&
        sqlite3 "$SQ/planner.db" "PRAGMA ignore_check_constraints = ON;
            INSERT INTO programs VALUES ('00000000-0000-4000-8000-000000000009');
            INSERT INTO projects VALUES ('00000000-0000-4000-8000-000000000009', 'Floats', 'S', 'M',
                'L', '2024-01-01', '2024-12-31', 'CC-F', NULL, '10000000-0000-4000-8000-0000000000f1',
                '2024-01-15 09:00:00.000000', '2024-01-15 09:00:00.000000');
            INSERT INTO project_phases VALUES ('10000000-0000-4000-8000-0000000000f1', 'PLANNING',
                '0.10', '0.20', '0.30', '20000000-0000-4000-8000-0000000000f1',
                '2024-01-15 09:00:00.000000', '2024-01-15 09:00:00.000000');
            INSERT INTO actuals VALUES ('b0000000-0000-4000-8000-0000000000f1',
                '10000000-0000-4000-8000-0000000000f1', NULL, 4);
            INSERT INTO scope_assignments VALUES ('s0000000-0000-4000-8000-0000000000f1',
                '10000000-0000-4000-8000-0000000000f1');" &&
        [ "$(sqlite3 "$SQ/planner.db" 'PRAGMA integrity_check')" = "CHECK constraint failed in project_phases" ] &&
        md5sum "$SQ/planner.db" >"$SQ/planner.md5"
}

sq_migrate_whole() {
    rm -rf "$SQ/out" "$SQ/out-csv"
    "$PHASEMIG" migrate -q --format sqlite "$SQ/planner.db" "$SQ/out" &&
        "$PHASEMIG" migrate -q "$SQ/planner.db" "$SQ/out-csv" &&
        same <(ls "$SQ/out") <(printf '%s\n' diff.csv planner.db report.html summary.json) &&
        md5sum -c --quiet "$SQ/planner.md5" || return 1
    # what it should be: the same recipe at the new revision, with migrate's rows
    sq_build "$SQ/expected.db" new "$SQ/out-csv" &&
        sq_same "$SQ/expected.db" "$SQ/out/planner.db" &&
        same <(sqlite3 "$SQ/planner.db" 'PRAGMA integrity_check') <(sqlite3 "$SQ/out/planner.db" 'PRAGMA integrity_check') &&
        [ -z "$(sqlite3 "$SQ/out/planner.db" 'PRAGMA foreign_key_check')" ]
}

sq_verify_whole() { # verify OUT finds the copy; its tables are the application's
    run_phasemig verify --against "$SQ/planner.db" "$SQ/out"
    same <(echo 0) "$WORK/status" &&
        grep -qx "  PASS 8 the tables are declared as the application's: columns, types, NOT NULLs, keys, indexes and CHECKs as the application's" "$WORK/stdout"
}

sq_back_whole() {
    rm -rf "$SQ/back"
    "$PHASEMIG" rollback -q --format sqlite --against "$SQ/planner.db" "$SQ/out/planner.db" "$SQ/back" &&
        sq_same "$SQ/planner.db" "$SQ/back/planner.db" &&
        same <(sqlite3 "$SQ/planner.db" 'PRAGMA integrity_check') <(sqlite3 "$SQ/back/planner.db" 'PRAGMA integrity_check')
}

# sq_refused NAME SQL MESSAGE: a copy of the original changed by SQL is
# refused with MESSAGE (the path shown as WORK/...), exit 2, nothing
# written, the input untouched
sq_refused() {
    local db=$SQ/$1.db
    cp "$SQ/planner.db" "$db" && sqlite3 "$db" "$2" && md5sum "$db" >"$SQ/$1.md5" &&
        rm -rf "$SQ/r" && mkdir "$SQ/r" || return 1
    run_phasemig migrate --format sqlite "$db" "$SQ/r/out"
    fails_cleanly "$SQ/r" "$3" && md5sum -c --quiet "$SQ/$1.md5"
}

# --rejects leaves an assignment out that actuals points at: the copy's
# foreign keys would not hold, so it is not written
sq_rejected_pointed_at() {
    local db=$SQ/pointed.db
    cp "$SQ/planner.db" "$db" && sqlite3 "$db" "PRAGMA ignore_check_constraints = ON;
        UPDATE resource_assignments SET capital_percentage = 70
         WHERE id = '40000000-0000-4000-8000-000000000001'" && rm -rf "$SQ/r" && mkdir "$SQ/r" ||
        return 1
    run_phasemig migrate -q --format sqlite --rejects "$SQ/rejects.csv" "$db" "$SQ/r/out"
    fails_cleanly "$SQ/r" "phasemig: WORK/sq/r/out.phasemig-XXXXXX/pointed.db: a foreign key of the copy does not hold: actuals row 1 refers to resource_assignments, which has no such row (phasemig left a row out of the three tables that another table refers to: see --rejects)" &&
        [ ! -e "$SQ/rejects.csv" ]
}

# one instant, 09:00:00, written with 0 to 6 fractional digits: CSV keeps
# the text, SQLite writes six digits, and reconcile finds the routes the same
sq_instant() {
    local d=$SQ/instant i=0 f
    rm -rf "$d" "$SQ/i-csv" "$SQ/i-sq" "$SQ/i-back" && cp -r fixtures/planner-seed "$d" || return 1
    awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
        { frac = (NR - 2) % 7; t = "2024-01-15 09:00:00"; if (frac > 0) t = t "." substr("000000", 1, frac);
          $9 = t; $10 = t; print }' fixtures/planner-seed/resource_assignments.csv >"$d/resource_assignments.csv" &&
        "$PHASEMIG" migrate -q "$d" "$SQ/i-csv" && "$PHASEMIG" migrate -q --format sqlite "$d" "$SQ/i-sq" ||
        return 1
    same <(cut -d, -f8 "$SQ/i-csv/resource_assignments.csv" | sort -u) \
        <(printf '%s\n' "2024-01-15 09:00:00" "2024-01-15 09:00:00.0" "2024-01-15 09:00:00.00" \
            "2024-01-15 09:00:00.000" "2024-01-15 09:00:00.0000" "2024-01-15 09:00:00.00000" \
            "2024-01-15 09:00:00.000000" created_at) &&
        same <(echo "2024-01-15 09:00:00.000000") \
            <(sqlite3 "$SQ/i-sq/dataset.db" "SELECT DISTINCT created_at FROM resource_assignments") &&
        "$PHASEMIG" reconcile "$SQ/i-csv" "$SQ/i-sq" >/dev/null &&
        "$PHASEMIG" rollback -q "$SQ/i-sq" "$SQ/i-back" && "$PHASEMIG" rollback -q "$SQ/i-csv" "$SQ/i-back2" &&
        "$PHASEMIG" reconcile "$SQ/i-back" "$SQ/i-back2" >/dev/null
}

expect "sqlite: the application's planner.db at 976e6adbac6f, made from phasemig's SQLite DDL" sq_setup
expect "sqlite: migrate --format sqlite copies it whole, migrated: every table, object and value as the new revision has it; the input untouched" sq_migrate_whole
expect "sqlite: verify finds OUT's copy: the application's tables, every check" sq_verify_whole
expect "sqlite: rollback --against of the copy gives back the original, every table and object" sq_back_whole
expect "sqlite: a half-migrated planner.db (where the application's migration stops) is named, nothing written" sq_refused half \
    "ALTER TABLE project_phases ADD COLUMN name VARCHAR(100); ALTER TABLE project_phases ADD COLUMN start_date DATE;
     ALTER TABLE project_phases ADD COLUMN end_date DATE; ALTER TABLE project_phases ADD COLUMN description VARCHAR(500);
     CREATE INDEX ix_project_phases_start_date ON project_phases (start_date);
     CREATE INDEX ix_project_phases_end_date ON project_phases (end_date);" \
    "phasemig: WORK/sq/half.db: this dataset is half-migrated: project_phases has phase_type and also name, start_date, end_date, description, as the application's migration 92023c163a26 leaves a SQLite database where it stops (alembic_version still says 976e6adbac6f); migrate the copy from before the migration (the backup taken before it)"
expect "sqlite: a revision its columns contradict is named, nothing written" sq_refused contradicted \
    "UPDATE alembic_version SET version_num = '92023c163a26'" \
    "phasemig: WORK/sq/contradicted.db: its alembic_version says 92023c163a26, but its tables are in the old schema (phase_type): no state the application's migrations make; use the copy from before the migration (the backup taken before it)"
expect "sqlite: a trigger on a table to be made anew is refused, nothing written" sq_refused trigger \
    "CREATE TRIGGER t AFTER UPDATE ON projects BEGIN SELECT 1; END" \
    "phasemig: WORK/sq/trigger.db: 1 trigger on projects, project_phases or resource_assignments, which making the tables anew would lose: take them off first"
expect "sqlite: --rejects leaving out a row another table points at: refused, nothing written" sq_rejected_pointed_at
expect "sqlite: one instant with 0 to 6 fractional digits reads back the same by every route" sq_instant
