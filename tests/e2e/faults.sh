# Faults: each ends with a one-line message naming the file and the cause,
# exit status 2, and nothing written (no OUT, no staging directory, no
# rejects file).


# RLIMIT_FSIZE: writes past `ulimit -f` KiB fail with EFBIG (SIGXFSZ is
# ignored). disk_full ASSIGNMENTS KIB FILE [OPTION...]: the run stops on
# FILE. The tables and diff.csv are written on writer threads, whose
# failure is reported at the next block handed over or at close.
disk_full() {
    local n=$1 kib=$2 file=$3
    shift 3
    rm -rf "$WORK/gen" "$WORK/full" && mkdir "$WORK/full"
    "$GENDUMP" "$n" "$WORK/gen" || return 1
    (ulimit -f "$kib" && run_phasemig migrate "$@" "$WORK/gen" "$WORK/full/out")
    fails_cleanly "$WORK/full" "phasemig: WORK/full/out.phasemig-XXXXXX/$file: write failed: File too large"
}

parent_not_writable() {
    local top
    top=$(mktemp -d /tmp/phasemig-ro.XXXXXX) && chmod 755 "$top" && mkdir -m 555 "$top/ro" || return 1
    # nobody may not reach the checkout: the binary and the input go here
    cp "$PHASEMIG" "$top/phasemig" && cp -r fixtures/planner-seed "$top/in" && chmod -R a+rX "$top/in" ||
        return 1
    if [ "$(id -u)" = 0 ]; then   # root writes anywhere: run as nobody
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            "$top/phasemig" migrate "$top/in" "$top/ro/out" >"$WORK/stdout" 2>"$WORK/stderr"
    else
        "$top/phasemig" migrate "$top/in" "$top/ro/out" >"$WORK/stdout" 2>"$WORK/stderr"
    fi
    echo $? >"$WORK/status"
    sed -i "s|$top|TOP|g" "$WORK/stderr"
    local rc=0
    fails_cleanly "$top/ro" "phasemig: TOP/ro: cannot write there: Permission denied" || rc=1
    rm -rf "$top"
    return $rc
}


locked_sqlite() {
    rm -rf "$WORK/lock" && mkdir "$WORK/lock" && seed_as_sqlite "$WORK/lock/seed.db" || return 1
    # the locker waits out the probe's own brief read lock (no busy timeout
    # by default: BEGIN EXCLUSIVE would fail and the lock never be held)
    (printf '.timeout 10000\nBEGIN EXCLUSIVE; DELETE FROM projects;\n' && sleep 20) |
        sqlite3 "$WORK/lock/seed.db" &
    local locker=$! tries=0
    until ! sqlite3 "$WORK/lock/seed.db" 'SELECT 1 FROM projects LIMIT 1' >/dev/null 2>&1 ||
        [ $((tries += 1)) -gt 100 ]; do
        sleep 0.1   # until the lock is held
    done
    rm -rf "$WORK/lk" && mkdir "$WORK/lk"
    run_phasemig migrate "$WORK/lock/seed.db" "$WORK/lk/out"
    kill "$locker" 2>/dev/null
    wait "$locker" 2>/dev/null
    fails_cleanly "$WORK/lk" "WORK/lock/seed.db[projects]: cannot read: database is locked
phasemig: 1 problem in the input; nothing written"
}

sqlite_missing_table() {
    rm -rf "$WORK/mt" && mkdir "$WORK/mt" && seed_as_sqlite "$WORK/mt/seed.db" || return 1
    sqlite3 "$WORK/mt/seed.db" 'DROP TABLE resource_assignments'
    run_phasemig migrate "$WORK/mt/seed.db" "$WORK/mt/out"
    rm "$WORK/mt/seed.db"
    fails_cleanly "$WORK/mt" "WORK/mt/seed.db[resource_assignments]: no table resource_assignments in the database
phasemig: 1 problem in the input; nothing written"
}

