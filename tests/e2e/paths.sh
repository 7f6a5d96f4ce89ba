# Outputs never touch inputs, and one OUT takes one run (pipeline/frame/paths.c,
# output_commit in pipeline/frame/output.c). Each refusal: exit 2, the one
# line that names both paths, every input byte-identical afterwards, and
# nothing created (no OUT, no staging directory, no rejects or report).

# paths_setup: a fresh scratch directory $WORK/p holding IN (the seed), and
# a pristine copy of it to compare with; we work from inside it, so that
# relative spellings are what a person would type
paths_setup() {
    rm -rf "$WORK/p" "$WORK/p.orig" && mkdir -p "$WORK/p" &&
        cp -r fixtures/planner-seed "$WORK/p/IN" && cp -r fixtures/planner-seed "$WORK/p.orig"
}

# untouched: IN byte for byte as it was, and nothing but `$@` (what the
# case made itself) beside it
untouched() {
    same_dir "$WORK/p.orig" "$WORK/p/IN" || return 1
    local left
    left=$(cd "$WORK/p" && ls -A | grep -v -x -e IN $(printf -- ' -e %s' "$@"))
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# refused MESSAGE ARGS...: run in $WORK/p, exit 2 with exactly MESSAGE
refused() {
    local want=$1
    shift
    (cd "$WORK/p" && "$PHASEMIG" "$@" >"$WORK/stdout" 2>"$WORK/stderr"; echo $? >"$WORK/status")
    same <(echo 2) "$WORK/status" && same <(printf 'phasemig: %s\n' "$want") "$WORK/stderr" &&
        same /dev/null "$WORK/stdout"
}

# refuses NAME MADE MESSAGE ARGS...: a case of the table, set up afresh;
# MADE names what the case itself put beside IN ("-" for nothing)
refuses() {
    local made=$2 want=$3
    shift 3
    paths_setup && prepare_case "$made" && refused "$want" "$@" && untouched ${made/#-/}
}

# prepare_case WHAT: what a case needs beside IN before the run
prepare_case() {
    case $1 in
        -) ;;
        p) mkdir "$WORK/p/p" && mv "$WORK/p/IN" "$WORK/p/p/IN" && cp -r "$WORK/p/p/IN" "$WORK/p/IN" ;;
        link) ln -s IN "$WORK/p/link" ;;
        hard) ln "$WORK/p/IN/projects.csv" "$WORK/p/hard" ;;
        db) mkdir "$WORK/p/db" && seed_as_sqlite "$WORK/p/db/seed.db" ;;
    esac
}

# the issue's table, row by row
expect "paths: migrate --force IN IN is refused" \
    refuses x - "OUT 'IN' is the input 'IN': phasemig never writes over what it reads" \
    migrate --force IN IN
expect "paths: OUT a parent of IN is refused" \
    refuses x p "OUT 'p' holds the input 'p/IN': replacing it would remove the input" \
    migrate --force p/IN p
expect "paths: --rejects an input table is refused" \
    refuses x - "--rejects 'IN/projects.csv' is the input 'IN/projects.csv': phasemig never writes over what it reads" \
    migrate --rejects IN/projects.csv IN OUT
expect "paths: --html an input table is refused" \
    refuses x - "--html 'IN/resource_assignments.csv' is the input 'IN/resource_assignments.csv': phasemig never writes over what it reads" \
    migrate --html IN/resource_assignments.csv IN OUT
expect "paths: --dry-run --html an input table is refused" \
    refuses x - "--html 'IN/resource_assignments.csv' is the input 'IN/resource_assignments.csv': phasemig never writes over what it reads" \
    migrate --dry-run --html IN/resource_assignments.csv IN
expect "paths: rollback --force X X is refused" \
    refuses x - "OUT 'IN' is the input 'IN': phasemig never writes over what it reads" \
    rollback --force IN IN
