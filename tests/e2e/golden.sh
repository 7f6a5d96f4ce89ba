# Golden tests: for each fixtures/expected/CMD/NAME (CMD migrate or
# rollback; the word REJECTS in `args` stands for a rejects file, compared
# with rejects.csv), run CMD on
# fixtures/NAME (or the fixture named in its `input` file) with the options
# in its `args` file and compare status,
# stdout and every output file with the expected ones.

golden() {
    local cmd=$1 name=$2 exp=$ROOT/fixtures/expected/$1/$2 args=()
    [ -f "$exp/args" ] && read -r -a args <"$exp/args"
    args=("${args[@]/#REJECTS/$WORK/rejects.csv}")   # --rejects REJECTS: compared below
    rm -f "$WORK/rejects.csv"
    local input=$name
    [ -f "$exp/input" ] && input=$(cat "$exp/input")
    rm -rf "$WORK/out"
    run_phasemig "$cmd" "${args[@]}" "fixtures/$input" "$WORK/out"
    same "$exp/status" "$WORK/status" || return 1
    same "$exp/stdout" "$WORK/stdout" || return 1
    if [ -f "$exp/stderr" ]; then same "$exp/stderr" "$WORK/stderr"; else same /dev/null "$WORK/stderr"; fi || return 1
    local f rc=0
    for f in "$exp"/*; do
        case $(basename "$f") in
        args | input | status | stdout | stderr) ;;
        dataset.sql) same "$f" <(sqlite3 "$WORK/out/dataset.db" .dump) || rc=1 ;;
        # the head is compared once (tests/e2e/report.sh), the rest here
        report.html) same "$f" <(sed "s|$WORK|WORK|g; 1,/^<\/head>\$/d" "$WORK/out/report.html") || rc=1 ;;
        rejects.csv) same "$f" "$WORK/rejects.csv" || rc=1 ;;
        *) same "$f" "$WORK/out/$(basename "$f")" || rc=1 ;;
        esac
    done
    return $rc
}

for cmd in migrate rollback; do
    for exp in fixtures/expected/$cmd/*/; do
        expect "golden: $cmd $(basename "$exp")" golden "$cmd" "$(basename "$exp")"
    done
done
