# apply.psql: migrate's and rollback's scripts, run by psql on a real,
# throwaway PostgreSQL (tests/pg.sh), against a planner database built as
# the application's is: the old schema's DDL (`phasemig schema --old`),
# the two tables outside the three that its keys name (programs,
# resources) with its two foreign keys to them, two tables that point at
# projects and resource_assignments as the application's actuals and
# scope_assignments do, with rows, and alembic_version at 976e6adbac6f.
#
# Forward: pg_dump -Fc of it, phasemig migrate of the dump, apply.psql on a
# restore: the schema, as pg_dump writes it, is that of the same database
# built with the new schema's DDL (what the application's migration makes,
# docs/contract.md "The real schema"); the three tables are phasemig's
# output (reconcile); the other tables keep their rows and keys. Back:
# rollback --against the first dump, its apply.psql on the migrated
# database: pg_dump of it equals the original's, schema and every row.
# Each refusal: psql's status 3, the message, and a pg_dump after that
# equals the one before. Plain pass only (SANITIZED=1: nothing here).

PG_PORT=54330
# shellcheck source=tests/pg.sh
. tests/pg.sh

AP=$WORK/ap

# ap_dump_all DB: pg_dump of DB, schema and rows (plain, in its order)
ap_dump_all() {
    env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" PGPORT="$PG_PORT" \
        PGUSER=postgres pg_dump --no-owner -d "$1" | grep -v '^\\\(un\)\?restrict '
}

# ap_pg_dump DB FILE [ARGS]: pg_dump -Fc of DB to FILE
ap_pg_dump() {
    local db=$1 file=$2
    shift 2
    env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" PGPORT="$PG_PORT" \
        PGUSER=postgres pg_dump -Fc -d "$db" -f "$file" "$@"
}

# ap_restore DUMP DB: a new database DB restored from DUMP
ap_restore() {
    pg postgres -c "CREATE DATABASE $2" &&
        env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" PGPORT="$PG_PORT" \
            PGUSER=postgres pg_restore --exit-on-error -d "$2" "$1"
}

