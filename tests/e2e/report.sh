# The visual report: rendered in a real browser (headless Chromium, the
# Debian package `make deps` installs), what a person sees is there; small
# for 10,000 projects; --html with --dry-run; the progress line on a
# terminal only.

chromium_args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync)

seed_in_a_browser() {
    command -v chromium >/dev/null || { echo "chromium is not installed (make deps installs it)"; return 1; }
    rm -rf "$WORK/rep" "$WORK/chrome" && mkdir "$WORK/chrome"
    "$PHASEMIG" migrate -q fixtures/planner-seed "$WORK/rep" || return 1
    timeout 120 chromium "${chromium_args[@]}" --user-data-dir="$WORK/chrome" --dump-dom \
        "file://$WORK/rep/report.html" >"$WORK/dom.html" 2>/dev/null || return 1
    timeout 120 chromium "${chromium_args[@]}" --user-data-dir="$WORK/chrome" --window-size=900,1400 \
        --screenshot="$WORK/report.png" "file://$WORK/rep/report.html" >/dev/null 2>&1 || return 1
    local name
    for name in "Mobile Application Development" "Web Portal Redesign" "Cloud Migration Phase 1" \
        "Data Center Consolidation" "CRM System Upgrade"; do
        grep -q "<h3>$name " "$WORK/dom.html" || { echo "not shown: $name"; return 1; }
    done
    grep -q '<th>moved</th><td class="n">300</td>' "$WORK/dom.html" &&
        grep -q 'moves <b>300</b> assignments; cutting each where the fewest move (<code>--split evidence</code>) moves <b>3</b>' "$WORK/dom.html" &&
        grep -q '<p>Planning ending 2024-10-15 (midpoint) moves 180; ending 2024-02-01 (evidence) moves 2.</p>' "$WORK/dom.html" &&
        grep -q '<td>Execution</td><td>Planning</td><td class="n">180</td>' "$WORK/dom.html" &&
        [ "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" = 5 ] &&
        # a blank 900x1400 page compresses to a few KB; the real one does not
        [ "$(stat -c %s "$WORK/report.png")" -gt 30000 ] &&
        ! grep -qi '<script\|https\?://' "$WORK/rep/report.html"
}

ten_thousand_projects() {
    rm -rf "$WORK/gen10k" && "$GENDUMP" 100000 "$WORK/gen10k" 10000 || return 1
    "$PHASEMIG" migrate --dry-run -q --html "$WORK/big.html" "$WORK/gen10k" || [ $? = 1 ] || return 1
    local size
    size=$(stat -c %s "$WORK/big.html")
    [ "$size" -lt 400000 ] || { echo "report of $size bytes"; return 1; }
    [ "$(grep -o '<svg' "$WORK/big.html" | wc -l)" = 50 ] &&
        grep -q '<p>And 9950 more projects, with [0-9]* assignments that change phase' "$WORK/big.html"
}

dry_run_html_only() {
    rm -rf "$WORK/dh" && mkdir "$WORK/dh"
    (cd "$WORK/dh" && "$PHASEMIG" migrate --dry-run -q --html report.html "$ROOT/fixtures/planner-seed") &&
        [ "$(ls -A "$WORK/dh")" = report.html ] && grep -q '^<!DOCTYPE html>' "$WORK/dh/report.html"
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
            END { if (s != n || m <= low || m > high) { print "sum " s ", largest " m; exit 1 } }'
}

if [ -z "${SANITIZED:-}" ]; then   # a browser and a pty: once is enough
    expect "report: the planner seed in headless Chromium" seed_in_a_browser
fi
expect "report: 10,000 projects stay small" ten_thousand_projects
expect "report: marks past 14 in a slice (half a byte to a byte)" busy_marks 3000 14 255
expect "report: marks past 255 in a slice" busy_marks 50000 255 100000
expect "report: --dry-run --html writes the report only" dry_run_html_only
