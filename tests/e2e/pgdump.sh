# pg_dump archives as input (issue 19; docs/formats.md "pg_dump archives").
#
# Against the real pg_dump: a throwaway server, as tests/e2e/postgres.sh
# starts one (Debian's postgresql, initdb'd under /tmp, Unix socket only,
# run as postgres when we are root, stopped by a trap on every way out),
# holds three databases shaped like the planner's: the old schema
# (docs/schema-old.sql) with fixtures/planner-seed; fixtures/edge-cases in
# tables of text columns (its values break the typed schema on purpose:
# that is what they are for); and a generated dump of 100000 assignments,
# typed. Each also holds tables that are not the planner's, with data, a
# large object, and a copy of the three tables in another schema. Tables
# are loaded with \copy in file order into fresh tables, so the COPY data
# pg_dump writes comes in the order of a \copy ... TO export of the same
# table. Each database is dumped as -Fc, -Fc -Z0, -Fd, -Ft, -Fp, -Fp |
# gzip, -Fc --data-only and -Fc through a pipe (no data offsets); migrate
# of each must write exactly what migrate of the CSV export writes
# (report.html apart from its line naming the input).
#
# The handcrafted archives of fixtures/pgdump (tests/mkarchive.c: 1.13, 1.14,
# 1.15, 1.16 headers, gzip and none, with and without offsets) must give
# what fixtures/pgdump/csv gives, and the bad ones their exact message.
#
# Under SANITIZED=1 (the ASan binary) the server part runs on the seed
# only, in four archive kinds; the fixtures all run.

PGD_PORT=54331

pgd_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pgd_start: initdb and start the server in $PGD_DIR; says why not
pgd_start() {
    local d bin=
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_dump" ] && { bin=$d; break; }
    done
    if [ -z "$bin" ] || ! command -v psql >/dev/null; then
        echo "PostgreSQL is not installed: 'make deps' installs postgresql and postgresql-client"
        return 1
    fi
    echo "$bin" >"$PGD_DIR/bin"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PGD_DIR" || return 1; fi
    pgd_as "$bin/initdb" -D "$PGD_DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
        >"$PGD_DIR/initdb.log" 2>&1 || { cat "$PGD_DIR/initdb.log"; return 1; }
    pgd_as "$bin/pg_ctl" -D "$PGD_DIR/data" -l "$PGD_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PGD_DIR' -p $PGD_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { cat "$PGD_DIR/server.log"; return 1; }
}

pgd_stop() {
    [ -n "${PGD_DIR:-}" ] || return 0
    if [ -f "$PGD_DIR/data/postmaster.pid" ]; then
        pgd_as "$(cat "$PGD_DIR/bin")/pg_ctl" -D "$PGD_DIR/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$PGD_DIR"
    PGD_DIR=
}

# pgd_env COMMAND...: a client program against the test server
pgd_env() {
    env -u PGOPTIONS -u PGCLIENTENCODING -u PGSERVICE PGHOST="$PGD_DIR" PGPORT="$PGD_PORT" \
        PGUSER=postgres "$@"
}