# ap_rows DB: every table's rows, each table sorted, as text
ap_rows() {
    local t
    for t in $(pg "$1" -At -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public'
                               ORDER BY 1"); do
        echo "== $t"
        pg "$1" -At -c "SELECT x::text FROM $t x ORDER BY 1"
    done
}

# ap_build DB old|new [DATASET]: the planner database at the schema's
# revision, with DATASET's rows (an old-schema CSV directory) and rows in
# the tables that point at them
ap_build() {
    local db=$1 flag=$2 data=${3:-} revision=976e6adbac6f
    [ "$flag" = old ] || revision=92023c163a26
    pg postgres -c "CREATE DATABASE $db" || return 1
    {
        echo "CREATE TABLE programs (id uuid PRIMARY KEY);"
        echo "CREATE TABLE resources (id uuid PRIMARY KEY);"
        "$PHASEMIG" schema "--$flag" || return 1
        echo "ALTER TABLE projects ADD CONSTRAINT projects_program_id_fkey"
        echo "    FOREIGN KEY (program_id) REFERENCES programs (id);"
        echo "ALTER TABLE resource_assignments ADD CONSTRAINT resource_assignments_resource_id_fkey"
        echo "    FOREIGN KEY (resource_id) REFERENCES resources (id);"
        echo "CREATE TABLE actuals (id uuid PRIMARY KEY,"
        echo "    project_id uuid NOT NULL REFERENCES projects (id),"
        echo "    resource_assignment_id uuid REFERENCES resource_assignments (id), hours numeric(5,2));"
        echo "CREATE TABLE scope_assignments (id uuid PRIMARY KEY, project_id uuid REFERENCES projects (id));"
        echo "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,"
        echo "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
        echo "INSERT INTO alembic_version VALUES ('$revision');"
        [ -z "$data" ] || echo "CREATE TEMP TABLE p (LIKE projects); CREATE TEMP TABLE a (LIKE resource_assignments);"
    } >"$AP/$db.sql" || return 1
    [ -z "$data" ] || cat >>"$AP/$db.sql" <<EOF
\\copy p FROM '$data/projects.csv' CSV HEADER
\\copy a FROM '$data/resource_assignments.csv' CSV HEADER
INSERT INTO programs SELECT DISTINCT program_id FROM p;
INSERT INTO resources SELECT DISTINCT resource_id FROM a;
INSERT INTO projects SELECT * FROM p;
\\copy project_phases FROM '$data/project_phases.csv' CSV HEADER
INSERT INTO resource_assignments SELECT * FROM a;
INSERT INTO actuals SELECT md5('actual' || id)::uuid, project_id, id, 8
    FROM resource_assignments ORDER BY id LIMIT 40;
INSERT INTO actuals SELECT md5('unlinked' || id)::uuid, id, NULL, 4 FROM projects;
INSERT INTO scope_assignments SELECT md5('scope' || id)::uuid, id FROM projects;
EOF
    pg "$db" -f "$AP/$db.sql"
}

# ap_apply DB DIR [ARGS]: DIR/apply.psql on DB as its comment says, from
# elsewhere with -v dir=DIR; status, stdout and stderr in $AP/apply.*
ap_apply() {
    local db=$1 dir=$2
    shift 2
    (cd "$AP/elsewhere" && env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" \
        PGPORT="$PG_PORT" PGUSER=postgres psql -X -v ON_ERROR_STOP=1 -d "$db" -v "dir=$dir" \
        -f "$dir/apply.psql" "$@") >"$AP/apply.out" 2>"$AP/apply.err"
    echo $? >"$AP/apply.status"
}

# ap_applies DB DIR LINE: apply.psql succeeds and says LINE last
ap_applies() {
    ap_apply "$1" "$2"
    same <(echo 0) "$AP/apply.status" || { cat "$AP/apply.err"; return 1; }
    same <(echo "$3") <(tail -n 1 "$AP/apply.out")
}

# ap_refuses DB DIR MESSAGE: apply.psql stops with status 3 and MESSAGE,
# and DB is as it was (pg_dump before = after)
ap_refuses() {
    ap_dump_all "$1" >"$AP/before.sql" || return 1
    ap_apply "$1" "$2"
    same <(echo 3) "$AP/apply.status" || return 1
    grep -qF "ERROR:  apply.psql: $3" "$AP/apply.err" || { echo "not said: $3"; cat "$AP/apply.err"; return 1; }
    same "$AP/before.sql" <(ap_dump_all "$1")
}

# ap_export DB DIR: the three tables of DB as CSV files in DIR
ap_export() {
    local t
    rm -rf "$2" && mkdir -p "$2" || return 1
    for t in projects project_phases resource_assignments; do
        pg "$1" -c "\\copy (SELECT * FROM $t) TO '$2/$t.csv' CSV HEADER" || return 1
    done
}

ap_setup() {
    ap_build orig old fixtures/planner-seed && ap_build fresh_new new &&
        ap_pg_dump orig "$AP/backup.dump" &&
        "$PHASEMIG" migrate -q "$AP/backup.dump" "$AP/out" &&
        "$PHASEMIG" migrate -q --format csv.gz "$AP/backup.dump" "$AP/out-gz" &&
        [ -f "$AP/out/apply.psql" ] && [ -f "$AP/out-gz/apply.psql" ]
}

ap_forward() {
    ap_restore "$AP/backup.dump" fwd &&
        ap_applies fwd "$AP/out" "apply.psql: the database is at revision 92023c163a26: 8 named and dated phases (Execution 5, Planning 3), 420 assignments"
}

ap_forward_schema() { # as the database built with the new schema's DDL
    same <(pg_dump_schema fresh_new) <(pg_dump_schema fwd)
}

ap_forward_rows() { # the three tables are phasemig's output; the others as they were
    ap_export fwd "$AP/fwd-export" && "$PHASEMIG" reconcile "$AP/out" "$AP/fwd-export" >/dev/null &&
        for t in actuals scope_assignments programs resources; do
            same <(pg orig -At -c "SELECT x::text FROM $t x ORDER BY 1") \
                <(pg fwd -At -c "SELECT x::text FROM $t x ORDER BY 1") || return 1
        done &&
        same <(echo 92023c163a26) <(pg fwd -At -c "SELECT version_num FROM alembic_version")
}

ap_forward_gz() {
    ap_restore "$AP/backup.dump" fwd_gz &&
        ap_applies fwd_gz "$AP/out-gz" "apply.psql: the database is at revision 92023c163a26: 8 named and dated phases (Execution 5, Planning 3), 420 assignments" &&
        same <(ap_rows fwd) <(ap_rows fwd_gz) && same <(pg_dump_schema fwd) <(pg_dump_schema fwd_gz)
}

ap_back_against() { # the original, exactly: schema and every row
    ap_pg_dump fwd "$AP/migrated.dump" &&
        "$PHASEMIG" rollback -q --against "$AP/backup.dump" "$AP/migrated.dump" "$AP/back" &&
        ap_restore "$AP/migrated.dump" back &&
        ap_applies back "$AP/back" "apply.psql: the database is at revision 976e6adbac6f: 8 typed phases (EXECUTION 5, PLANNING 3), 420 assignments" &&
        same <(pg_dump_schema orig) <(pg_dump_schema back) && same <(ap_rows orig) <(ap_rows back)
}

ap_back_by_dates() { # links from dates: the 300 moved ones differ, all else is the original
    "$PHASEMIG" rollback -q "$AP/migrated.dump" "$AP/back-dates" && ap_restore "$AP/migrated.dump" back_dates &&
        ap_applies back_dates "$AP/back-dates" "apply.psql: the database is at revision 976e6adbac6f: 8 typed phases (EXECUTION 5, PLANNING 3), 420 assignments" &&
        same <(pg_dump_schema orig) <(pg_dump_schema back_dates) &&
        ap_export back_dates "$AP/back-dates-export" &&
        "$PHASEMIG" reconcile "$AP/back-dates" "$AP/back-dates-export" >/dev/null || return 1
    local links="SELECT id, project_phase_id FROM resource_assignments ORDER BY 1"
    same <(echo 300) <(join -t, <(pg orig -At -F, -c "$links") <(pg back_dates -At -F, -c "$links") |
        awk -F, '$2 != $3' | wc -l) &&
        same <(pg orig -At -c "SELECT count(*) FROM actuals") <(pg back_dates -At -c "SELECT count(*) FROM actuals")
}

# ap_guard NAME DUMP DIR SQL MESSAGE: on a restore of DUMP changed by SQL,
# DIR's apply.psql refuses with MESSAGE and changes nothing
ap_guard() {
    ap_restore "$2" "$1" && { [ -z "$4" ] || pg "$1" -c "$4"; } && ap_refuses "$1" "$3" "$5"
}

SEED_P1=10000000-0000-4000-8000-000000000001
SEED_F12=20000000-0000-4000-8000-000000000012

# rollback --rejects of a migrated database whose project lost its phases:
# its assignments have no link in BACK, and apply.psql names them
ap_back_unlinked() {
    ap_restore "$AP/migrated.dump" unlinked &&
        pg unlinked -c "DELETE FROM project_phases WHERE project_id = '$SEED_P1'" &&
        ap_pg_dump unlinked "$AP/unlinked.dump" || return 1
    "$PHASEMIG" rollback -q --rejects "$AP/unlinked.rejects" "$AP/unlinked.dump" "$AP/back-unlinked"
    [ $? = 1 ] || { echo "rollback --rejects: not status 1"; return 1; }
    ap_refuses unlinked "$AP/back-unlinked" "$(pg unlinked -At -c "SELECT count(*) FROM resource_assignments
        WHERE project_id = '$SEED_P1'") assignments of the database have no project_phase_id in resource_assignments.csv under their project: $(pg unlinked -At -c "
        SELECT string_agg(format('%s (project %s)', id, project_id), ', ') FROM (SELECT id, project_id
          FROM resource_assignments WHERE project_id = '$SEED_P1' ORDER BY id LIMIT 5) x"); phasemig could not roll them back (a project without phases has none to roll back to: see its rejects), or the database has changed since it was dumped; nothing changed"
}

# Text, column names and ids that could break a script: quotes, $$, a
# line break, psql meta-commands. apply.psql spells none of them: the run
# succeeds, forward and back, and no command of theirs ran.
ap_hostile() {
    ap_build hostile old fixtures/planner-seed && pg hostile <<'SQL' || return 1
ALTER TABLE projects ADD COLUMN "odd""$$\! touch PWNED1
name';" text;
UPDATE projects SET name = $x$it's $$ \! touch PWNED2 $phasemig$ "$x$ || E'\n\\! touch PWNED3',
       "odd""$$\! touch PWNED1
name';" = $x$'; \! touch PWNED4$x$;
UPDATE projects SET id = upper(id::text)::uuid;
SQL
    ap_pg_dump hostile "$AP/hostile.dump" && "$PHASEMIG" migrate -q "$AP/hostile.dump" "$AP/out-hostile" &&
        ap_restore "$AP/hostile.dump" hostile_fwd &&
        ap_applies hostile_fwd "$AP/out-hostile" "apply.psql: the database is at revision 92023c163a26: 8 named and dated phases (Execution 5, Planning 3), 420 assignments" &&
        ap_pg_dump hostile_fwd "$AP/hostile-migrated.dump" &&
        "$PHASEMIG" rollback -q --against "$AP/hostile.dump" "$AP/hostile-migrated.dump" "$AP/back-hostile" &&
        ap_applies hostile_fwd "$AP/back-hostile" "apply.psql: the database is at revision 976e6adbac6f: 8 typed phases (EXECUTION 5, PLANNING 3), 420 assignments" &&
        same <(ap_rows hostile) <(ap_rows hostile_fwd) || return 1
    local pwned
    pwned=$(find "$AP" "$ROOT" -maxdepth 2 -name 'PWNED*' 2>/dev/null)
    [ -z "$pwned" ] || { echo "a command of the data ran: $pwned"; return 1; }
    # and the text went through, as it was
    grep -qF 'PWNED4' "$AP/out-hostile/projects.csv" && grep -qF '\! touch PWNED3' "$AP/out-hostile/projects.csv"
}

if [ -z "${SANITIZED:-}" ]; then
    mkdir -p "$AP/elsewhere"
    if pg_server_begin apply; then
        expect "apply: the application's database at 976e6adbac6f, dumped; migrate of the dump" ap_setup
        expect "apply: migrate's apply.psql takes a restore of it to 92023c163a26" ap_forward
        expect "apply: its schema, as pg_dump writes it, is the new schema's (the application's migration's)" ap_forward_schema
        expect "apply: its three tables are migrate's output; the other tables keep their rows; the revision is set" ap_forward_rows
        expect "apply: from csv.gz output through gzip -dc, the same database" ap_forward_gz
        expect "apply: rollback --against's apply.psql gives back the original database, schema and every row" ap_back_against
        expect "apply: rollback's apply.psql without --against: the schema as it was, links from dates" ap_back_by_dates
        expect "apply: run twice, it refuses the second time" ap_refuses fwd "$AP/out" \
            "the database is at revision 92023c163a26 already: it is migrated (this script ran, or the application's migration did); nothing changed"
        expect "apply: refused: a database at another revision" ap_guard g_rev "$AP/backup.dump" "$AP/out" \
            "UPDATE alembic_version SET version_num = '540d8be25367'" \
            "the database is at revision 540d8be25367, not 976e6adbac6f: this script takes 976e6adbac6f to 92023c163a26; nothing changed"
        expect "apply: refused: a database without alembic_version" ap_guard g_noversion "$AP/backup.dump" "$AP/out" \
            "DROP TABLE alembic_version" \
            "the database has no table alembic_version: it is not a planner database at revision 976e6adbac6f (the application's Alembic migrations make one); nothing changed"
        expect "apply: refused: a project whose end_date changed since the dump" ap_guard g_project "$AP/backup.dump" "$AP/out" \
            "UPDATE projects SET end_date = end_date + 1 WHERE id = '$SEED_P1'" \
            "the database and projects.csv differ in 1 project: $SEED_P1 (one has it and the other not, or its start_date or end_date is another); the database is not the one phasemig read; nothing changed"
        expect "apply: refused: a phase whose type changed since the dump" ap_guard g_phase "$AP/backup.dump" "$AP/out" \
            "UPDATE project_phases SET phase_type = 'PLANNING' WHERE id = '$SEED_F12'" \
            "the database and project_phases.csv differ in 1 phase: $SEED_F12 (one has it and the other not, or its project_id or phase_type is another); the database is not the one phasemig read; nothing changed"
        expect "apply: refused: another number of assignments than the dump's (both said)" ap_guard g_count "$AP/backup.dump" "$AP/out" \
            "DELETE FROM actuals; DELETE FROM resource_assignments WHERE id = (SELECT id FROM resource_assignments ORDER BY id LIMIT 1)" \
            "the database has 419 assignments, the dataset phasemig read had 420: the database has changed since it was dumped (what phasemig said of it is stale); nothing changed"
        expect "apply: refused: .csv.gz output, a project the dump did not have" ap_guard g_gz "$AP/backup.dump" "$AP/out-gz" \
            "INSERT INTO projects SELECT program_id, name, business_sponsor, project_manager, technical_lead, start_date, end_date, 'CC-NEW', description, '10000000-0000-4000-8000-0000000000ff', created_at, updated_at FROM projects WHERE id = '$SEED_P1'" \
            "the database and projects.csv.gz differ in 1 project: 10000000-0000-4000-8000-0000000000ff (one has it and the other not, or its start_date or end_date is another); the database is not the one phasemig read; nothing changed"
        expect "apply: rollback's, refused: a database that is not migrated" ap_refuses orig "$AP/back" \
            "the database is at revision 976e6adbac6f already: it is not migrated (this script ran, or the application's downgrade did); nothing changed"
        expect "apply: rollback's, refused: a phase renamed since the dump (its type by name changed)" ap_guard g_renamed "$AP/migrated.dump" "$AP/back" \
            "UPDATE project_phases SET name = 'Build' WHERE id = '20000000-0000-4000-8000-000000000011'" \
            "the database and project_phases.csv differ in 1 phase: 20000000-0000-4000-8000-000000000011 (one has it and the other not, or its project_id or the type its name says is another); the database is not the one phasemig read; nothing changed"
        expect "apply: rollback's, refused: a trigger the rebuild would lose" ap_guard g_trigger "$AP/migrated.dump" "$AP/back" \
            "CREATE FUNCTION nop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
             CREATE TRIGGER t BEFORE UPDATE ON project_phases FOR EACH ROW EXECUTE FUNCTION nop()" \
            "project_phases or resource_assignments have triggers, which rebuilding them in the old layout would lose: take them off first, or restore the backup taken before the migration; nothing changed"
        expect "apply: rollback's, refused: assignments of a project without phases, named with it" ap_back_unlinked
        expect "apply: quotes, \$\$, line breaks and psql commands in text and column names: applied, run nothing" ap_hostile
    fi
    pg_server_end
fi