missing_input() {
    rm -rf "$WORK/mi" && mkdir "$WORK/mi"
    run_phasemig migrate "$WORK/no-such-dump" "$WORK/mi/out"
    fails_cleanly "$WORK/mi" "WORK/no-such-dump: cannot open: No such file or directory
phasemig: 1 problem in the input; nothing written"
}

table_is_a_directory() {
    rm -rf "$WORK/td" "$WORK/tdo" && mkdir -p "$WORK/td/projects.csv" "$WORK/tdo"
    cp fixtures/planner-seed/project_phases.csv fixtures/planner-seed/resource_assignments.csv "$WORK/td/"
    run_phasemig migrate "$WORK/td" "$WORK/tdo/out"
    fails_cleanly "$WORK/tdo" "WORK/td/projects.csv: is a directory, not a CSV file
phasemig: 1 problem in the input; nothing written"
}

fatal_even_with_rejects() {
    rm -rf "$WORK/fr" && mkdir "$WORK/fr"
    run_phasemig migrate --rejects "$WORK/fr/rejects.csv" fixtures/bad/truncated-gzip "$WORK/fr/out"
    fails_cleanly "$WORK/fr" "fixtures/bad/truncated-gzip/projects.csv.gz: corrupt gzip stream: unexpected end of file (truncated)
phasemig: 1 problem in the input; nothing written"
}

gzip_cut_mid_table() {
    rm -rf "$WORK/cut-out" && mkdir "$WORK/cut-out" && cut_gzip_mid_table "$WORK/cut" || return 1
    run_phasemig migrate "$WORK/cut" "$WORK/cut-out/out"
    fails_cleanly "$WORK/cut-out" "WORK/cut/resource_assignments.csv.gz: corrupt gzip stream: unexpected end of file (truncated)
phasemig: 1 problem in the input; nothing written"
}

# Spill files go to $TMPDIR: the phases section of diff.csv past 64 KiB,
# assignment ids past the first 32K (a dry run has only the latter), the
# held project and phase rows past 1 MiB (20,000 projects, 10 assignments).
# A TMPDIR that does not exist is a clear error, nothing written.
no_spill_dir() {
    rm -rf "$WORK/gen" "$WORK/gen-wide" "$WORK/sp" && mkdir "$WORK/sp" &&
        "$GENDUMP" 300000 "$WORK/gen" >/dev/null && "$GENDUMP" 10 "$WORK/gen-wide" 20000 >/dev/null ||
        return 1
    local want="phasemig: WORK/no-such-dir: cannot create a spill file: No such file or directory"
    TMPDIR=$WORK/no-such-dir run_phasemig migrate "$WORK/gen" "$WORK/sp/out"
    fails_cleanly "$WORK/sp" "$want" || return 1
    TMPDIR=$WORK/no-such-dir run_phasemig migrate --dry-run "$WORK/gen"
    fails_cleanly "$WORK/sp" "$want" || return 1
    TMPDIR=$WORK/no-such-dir run_phasemig migrate --dry-run "$WORK/gen-wide"
    fails_cleanly "$WORK/sp" "$want" || return 1
    run_phasemig migrate --dry-run "$WORK/gen-wide"
    [ "$(cat "$WORK/status")" -eq 0 ] || { echo "with a TMPDIR it runs:"; cat "$WORK/stderr"; return 1; }
}

# Out of memory (ulimit -v): whichever thread's allocation fails, one line,
# exit 2, nothing left (the number of bytes asked for varies).
out_of_memory() {
    # 150,000 projects: the plan alone needs more than the limit
    rm -rf "$WORK/gen" "$WORK/oom" && mkdir "$WORK/oom" && "$GENDUMP" 100000 "$WORK/gen" 150000 >/dev/null ||
        return 1
    (ulimit -v 100000 && run_phasemig migrate "$WORK/gen" "$WORK/oom/out")
    same <(echo 2) "$WORK/status" && nothing_left "$WORK/oom" &&
        grep -qxE 'phasemig: out of memory \(asked for [0-9]+ bytes\)' "$WORK/stderr" &&
        [ "$(wc -l <"$WORK/stderr")" = 1 ] || { cat "$WORK/stderr"; return 1; }
}