expect "paths: reconcile --out an input table is refused" \
    refuses x - "--out 'IN/projects.csv' is the input 'IN/projects.csv': phasemig never writes over what it reads" \
    reconcile --out IN/projects.csv IN IN

# the spellings a person uses
expect "paths: ./IN and IN are one path" \
    refuses x - "OUT 'IN' is the input './IN': phasemig never writes over what it reads" \
    migrate --force ./IN IN
expect "paths: an absolute OUT for a relative IN" \
    refuses x - "OUT '$WORK/p/IN/' is the input 'IN': phasemig never writes over what it reads" \
    migrate --force IN "$WORK/p/IN/"
expect "paths: IN/.. as OUT holds IN" \
    refuses x - "OUT 'IN/..' holds the input 'IN': replacing it would remove the input" \
    migrate --force IN IN/..
expect "paths: a symlink to IN as OUT" \
    refuses x link "OUT 'link' is the input 'IN': phasemig never writes over what it reads" \
    migrate --force IN link
expect "paths: IN through a symlink, OUT the real directory" \
    refuses x link "OUT 'IN' is the input 'link': phasemig never writes over what it reads" \
    migrate --force link IN
expect "paths: --rejects a hard link to an input table" \
    refuses x hard "--rejects 'hard' is the input 'IN/projects.csv': phasemig never writes over what it reads" \
    migrate --rejects hard IN OUT
expect "paths: OUT inside the input directory" \
    refuses x - "OUT 'IN/out' lies inside the input 'IN': write it elsewhere" \
    migrate IN IN/out
expect "paths: OUT the directory of a SQLite input" \
    refuses x db "OUT 'db' holds the input 'db/seed.db': replacing it would remove the input" \
    migrate --force db/seed.db db
expect "paths: --rejects on a SQLite input's journal" \
    refuses x db "--rejects 'db/seed.db-journal' is the input 'db/seed.db-journal': phasemig never writes over what it reads" \
    migrate --rejects db/seed.db-journal db/seed.db OUT
expect "paths: two outputs on one path" \
    refuses x - "--rejects 'x.html' and --html './x.html' are one path: each output needs its own" \
    migrate --rejects x.html --html ./x.html IN OUT
expect "paths: --rejects inside OUT" \
    refuses x - "--rejects 'OUT/r.csv' lies inside OUT 'OUT': each output needs its own path" \
    migrate --rejects OUT/r.csv IN OUT

# --dry-run IN OUT previews the run that has OUT: names it, creates nothing
dry_run_names_out() {
    paths_setup || return 1
    (cd "$WORK/p" && "$PHASEMIG" migrate --dry-run IN OUT >"$WORK/stdout" 2>"$WORK/stderr") || return 1
    [ "$(tail -n 1 "$WORK/stdout")" = "The real run would write OUT; this dry run created nothing." ] &&
        untouched
}
dry_run_would_refuse() {
    paths_setup && mkdir "$WORK/p/OUT" && echo keep >"$WORK/p/OUT/file" || return 1
    (cd "$WORK/p" && "$PHASEMIG" migrate --dry-run IN OUT >"$WORK/stdout" 2>"$WORK/stderr") || return 1
    [ "$(tail -n 1 "$WORK/stdout")" = "The real run would refuse OUT: it exists and is not empty (--force replaces it)." ] &&
        same <(echo keep) "$WORK/p/OUT/file" && untouched OUT
}
dry_run_force_would_replace() {
    paths_setup && mkdir "$WORK/p/OUT" && echo keep >"$WORK/p/OUT/file" || return 1
    (cd "$WORK/p" && "$PHASEMIG" migrate --dry-run --force IN OUT >"$WORK/stdout" 2>"$WORK/stderr")
    [ "$(tail -n 1 "$WORK/stdout")" = "The real run would write OUT (replacing what is there); this dry run created nothing." ] &&
        same <(echo keep) "$WORK/p/OUT/file" && untouched OUT
}
expect "paths: --dry-run IN OUT names OUT and creates nothing" dry_run_names_out
expect "paths: --dry-run IN OUT says the real run would refuse a full OUT" dry_run_would_refuse
expect "paths: --dry-run --force IN OUT says it would replace OUT" dry_run_force_would_replace

