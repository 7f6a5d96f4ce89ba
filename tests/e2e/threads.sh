# The reader and writer threads under ThreadSanitizer (build/tsan/phasemig,
# plain flavour only): gzip in and out, a writer thread's failure, a read
# failure found by the reader thread, an interrupt while the reader thread
# waits on a pipe, reconcile's two sides read at once. A race report fails
# the test.

under_tsan() {  # under_tsan STATUS ARGS...: exits with STATUS, no report
    local want=$1; shift
    rm -rf "$WORK/ts"
    TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$ROOT/build/tsan/phasemig" "$@" >/dev/null 2>"$WORK/tsan.log"
    local rc=$?
    if grep -q ThreadSanitizer "$WORK/tsan.log" || [ "$rc" -ne "$want" ]; then
        echo "exit $rc, wanted $want"; head -40 "$WORK/tsan.log"; return 1
    fi
}

tsan_gzip_dump() {  # a generated dump, gzip-compressed, in $WORK/tsgz
    rm -rf "$WORK/tsgen" "$WORK/tsgz" && mkdir "$WORK/tsgz" && "$GENDUMP" 100000 "$WORK/tsgen" >/dev/null || return 1
    local f
    for f in "$WORK"/tsgen/*.csv; do gzip -c "$f" >"$WORK/tsgz/$(basename "$f")"; done
}

tsan_disk_full() {
    (ulimit -f 1024 && under_tsan 2 migrate "$WORK/tsgen" "$WORK/ts")
}

tsan_progress() {  # the reader thread counts bytes, the main thread shows them
    script -qec "TSAN_OPTIONS=halt_on_error=1:exitcode=66 $ROOT/build/tsan/phasemig migrate --dry-run $WORK/tsgz >/dev/null" \
        /dev/null >"$WORK/tsan.tty" || { head -40 "$WORK/tsan.tty"; return 1; }
    ! grep -q ThreadSanitizer "$WORK/tsan.tty" && grep -q 'rows .* MB/s' "$WORK/tsan.tty"
}

# both sides count rows, the main thread shows them (the line is drawn
# from the 64th batch on: 200,000 rows)
tsan_reconcile_progress() {
    rm -rf "$WORK/tsrec" && "$GENDUMP" 200000 "$WORK/tsrec" >/dev/null || return 1
    script -qec "TSAN_OPTIONS=halt_on_error=1:exitcode=66 $ROOT/build/tsan/phasemig reconcile $WORK/tsrec $WORK/tsrec >/dev/null" \
        /dev/null >"$WORK/tsan.tty" || { head -40 "$WORK/tsan.tty"; return 1; }
    ! grep -q ThreadSanitizer "$WORK/tsan.tty" && grep -q 'reading expected and actual.* + .* rows' "$WORK/tsan.tty"
}

if [ -z "${SANITIZED:-}" ] && [ -x "$ROOT/build/tsan/phasemig" ]; then
    expect "threads: a generated dump gzip-compressed" tsan_gzip_dump
    expect "threads: migrate csv.gz to csv.gz under TSan" under_tsan 0 migrate --format csv.gz "$WORK/tsgz" "$WORK/ts"
    expect "threads: rollback csv.gz under TSan" under_tsan 0 rollback --format csv.gz fixtures/user-phases "$WORK/ts"
    expect "threads: a writer thread's disk full under TSan" tsan_disk_full
    expect "threads: progress on a terminal from gzip input under TSan" tsan_progress
    expect "threads: a truncated gzip under TSan" under_tsan 2 migrate fixtures/bad/truncated-gzip "$WORK/ts"
    tsan_cut_gzip() { cut_gzip_mid_table "$WORK/tscut" && under_tsan 2 migrate "$WORK/tscut" "$WORK/ts"; }
    expect "threads: a gzip stream cut mid-table under TSan" tsan_cut_gzip
    tsan_reconcile_spilled() { PHASEMIG_RECONCILE_BUDGET=4096 under_tsan 0 reconcile "$WORK/tsgen" "$WORK/tsgz"; }
    expect "threads: reconcile, both sides at once and spilled, under TSan" tsan_reconcile_spilled
    expect "threads: reconcile's progress on a terminal, both sides' rows, under TSan" tsan_reconcile_progress
    expect "threads: reconcile with problems on both sides under TSan" under_tsan 2 reconcile fixtures/bad/ragged-row fixtures/bad/ragged-row
    tsan_interrupted() {
        local PHASEMIG=$ROOT/build/tsan/phasemig
        TSAN_OPTIONS=halt_on_error=1:exitcode=66 interrupted INT 2
    }
    expect "threads: SIGINT while the reader thread waits on a pipe, under TSan" tsan_interrupted
fi