# pgd DB ARGS...: psql on DB, stop at the first error
pgd() {
    local db=$1
    shift
    pgd_env psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# load_tables DB DIR TYPED: the three tables of DIR into DB, by the CSV
# header's column names, in file order; TYPED: into docs/schema-old.sql's
# tables, else into tables of text columns in the header's order
load_tables() {
    local db=$1 dir=$2 typed=$3 t cols
    for t in projects project_phases resource_assignments; do
        cols=$(head -n 1 "$dir/$t.csv" | sed 's/^\xef\xbb\xbf//' | tr -d '\r')
        if [ -z "$typed" ]; then
            pgd "$db" -c "CREATE TABLE public.$t (\"${cols//,/\" text, \"}\" text)" || return 1
        fi
        pgd "$db" -c "\\copy public.$t ($cols) FROM '$dir/$t.csv' CSV HEADER" || return 1
    done
}

# other_tables DB: what else a planner database holds: tables of its own
# with awkward text, a large object, and the three tables again in the
# schema `archive` (same rows, same order)
other_tables() {
    pgd "$1" <<'SQL'
CREATE TABLE public.programs (id int PRIMARY KEY, name text, notes text);
INSERT INTO public.programs
    SELECT g, 'program ' || g, E'tab\there\nnewline \\ back "q", é' FROM generate_series(1, 500) g;
CREATE TABLE public.resources (id uuid, name text);
INSERT INTO public.resources VALUES ('30000000-0000-4000-8000-000000000001', 'COPY public.projects (id) FROM stdin;');
SELECT lo_from_bytea(0, 'a large object, skipped');
CREATE SCHEMA archive;
CREATE TABLE archive.projects AS SELECT * FROM public.projects;
CREATE TABLE archive.project_phases AS SELECT * FROM public.project_phases;
CREATE TABLE archive.resource_assignments AS SELECT * FROM public.resource_assignments;
SQL
}

# EDGE_TEXT: rows for the edge-cases database whose text COPY must escape
# (tab, backslash, LF, CR, a backslash before N and before a dot), with
# quotes, commas, non-ASCII, a lone "\." value, and "" beside NULL
EDGE_TEXT="INSERT INTO public.projects (id, name, region, start_date, end_date, description) VALUES
 ('10000000-0000-4000-8000-0000000000e1', E'tab\\there', E'back\\\\slash \\\\N \\\\.', '2024-01-01', '2024-02-01',
  E'line\\nfeed and\\r\\ncrlf, \"quoted\", caf\u00e9 \u65e5\u672c'),
 ('10000000-0000-4000-8000-0000000000e2', '', NULL, '2024-01-01', '2024-02-01', E'\\\\.');
INSERT INTO public.resource_assignments (id, note, project_id, project_phase_id, assignment_date)
 VALUES ('40000000-0000-4000-8000-0000000000e1', E'a\\tb\\\\c\\nd\u00e9', '10000000-0000-4000-8000-000000000001',
  '20000000-0000-4000-8000-000000000011', '2024-03-01');"

# make_db DB DIR TYPED [SQL]: DB holding DIR's tables (then SQL run) and
# the others; their CSV export (what phasemig reads for comparison) in
# $WORK/pgd/DB.csv
make_db() {
    local db=$1 t
    pgd postgres -c "CREATE DATABASE $db" || return 1
    if [ -n "$3" ]; then pgd "$db" -f docs/schema-old.sql || return 1; fi
    load_tables "$db" "$2" "$3" || return 1
    if [ -n "${4:-}" ]; then pgd "$db" -c "$4" || return 1; fi
    other_tables "$db" || return 1
    mkdir -p "$WORK/pgd/$db.csv"
    for t in projects project_phases resource_assignments; do
        pgd "$db" -c "\\copy public.$t TO '$WORK/pgd/$db.csv/$t.csv' CSV HEADER" || return 1
    done
}

# dump_all DB [KINDS]: the archives of DB, $WORK/pgd/DB.KIND
dump_all() {
    local db=$1 kinds=${2:-"fc fc0 fd ft fp fpgz data piped"} k d=$WORK/pgd/$1 bin
    bin=$(cat "$PGD_DIR/bin")
    for k in $kinds; do
        case $k in
        fc) pgd_env "$bin/pg_dump" -d "$db" -Fc -f "$d.fc" ;;
        fc0) pgd_env "$bin/pg_dump" -d "$db" -Fc -Z0 -f "$d.fc0" ;;
        fd) rm -rf "$d.fd" && pgd_env "$bin/pg_dump" -d "$db" -Fd -f "$d.fd" ;;
        ft) pgd_env "$bin/pg_dump" -d "$db" -Ft -f "$d.ft" ;;
        fp) pgd_env "$bin/pg_dump" -d "$db" -Fp -f "$d.fp" ;;
        fpgz) pgd_env "$bin/pg_dump" -d "$db" -Fp | gzip >"$d.fpgz" ;;
        data) pgd_env "$bin/pg_dump" -d "$db" -Fc --data-only -f "$d.data" ;;
        piped) pgd_env "$bin/pg_dump" -d "$db" -Fc | cat >"$d.piped" ;;
        esac || return 1
    done
}

# same_migration REF OUT REF_IN IN: OUT (from IN) holds what REF (from
# REF_IN) holds, byte for byte; report.html names its input (and its
# size), so the lines that do are set aside, and must name IN
same_migration() {
    local ref=$1 out=$2 ref_in=$3 in=$4 rc=0 f
    diff <(cd "$ref" && ls -A) <(cd "$out" && ls -A) || return 1
    for f in "$ref"/*; do
        case $f in
        */report.html)
            same <(grep -vF "<code>$ref_in</code>" "$f") <(grep -vF "<code>$in</code>" "$out/report.html") || rc=1 ;;
        *) same "$f" "$out/$(basename "$f")" || rc=1 ;;
        esac
    done
    grep -qF "<code>$in</code>" "$out/report.html" || { echo "report.html does not name $in"; rc=1; }
    return $rc
}