huge_field() {  # a 20 MB field: a clear problem, memory bounded (docs/formats.md)
    rm -rf "$WORK/hf" "$WORK/hfo" && mkdir "$WORK/hf" "$WORK/hfo"
    cp fixtures/planner-seed/project_phases.csv fixtures/planner-seed/resource_assignments.csv "$WORK/hf/"
    { printf 'id,name,start_date,end_date\n10000000-0000-4000-8000-000000000001,'
      head -c 20000000 /dev/zero | tr '\0' x; printf ',2024-01-01,2024-02-01\n'; } >"$WORK/hf/projects.csv"
    run_phasemig migrate "$WORK/hf" "$WORK/hfo/out"
    fails_cleanly "$WORK/hfo" "WORK/hf/projects.csv:2: column name: '10000000-0000-4000-8000-000000000001,xxxxxxxxxxxxxxxxxxxxxxx...': a record longer than 16 MiB (an unterminated quote?)
phasemig: 1 problem in the input; nothing written"
}

many_columns() {
    rm -rf "$WORK/mc" "$WORK/mco" && mkdir "$WORK/mc" "$WORK/mco"
    cp fixtures/planner-seed/project_phases.csv fixtures/planner-seed/resource_assignments.csv "$WORK/mc/"
    { printf 'id'; seq -f ',c%g' 1 1000000 | tr -d '\n'; echo; } >"$WORK/mc/projects.csv"
    run_phasemig migrate "$WORK/mc" "$WORK/mco/out"
    fails_cleanly "$WORK/mco" "WORK/mc/projects.csv: not a dump of the planner: 1000001 columns (at most 4096)
phasemig: 1 problem in the input; nothing written"
}

