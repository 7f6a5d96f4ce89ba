# Golden tests: for each fixtures/expected/CMD/NAME (CMD migrate or
# rollback; `why`, one line: what it shows, the test's name; the word REJECTS in `args` stands for a rejects file, compared
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
        args | input | status | stdout | stderr | why) ;;
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
        if [ -s "$exp/why" ]; then
            expect "golden: $cmd $(basename "$exp"): $(cat "$exp/why")" golden "$cmd" "$(basename "$exp")"
        else
            expect "golden: $cmd $(basename "$exp") says why it exists (a why file)" false
        fi
    done
done

# diff.csv's context columns agree with the tables, on generated data: an
# assignment row's project_id and assignment_date are the assignment's, its
# before_phase and after_phase the names of the phases its before and after
# ids name (after empty when orphaned); schema and phase rows leave them empty.
diff_context_agrees() {
    rm -rf "$WORK/gen" "$WORK/m" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null &&
        "$PHASEMIG" migrate -q "$WORK/gen" "$WORK/m" || return 1
    same <(head -n 1 "$WORK/m/diff.csv") \
        <(echo table,id,change,field,before,after,project_id,assignment_date,before_phase,after_phase) || return 1
    "$CSVCOLS" "$WORK/m/project_phases.csv" id,name | tail -n +2 >"$WORK/names"
    "$CSVCOLS" "$WORK/gen/resource_assignments.csv" id,project_id,assignment_date | tail -n +2 >"$WORK/ctx"
    awk -F, 'FILENAME == ARGV[1] { name[$1] = $2; next }
             FILENAME == ARGV[2] { ctx[$1] = $2 "," $3; next }
             FNR == 1 { next }
             $1 != "resource_assignments" || $2 == "" { if ($7 $8 $9 $10 != "") { print "context on line " FNR; bad = 1 } next }
             { rows++
               if ($7 "," $8 != ctx[$2]) { print "line " FNR ": " $7 "," $8 " is not " ctx[$2]; bad = 1 }
               if ($9 != name[$5]) { print "line " FNR ": before_phase " $9 ", not " name[$5]; bad = 1 }
               if ($10 != ($6 == "" ? "" : name[$6])) { print "line " FNR ": after_phase " $10; bad = 1 }
               if ($3 == "orphaned" && ($6 != "" || $10 != "")) { print "line " FNR ": orphaned with a phase"; bad = 1 } }
             END { if (rows < 1000) { print "only " rows " assignment rows"; bad = 1 } exit bad }' \
        "$WORK/names" "$WORK/ctx" "$WORK/m/diff.csv"
}
expect "golden: diff.csv's context columns agree with the tables (generated data)" diff_context_agrees