# migrates_as_csv DB KIND [ARGS...]: migrate of the archive equals migrate
# of the CSV export (status too)
migrates_as_csv() {
    local db=$1 kind=$2 ref out=$WORK/pgd/$1.$2.out s1 s2
    shift 2
    ref=$WORK/pgd/$db.ref$(printf '%s' "$*" | tr -c 'a-z0-9' _)
    if [ ! -d "$ref" ]; then
        "$PHASEMIG" migrate "$@" "$WORK/pgd/$db.csv" "$ref" >/dev/null 2>"$WORK/pgd/ref.err"
        s1=$?
        [ "$s1" -le 1 ] || { cat "$WORK/pgd/ref.err"; return 1; }
        echo "$s1" >"$ref.status"
    fi
    rm -rf "$out"
    "$PHASEMIG" migrate "$@" "$WORK/pgd/$db.$kind" "$out" >/dev/null 2>"$WORK/pgd/err"
    s2=$?
    same "$ref.status" <(echo "$s2") || { cat "$WORK/pgd/err"; return 1; }
    same_migration "$ref" "$out" "$WORK/pgd/$db.csv" "$WORK/pgd/$db.$kind"
}

# rejects_as_csv DB KIND: --rejects lists the same problems as for the
# CSV export, positions apart (the line is the row's number in the COPY
# data, the raw text the COPY line)
rejects_as_csv() {
    local db=$1 kind=$2 cols=table,id,column,value,reason
    rm -rf "$WORK/pgd/rj.a" "$WORK/pgd/rj.b" "$WORK/pgd/rj.a.csv" "$WORK/pgd/rj.b.csv"
    "$PHASEMIG" migrate --rejects "$WORK/pgd/rj.a.csv" "$WORK/pgd/$db.csv" "$WORK/pgd/rj.a" >/dev/null 2>&1
    "$PHASEMIG" migrate --rejects "$WORK/pgd/rj.b.csv" "$WORK/pgd/$db.$kind" "$WORK/pgd/rj.b" >/dev/null 2>&1
    [ -s "$WORK/pgd/rj.a.csv" ] || { echo "no rejects from the CSV export"; return 1; }
    same <("$CSVCOLS" "$WORK/pgd/rj.a.csv" $cols) <("$CSVCOLS" "$WORK/pgd/rj.b.csv" $cols)
}

# schema_option DB: --schema archive reads the copy of the tables there
schema_option() {
    local out=$WORK/pgd/$1.schema.out
    rm -rf "$out"
    "$PHASEMIG" migrate --schema archive "$WORK/pgd/$1.fc" "$out" >/dev/null 2>&1
    [ $? -le 1 ] && same_migration "$WORK/pgd/$1.ref" "$out" "$WORK/pgd/$1.csv" "$WORK/pgd/$1.fc"
}

# fixture_as_csv VARIANT: a handcrafted archive migrates as its CSV
fixture_as_csv() {
    local ref=$WORK/pgd/fixture.ref out=$WORK/pgd/fixture.out
    [ -d "$ref" ] || "$PHASEMIG" migrate fixtures/pgdump/csv "$ref" >/dev/null || return 1
    rm -rf "$out"
    "$PHASEMIG" migrate "fixtures/pgdump/$1.dump" "$out" >/dev/null || return 1
    same_migration "$ref" "$out" fixtures/pgdump/csv "fixtures/pgdump/$1.dump"
}

# bad_archive IN EXPECTED_STDERR_FIRST_LINE: exit 2, that message,
# nothing written
bad_archive() {
    rm -rf "$WORK/pgd/bad" && mkdir "$WORK/pgd/bad"
    run_phasemig migrate "$1" "$WORK/pgd/bad/out"
    fails_cleanly "$WORK/pgd/bad" "$(printf '%s\n%s' "$2" "phasemig: 1 problem in the input; nothing written")"
}

