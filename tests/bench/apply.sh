#!/usr/bin/env bash
# tests/bench/apply.sh DIR WORK: the apply scripts on a real planner
# database of the dataset of CSV files DIR (old schema), beside the time
# pg_restore takes to restore it. A throwaway server (tests/pg.sh, its
# directory under WORK, stopped by a trap); the database as the
# application has it (`phasemig
# schema --old`, the tables its keys name, alembic_version at
# 976e6adbac6f), dumped with pg_dump -Fc. Then, each timed (wall seconds:
# the work is the server's): pg_restore of the dump into a new database;
# migrate's apply.psql on it (phasemig migrate of the dump, untimed, made
# it); rollback --against's apply.psql back (the two tables rebuilt). Prints
# one line each, as tests/bench/run.sh's table does. Exit 1 (and why on
# stderr) if it cannot.
set -u
dir=$1 work=$2
phasemig=$PWD/phasemig
# shellcheck source=tests/pg.sh
. tests/pg.sh
PG_PORT=54333
PG_BIN=$(pg_bin)
[ -n "$PG_BIN" ] || { echo "apply.sh: no PostgreSQL (make deps installs it)" >&2; exit 1; }
mkdir -p "$work" && PG_DIR=$(mktemp -d "$work/pg.XXXXXX") && chmod 755 "$work" || exit 1
trap pg_stop EXIT
trap 'exit 130' INT TERM HUP
pg_start >&2 || exit 1
bin=$PG_BIN
pg=$PG_DIR port=$PG_PORT
export PGHOST=$pg PGPORT=$port PGUSER=postgres
unset PGOPTIONS PGSERVICE PGCLIENTENCODING
sql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
createdb planner || exit 1
{
    echo "CREATE TABLE programs (id uuid PRIMARY KEY); CREATE TABLE resources (id uuid PRIMARY KEY);"
    "$phasemig" schema --old
    echo "ALTER TABLE projects ADD CONSTRAINT projects_program_id_fkey FOREIGN KEY (program_id) REFERENCES programs (id);"
    echo "ALTER TABLE resource_assignments ADD CONSTRAINT resource_assignments_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES resources (id);"
    echo "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
    echo "INSERT INTO alembic_version VALUES ('976e6adbac6f');"
    echo "CREATE TEMP TABLE p (LIKE projects); CREATE TEMP TABLE a (LIKE resource_assignments);"
    echo "\\copy p FROM '$dir/projects.csv' CSV HEADER"
    echo "\\copy a FROM '$dir/resource_assignments.csv' CSV HEADER"
    echo "INSERT INTO programs SELECT DISTINCT program_id FROM p; INSERT INTO resources SELECT DISTINCT resource_id FROM a;"
    echo "INSERT INTO projects SELECT * FROM p;"
    echo "\\copy project_phases FROM '$dir/project_phases.csv' CSV HEADER"
    echo "INSERT INTO resource_assignments SELECT * FROM a;"
} >"$work/planner.sql" && sql -d planner -f "$work/planner.sql" &&
    "$bin/pg_dump" -Fc -d planner -f "$work/planner.dump" || exit 1
rm -rf "$work/out" "$work/back"
"$phasemig" migrate -q "$work/planner.dump" "$work/out" || exit 1
timed() { # NAME COMMAND...: one line, wall seconds
    local name=$1 start end
    shift
    start=$(date +%s.%N)
    "$@" >"$work/timed.out" 2>&1 || { echo "$name failed:" >&2; cat "$work/timed.out" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "%-28s %8.2f\n", n, e - s }'
}
createdb staging || exit 1
timed "pg_restore of the database" "$bin/pg_restore" -d staging "$work/planner.dump"
timed "apply.psql (migrate's)" sql -d staging -v dir="$work/out" -f "$work/out/apply.psql"
"$bin/pg_dump" -Fc -d staging -f "$work/migrated.dump" &&
    "$phasemig" rollback -q --against "$work/planner.dump" "$work/migrated.dump" "$work/back" || exit 1
timed "apply.psql (rollback's)" sql -d staging -v dir="$work/back" -f "$work/back/apply.psql"
rm -rf "$work/out" "$work/back" "$work/planner.dump" "$work/migrated.dump" "$work/planner.sql"
