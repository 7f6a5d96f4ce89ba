# Every bad-input rule: the exact problems on stderr, exit status 2, and
# nothing written (no OUT, no staging directory beside it).

bad_input() {
    local name=$1 exp=$ROOT/fixtures/expected/bad/$1 args=()
    [ -f "$exp/args" ] && read -r -a args <"$exp/args"
    local input=$name
    [ -f "$exp/input" ] && input=$(cat "$exp/input")
    rm -rf "$WORK/bad" && mkdir "$WORK/bad"
    run_phasemig migrate "${args[@]}" "fixtures/bad/$input" "$WORK/bad/out"
    same "$exp/status" "$WORK/status" || return 1
    same "$exp/stderr" "$WORK/stderr" || return 1
    same /dev/null "$WORK/stdout" || return 1
    nothing_left "$WORK/bad"
}

for exp in fixtures/expected/bad/*/; do
    expect "bad input: $(basename "$exp")" bad_input "$(basename "$exp")"
done