# fixtures are regenerated byte for byte by tests/mkarchive.c
fixtures_regenerate() {
    local f v rc=0
    [ -x "$ROOT/build/mkarchive" ] || { echo "build/mkarchive is not built (make build/mkarchive)"; return 1; }
    for f in fixtures/pgdump/*.dump; do
        v=$(basename "$f" .dump)
        v=${v#bad-}
        [ "$v" = toc-truncated ] && continue
        "$ROOT/build/mkarchive" "$v" "$WORK/pgd/regen.dump" && cmp "$f" "$WORK/pgd/regen.dump" || rc=1
    done
    return $rc
}

# fd_missing_file: a -Fd archive whose assignments' data file is gone
fd_missing_file() {
    local d=$WORK/pgd/seed.fdbad n
    rm -rf "$d" && cp -r "$WORK/pgd/seed.fd" "$d" || return 1
    n=$(pgd_env "$(cat "$PGD_DIR/bin")/pg_restore" -l "$d" |
        sed -n 's/^\([0-9]*\); .* TABLE DATA public resource_assignments .*/\1/p')
    [ -n "$n" ] && rm "$d/$n.dat"* || return 1
    bad_archive "$d" "WORK/pgd/seed.fdbad: the table of contents names $n.dat for public.resource_assignments, and it is missing"
}

# fc_corrupt: bytes of a real -Fc archive changed nine tenths in, inside
# the deflate stream of public.resource_assignments (the largest table,
# dumped after the schema archive's copy of it). zlib may inflate some
# garbage before it sees the damage, so rows before it may be problems
# too: the run ends with 2 and writes nothing, and the damage is reported
# (shown with --max-errors 1 when it comes after the garbage rows' problems).
fc_corrupt() {
    local f=$WORK/pgd/gen.fcbad size
    cp "$WORK/pgd/gen.fc" "$f" && size=$(stat -c %s "$f") || return 1
    printf '\377\377\377\377' | dd of="$f" bs=1 seek=$((size * 9 / 10)) conv=notrunc status=none
    rm -rf "$WORK/pgd/bad" && mkdir "$WORK/pgd/bad"
    run_phasemig migrate "$f" "$WORK/pgd/bad/out"
    same <(echo 2) "$WORK/status" && nothing_left "$WORK/pgd/bad" &&
        grep -q 'problems* in the input; nothing written$' "$WORK/stderr" || { cat "$WORK/stderr"; return 1; }
}

mkdir -p "$WORK/pgd"
for v in 1.13-gzip 1.14-gzip 1.15-gzip 1.15-none 1.16-gzip 1.16-none 1.16-gzip-piped 1.15-none-piped; do
    expect "pgdump: handcrafted $v archive migrates as its CSV" fixture_as_csv "$v"
done
F=fixtures/pgdump
expect "pgdump: lz4 data is refused with the way out" bad_archive $F/bad-1.15-lz4.dump \
    "$F/bad-1.15-lz4.dump: table data compressed with lz4, which phasemig does not read; dump with pg_dump -Z gzip, or run pg_restore -f $F/bad-1.15-lz4.sql $F/bad-1.15-lz4.dump and migrate $F/bad-1.15-lz4.sql"
expect "pgdump: zstd data is refused with the way out" bad_archive $F/bad-1.16-zstd.dump \
    "$F/bad-1.16-zstd.dump: table data compressed with zstd, which phasemig does not read; dump with pg_dump -Z gzip, or run pg_restore -f $F/bad-1.16-zstd.sql $F/bad-1.16-zstd.dump and migrate $F/bad-1.16-zstd.sql"
expect "pgdump: an unknown archive version is refused, not guessed" bad_archive $F/bad-1.17-gzip.dump \
    "$F/bad-1.17-gzip.dump: archive version 1.17, which phasemig does not read (it reads 1.13 to 1.16, as pg_dump of PostgreSQL 11 to 17 writes them)"
expect "pgdump: an archive cut inside its table of contents" bad_archive $F/bad-toc-truncated.dump \
    "$F/bad-toc-truncated.dump: truncated archive: it ends inside its table of contents"
expect "pgdump: an archive cut inside a table's data" bad_archive $F/bad-1.16-gzip-truncated.dump \
    "$F/bad-1.16-gzip-truncated.dump[resource_assignments]: truncated archive: the data of resource_assignments ends early"
expect "pgdump: an archive without offsets cut inside a table's data" bad_archive $F/bad-1.16-gzip-piped-truncated.dump \
    "$F/bad-1.16-gzip-piped-truncated.dump[resource_assignments]: truncated archive: the data of resource_assignments ends early"
