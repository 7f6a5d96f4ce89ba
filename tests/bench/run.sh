#!/usr/bin/env bash
# make bench: for each N (default "1000000"), generates the dump once into
# ${BENCH_DIR:-/tmp/phasemig-bench} and prints wall, CPU, peak RSS and input
# MB/s of phasemig's jobs beside two references on the same files: the same
# migration as a sqlite3 script (tests/bench/migrate.sql) and a bare libcsv
# parse (the floor); and, to tell the disk's share, the time it takes just
# to write csv->csv's output bytes durably (dd, fsync). Then reconcile:
# migrate's output against a copy of itself (identical) and against
# tests/bench/variant.sh's copy (assignments shuffled, 1% changed, missing
# or extra). Beside both, DuckDB (tests/bench/duckdb.mjs, the
# @duckdb/node-api package from npm, installed into build/duckdb once; if
# it cannot be installed the bench says so and goes on without it). A
# benchmark, not a test: it asserts nothing about time, but it does check
# that the sqlite3 script and DuckDB classified as phasemig did, and that
# DuckDB's reconcile counts equal phasemig's. With BENCH_BEFORE (make bench
# BEFORE=COMMIT), the csv->csv, csv.gz and dry-run jobs again by that binary.
# And the apply scripts on a real database of the same rows, beside
# pg_restore (tests/bench/apply.sh).
set -eu
cd "$(dirname "$0")/../.."
dir=${BENCH_DIR:-/tmp/phasemig-bench}
mkdir -p "$dir"
duckdb=yes
if [ ! -d build/duckdb/node_modules/@duckdb/node-api ]; then
    npm install --prefix build/duckdb --no-audit --no-fund --silent @duckdb/node-api >"$dir/npm.log" 2>&1 || {
        duckdb=""; echo "DuckDB: @duckdb/node-api could not be installed (see $dir/npm.log); its rows are left out"; }