# Eight runs at once, each with its own input, into one fresh OUT, 20
# times: exactly one exits 0 and OUT is its output byte for byte; the
# others exit 2 with "exists and is not empty"; no staging directory is
# left. With --force: all exit 0, and OUT is exactly one run's output.
race_inputs() {
    rm -rf "$WORK/race" && mkdir -p "$WORK/race/in" "$WORK/race/ref" || return 1
    local k
    for k in 1 2 3 4 5 6 7 8; do
        cp -r fixtures/planner-seed "$WORK/race/in/$k" &&
            sed -i "2s/,Mobile Application Development,/,Mobile Application Development (run $k),/" \
                "$WORK/race/in/$k/projects.csv" &&
            "$PHASEMIG" migrate -q "$WORK/race/in/$k" "$WORK/race/OUT" &&
            mv "$WORK/race/OUT" "$WORK/race/ref/$k" || return 1
    done
    # eight different outputs, or the test could not tell the runs apart
    [ "$(cat "$WORK"/race/ref/*/projects.csv | sort -u | wc -l)" -gt "$(wc -l <"$WORK/race/ref/1/projects.csv")" ]
}
# race_once FORCE: one round; prints which run's output OUT holds
race_once() {
    local force=$1 k pids=() winners=0 winner=""
    rm -rf "$WORK/race/OUT" "$WORK/race/rc" && mkdir "$WORK/race/rc"
    for k in 1 2 3 4 5 6 7 8; do
        ("$PHASEMIG" migrate -q $force "$WORK/race/in/$k" "$WORK/race/OUT" >/dev/null 2>"$WORK/race/rc/$k.err"
         echo $? >"$WORK/race/rc/$k") &
        pids+=($!)
    done
    wait "${pids[@]}"
    for k in 1 2 3 4 5 6 7 8; do
        case "$(cat "$WORK/race/rc/$k")" in
            0) winners=$((winners + 1)) ;;
            2) same <(echo "phasemig: $WORK/race/OUT: exists and is not empty (--force replaces it)") \
                    "$WORK/race/rc/$k.err" >/dev/null || { echo "run $k: $(cat "$WORK/race/rc/$k.err")"; return 1; } ;;
            *) echo "run $k exited $(cat "$WORK/race/rc/$k")"; return 1 ;;
        esac
    done
    local left
    left=$(ls -d "$WORK"/race/OUT.phasemig-* 2>/dev/null)
    [ -z "$left" ] || { echo "staging left: $left"; return 1; }
    for k in 1 2 3 4 5 6 7 8; do
        if diff -r -q "$WORK/race/ref/$k" "$WORK/race/OUT" >/dev/null; then winner="$winner $k"; fi
    done
    if [ -z "$force" ]; then
        [ "$winners" -eq 1 ] || { echo "$winners runs exited 0"; return 1; }
        local ok
        ok=$(grep -l -x 0 "$WORK"/race/rc/? | xargs -n1 basename)
        [ "$winner" = " $ok" ] || { echo "OUT holds run(s)$winner, run $ok exited 0"; return 1; }
    else
        [ "$winners" -eq 8 ] || { echo "with --force, $winners of 8 runs exited 0"; return 1; }
        [ "$(wc -w <<<"$winner")" -eq 1 ] || { echo "OUT is not one run's output:$winner"; return 1; }
    fi
}
race() {
    local force=$1 round
    race_inputs || return 1
    for round in $(seq 20); do
        race_once "$force" || { echo "round $round"; return 1; }
    done
}
if [ -z "${SANITIZED:-}" ]; then
    expect "paths: 8 runs into one fresh OUT, 20 times: exactly one wins" race ""
    expect "paths: 8 runs with --force into one OUT, 20 times: OUT is one run's output" race --force
fi
