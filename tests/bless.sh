#!/usr/bin/env bash
# Writes the expected files of the golden and bad-input tests from the
# current ./phasemig. Review every change with `git diff fixtures/expected`
# before committing: a blessed wrong answer is a test that cannot fail.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for exp in fixtures/expected/migrate/*/ fixtures/expected/rollback/*/; do
    name=$(basename "$exp")
    cmd=$(basename "$(dirname "$exp")")
    args=()
    [ -f "$exp/args" ] && read -r -a args <"$exp/args"
    args=("${args[@]/#REJECTS/$work/rejects.csv}")
    rm -f "$work/rejects.csv"
    input=$name
    [ -f "$exp/input" ] && input=$(cat "$exp/input")
    rm -rf "$work/out"
    set +e
    ./phasemig "$cmd" "${args[@]}" "fixtures/$input" "$work/out" >"$work/stdout" 2>"$work/stderr"
    echo $? >"$exp/status"
    set -e
    sed "s|$work|WORK|g" "$work/stdout" >"$exp/stdout"
    rm -f "$exp/stderr"
    [ -s "$work/stderr" ] && sed "s|$work|WORK|g" "$work/stderr" >"$exp/stderr"
    [ -f "$work/rejects.csv" ] && cp "$work/rejects.csv" "$exp/rejects.csv"
    for f in "$work"/out/*; do
        [ -e "$f" ] || continue
        case $(basename "$f") in
        dataset.db) sqlite3 "$f" .dump >"$exp/dataset.sql" ;;
        # the report's fixed head is kept once, in fixtures/expected/report-head.html
        report.html) sed -n '1,/^<\/head>$/p' "$f" >fixtures/expected/report-head.html
            sed "s|$work|WORK|g; 1,/^<\/head>\$/d" "$f" >"$exp/report.html" ;;
        *) cp "$f" "$exp/" ;;
        esac
    done
done
for exp in fixtures/expected/bad/*/; do
    name=$(basename "$exp")
    args=()
    [ -f "$exp/args" ] && read -r -a args <"$exp/args"
    input=$name
    [ -f "$exp/input" ] && input=$(cat "$exp/input")
    set +e
    ./phasemig migrate "${args[@]}" "fixtures/bad/$input" "$work/bad-out" 2>"$work/stderr" >/dev/null
    echo $? >"$exp/status"
    set -e
    sed "s|$work|WORK|g" "$work/stderr" >"$exp/stderr"
done
for exp in fixtures/expected/verify/*/; do
    name=$(basename "$exp")
    set +e
    ./phasemig verify --against fixtures/verify/original "fixtures/verify/$name" >"$exp/stdout"
    echo $? >"$exp/status"
    set -e
done
