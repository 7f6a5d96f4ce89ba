#!/usr/bin/env bash
# variant.sh IN OUT: the dataset IN (CSV, as migrate writes it) in OUT with
# its assignments in another order, as a live export after a migration's
# UPDATEs would give them, and 1% of them changed: 0.4% with another
# allocation_percentage, 0.3% deleted (missing), 0.3% added under a new
# id (extra). The other tables are copied. Deterministic. For make bench.
set -eu
in=$1 out=$2
mkdir -p "$out"
cp "$in/projects.csv" "$in/project_phases.csv" "$out/"
f=$in/resource_assignments.csv
head -n 1 "$f" >"$out/resource_assignments.csv"
awk -F, -v OFS=, '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "id") id = i; if ($i == "allocation_percentage") pct = i }; next }
    # (products kept below 2^53, where awk counts exactly)
    { k = (NR * 7919) % 1000; key = (NR * 40503) % 65521 * 100000000 + NR % 100000000 }
    k < 3 { next }                                            # missing
    k < 7 { $pct = ($pct == "100.00" ? "99.00" : ($pct + 1) ".00") }   # changed
    k >= 7 && k < 10 { print key "\t" $0; $id = substr($id, 1, 24) sprintf("%012x", NR); print (key + 1) "\t" $0; next }
    { print key "\t" $0 }
' "$f" | sort -t "$(printf '\t')" -k1,1n -S 256M | cut -f2- >>"$out/resource_assignments.csv"