expect "pgdump: a corrupt deflate block" bad_archive $F/bad-1.16-gzip-corrupt.dump \
    "$F/bad-1.16-gzip-corrupt.dump[resource_assignments]: corrupt compressed data: invalid distance too far back"
expect "pgdump: a COPY line with a field too many is a ragged row, as in CSV" bad_archive $F/bad-1.16-none-ragged.dump \
    "$F/bad-1.16-none-ragged.dump[resource_assignments]:5: column #7: 'one too many': ragged row: 7 fields, the header has 6"
expect "pgdump: a backslash at the end of a COPY line is an invalid escape" bad_archive $F/bad-1.16-none-escape.dump \
    "$F/bad-1.16-none-escape.dump[resource_assignments]:5: column note: 'ends in \\\\': invalid escape: a backslash at the end of the line"
mkfifo "$WORK/pgd/fifo"
expect "pgdump: a pipe as IN is refused: the tables are read in several passes" bad_archive "$WORK/pgd/fifo" \
    "WORK/pgd/fifo: a pipe: phasemig reads its input more than once; save it to a file first"
if [ -z "${SANITIZED:-}" ]; then
    expect "pgdump: tests/mkarchive.c makes the fixtures byte for byte" fixtures_regenerate
fi

# the server: stopped on every way out (exit, error, INT, TERM, HUP)
pgd_prev_exit=
eval "pgd_prev_exit=$(trap -p EXIT | sed -e 's/^trap -- //' -e 's/ EXIT$//')"
trap 'pgd_stop; eval "$pgd_prev_exit"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
PGD_DIR=$(mktemp -d /tmp/phasemig-pgd.XXXXXX)
expect "pgdump: a throwaway server starts (Unix socket only)" pgd_start
if [ -f "$PGD_DIR/data/postmaster.pid" ]; then
    if [ -n "${SANITIZED:-}" ]; then
        expect "pgdump: the seed database" make_db seed fixtures/planner-seed typed
        expect "pgdump: pg_dump of the seed, four kinds" dump_all seed "fc fd ft piped"
        for k in fc fd ft piped; do
            expect "pgdump: seed as -$k migrates as its CSV export" migrates_as_csv seed "$k"
        done
    else
        "$GENDUMP" 100000 "$WORK/pgd/gen100k" >/dev/null
        expect "pgdump: the seed database (old schema, typed)" make_db seed fixtures/planner-seed typed
        expect "pgdump: the edge-cases database (text columns; tabs, backslashes, newlines added)" \
            make_db edge fixtures/edge-cases "" "$EDGE_TEXT"
        expect "pgdump: the 100000-assignment database (old schema, typed)" make_db gen "$WORK/pgd/gen100k" typed
        for db in seed edge gen; do
            expect "pgdump: pg_dump of $db in eight ways" dump_all "$db"
            for k in fc fc0 fd ft fp fpgz data piped; do
                expect "pgdump: $db as $k migrates byte for byte as its CSV export" migrates_as_csv "$db" "$k"
            done
        done
        expect "pgdump: edge as fc: --rejects lists the CSV export's problems" rejects_as_csv edge fc
        expect "pgdump: edge as fp: --rejects lists the CSV export's problems" rejects_as_csv edge fp
        expect "pgdump: --split evidence reads the assignments twice from a piped archive" \
            migrates_as_csv gen piped --split evidence
        expect "pgdump: --format sqlite from an archive" migrates_as_csv seed ft --format sqlite
        expect "pgdump: --split evidence from -Fd" migrates_as_csv gen fd --split evidence
        if "$PHASEMIG" migrate --help 2>&1 | grep -q -- --schema; then
            expect "pgdump: --schema archive reads that schema's copy of the tables" schema_option seed
        fi
        # bad real archives
        expect "pgdump: a -Fd archive without a table's data file" fd_missing_file
        expect "pgdump: a -Fd archive's toc.dat given alone: give the directory" bad_archive "$WORK/pgd/seed.fd/toc.dat" \
            "WORK/pgd/seed.fd/toc.dat: the table of contents (toc.dat) of a directory- or tar-format archive: give its directory or tar file"
        expect "pgdump: a corrupt deflate block in a real -Fc archive" fc_corrupt
    fi
fi
pgd_stop
trap - INT TERM HUP
if [ -n "$pgd_prev_exit" ]; then trap -- "$pgd_prev_exit" EXIT; else trap - EXIT; fi
