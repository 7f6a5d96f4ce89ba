# The visual report: rendered in a real browser (headless Chromium, the
# Debian package `make deps` installs), what a person sees is there and in
# the order that matters (the headline, the findings and the overall chart
# on the first screen, before any project); 5,000 projects render in under
# 5 s; the fixed head is checked once here (fixtures/expected/report-head.html,
# not in every golden report); same input, same bytes; --html with
# --dry-run; the marks of busy slices.

chromium_args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync)

# render HTML PNG: the first screen (1280 x 800) of HTML as PNG, and its DOM
# in $WORK/dom.html
render() {
    command -v chromium >/dev/null || { echo "chromium is not installed (make deps installs it)"; return 1; }
    rm -rf "$WORK/chrome" && mkdir "$WORK/chrome"
    timeout 120 chromium "${chromium_args[@]}" --user-data-dir="$WORK/chrome" --dump-dom \
        "file://$1" >"$WORK/dom.html" 2>/dev/null || return 1
    timeout 120 chromium "${chromium_args[@]}" --user-data-dir="$WORK/chrome" --window-size=1280,800 \
        --screenshot="$2" "file://$1" >/dev/null 2>&1
}

# in_order FILE PATTERN...: each pattern is found in FILE, after the one before
in_order() {
    local file=$1 last=0 at
    shift
    for pattern in "$@"; do
        at=$(grep -b -o -m1 -- "$pattern" "$file" | head -n 1 | cut -d: -f1)
        [ -n "$at" ] || { echo "not found: $pattern"; return 1; }
        [ "$at" -gt "$last" ] || { echo "out of order: $pattern at $at, before $last"; return 1; }
        last=$at
    done
}

# not_blank PNG: a blank 1280x800 page compresses to a few KB; one with the
# headline, the findings and a chart does not
not_blank() {
    local size
    size=$(stat -c %s "$1")
    [ "$size" -gt 40000 ] || { echo "$1: $size bytes: blank?"; return 1; }
}

seed_in_a_browser() {
    rm -rf "$WORK/rep"
    "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/rep" || return 1
    render "$WORK/rep/report.html" "$WORK/report.png" || return 1
    in_order "$WORK/dom.html" 'id="headline"' 'id="findings"' 'id="overall-chart"' 'id="projects"' \
        'class="project"' 'id="checks"' &&
        grep -q '<div><b>2,800,000.00</b><span>budget, total</span></div>' "$WORK/dom.html" &&
        grep -q '<div class="moved"><b>300</b><span>moved</span></div>' "$WORK/dom.html" &&
        grep -q '<p class="meta">phasemig 0.2.0 · input <code>fixtures/planner-seed</code> (93,971 bytes; read: 5 projects, 8 phases, 420 assignments)' "$WORK/dom.html" &&
        grep -q '<tr class="total"><td>all 2 projects with changes<td><td><td class="n">300<td class="n"><td class="n"><td class="n"><td class="n"><td class="n"><td class="n">300' "$WORK/rep/report.html" &&
        grep -q '>cut 2024-10-15</text>' "$WORK/dom.html" &&
        grep -q '>0 kept, 180 moved in</text>' "$WORK/dom.html" &&
        grep -q '<li class="pass"><b>PASS</b> every check passes</li>' "$WORK/dom.html" &&
        [ "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" = 3 ] &&
        not_blank "$WORK/report.png" &&
        ! grep -qi '<script\|https\?://' "$WORK/rep/report.html"
}

# the head is the same in every report, and checked here once
fixed_head() {
    rm -rf "$WORK/rep" && "$PHASEMIG" migrate -q fixtures/edge-cases "$WORK/rep" 2>/dev/null
    same fixtures/expected/report-head.html <(sed -n '1,/^<\/head>$/p' "$WORK/rep/report.html")
}

