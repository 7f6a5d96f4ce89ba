# The help texts, the man page and the bash completion stay in step:
# every option that `phasemig COMMAND --help` shows is in docs/phasemig.1
# and is offered by docs/phasemig.bash-completion after that command, the
# commands of `phasemig --help` are offered after `phasemig`, and
# --format and --split complete to the values the help names.

# help_options COMMAND: the options its --help shows, one a line
help_options() {
    "$PHASEMIG" "$1" --help | sed -n '/^options:/,/^$/p' |
        grep -oE '^  -[^ ]+(, --[^ ]+)?' | tr ',' '\n' | tr -d ' ' | grep '^-' | sort -u
}

# help_commands: the commands `phasemig --help` lists
help_commands() {
    "$PHASEMIG" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | sort -u
}

# completes WORD...: what the completion offers for the command line
# `phasemig WORD...` (the last word being completed), one a line
completes() {
    bash -c '
        . docs/phasemig.bash-completion
        COMP_WORDS=(phasemig "$@")
        COMP_CWORD=$#
        _phasemig
        printf "%s\n" "${COMPREPLY[@]}"' completes "$@" | sort -u
}

# man_has OPTION: docs/phasemig.1 names OPTION (troff's \- read as -)
man_has() {
    sed 's/\\-/-/g' docs/phasemig.1 | grep -qE -- "(^|[^a-z-])$1([^a-z-]|\$)"
}

options_in_man_page() {
    local cmd opt rc=0
    for cmd in $(help_commands); do
        for opt in $(help_options "$cmd"); do
            man_has "$opt" || { echo "$cmd $opt: in --help, not in docs/phasemig.1"; rc=1; }
        done
    done
    return $rc
}

options_in_completion() {
    local cmd opt rc=0
    for cmd in $(help_commands); do
        local offered
        offered=$(completes "$cmd" -)
        for opt in $(help_options "$cmd"); do
            grep -qx -- "$opt" <<<"$offered" ||
                { echo "$cmd $opt: in --help, not completed (docs/phasemig.bash-completion)"; rc=1; }
        done
    done
    return $rc
}

commands_in_completion() {
    local offered cmd rc=0
    offered=$(completes "")
    for cmd in $(help_commands) help; do
        grep -qx "$cmd" <<<"$offered" || { echo "$cmd: not completed after phasemig"; rc=1; }
    done
    return $rc
}

values_in_completion() {
    same <(printf '%s\n' csv csv.gz sqlite) <(completes migrate --format "") &&
        # bash hands --format=csv. over as three words: --format, =, csv.
        same <(printf '%s\n' csv.gz) <(completes rollback --format = csv.) &&
        same <(printf '%s\n' csv csv.gz sqlite) <(completes migrate --format =) &&
        same <(printf '%s\n' evidence midpoint) <(completes migrate --split "") &&
        "$PHASEMIG" migrate --help | grep -q -- '--format FMT *csv (default), csv.gz or sqlite' &&
        "$PHASEMIG" migrate --help | grep -q 'midpoint' && "$PHASEMIG" migrate --help | grep -q 'evidence'
}

expect "help: every option of COMMAND --help is in the man page" options_in_man_page
expect "help: every option of COMMAND --help is completed after COMMAND" options_in_completion
expect "help: every command of --help is completed" commands_in_completion
expect "help: --format and --split complete to their values" values_in_completion