fi
# This machine's page cache lets go of files it holds long before memory is
# short, so a job could find its input half on the disk: each row first reads
# what its job reads (not timed), so every job, the floor too, starts warm.
warm() { cat "$@" >/dev/null; }
row() { # NAME COMMAND...: one line of the table
    local name=$1 wall user sys rss
    shift
    /usr/bin/time -o "$dir/time.txt" -f '%e %U %S %M' "$@" >"$dir/stdout.txt" 2>"$dir/stderr.txt" || {
        echo "$name failed:"; cat "$dir/stderr.txt"; exit 1; }
    read -r wall user sys rss <"$dir/time.txt"
    awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" \
        'BEGIN { printf "%-28s %8.2f %8.2f %9.0f %9.1f\n", n, w, u + s, r / 1024, b / 1e6 / (w > 0 ? w : 1) }'
    echo "$name $wall" >>"$dir/times"
}
for n in ${*:-1000000}; do
    in=$dir/$n
    [ -f "$in/resource_assignments.csv" ] || { mkdir -p "$in" && build/gendump "$n" "$in"; }
    if [ ! -f "$in.gz/resource_assignments.csv" ]; then
        mkdir -p "$in.gz"
        for f in "$in"/*.csv; do gzip -1 -c "$f" >"$in.gz/$(basename "$f")"; done
    fi
    bytes=$(cat "$in"/*.csv | wc -c)
    : >"$dir/times"
    echo "== $n assignments, $((bytes / 1000000)) MB of CSV"
    printf '%-28s %8s %8s %9s %9s\n' job "wall s" "CPU s" "RSS MiB" "MB/s"
    rm -rf "$dir/out"
    warm "$in"/*.csv
    row "migrate csv->csv" ./phasemig migrate -q "$in" "$dir/out"
    rm -rf "$dir/out"
    warm "$in.gz"/*.csv
    row "migrate csv.gz->csv.gz" ./phasemig migrate -q --format csv.gz "$in.gz" "$dir/out"
    # from the backup a planner administrator holds: pg_dump -Fc (gzip) of
    # the same tables (tests/bench/pgdump.sh, made once), beside csv.gz->csv,
    # which inflates the same bytes
    [ -f "$in.dump" ] || tests/bench/pgdump.sh "$in" "$in.dump" ||
        echo "(no pg_dump archive: its rows are left out)"
    if [ -f "$in.dump" ]; then
        rm -rf "$dir/out"
        warm "$in.gz"/*.csv
        row "migrate csv.gz->csv" ./phasemig migrate -q "$in.gz" "$dir/out"
        rm -rf "$dir/out"
        warm "$in.dump"
        row "migrate pg_dump -Fc->csv" ./phasemig migrate -q "$in.dump" "$dir/out"
    fi
    # the database itself: the apply scripts on a real planner database of
    # these rows, beside pg_restore of it (tests/bench/apply.sh; wall only)
    tests/bench/apply.sh "$in" "$dir/apply" || echo "(no PostgreSQL: the apply.psql rows are left out)"
    if [ -n "${BENCH_BEFORE:-}" ]; then
        # the same three jobs by phasemig as it was at BEFORE (make bench BEFORE=COMMIT)
        b=${BENCH_BEFORE_NAME:0:7}
        rm -rf "$dir/out"
        warm "$in"/*.csv
        row "$b: migrate csv->csv" "$BENCH_BEFORE" migrate -q "$in" "$dir/out"
        rm -rf "$dir/out"
        warm "$in.gz"/*.csv
        row "$b: migrate csv.gz->csv.gz" "$BENCH_BEFORE" migrate -q --format csv.gz "$in.gz" "$dir/out"
        warm "$in"/*.csv
        row "$b: migrate --dry-run" "$BENCH_BEFORE" migrate -q --dry-run "$in"
    fi
    rm -rf "$dir/out"
    warm "$in"/*.csv
    row "migrate csv->sqlite" ./phasemig migrate -q --format sqlite "$in" "$dir/out"
    warm "$in"/*.csv
    row "migrate --dry-run" ./phasemig migrate -q --dry-run "$in"
    rm -rf "$dir/out" && ./phasemig migrate -q "$in" "$dir/out"
    # reconcile's inputs: the output, a copy of it, and the copy shuffled with 1% changed
    rm -rf "$dir/same" "$dir/shuffled" && mkdir "$dir/same" && cp "$dir/out"/*.csv "$dir/same/" &&
        tests/bench/variant.sh "$dir/out" "$dir/shuffled"
    warm "$dir/out"/*.csv "$dir/same"/*.csv
    row "reconcile identical" ./phasemig reconcile --out "$dir/rec.csv" "$dir/out" "$dir/same"
    warm "$dir/out"/*.csv "$dir/shuffled"/*.csv
    # exit status 1: differences found, as expected here
    row "reconcile shuffled+1%" sh -c './phasemig reconcile --json --out "$1/rec.csv" "$1/out" "$1/shuffled"; [ $? = 1 ]' sh "$dir"
    pm_rec=$(sed -n 's/.*"resource_assignments": {.*"missing": \([0-9]*\), "extra": \([0-9]*\), "changed": \([0-9]*\),.*/missing \1 extra \2 changed \3/p' "$dir/stdout.txt")
    if [ -n "$duckdb" ]; then
        warm "$dir/out"/*.csv "$dir/same"/*.csv
        row "duckdb reconcile identical" node tests/bench/duckdb.mjs reconcile "$dir/out" "$dir/same" "$dir/rec-duck.csv"
        duck_same=$(cat "$dir/stdout.txt")
        warm "$dir/out"/*.csv "$dir/shuffled"/*.csv
        row "duckdb reconcile shuffled+1%" node tests/bench/duckdb.mjs reconcile "$dir/out" "$dir/shuffled" "$dir/rec-duck.csv"
        duck_rec=$(cat "$dir/stdout.txt")
        rm -rf "$dir/out-duck"
        warm "$in"/*.csv
        row "duckdb migrate" node tests/bench/duckdb.mjs migrate "$in" "$dir/out-duck"
        duck_mig=$(cat "$dir/stdout.txt")
        rm -rf "$dir/out-duck" "$dir/rec-duck.csv"
    fi
    rm -rf "$dir/same" "$dir/shuffled"
    rm -rf "$in/out-sql" && mkdir "$in/out-sql"
    warm "$in"/*.csv
    row "sqlite3 script" sh -c "cd '$in' && sqlite3 :memory: < '$PWD/tests/bench/migrate.sql'"
    warm "$in"/*.csv
    row "bare libcsv parse (floor)" build/bench/csvparse "$in"/*.csv
    warm "$in.gz/resource_assignments.csv"
    row "gzip -dc | gzip -1" sh -c "gzip -dc '$in.gz/resource_assignments.csv' | gzip -1 >/dev/null"
    # the output of csv->csv (still in $dir/out), written again with fsync
    warm "$dir/out"/*.csv
    row "write the output (dd)" sh -c "cat '$dir/out'/*.csv | dd of='$dir/copy' bs=1M conv=fsync status=none"
    rm -f "$dir/copy"
    awk '{ t[$1 " " $2] = $NF } END {
        printf "ratios: csv->csv / sqlite3 script %.2f, csv->csv / libcsv floor %.2f, csv.gz / gzip %.2f",
            t["migrate csv->csv"] / t["sqlite3 script"], t["migrate csv->csv"] / t["bare libcsv"],
            t["migrate csv.gz->csv.gz"] / t["gzip -dc"]
        if (t["migrate pg_dump"] > 0)
            printf ", pg_dump -Fc / csv.gz (->csv) %.2f", t["migrate pg_dump"] / t["migrate csv.gz->csv"]
        printf "\n" }' "$dir/times"
    awk '{ n = $0; sub(/ [^ ]*$/, "", n); v[n] = $NF } END {
        printf "reconcile: identical / migrate csv->csv %.2f, shuffled+1%% / identical %.2f", v["reconcile identical"] / v["migrate csv->csv"], v["reconcile shuffled+1%"] / v["reconcile identical"]
        if (v["duckdb reconcile identical"] > 0)
            printf ", identical / duckdb %.2f, shuffled+1%% / duckdb %.2f, csv->csv / duckdb migrate %.2f", v["reconcile identical"] / v["duckdb reconcile identical"], v["reconcile shuffled+1%"] / v["duckdb reconcile shuffled+1%"], v["migrate csv->csv"] / v["duckdb migrate"]
        printf "\n" }' "$dir/times"
    # the references must do the same work: their classification against phasemig's
    sql=$(awk -F, 'NR > 1 { sub(/\r$/, ""); c[$4]++ } END { printf "kept %d moved %d orphaned %d", c["kept"], c["moved"], c["orphaned"] }' "$in/out-sql/changes.csv")
    pm=$(sed -n 's/.*"kept": \([0-9]*\), "moved": \([0-9]*\), "orphaned": \([0-9]*\).*/kept \1 moved \2 orphaned \3/p' "$dir/out/summary.json")
    echo "classified: sqlite3 script $sql; phasemig $pm"
    [ "$sql" = "$pm" ] || { echo "the reference does different work"; exit 1; }
    if [ -n "$duckdb" ]; then
        echo "classified: duckdb $duck_mig"
        [ "$duck_mig" = "$pm" ] || { echo "DuckDB's migration does different work"; exit 1; }
        echo "reconcile shuffled+1% (assignments): phasemig $pm_rec; duckdb $duck_rec; identical: duckdb $duck_same"
        [ "$duck_rec" = "$pm_rec" ] && [ "$duck_same" = "missing 0 extra 0 changed 0" ] ||
            { echo "DuckDB's reconcile does different work"; exit 1; }
    fi
done
