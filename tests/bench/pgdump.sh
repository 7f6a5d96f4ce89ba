#!/usr/bin/env bash
# tests/bench/pgdump.sh DIR ARCHIVE: makes ARCHIVE, the pg_dump -Fc (gzip,
# the default) of the dataset of CSV files DIR, as the bench's input from
# a backup. A throwaway server as tests/e2e/pgdump.sh starts one (Debian's
# postgresql, initdb'd under /tmp, Unix socket only, run as postgres when
# we are root, stopped by a trap); the three tables in text columns, loaded
# with \copy in file order, beside a table that is not the planner's.
# Exit 1 (and why on stderr) if it cannot: the bench then goes on without
# the row.
set -u
dir=$1 archive=$2
port=54332
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bin=
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_dump" ] && { bin=$d; break; }
done
[ -n "$bin" ] || { echo "pgdump.sh: no PostgreSQL (make deps installs it)" >&2; exit 1; }
pg=$(mktemp -d /tmp/phasemig-bench-pg.XXXXXX)
stop() {
    [ -f "$pg/data/postmaster.pid" ] && as "$bin/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$pg"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
[ "$(id -u)" -ne 0 ] || chown postgres: "$pg"
as "$bin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$pg/log" 2>&1 &&
    as "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$pg' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { cat "$pg/log" "$pg/server.log" >&2; exit 1; }
pgsql() { env -u PGOPTIONS PGHOST="$pg" PGPORT=$port PGUSER=postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
pgsql -c "CREATE TABLE programs (id int, name text); INSERT INTO programs SELECT g, 'p' || g FROM generate_series(1, 1000) g" || exit 1
for t in projects project_phases resource_assignments; do
    cols=$(head -n 1 "$dir/$t.csv" | sed 's/^\xef\xbb\xbf//' | tr -d '\r')
    pgsql -c "CREATE TABLE $t (\"${cols//,/\" text, \"}\" text)" &&
        pgsql -c "\\copy $t FROM '$dir/$t.csv' CSV HEADER" || exit 1
done
env PGHOST="$pg" PGPORT=$port PGUSER=postgres "$bin/pg_dump" -d postgres -Fc -f "$archive.tmp" &&
    mv "$archive.tmp" "$archive"
