# Messages fit the terminal. The progress line is drawn only when stderr is
# a terminal (script(1) gives the run a real one) and not with -q; it names
# the table being read, with a bar, rows, MB/s and time left. Escape codes
# are written only when stderr is a terminal, TERM is not dumb and NO_COLOR
# is unset; otherwise the line is cleared with spaces. A command that
# writes nothing never says "nothing written".

# on_a_tty OUTFILE COMMAND: runs COMMAND (a string, for sh -c) with stdin,
# stdout and stderr on a terminal; what the terminal showed goes to OUTFILE
on_a_tty() {
    script -qec "$2" /dev/null >"$1" </dev/null
}

# a dump big enough to draw the line (it is first drawn after 64K rows)
progress_dump() {
    [ -d "$WORK/prog" ] || "$GENDUMP" 150000 "$WORK/prog" >/dev/null
}

progress_line_on_a_tty() {
    progress_dump || return 1
    TERM=xterm on_a_tty "$WORK/tty.out" "$PHASEMIG migrate --dry-run $WORK/prog >/dev/null" || return 1
    # the table, a bar, the percent, rows, MB/s, time left
    tr '\r' '\n' <"$WORK/tty.out" | sed 's/\x1b\[[0-9;]*[mK]//g' >"$WORK/tty.lines"
    grep -qE '^resource_assignments\.csv  \[[#.]+\]  *[0-9]+%  [0-9,]+ rows  [0-9.]+ MB/s  [0-9]+:[0-9]{2} left *$' \
        "$WORK/tty.lines" || { cat -v "$WORK/tty.out"; return 1; }
    grep -q $'\033\\[1m' "$WORK/tty.out" && grep -q $'\033\\[K' "$WORK/tty.out"
}

# reconcile reads both sides at once: the line shows each side's rows,
# and goes on moving while the expected side (the seed, 420 rows) is done
# and only the actual side reads
reconcile_progress_both_sides() {
    progress_dump || return 1
    TERM=xterm on_a_tty "$WORK/tty.out" "$PHASEMIG reconcile fixtures/planner-seed $WORK/prog >/dev/null" || true
    tr '\r' '\n' <"$WORK/tty.out" | sed 's/\x1b\[[0-9;]*[mK]//g' >"$WORK/tty.lines"
    grep -qE '^reading expected and actual: resource_assignments\.csv  420 \+ [1-9][0-9,]* rows' \
        "$WORK/tty.lines" || { cat -v "$WORK/tty.out"; return 1; }
}

# with --split evidence the assignments are read twice: the line says which
# pass, its rows count that pass's rows only, and the percent covers both
evidence_passes() {
    progress_dump || return 1
    TERM=xterm on_a_tty "$WORK/tty.out" \
        "$PHASEMIG migrate --dry-run --split evidence $WORK/prog >/dev/null" || return 1
    tr '\r' '\n' <"$WORK/tty.out" | sed 's/\x1b\[[0-9;]*[mK]//g' | grep 'rows' >"$WORK/tty.lines"
    grep -q '^resource_assignments\.csv, pass 2 of 2  \[' "$WORK/tty.lines" ||
        { cat "$WORK/tty.lines"; return 1; }
    # no line counts more rows than the table has
    awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "rows") { n = $i; gsub(",", "", n);
           if (n + 0 > 150000) { print "too many rows: " $0; bad = 1 } } }
         END { exit bad }' "$WORK/tty.lines" || return 1
    # the percent never passes 100 (both passes are in the total)
    ! grep -qE '(1[0-9][1-9]|[2-9][0-9][0-9])%' "$WORK/tty.lines"
}

# no_escapes NAME ENV...: with ENV on a terminal, a progress line but not
# one escape code
no_escapes() {
    progress_dump || return 1
    shift
    env "$@" script -qec "$PHASEMIG migrate --dry-run $WORK/prog >/dev/null" /dev/null \
        >"$WORK/tty.out" </dev/null || return 1
    grep -q 'rows .* MB/s' "$WORK/tty.out" || { echo "no progress line"; cat -v "$WORK/tty.out"; return 1; }
    ! grep -q $'\033' "$WORK/tty.out" || { echo "escape codes:"; cat -v "$WORK/tty.out"; return 1; }
}

quiet_and_pipes_show_nothing() {
    progress_dump || return 1
    TERM=xterm on_a_tty "$WORK/tty.out" "$PHASEMIG migrate -q --dry-run $WORK/prog" || return 1
    [ ! -s "$WORK/tty.out" ] || { echo "-q on a tty:"; cat -v "$WORK/tty.out"; return 1; }
    TERM=xterm "$PHASEMIG" migrate --dry-run "$WORK/prog" >/dev/null 2>"$WORK/pipe.err"
    [ ! -s "$WORK/pipe.err" ] || { echo "on a pipe:"; cat -v "$WORK/pipe.err"; return 1; }
}

# verify and reconcile (without --out) write nothing, so their failures
# never say "nothing written"; migrate's do
nothing_written_only_where_written() {
    run_phasemig verify fixtures/bad/not-utf8
    same <(echo 2) "$WORK/status" || return 1
    [ -s "$WORK/stderr" ] && ! grep -q 'nothing written' "$WORK/stderr" ||
        { echo "verify:"; cat "$WORK/stderr"; return 1; }
    run_phasemig reconcile fixtures/bad/not-utf8 fixtures/planner-seed
    same <(echo 2) "$WORK/status" || return 1
    [ -s "$WORK/stderr" ] && ! grep -q 'nothing written' "$WORK/stderr" ||
        { echo "reconcile:"; cat "$WORK/stderr"; return 1; }
    run_phasemig migrate --dry-run fixtures/bad/not-utf8
    same <(echo 2) "$WORK/status" && ! grep -q 'nothing written' "$WORK/stderr" ||
        { echo "migrate --dry-run:"; cat "$WORK/stderr"; return 1; }
    rm -rf "$WORK/nw" && mkdir "$WORK/nw"
    run_phasemig migrate fixtures/bad/not-utf8 "$WORK/nw/out"
    same <(echo 2) "$WORK/status" && grep -q 'nothing written' "$WORK/stderr" && nothing_left "$WORK/nw"
}

if [ -z "${SANITIZED:-}" ]; then   # a pty and 150,000 rows: once is enough
    expect "terminal: progress on a tty: table, bar, percent, rows, MB/s, time left; bold" progress_line_on_a_tty
    expect "terminal: --split evidence: pass 2 of 2, rows of one pass, percent over both" evidence_passes
    expect "terminal: reconcile: both sides' rows, moving while one side alone reads" reconcile_progress_both_sides
    expect "terminal: TERM=dumb: no escape codes" no_escapes dumb TERM=dumb
    expect "terminal: NO_COLOR=1: no escape codes" no_escapes no_color TERM=xterm NO_COLOR=1
    expect "terminal: no TERM: no escape codes" no_escapes unset -u TERM
    expect "terminal: -q and a pipe: no progress at all" quiet_and_pipes_show_nothing
fi
expect "terminal: verify and reconcile never say 'nothing written'" nothing_written_only_where_written
