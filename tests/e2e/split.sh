# --split evidence: the day that moves the fewest assignments, per project;
# hand-made projects, the planner seed, and a brute force over every day on
# generated data, written independently of the C code (awk).

# evidence_day ID DAY MOVED: summary.json of the last run in $WORK/s says so
evidence_day() {
    grep -q "{\"project_id\": \"$1\", \"midpoint\": {[^}]*}, \"evidence\": {\"planning_ends\": \"$2\", \"moved\": $3}}" \
        "$WORK/s/summary.json" || { echo "not found: $1 $2 $3"; return 1; }
}

hand_made() {
    rm -rf "$WORK/s"
    "$PHASEMIG" migrate --split evidence fixtures/splits "$WORK/s" >/dev/null || return 1
    local p=10000000-0000-4000-8000-00000000000
    grep -q '"split": {"policy": "evidence", "moved": {"midpoint": 13, "evidence": 3}' "$WORK/s/summary.json" &&
        evidence_day "${p}1" 2024-01-06 0 &&   # in the middle, not at the midpoint
        evidence_day "${p}2" 2024-02-01 1 &&   # at the start
        evidence_day "${p}3" 2024-03-09 1 &&   # at the end
        evidence_day "${p}4" 2024-04-03 1 &&   # tied with 04-09, as close to 04-06: the earlier
        evidence_day "${p}5" 2024-05-16 0 &&   # no assignments: the midpoint
        grep -q "^20000000-0000-4000-8000-000000000011,${p}1,1.00,1.00,2.00,Planning,2024-01-01,2024-01-06,$" \
            "$WORK/s/project_phases.csv" &&
        grep -q "^20000000-0000-4000-8000-000000000012,${p}1,1.00,1.00,2.00,Execution,2024-01-07,2024-01-10,$" \
            "$WORK/s/project_phases.csv"
}

seed_moves_three() {
    rm -rf "$WORK/s" "$WORK/mid"
    "$PHASEMIG" migrate --split evidence fixtures/planner-seed "$WORK/s" >/dev/null &&
        "$PHASEMIG" migrate fixtures/planner-seed "$WORK/mid" >/dev/null || return 1
    grep -q '"assignments": {"total": 420, "kept": 417, "moved": 3, "orphaned": 0' "$WORK/s/summary.json" &&
        grep -q '"moved": {"midpoint": 300, "evidence": 3}' "$WORK/s/summary.json" &&
        grep -q '"moved": {"midpoint": 300, "evidence": 3}' "$WORK/mid/summary.json" &&
        # Planning shrinks to its first day where all work was booked as Execution
        evidence_day 10000000-0000-4000-8000-000000000001 2024-02-01 2 &&
        evidence_day 10000000-0000-4000-8000-000000000003 2024-07-01 1 &&
        # CRM has no assignments and keeps the midpoint: the same phases either way
        same <(grep 10000000-0000-4000-8000-000000000005 "$WORK/mid/project_phases.csv") \
            <(grep 10000000-0000-4000-8000-000000000005 "$WORK/s/project_phases.csv")
}

dry_run_shows_both() {
    run_phasemig migrate --dry-run fixtures/planner-seed
    grep -q '^  midpoint moves 300 assignments (this run)$' "$WORK/stdout" &&
        grep -q '^  evidence moves 3 assignments$' "$WORK/stdout"
}

# The brute force: for every project with both phases and every day s in
# [start, end - 1], count the in-range assignments pointing at its own
# phases that s would move; keep the least, then the closest to the
# midpoint, then the earlier. Prints "project_id day moved".
brute_force() {
    local dir=$1
    awk -F, '
        function day(s,   y, m, d, era, yoe, doy) {   # days_from_civil
            y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
            y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
            doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
            return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
        }
        FNR == 1 { file++; next }   # 1 projects, 2 phases, 3 assignments
        file == 1 { start[$1] = day($2); end_[$1] = day($3) }
        file == 2 { owner[$1] = $2; type[$1] = toupper($3); has[$2, toupper($3)] = 1 }
        file == 3 {
            p = $2; ph = $3; d = day($4)
            if (owner[ph] != p || d < start[p] || d > end_[p]) next
            n[p]++; at[p, n[p]] = d; kind[p, n[p]] = type[ph]
        }
        END {
            for (p in start) {
                if (!has[p, "PLANNING"] || !has[p, "EXECUTION"]) continue
                mid = start[p] + int((end_[p] - start[p]) / 2); best = -1
                for (s = start[p]; s < end_[p]; s++) {
                    moves = 0
                    for (i = 1; i <= n[p]; i++)
                        if ((kind[p, i] == "PLANNING" && at[p, i] > s) || (kind[p, i] == "EXECUTION" && at[p, i] <= s)) moves++
                    dist = s > mid ? s - mid : mid - s
                    if (best < 0 || moves < best || (moves == best && dist < bestdist)) { best = moves; bestday = s; bestdist = dist }
                }
                print p, bestday - start[p], best
            }
        }' <("$CSVCOLS" "$dir/projects.csv" id,start_date,end_date) \
           <("$CSVCOLS" "$dir/project_phases.csv" id,project_id,phase_type) \
           <("$CSVCOLS" "$dir/resource_assignments.csv" id,project_id,project_phase_id,assignment_date) |
        sort
}

# brute_force_agrees ASSIGNMENTS PROJECTS MIN_PROJECTS
brute_force_agrees() {
    rm -rf "$WORK/gen"
    "$GENDUMP" "$1" "$WORK/gen" "$2" && agrees_with_brute_force "$WORK/gen" "$3"
}

