# Packaging: `make install` into a DESTDIR puts a stripped binary, a
# gzipped man page (the same bytes twice: gzip -9n) and the bash
# completion there, and `make uninstall` removes exactly those files;
# `make deb` builds build/phasemig_VERSION_ARCH.deb, whose control file
# names the version --version prints and Depends on the packages of the
# libraries the binary needs, and which dpkg installs into an empty root,
# runs from there and removes without a trace.
#
# Plain pass only (it builds and installs ./phasemig, not the sanitized
# binary): under SANITIZED=1 this file registers no test.

# installed_files DIR: the files under DIR, one a line, relative, sorted
installed_files() {
    (cd "$1" && find . -type f -o -type l | sort)
}

install_and_uninstall() {
    local d=$WORK/inst
    rm -rf "$d"
    make --no-print-directory -s install DESTDIR="$d" PREFIX=/opt/pm >/dev/null || return 1
    same <(printf '%s\n' ./opt/pm/bin/phasemig ./opt/pm/share/bash-completion/completions/phasemig \
        ./opt/pm/share/man/man1/phasemig.1.gz) <(installed_files "$d") || return 1
    local bin=$d/opt/pm/bin/phasemig
    [ -x "$bin" ] || { echo "not executable: $bin"; return 1; }
    # stripped: no symbol table, no debug sections
    if readelf -S "$bin" | grep -q '\.debug_\|\.symtab'; then
        echo "not stripped:"; readelf -S "$bin" | grep '\.debug_\|\.symtab'; return 1
    fi
    "$bin" --version | grep -q "^phasemig $(make_version)\$" || { echo "--version: $("$bin" --version)"; return 1; }
    local man=$d/opt/pm/share/man/man1/phasemig.1.gz
    gzip -t "$man" && same docs/phasemig.1 <(gzip -dc "$man") || return 1
    # reproducible: no name, no time in the gzip header
    same "$man" <(gzip -9n -c docs/phasemig.1) || return 1
    same docs/phasemig.bash-completion "$d/opt/pm/share/bash-completion/completions/phasemig" || return 1
    make --no-print-directory -s uninstall DESTDIR="$d" PREFIX=/opt/pm >/dev/null || return 1
    same /dev/null <(installed_files "$d")
}

# make_version: the version the Makefile reads from main.c
make_version() {
    make --no-print-directory -s -f Makefile -f - print-version <<<'print-version: ; @echo $(VERSION)'
}

deb_builds_installs_and_removes() {
    local version arch deb
    version=$(make_version)
    arch=$(dpkg --print-architecture)
    deb=build/phasemig_${version}_${arch}.deb
    rm -f "$deb"
    make --no-print-directory -s deb >/dev/null || return 1
    [ -f "$deb" ] || { echo "no $deb"; return 1; }
    # the control file: this version, and Depends on the package of every
    # library the binary needs
    dpkg-deb --info "$deb" >"$WORK/deb.info" || return 1
    grep -q "^ Version: $version\$" "$WORK/deb.info" && grep -q "^ Architecture: $arch\$" "$WORK/deb.info" ||
        { cat "$WORK/deb.info"; return 1; }
    local depends lib path pkg
    depends=$(dpkg-deb -f "$deb" Depends)
    for lib in $(objdump -p phasemig | awk '$1 == "NEEDED" { print $2 }'); do
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
        pkg=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1)
        [ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
        case ", $depends," in
            *", $pkg ("*) ;;
            *) echo "Depends '$depends' lacks $pkg (for $lib)"; return 1 ;;
        esac
    done
    dpkg-deb --contents "$deb" | awk '{ print $NF }' | grep -v '/$' | sort >"$WORK/deb.files"
    same <(printf '%s\n' ./usr/bin/phasemig ./usr/share/bash-completion/completions/phasemig \
        ./usr/share/doc/phasemig/changelog.gz ./usr/share/doc/phasemig/copyright \
        ./usr/share/man/man1/phasemig.1.gz) "$WORK/deb.files" || return 1
    # dpkg -i into an empty root with an admindir of its own; the
    # libraries come from this system (--force-depends: the root has none)
    local root=$WORK/debroot
    rm -rf "$root" && mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" || return 1
    : >"$root/var/lib/dpkg/status"
    dpkg --root="$root" --force-depends --force-not-root -i "$deb" >"$WORK/dpkg.log" 2>&1 ||
        { cat "$WORK/dpkg.log"; return 1; }
    dpkg --root="$root" -s phasemig 2>/dev/null | grep -q '^Status: install ok installed' ||
        { echo "not installed in $root"; return 1; }
    same <(echo "phasemig $version") <("$root/usr/bin/phasemig" --version) || return 1
    "$root/usr/bin/phasemig" migrate --dry-run -q fixtures/planner-seed || return 1
    dpkg --root="$root" --force-not-root --purge phasemig >>"$WORK/dpkg.log" 2>&1 ||
        { cat "$WORK/dpkg.log"; return 1; }
    local left
    left=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o -type f -print)
    [ -z "$left" ] || { echo "left after dpkg --purge: $left"; return 1; }
}

if [ -z "${SANITIZED:-}" ]; then
    expect "packaging: make install puts a stripped binary, man page gz, completion; uninstall removes them" \
        install_and_uninstall
    expect "packaging: make deb: version, Depends, contents; dpkg -i into an empty root, run, purge" \
        deb_builds_installs_and_removes
fi
