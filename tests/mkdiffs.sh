#!/usr/bin/env bash
# mkdiffs.sh IN OUT SEED [shuffle]: a copy of the CSV dataset IN (plain CSV
# without quoted fields, as build/gendump and migrate write it) in OUT,
# with differences injected into every table for reconcile's differential
# test (tests/e2e/reconcile.sh): rows deleted, repeated (a repeated id),
# added under a new id, and values changed in every type's column, some
# into values that differ and some into other spellings of the same value
# (50000.00 -> 50000, a timestamp's .000000, an upper-case id), NULL into
# '' and back, ids that are no UUID, empty ids. SEED picks which rows: two
# seeds on one IN make a pair that differs both ways. With `shuffle`, each
# table's rows come out in another order (the header stays first).
# Deterministic: the same IN and SEED give the same OUT.
set -eu
in=$1 out=$2 seed=$3 shuffle=${4:-}
mkdir -p "$out"
for f in "$in"/*.csv; do
    name=$(basename "$f")
    awk -F, -v OFS=, -v seed="$seed" -v shuffle="$shuffle" -v tmp="$out/$name.tmp" '
    # a pseudo-random number in [0, 1000) from the line and the seed
    function pick(salt) { return (NR * 7919 + seed * 104729 + salt * 31337) % 1000 }
    function bump_digit(s,   c, i) {   # the last digit of s, one up (9 -> 0)
        for (i = length(s); i > 0; i--) {
            c = substr(s, i, 1)
            if (c ~ /[0-9]/) return substr(s, 1, i - 1) ((c + 1) % 10) substr(s, i + 1)
        }
        return s "0"
    }
    function change(v, col, kind) {   # kind 0: a different value; 1: the same in another spelling
        if (v == "" || v == "\"\"") return kind ? v : (v == "" ? "\"\"" : "")
        if (col ~ /_budget$|_percentage$/) return kind ? (v ~ /\.00$/ ? substr(v, 1, length(v) - 3) : v "") : bump_digit(v)
        if (col ~ /_date$/) return kind ? v : substr(v, 1, 8) sprintf("%02d", substr(v, 9, 2) % 28 + 1)
        if (col ~ /_at$/) return kind ? v ".000000" : bump_digit(v)
        if (col == "id" || col ~ /_id$/) return kind ? toupper(v) : substr(v, 1, 35) (substr(v, 36, 1) == "a" ? "b" : "a")
        return kind ? v : v "x"
    }
    NR == 1 { ncols = NF; for (i = 1; i <= NF; i++) { col[i] = $i; if ($i == "id") idcol = i }
              print; next }
    {
        p = pick(1)
        if (p < 10) next                                  # deleted: missing on this side
        if (p < 20) { emit($0); emit($0); next }          # repeated id
        if (p < 25) { line = $0; emit(line); $idcol = substr($idcol, 1, 24) sprintf("%012d", NR + seed * 1000000); emit($0); next }
        if (p < 27) { $idcol = "not-a-uuid-" NR; emit($0); next }
        if (p == 27) { $idcol = ""; emit($0); next }
        if (p < 60) { k = pick(2) % ncols + 1; $k = change($k, col[k], pick(3) % 2); emit($0); next }
        if (p < 65) { k = pick(2) % ncols + 1; $k = change($k, col[k], 0)
                      k = pick(4) % ncols + 1; $k = change($k, col[k], 0); emit($0); next }
        emit($0)
    }
    function emit(s) { if (shuffle) print ((NR * 2654435761 + seed) % 4294967296) "\t" s >tmp; else print s }
    ' "$f" >"$out/$name"
    if [ -n "$shuffle" ] && [ -f "$out/$name.tmp" ]; then
        sort -n -k1,1 -s "$out/$name.tmp" | cut -f2- >>"$out/$name"
        rm "$out/$name.tmp"
    fi
done