# orphans are a WARN in amber, named by cause, in the findings and the table
orphans_in_findings() {
    rm -rf "$WORK/gen" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null || return 1
    "$PHASEMIG" migrate -q --dry-run --html "$WORK/o.html" "$WORK/gen" || return 1
    grep -q '<li class="warn"><b>WARN</b> [0-9,]* assignments are orphaned (in no phase, so in no phase-based report): [0-9,]* dated before its project.s start, [0-9,]* after its end, 0 in a project with no phase</li>' "$WORK/o.html" &&
        grep -q '>orphaned:</text>\|orphaned:</text><text[^>]*>before start</text>' "$WORK/o.html" &&
        in_order "$WORK/o.html" 'id="findings"' 'class="warn"' 'id="overall-chart"'
}

# 5,000 projects (a million assignments): the first screen in headless
# Chromium in under 5 s, not blank, the headline with thousands separators,
# the table holds every project with changes, 50 timelines
five_thousand_projects() {
    rm -rf "$WORK/gen5k" && "$GENDUMP" 1000000 "$WORK/gen5k" >/dev/null || return 1
    "$PHASEMIG" migrate --dry-run -q --html "$WORK/big.html" "$WORK/gen5k" || return 1
    local size start ms changed
    size=$(stat -c %s "$WORK/big.html")
    [ "$size" -lt 3000000 ] || { echo "report of $size bytes"; return 1; }
    render "$WORK/big.html" "$WORK/big.png" || return 1
    start=$(date +%s%N)     # the screenshot alone, timed: a browser start, parse, layout, paint
    timeout 120 chromium "${chromium_args[@]}" --user-data-dir="$WORK/chrome" --window-size=1280,800 \
        --screenshot="$WORK/big.png" "file://$WORK/big.html" >/dev/null 2>&1 || return 1
    ms=$((($(date +%s%N) - start) / 1000000))
    changed=$(sed -n 's/.*<h2>Every project with changes: \([0-9,]*\),.*/\1/p' "$WORK/big.html" | tr -d ,)
    grep -q '<div class=""><b>1,000,000</b><span>assignments</span></div>' "$WORK/dom.html" &&
        grep -q '<div class=""><b>5,000</b><span>projects</span></div>' "$WORK/dom.html" &&
        [ "$(grep -c '^<tr><td>' "$WORK/big.html")" = "$changed" ] &&
        [ "$(grep -o '<section class="project"' "$WORK/big.html" | wc -l)" = 50 ] &&
        in_order "$WORK/big.html" 'id="headline"' 'id="overall-chart"' 'id="projects"' 'class="project"' &&
        not_blank "$WORK/big.png" &&
        { [ "$ms" -lt 5000 ] || { echo "the first screen took $ms ms in Chromium"; return 1; }; }
}

# 10,000 projects stay bounded: the index table is long on purpose, the
# timelines are not (50)
ten_thousand_projects() {
    rm -rf "$WORK/gen10k" && "$GENDUMP" 100000 "$WORK/gen10k" 10000 >/dev/null || return 1
    "$PHASEMIG" migrate --dry-run -q --html "$WORK/big.html" "$WORK/gen10k" || [ $? = 1 ] || return 1
    local size
    size=$(stat -c %s "$WORK/big.html")
    [ "$size" -lt 4000000 ] || { echo "report of $size bytes"; return 1; }
    if [ -z "${SANITIZED:-}" ]; then
        # the page is written as it is made: making it (its per-project
        # marks included, which a dry run without --html does not count)
        # costs less memory than the page's size, which it would cost held
        local with without
        with=$( { /usr/bin/time -f %M "$PHASEMIG" migrate --dry-run -q --html "$WORK/big2.html" "$WORK/gen10k"; } 2>&1 >/dev/null | tail -n 1)
        without=$( { /usr/bin/time -f %M "$PHASEMIG" migrate --dry-run -q "$WORK/gen10k"; } 2>&1 >/dev/null | tail -n 1)
        [ $((with - without)) -lt $((size / 1024)) ] ||
            { echo "peak RSS $with KiB with the report of $size bytes, $without without"; return 1; }
    fi
    [ "$(grep -o '<svg' "$WORK/big.html" | wc -l)" = 51 ] &&
        grep -q "<p>The other [0-9,]* projects with changes are in the table above; the real run's diff.csv lists every changed assignment.</p>" "$WORK/big.html"
}

