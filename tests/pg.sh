# A throwaway PostgreSQL for the end-to-end tests (sourced by
# tests/e2e/postgres.sh and tests/e2e/apply.sh): Debian's postgresql
# package, initdb'd into a directory of its own under /tmp ($PG_DIR, made
# by the caller), listening only on a Unix socket there (port $PG_PORT in
# its name), run as the user postgres when we are root (it refuses root).
# The caller stops it on every way out (pg_stop in a trap). PostgreSQL
# missing is a failure, not a skip: `make deps` installs it.

# pg_as COMMAND...: a server command, as the unprivileged owner of the data
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_bin: the directory of the newest installed server's programs
pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
}

# pg_start: initdb and start a server in $PG_DIR (made by the caller: this
# runs in expect's subshell); says why not
pg_start() {
    if [ -z "${PG_BIN:-}" ] || ! command -v psql >/dev/null; then
        echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb or no psql):" \
            "'make deps' installs the Debian packages postgresql and postgresql-client"
        return 1
    fi
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR" || return 1; fi
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { cat "$PG_DIR/server.log"; return 1; }
}

# pg_stop: stops the server (if running) and removes its directory
pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    if [ -n "${PG_BIN:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$PG_DIR"
    PG_DIR=
}

# pg DB ARGS...: psql on database DB of the test server, no psqlrc, stop at
# the first error, nothing from the environment but what is set here
pg() {
    local db=$1
    shift
    env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" PGPORT="$PG_PORT" \
        PGUSER=postgres PGDATABASE="$db" psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# pg_dump_schema DB: the schema of DB as pg_dump writes it, without the
# lines that differ from one dump to the next (\restrict keys) or from one
# server to another (the versions)
pg_dump_schema() {
    env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PG_DIR" PGPORT="$PG_PORT" \
        PGUSER=postgres pg_dump --schema-only --no-owner -d "$1" |
        grep -v '^\\\(un\)\?restrict \|^-- Dumped from\|^-- Dumped by'
}


# pg_server_begin NAME: starts a server in a new $PG_DIR, as the test
# "NAME: a throwaway server starts", stopped on every way out (exit,
# error, INT, TERM, HUP); true when it runs. pg_server_end stops it and
# puts the traps back as they were.
pg_server_begin() {
    pg_saved_traps=$(trap -p EXIT INT TERM HUP)
    pg_prev_exit=
    eval "pg_prev_exit=$(trap -p EXIT | sed -e 's/^trap -- //' -e 's/ EXIT$//')"
    trap 'pg_stop; eval "$pg_prev_exit"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    PG_BIN=$(pg_bin)
    PG_DIR=$(mktemp -d /tmp/phasemig-pg.XXXXXX)
    expect "$1: a throwaway server starts (Unix socket only)" pg_start
    [ -f "$PG_DIR/data/postmaster.pid" ]
}

pg_server_end() {
    pg_stop
    trap - EXIT INT TERM HUP
    eval "$pg_saved_traps"
}
