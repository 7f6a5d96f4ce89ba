# No leaks and no memory errors under valgrind, on the success paths and
# on a bad-input path (plain build only: the sanitized build has ASan).

under_valgrind() {
    rm -rf "$WORK/vg"
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 "$PHASEMIG" "$@" >/dev/null 2>"$WORK/vg.log"
    local rc=$?
    if [ "$rc" -eq 99 ]; then cat "$WORK/vg.log"; return 1; fi
}

gzip_in_under_valgrind() {  # the reader thread inflating, the writer thread deflating
    rm -rf "$WORK/vggz" && mkdir "$WORK/vggz" || return 1
    local f
    for f in fixtures/planner-seed/*.csv; do gzip -c "$f" >"$WORK/vggz/$(basename "$f").gz"; done
    under_valgrind migrate --format csv.gz "$WORK/vggz" "$WORK/vg"
}

if [ -z "${SANITIZED:-}" ] && command -v valgrind >/dev/null; then
    expect "valgrind: migrate csv" under_valgrind migrate fixtures/edge-cases "$WORK/vg"
    expect "valgrind: migrate sqlite" under_valgrind migrate --format sqlite fixtures/planner-seed "$WORK/vg"
    expect "valgrind: migrate csv.gz" under_valgrind migrate --format csv.gz fixtures/planner-seed "$WORK/vg"
    expect "valgrind: migrate csv.gz in, csv.gz out" gzip_in_under_valgrind
    expect "valgrind: dry run" under_valgrind migrate --dry-run fixtures/edge-cases
    expect "valgrind: bad input" under_valgrind migrate fixtures/bad/phase-rules "$WORK/vg"
fi