# agrees_with_brute_force DIR MIN_PROJECTS: phasemig's evidence split of
# every project of DIR is the brute force's
agrees_with_brute_force() {
    rm -rf "$WORK/s"
    "$PHASEMIG" migrate --split evidence "$1" "$WORK/s" >/dev/null || return 1
    # phasemig's choice as "project_id offset moved", the offset from the project's start
    sed -n 's/^    {"project_id": "\([^"]*\)", .*"evidence": {"planning_ends": "\([^"]*\)", "moved": \([0-9]*\)}}.*/\1 \2 \3/p' \
        "$WORK/s/summary.json" | sort >"$WORK/chosen"
    "$CSVCOLS" "$1/projects.csv" id,start_date | tail -n +2 | tr , ' ' | sort >"$WORK/starts"
    join "$WORK/chosen" "$WORK/starts" | awk '
        function day(s,   y, m, d, era, yoe, doy) {
            y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
            y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
            doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
            return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
        }
        { print $1, day($2) - day($4), $3 }' | sort >"$WORK/chosen.offsets"
    brute_force "$1" >"$WORK/brute"
    [ "$(wc -l <"$WORK/brute")" -ge "$2" ] || { echo "too few projects with both phases"; return 1; }
    same "$WORK/brute" "$WORK/chosen.offsets"
}

# A day's count is kept in half a byte until it leaves [-7, 7], then in a
# byte. Days with small counts first, then a day to +9 (Execution-pointing)
# and two to -9 (Planning-pointing), then one more on a small day: the
# values already counted must survive the widening, of either sign (the
# best split, 01-07, moves 17, and lies after the small days).
half_byte_days() {
    local d=$WORK/half p=10000000-0000-4000-8000-000000000001 n=0 spec day count phase i
    rm -rf "$d" && mkdir "$d" || return 1
    printf 'id,name,start_date,end_date\n%s,Half,2024-01-01,2024-01-10\n' "$p" >"$d/projects.csv"
    printf 'id,project_id,phase_type,capital_budget,expense_budget,total_budget\n%s\n%s\n' \
        "20000000-0000-4000-8000-000000000001,$p,PLANNING,1.00,1.00,2.00" \
        "20000000-0000-4000-8000-000000000002,$p,EXECUTION,1.00,1.00,2.00" >"$d/project_phases.csv"
    {
        echo id,project_id,project_phase_id,assignment_date
        # DAY:COUNT:PHASE (1 Planning, 2 Execution)
        for spec in 03:3:1 09:2:2 05:7:2 02:9:2 04:9:1 07:9:1 03:1:2; do
            IFS=: read -r day count phase <<<"$spec"
            for i in $(seq 1 "$count"); do
                n=$((n + 1))
                printf '40000000-0000-4000-8000-%012d,%s,20000000-0000-4000-8000-00000000000%d,2024-01-%s\n' \
                    "$n" "$p" "$phase" "$day"
            done
        done
    } >"$d/resource_assignments.csv"
    agrees_with_brute_force "$d" 1 && grep -q "^$p " "$WORK/brute"
}

# A day's count is kept in a byte until it leaves [-127, 127]: 130
# Execution-pointing assignments on 01-02 and 140 Planning-pointing ones on
# 01-08 take the project past that both ways.
busy_days() {
    local d=$WORK/busy p=10000000-0000-4000-8000-000000000001 i
    rm -rf "$d" "$WORK/s" && mkdir "$d" || return 1
    printf 'id,name,start_date,end_date\n%s,Busy,2024-01-01,2024-01-10\n' "$p" >"$d/projects.csv"
    printf 'id,project_id,phase_type,capital_budget,expense_budget,total_budget\n%s\n%s\n' \
        "20000000-0000-4000-8000-000000000001,$p,PLANNING,1.00,1.00,2.00" \
        "20000000-0000-4000-8000-000000000002,$p,EXECUTION,1.00,1.00,2.00" >"$d/project_phases.csv"
    {
        echo id,project_id,project_phase_id,assignment_date
        for i in $(seq 1 270); do
            if [ "$i" -le 130 ]; then
                printf '40000000-0000-4000-8000-%012d,%s,20000000-0000-4000-8000-000000000002,2024-01-02\n' "$i" "$p"
            else
                printf '40000000-0000-4000-8000-%012d,%s,20000000-0000-4000-8000-000000000001,2024-01-08\n' "$i" "$p"
            fi
        done
    } >"$d/resource_assignments.csv"
    "$PHASEMIG" migrate --split evidence "$d" "$WORK/s" >/dev/null || return 1
    grep -q '"moved": {"midpoint": 270, "evidence": 130}' "$WORK/s/summary.json" &&
        evidence_day "$p" 2024-01-08 130 &&
        same <(brute_force "$d") <(echo "$p 7 130")
}

expect "split: hand-made projects (middle, start, end, tie, none)" hand_made
expect "split: the planner seed moves 3 with evidence, 300 with midpoint" seed_moves_three
expect "split: --dry-run shows both policies" dry_run_shows_both
expect "split: a brute force over every day agrees on generated data" brute_force_agrees 6000 30 10
expect "split: days too busy for half a byte" half_byte_days
expect "split: days too busy for a byte" busy_days
expect "split: bad policy" usage_error "phasemig: migrate: --split takes midpoint or evidence, not 'middle'" migrate --split middle a b
