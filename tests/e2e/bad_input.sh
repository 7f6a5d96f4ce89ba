# Every bad-input rule: the exact problems on stderr, exit status 2, and
# nothing written (no OUT, no staging directory beside it). A case is a
# directory fixtures/expected/bad/NAME: `why` (one line: what it shows, the
# test's name), `stderr`, `status`, and optionally `args` and `input` (the
# fixture under fixtures/bad/, NAME by default).

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
    if [ -s "$exp/why" ]; then
        expect "bad input: $(basename "$exp"): $(cat "$exp/why")" bad_input "$(basename "$exp")"
    else
        expect "bad input: $(basename "$exp") says why it exists (a why file)" false
    fi
done

# SQLite rowids serve as line numbers and can be negative: a repeated id
# whose first row is rowid -1 is still found (the id check once lost an
# entry whose line was -1).
repeat_after_negative_rowid() {
    rm -rf "$WORK/neg" "$WORK/neg-db" && mkdir "$WORK/neg" "$WORK/neg-db" &&
        seed_as_sqlite "$WORK/neg-db/seed.db" || return 1
    local cols="project_id, project_phase_id, resource_id, assignment_date, allocation_percentage,
                capital_percentage, expense_percentage, id, created_at, updated_at"
    sqlite3 "$WORK/neg-db/seed.db" "CREATE TABLE ra AS SELECT * FROM resource_assignments;
        DROP TABLE resource_assignments; ALTER TABLE ra RENAME TO resource_assignments;
        INSERT INTO resource_assignments (rowid, $cols) SELECT -1, $cols FROM resource_assignments
        WHERE rowid = 3;" || return 1
    run_phasemig migrate "$WORK/neg-db/seed.db" "$WORK/neg/out"
    fails_cleanly "$WORK/neg" "WORK/neg-db/seed.db[resource_assignments]:3: column id: '40000000-0000-4000-8000-000000000003': repeated id (also on line -1)
phasemig: 1 problem in the input; nothing written"
}
expect "bad input: a repeated id after a negative SQLite rowid" repeat_after_negative_rowid
