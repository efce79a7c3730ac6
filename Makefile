# ayak: build, test, benchmark, install.  See README.md.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/ayak
DESTDIR ?=

CC ?= cc
PKGS := icu-uc icu-i18n libpcre2-8 libzstd libxxhash zlib liblzma
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -lbz2 -lm -lpthread

OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ALL_CFLAGS = -std=gnu11 $(CFLAGS) -ffp-contract=off $(WARN) $(SAN) -Isrc/lib -Isrc/cmd $(PKG_CFLAGS) \
	-DAYAK_DATADIR='"$(DATADIR)"'
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

B := build
LIB_SRC := $(wildcard src/lib/*.c)
LIB_OBJ := $(LIB_SRC:src/lib/%.c=$(B)/lib/%.o)
CMD_SRC := $(wildcard src/cmd/ayak-*.c)
PROGRAMS := $(CMD_SRC:src/cmd/%.c=bin/%) bin/ayak
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz-%.c=$(B)/tests/replay-%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
HEADERS := $(wildcard src/lib/*.h src/cmd/*.h)

export AYAK_TOP := $(CURDIR)
export AYAK_BUILD := $(CURDIR)/$(B)

all: $(PROGRAMS)

# Rebuild everything when the flags change (SANITIZE=1 and back).
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

$(B)/lib/%.o: src/lib/%.c $(HEADERS) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: src/cmd/%.c $(HEADERS) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libayak.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

bin/ayak-%: $(B)/cmd/ayak-%.o $(B)/cmd/cli.o $(B)/libayak.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Only ayak-fetch talks to the network.
bin/ayak-fetch: PKG_LIBS += $(shell pkg-config --libs libcurl)
$(B)/cmd/ayak-fetch.o: ALL_CFLAGS += $(shell pkg-config --cflags libcurl)

bin/ayak: $(B)/cmd/ayak.o $(B)/libayak.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/test-%: tests/unit/test-%.c tests/unit/tap.h $(B)/libayak.a $(HEADERS) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libayak.a $(PKG_LIBS)

$(B)/tests/replay-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c $(B)/libayak.a $(HEADERS) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libayak.a $(PKG_LIBS)

# Allocation failures for tests/t/alloc-fail.t; never sanitized (the sanitizers allocate their own way).
$(B)/tests/failalloc.so: tests/fault/failalloc.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) -shared -fPIC -o $@ $<

# libFuzzer targets need clang; the library is rebuilt with coverage.  Undefined behaviour
# stops a run (and leaves its input), as a crash does.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Isrc/lib $(PKG_CFLAGS)
$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz: $(FUZZ_BIN)

check: all $(UNIT_BIN) $(REPLAY_BIN) $(B)/tests/failalloc.so
	prove -j2 tests/t/*.t

# JSON scanner benchmark for tests/bench/run (which builds it itself if missing);
# jansson must come before json-c on the link line: both export json_object_get.
BENCH_PKGS := jansson json-c
$(B)/bench/bench-json: tests/bench/bench-json.c $(B)/libayak.a $(HEADERS) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags $(BENCH_PKGS)) $(ALL_LDFLAGS) -o $@ $< \
		$(B)/libayak.a $(shell pkg-config --libs $(BENCH_PKGS)) $(PKG_LIBS)

bench: all $(if $(shell pkg-config --exists $(BENCH_PKGS) && echo y),$(B)/bench/bench-json)
	tests/bench/run

# Language-ID model and evaluation, and tokenizer conformance: they read ../shared
# and peers from ../shared/bin/install-peers, and skip politely without them.
lid-model: all
	tests/bench/lid-train.sh

eval-lid: all
	tests/bench/lid-eval.sh

# The pipeline's Malay tokenizer (lexicons/tok/ms-bpe-32k.json), from ../shared/data.
tok-model: all
	tests/bench/tok-train.sh

conformance: all
	tests/bench/tok-conformance.sh

lint:
	mandoc -T lint -W warning man/man1/*.1 man/man7/*.7
	@# a Ql quotes to the end of its line, so a second Ql on the line nests inside the first
	@if grep -nE 'Ql .* Ql ' man/man1/*.1 man/man7/*.7; then \
		echo "lint: two Ql on one line nest their quotes; put each on a line of its own" >&2; exit 1; fi
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -Isrc/lib -Isrc/cmd src/lib src/cmd

# The README's first command: the whole pipeline on the bundled sample.
demo: all
	@rm -rf $(B)/demo
	pipelines/commoncrawl-malay -j 2 -o $(B)/demo pipelines/sample/wet.paths

# The pipeline as Slurm job arrays on a one-node cluster started for the test (root,
# Debian's slurmctld, slurmd and munge; skipped without them).
check-slurm: all
	prove tests/slurm/slurm.t

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)
	install -m 644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/man7/*.7 $(DESTDIR)$(MANDIR)/man7
	cp -R lexicons/. $(DESTDIR)$(DATADIR)/
	cp -R pipelines $(DESTDIR)$(DATADIR)/

clean:
	rm -rf $(B) bin

FORCE:
.PHONY: all check check-slurm bench lint demo install clean fuzz lid-model eval-lid tok-model conformance FORCE
.DELETE_ON_ERROR:
.SECONDARY:
