# phasemig: see README.md. `make example` sets up and runs the built-in
# example; `make test` runs every test, plain and under ASan+UBSan (and
# the thread tests under TSan).

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
LIBS    := -lcsv -lz -ldeflate -lsqlite3 -pthread
SAN     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TSAN    := -O1 -g -fsanitize=thread

# Debian packages the build and the tests need (installed by `make deps`).
DEPS    := libcsv-dev zlib1g-dev libdeflate-dev libsqlite3-dev libcmocka-dev sqlite3 gzip \
           cppcheck clang-tidy valgrind chromium postgresql postgresql-client \
           clang libclang-rt-14-dev time dpkg-dev

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
COMPDIR := $(PREFIX)/share/bash-completion/completions
# What `make install` puts under $(DESTDIR), and `make uninstall` removes.
INSTALLED := $(BINDIR)/phasemig $(MANDIR)/phasemig.1.gz $(COMPDIR)/phasemig

# The version lives in one place, pipeline/commands/main.c (--version
# prints it); the .deb's name and control file read it from there.
VERSION := $(shell sed -n 's/^\#define PHASEMIG_VERSION "\(.*\)"$$/\1/p' pipeline/commands/main.c)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB     := build/phasemig_$(VERSION)_$(DEB_ARCH).deb

# The layers: pipeline/frame (knows nothing of the planner), stages (the
# business), pipeline/commands (the composition root: main and one file a
# command). tests/layers.sh checks that includes only point down.
FRAME   := $(wildcard pipeline/frame/*.c)
STAGES  := $(wildcard stages/*.c)
CMDS    := $(wildcard pipeline/commands/*.c)
SRC     := $(FRAME) $(STAGES) $(CMDS)
LIBSRC  := $(filter-out pipeline/commands/main.c,$(SRC))
HDR     := $(wildcard pipeline/*/*.h) $(wildcard stages/*.h)
UNIT    := $(wildcard tests/unit/*.c)
TESTHDR := $(wildcard tests/unit/*.h) tests/memsrc.h

.PHONY: all deps example lint test fuzz bench install uninstall deb clean FORCE

all: phasemig

phasemig: $(SRC) $(HDR)
	$(CC) $(CFLAGS) $(WARN) -o $@ $(SRC) $(LIBS)

build/asan/phasemig: $(SRC) $(HDR)
	@mkdir -p build/asan
	$(CC) $(SAN) $(WARN) -o $@ $(SRC) $(LIBS)

# ThreadSanitizer: the reader and writer threads (pipeline/background.c).
build/tsan/phasemig: $(SRC) $(HDR)
	@mkdir -p build/tsan
	$(CC) $(TSAN) $(WARN) -o $@ $(SRC) $(LIBS)

build/tsan/unit: $(UNIT) $(LIBSRC) $(HDR) $(TESTHDR)
	@mkdir -p build/tsan
	$(CC) $(TSAN) $(WARN) -o $@ $(UNIT) $(LIBSRC) $(LIBS) -lcmocka

build/plain/unit: $(UNIT) $(LIBSRC) $(HDR) $(TESTHDR)
	@mkdir -p build/plain
	$(CC) $(CFLAGS) $(WARN) -o $@ $(UNIT) $(LIBSRC) $(LIBS) -lcmocka

build/asan/unit: $(UNIT) $(LIBSRC) $(HDR) $(TESTHDR)
	@mkdir -p build/asan
	$(CC) $(SAN) $(WARN) -o $@ $(UNIT) $(LIBSRC) $(LIBS) -lcmocka

build/csvcols: tests/csvcols.c $(LIBSRC) $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -o $@ tests/csvcols.c $(LIBSRC) $(LIBS)

# An LD_PRELOAD shim: pthread_create fails (tests/e2e/faults.sh).
build/fail_pthread.so: tests/fail_pthread.c
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -shared -fPIC -o $@ tests/fail_pthread.c -ldl

# An LD_PRELOAD shim: writing back a range of a file fails (tests/e2e/faults.sh).
build/fail_writeback.so: tests/fail_writeback.c
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -shared -fPIC -o $@ tests/fail_writeback.c

# phasemig with the reference reconcile (tests/reconcile_ref.c, the SQLite
# merge join) in place of stages/reconcile.c: reconcile's differential test.
build/reconcile-ref: $(filter-out stages/reconcile.c,$(SRC)) tests/reconcile_ref.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -o $@ $(filter-out stages/reconcile.c,$(SRC)) tests/reconcile_ref.c $(LIBS)

build/gendump: tests/gendump.c pipeline/frame/values.c pipeline/frame/values.h
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -o $@ tests/gendump.c pipeline/frame/values.c

# The handcrafted pg_dump archives of fixtures/pgdump (tests/e2e/pgdump.sh
# checks it makes them byte for byte).
build/mkarchive: tests/mkarchive.c
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -o $@ tests/mkarchive.c -lz

# Installs the missing Debian packages (as root), once; then does nothing.
deps:
	@missing=""; for p in $(DEPS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

example: deps
	@$(MAKE) --no-print-directory phasemig
	@mkdir -p build
	./phasemig migrate --force fixtures/planner-seed build/planner-seed-migrated

# Static analysis: a warning is a bug (.clang-tidy says which checks).
lint:
	cppcheck -q --enable=warning,performance,portability --std=c11 -D_GNU_SOURCE \
	  --error-exitcode=1 --inline-suppr pipeline stages tests
	clang-tidy --quiet $(SRC) tests/gendump.c tests/mkarchive.c tests/csvcols.c tests/fail_pthread.c tests/fail_writeback.c $(UNIT) tests/fuzz/*.c \
	  tests/bench/csvparse.c -- $(WARN) 2>/dev/null

# Every test, plain and sanitized; the last line counts them all.
test: deps
	@$(MAKE) --no-print-directory phasemig build/plain/unit build/asan/phasemig build/asan/unit \
	  build/tsan/phasemig build/tsan/unit build/csvcols build/gendump build/reconcile-ref build/fail_pthread.so \
	  build/fail_writeback.so build/mkarchive
	@$(MAKE) --no-print-directory lint
	@tests/run-all.sh

build/bench/csvparse: tests/bench/csvparse.c
	@mkdir -p build/bench
	$(CC) $(CFLAGS) $(WARN) -o $@ tests/bench/csvparse.c -lcsv

# The benchmark (tests/bench/run.sh): figures, not a test. BENCH_N="1000000 10000000".
# BEFORE=COMMIT adds rows for phasemig built at COMMIT (build/before), in the
# same run: a change's before and after, side by side.
BENCH_N ?= 1000000
bench: deps phasemig build/gendump build/bench/csvparse $(if $(BEFORE),build/before/phasemig)
	BENCH_BEFORE=$(if $(BEFORE),build/before/phasemig) BENCH_BEFORE_NAME=$(BEFORE) tests/bench/run.sh $(BENCH_N)

build/before/phasemig: FORCE
	rm -rf build/before && mkdir -p build/before
	git archive $(BEFORE) | tar -x -C build/before
	$(MAKE) --no-print-directory -C build/before phasemig
FORCE:

# libFuzzer targets (tests/fuzz/), each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: deps
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# The man page, compressed as Debian does: -n keeps the name and time
# out, so the same page gives the same bytes.
build/phasemig.1.gz: docs/phasemig.1
	@mkdir -p build
	gzip -9n -c docs/phasemig.1 >$@

# The binary (stripped), the man page and the bash completion, under
# $(DESTDIR)$(PREFIX).
install: phasemig build/phasemig.1.gz
	install -D -s -m 755 phasemig $(DESTDIR)$(BINDIR)/phasemig
	install -D -m 644 build/phasemig.1.gz $(DESTDIR)$(MANDIR)/phasemig.1.gz
	install -D -m 644 docs/phasemig.bash-completion $(DESTDIR)$(COMPDIR)/phasemig

# Exactly the files install put there; directories are left, as they may
# hold other packages' files.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# A Debian package of the install, built by dpkg-deb (no debian/ tree):
# Depends is computed by dpkg-shlibdeps from the binary's libraries.
deb: $(DEB)

$(DEB): phasemig build/phasemig.1.gz docs/phasemig.bash-completion LICENSE NEWS.md
	rm -rf build/deb && mkdir -p build/deb/root/DEBIAN build/deb/shlibs/debian
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/build/deb/root PREFIX=/usr
	install -D -m 644 LICENSE build/deb/root/usr/share/doc/phasemig/copyright
	gzip -9n -c NEWS.md >build/deb/root/usr/share/doc/phasemig/changelog.gz
	printf 'Source: phasemig\n\nPackage: phasemig\nArchitecture: any\n' >build/deb/shlibs/debian/control
	cd build/deb/shlibs && dpkg-shlibdeps -O -e../root/usr/bin/phasemig 2>../shlibdeps.log \
	  | sed -n 's/^shlibs:Depends=//p' >../depends
	@test -s build/deb/depends || { cat build/deb/shlibdeps.log; exit 1; }
	{ echo "Package: phasemig"; \
	  echo "Version: $(VERSION)"; \
	  echo "Architecture: $(DEB_ARCH)"; \
	  echo "Maintainer: the phasemig authors <phasemig@example.org>"; \
	  echo "Installed-Size: $$(du -sk build/deb/root/usr | cut -f1)"; \
	  echo "Depends: $$(cat build/deb/depends)"; \
	  echo "Section: utils"; \
	  echo "Priority: optional"; \
	  echo "Description: migrate planner dumps to user-defined phases, offline"; \
	  echo " phasemig reads exported dumps of the planner application (CSV, gzip CSV,"; \
	  echo " SQLite) with fixed PLANNING/EXECUTION phases and writes them with named,"; \
	  echo " dated phases, with a diff of every change and the checks that prove it;"; \
	  echo " it also verifies, rolls back and reconciles such datasets."; \
	} >build/deb/root/DEBIAN/control
	dpkg-deb --root-owner-group -Zxz --build build/deb/root $@

clean:
	rm -rf phasemig build
