#!/usr/bin/env bash
# make bench: for each N (default "1000000"), generates the dump once into
# ${BENCH_DIR:-/tmp/phasemig-bench} and prints wall, CPU, peak RSS and input
# MB/s of phasemig's jobs beside two references on the same files: the same
# migration as a sqlite3 script (tests/bench/migrate.sql) and a bare libcsv
# parse (the floor); and, to tell the disk's share, the time it takes just
# to write csv->csv's output bytes durably (dd, fsync). A benchmark, not a
# test: it asserts nothing about time,
# but it does check that the sqlite3 script classified as phasemig did.
set -eu
cd "$(dirname "$0")/../.."
dir=${BENCH_DIR:-/tmp/phasemig-bench}
mkdir -p "$dir"
# This machine's page cache lets go of files it holds long before memory is
# short, so a job could find its input half on the disk: each row first reads
# what its job reads (not timed), so every job, the floor too, starts warm.
warm() { cat "$@" >/dev/null; }
row() { # NAME COMMAND...: one line of the table
    local name=$1 wall user sys rss
    shift
    /usr/bin/time -o "$dir/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>"$dir/stderr.txt" || {
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
    rm -rf "$dir/out"
    warm "$in"/*.csv
    row "migrate csv->sqlite" ./phasemig migrate -q --format sqlite "$in" "$dir/out"
    warm "$in"/*.csv
    row "migrate --dry-run" ./phasemig migrate -q --dry-run "$in"
    rm -rf "$dir/out" && ./phasemig migrate -q "$in" "$dir/out"
    warm "$dir/out"/*.csv
    row "reconcile out vs itself" ./phasemig reconcile --out "$dir/rec.csv" "$dir/out" "$dir/out"
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
        printf "ratios: csv->csv / sqlite3 script %.2f, csv->csv / libcsv floor %.2f, csv.gz / gzip %.2f\n",
            t["migrate csv->csv"] / t["sqlite3 script"], t["migrate csv->csv"] / t["bare libcsv"],
            t["migrate csv.gz->csv.gz"] / t["gzip -dc"] }' "$dir/times"
    # the reference must do the same work: its classification against phasemig's
    sql=$(awk -F, 'NR > 1 { sub(/\r$/, ""); c[$4]++ } END { printf "kept %d moved %d orphaned %d", c["kept"], c["moved"], c["orphaned"] }' "$in/out-sql/changes.csv")
    pm=$(sed -n 's/.*"kept": \([0-9]*\), "moved": \([0-9]*\), "orphaned": \([0-9]*\).*/kept \1 moved \2 orphaned \3/p' "$dir/out/summary.json")
    echo "classified: sqlite3 script $sql; phasemig $pm"
    [ "$sql" = "$pm" ] || { echo "the reference does different work"; exit 1; }
done