same_bytes_twice() {
    rm -rf "$WORK/a" "$WORK/b"
    "$PHASEMIG" migrate -q --dry-run --html "$WORK/a.html" fixtures/edge-cases 2>/dev/null
    "$PHASEMIG" migrate -q --dry-run --html "$WORK/b.html" fixtures/edge-cases 2>/dev/null
    same "$WORK/a.html" "$WORK/b.html"
}

dry_run_html_only() {
    rm -rf "$WORK/dh" && mkdir "$WORK/dh"
    (cd "$WORK/dh" && "$PHASEMIG" migrate --dry-run -q --html report.html "$ROOT/fixtures/planner-seed") &&
        [ "$(ls -A "$WORK/dh")" = report.html ] && grep -q '^<!DOCTYPE html>' "$WORK/dh/report.html" &&
        grep -q 'split policy midpoint &middot; a dry run: nothing written</p>' "$WORK/dh/report.html"
}

# busy_marks ASSIGNMENTS LOW HIGH: over two projects, slices with more
# marks than half a byte (3,000) or a byte (50,000) holds, so that
# stages/report.c widens the projects' counts while counting: the marks'
# titles add up to every assignment, and the largest is in (LOW, HIGH].
busy_marks() {
    rm -rf "$WORK/gen" && "$GENDUMP" "$1" "$WORK/gen" 2 || return 1
    "$PHASEMIG" migrate -q --dry-run --html "$WORK/busy.html" "$WORK/gen" || return 1
    grep -o '<title>[0-9]* [a-z]*</title>' "$WORK/busy.html" | sed 's/<title>\([0-9]*\) .*/\1/' |
        awk -v n="$1" -v low="$2" -v high="$3" '{ s += $1; if ($1 > m) m = $1 }
            END { if (s != n || m <= low || m > high) { print "sum " s ", largest " m; exit 1 } }' &&
        # the overall chart's months add up to every assignment too
        grep -o '<title>[0-9]*-[0-9]*: [0-9]* [a-z]*</title>' "$WORK/busy.html" |
        sed 's/.*: \([0-9]*\) .*/\1/' | awk -v n="$1" '{ s += $1 } END { if (s != n) { print "months: " s; exit 1 } }'
}

# each month of the overall chart holds the assignments dated in it,
# counted again from the input; over more than 1,024 days, so that days
# which share a slot of the report's month memo are both counted right
months_by_date() {
    rm -rf "$WORK/gen" && "$GENDUMP" 20000 "$WORK/gen" >/dev/null || return 1
    "$PHASEMIG" migrate -q --dry-run --html "$WORK/months.html" "$WORK/gen" || return 1
    grep -o '<title>[0-9]*-[0-9]*: [0-9]* [a-z]*</title>' "$WORK/months.html" |
        sed 's/<title>\([0-9-]*\): \([0-9]*\) .*/\1 \2/' |
        awk '{ n[$1] += $2 } END { for (m in n) print m, n[m] }' | sort >"$WORK/months.report"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "assignment_date") c = i; next }
             { n[substr($c, 1, 7)]++ } END { for (m in n) print m, n[m] }' \
        "$WORK/gen/resource_assignments.csv" | sort >"$WORK/months.input"
    [ "$(wc -l <"$WORK/months.input")" -gt 35 ] || { echo "dates span too few months"; return 1; }
    same "$WORK/months.input" "$WORK/months.report"
}

if [ -z "${SANITIZED:-}" ]; then   # a browser and a pty: once is enough
    expect "report: the planner seed in headless Chromium, the whole picture first" seed_in_a_browser
    expect "report: 5,000 projects render in headless Chromium in under 5 s" five_thousand_projects
fi
expect "report: the fixed head, checked once" fixed_head
expect "report: orphans are a WARN by cause" orphans_in_findings
expect "report: 10,000 projects stay bounded" ten_thousand_projects
expect "report: same input, same bytes" same_bytes_twice
expect "report: marks past 14 in a slice (half a byte to a byte)" busy_marks 3000 14 255
expect "report: marks past 255 in a slice" busy_marks 50000 255 100000
expect "report: --dry-run --html writes the report only" dry_run_html_only
expect "report: each month of the overall chart holds the assignments dated in it" months_by_date