# A 16 MiB line of commas alone: 16 million empty fields, one ragged row
# (or a header of as many columns). A problem of one line, in the memory a
# record of 16 MiB takes, not 32 bytes more a field (docs/formats.md).
only_commas() {  # TABLE: the table of commas, after a header or as one
    local table=$1 want
    rm -rf "$WORK/cm" "$WORK/cmo" && mkdir "$WORK/cm" "$WORK/cmo"
    cp fixtures/planner-seed/*.csv "$WORK/cm/"
    if [ "$table" = header ]; then
        head -c 16000000 /dev/zero | tr '\0' , >"$WORK/cm/projects.csv"
        want="WORK/cm/projects.csv: not a dump of the planner: 16000001 columns (at most 4096)"
    else
        { head -1 fixtures/planner-seed/resource_assignments.csv
          head -c 16000000 /dev/zero | tr '\0' ,; echo; } >"$WORK/cm/resource_assignments.csv"
        want="WORK/cm/resource_assignments.csv:2: column #11: '': ragged row: 16000001 fields, the header has 10"
    fi
    (ulimit -v 400000 && run_phasemig migrate "$WORK/cm" "$WORK/cmo/out")
    fails_cleanly "$WORK/cmo" "$want
phasemig: 1 problem in the input; nothing written"
}

only_quotes() {
    rm -rf "$WORK/oq" "$WORK/oqo" && mkdir "$WORK/oq" "$WORK/oqo"
    cp fixtures/planner-seed/project_phases.csv fixtures/planner-seed/resource_assignments.csv "$WORK/oq/"
    head -c 1000001 /dev/zero | tr '\0' '"' >"$WORK/oq/projects.csv"
    run_phasemig migrate "$WORK/oq" "$WORK/oqo/out"
    fails_cleanly "$WORK/oqo" "WORK/oq/projects.csv:1: column #1: '\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"...': unterminated quoted field
phasemig: 1 problem in the input; nothing written"
}

# 20,000 assignments: diff.csv 1,179,712 bytes, resource_assignments.csv.gz 874,231
expect "faults: the disk fills while writing diff.csv" disk_full 20000 1100 diff.csv --format csv.gz
expect "faults: the disk fills on the writer thread, found at its next block" \
    disk_full 20000 1024 resource_assignments.csv
expect "faults: the disk fills on the writer thread, found at close" \
    disk_full 1000 100 resource_assignments.csv
expect "faults: the output's parent is not writable" parent_not_writable
expect "faults: SIGINT in the middle of a run" interrupted INT 2
expect "faults: SIGTERM in the middle of a run" interrupted TERM 15
expect "faults: a locked SQLite file" locked_sqlite
expect "faults: a SQLite file missing a table" sqlite_missing_table
expect "faults: an input that does not exist" missing_input
# Each of the eight threads of a CSV migrate failing to start, in turn
# (build/fail_pthread.so: pthread_create fails after N successes): one
# line naming the file the thread was for, exit 2, nothing left. The chain
# starts the last two when it runs: the assignments' reader, then validate
# ahead of the rest of the assignments' chain.
thread_cannot_start() {
    local n want files=(fixtures/planner-seed/projects.csv fixtures/planner-seed/project_phases.csv
        WORK/ts/out.phasemig-XXXXXX/diff.csv WORK/ts/out.phasemig-XXXXXX/projects.csv
        WORK/ts/out.phasemig-XXXXXX/project_phases.csv WORK/ts/out.phasemig-XXXXXX/resource_assignments.csv
        fixtures/planner-seed/resource_assignments.csv fixtures/planner-seed/resource_assignments.csv)
    for n in 0 1 2 3 4 5 6 7; do
        rm -rf "$WORK/ts" && mkdir "$WORK/ts" || return 1
        FAIL_PTHREAD_AFTER=$n LD_PRELOAD=$ROOT/build/fail_pthread.so \
            run_phasemig migrate fixtures/planner-seed "$WORK/ts/out"
        want="phasemig: ${files[$n]}: cannot start a thread: Resource temporarily unavailable"
        fails_cleanly "$WORK/ts" "$want" || { echo "after $n threads"; return 1; }
    done
}

# The disk fails to write back a range of an output file (build/
# fail_writeback.so: sync_file_range's wait says EIO). The kernel reports
# that once, so the fsync at close would pass: the wait's error is the
# run's. Writeback waits from the second 8 MiB step on: 120,000
# assignments make a resource_assignments.csv of about 22 MB, and no other
# file reaches 16 MiB.
writeback_fails() {
    rm -rf "$WORK/gen" "$WORK/wb" && mkdir "$WORK/wb" || return 1
    "$GENDUMP" 120000 "$WORK/gen" || return 1
    LD_PRELOAD=$ROOT/build/fail_writeback.so run_phasemig migrate "$WORK/gen" "$WORK/wb/out"
    fails_cleanly "$WORK/wb" \
        "phasemig: WORK/wb/out.phasemig-XXXXXX/resource_assignments.csv: write failed: Input/output error"
}

expect "faults: a table that is a directory" table_is_a_directory
expect "faults: a corrupt gzip stream with --rejects is still fatal" fatal_even_with_rejects
expect "faults: a gzip stream cut in the middle of the table" gzip_cut_mid_table
expect "faults: TMPDIR does not exist (spill files of the diff, the id check and the held rows)" no_spill_dir
if [ -z "${SANITIZED:-}" ]; then   # ASan reserves more address space than any such limit
    expect "faults: out of memory" out_of_memory
    # and its runtime must come first: it refuses a preloaded library
    expect "faults: a thread that cannot start" thread_cannot_start
    expect "faults: the disk fails to write back an output file" writeback_fails
    expect "hostile: a row of 16 million empty fields" only_commas row
    expect "hostile: a header of 16 million empty columns" only_commas header
fi
expect "hostile: a 20 MB field" huge_field
expect "hostile: a million columns" many_columns
expect "hostile: a file of only quotes" only_quotes
