#!/usr/bin/env bash
# The layers, checked (make test): includes only point down, and no two
# modules include each other, however indirectly.
#
#   pipeline/frame/     the frame: knows nothing of the planner; includes
#                       only pipeline/frame/
#   stages/             the business: includes stages/ and pipeline/frame/
#   pipeline/commands/  the composition root: includes any of them
#
# A module is a .c and its .h (chain.c + chain.h); module A depends on B
# when a file of A includes B's header. tsort finds the circles.
#
# Threads belong to the chain: outside the machinery that runs them
# (worker, ring, readahead, background), only pipeline/frame/chain.c names
# a function that starts a thread. The last line is "layers: N passed,
# M failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
check() { # NAME RESULT...: passes when RESULT is empty
    local name=$1; shift
    if [ -z "$*" ]; then passed=$((passed + 1)); echo "ok - $name"
    else failed=$((failed + 1)); echo "not ok - $name"; printf '#   %s\n' "$@"; fi
}
# includes: "FILE TARGET" for every #include "..." of the project, the
# target's path resolved against the including file's directory
includes() {
    local f dir inc
    for f in pipeline/*/*.[ch] stages/*.[ch]; do
        dir=$(dirname "$f")
        sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        while read -r inc; do
            echo "$f $(realpath -m --relative-to=. "$dir/$inc")"
        done
    done
}
edges=$(includes)
layer() { case $1 in pipeline/frame/*) echo frame ;; stages/*) echo stages ;;
                     pipeline/commands/*) echo commands ;; *) echo elsewhere ;; esac; }
bad_frame=() bad_stages=()
while read -r from to; do
    case "$(layer "$from")/$(layer "$to")" in
        frame/frame | stages/stages | stages/frame | commands/*) ;;
        frame/*) bad_frame+=("$from includes $to") ;;
        stages/*) bad_stages+=("$from includes $to") ;;
    esac
done <<<"$edges"
check "layers: the frame includes nothing of the stages or the commands" "${bad_frame[@]}"
check "layers: the stages include nothing of the commands" "${bad_stages[@]}"
modules=$(while read -r from to; do
    a=${from%.[ch]} b=${to%.[ch]}
    [ "$a" != "$b" ] && echo "$a $b"
done <<<"$edges")
loop=$(tsort <<<"$modules" 2>&1 >/dev/null | grep -v '^tsort: -: input contains a loop:$' | sed 's/^tsort: //')
check "layers: no include circle between modules" ${loop:+"circle through:" $loop}
starters=$(grep -nwE 'worker_start|ring_start|background_bytesink_new|readahead_start|pthread_create' \
    pipeline/*/*.[ch] stages/*.[ch] |
    grep -vE '^pipeline/frame/(worker|ring|background|readahead)\.[ch]:|^pipeline/frame/chain\.c:')
check "layers: only the chain starts threads" ${starters:+"$starters"}
# The schema is spelt once: outside stages/schema.c no string literal is a
# table's or a column's name (the names read off schema.c's table); code
# names a column by its id and finds it through a binding (schema_bind).
names=$(sed -n 's/.*{T_[A-Z]*, "\([a-z_]*\)".*/\1/p; s/.*TABLE("\([a-z_]*\)".*/\1/p' stages/schema.c | sort -u)
# (comments are stripped first: a comment may quote a name)
quoted=$(for n in $names; do echo "\"$n\""; done)
spelt=$(for f in pipeline/*/*.[ch] stages/*.[ch]; do
    [ "$f" = stages/schema.c ] && continue
    gcc -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null | grep -F -f <(echo "$quoted") | sed "s|^|$f: |"
done)
check "layers: no table or column name of the schema is spelt outside stages/schema.c" \
    ${spelt:+"$spelt"}
[ "$(wc -w <<<"$names")" -ge 25 ] || check "layers: the schema's names are found in stages/schema.c" "only: $names"
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
