# Makefile: builds ./qdig and ./resolverd from one source tree (see README.md).
#
#   make            build (installs missing Debian packages first, via scripts/deps.sh)
#   make run        build and start resolverd on the offline toy internet
#   make test       build and run every test (tests/run prints "N passed, N failed")
#   make asan       the same tests with AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz       run the libFuzzer targets for FUZZ_SECONDS (default 300) each
#   make bench      benchmarks (not part of test)
#   make mutate     plants each bug of tests/mutate/mutants.txt in turn: the tests must fail
#   make install    resolverd, qdig, man pages, examples, the toy internet and the systemd unit
#                   under PREFIX (/usr/local), into DESTDIR if set; make uninstall removes them
#   make clean

BUILD ?= build
CC ?= cc
OPT ?= -O2
SAN ?=
CFLAGS_ALL = -std=c11 $(OPT) -g -Wall -Wextra -Werror $(SAN) -MMD -MP
RES_INC = $(patsubst %/,-I%,$(sort $(dir $(wildcard resolver/*/*.h))))
CPPFLAGS_ALL = -D_GNU_SOURCE -Ilib $(RES_INC) -Iclient
LIB_WARN = -Wconversion
LDLIBS_ALL = -lyaml -lpthread -lcrypto
LDLIBS_RESOLVERD = -lmicrohttpd -lsystemd
LDLIBS_QDIG = -lidn2 -lssl -lnghttp2 # qdig's code: resolverd-ctl prints traces with it too
FUZZ_SECONDS ?= 300

LIB_SRC := $(wildcard lib/*.c)
RES_SRC := $(filter-out resolver/server/main.c,$(wildcard resolver/*/*.c))
CLI_SRC := $(wildcard client/*.c)
CTL_SRC := $(wildcard ctl/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
RES_OBJ := $(RES_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
CTL_OBJ := $(CTL_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)

# Man pages (see install below): qdig's is made from qdig -h. Defined before the rules that
# need them, as make reads prerequisites when it reads a rule.
MAN_PAGES := $(BUILD)/man/qdig.1 man/resolverd.8 man/resolverd.yaml.5 man/resolverd-ctl.8
PROGS := $(BUILD)/qdig $(if $(wildcard resolver/server/main.c),$(BUILD)/resolverd) \
	$(if $(CTL_SRC),$(BUILD)/resolverd-ctl)
DEPS_STAMP := $(BUILD)/.deps-build

.PHONY: all run test asan fuzz bench clean deps-test mutate
# The test and tool objects are intermediate files of pattern rules: keep them, so that make
# does not delete them after the run (its "rm" line would follow the summary line) and later
# builds do not redo them.
.SECONDARY:
all: $(PROGS) $(if $(filter build,$(BUILD)),$(notdir $(PROGS)))

# The programs at the top of the tree are links into build/, so ./qdig works.
qdig resolverd resolverd-ctl: %: $(BUILD)/%
	ln -sf $(BUILD)/$@ $@

$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(@D)
	@sh scripts/deps.sh build
	@touch $@

$(BUILD)/lib/%.o: lib/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LIB_WARN) -c $< -o $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libdns.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libresolver.a: $(RES_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/qdig: $(CLI_OBJ) $(BUILD)/libresolver.a $(BUILD)/libdns.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(LDLIBS_QDIG)

$(BUILD)/resolverd: $(BUILD)/resolver/server/main.o $(BUILD)/libresolver.a $(BUILD)/libdns.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(LDLIBS_RESOLVERD)

# resolverd-ctl: the control tool (ctl/), printing traces with qdig's code (client/).
$(BUILD)/resolverd-ctl: $(CTL_OBJ) $(filter-out $(BUILD)/client/main.o,$(CLI_OBJ)) \
		$(BUILD)/libresolver.a $(BUILD)/libdns.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(LDLIBS_QDIG)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libresolver.a $(BUILD)/libdns.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/tests/tools/%.o $(BUILD)/libresolver.a $(BUILD)/libdns.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# Fuzz targets: clang with libFuzzer, in a tree of their own.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
# The validator (pure logic over lib/ and libcrypto) is linked into them too.
VAL_SRC := $(wildcard resolver/validator/*.c)
FUZZ_FLAGS = -std=c11 -O1 -g -D_GNU_SOURCE -Ilib -Iresolver/validator \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(VAL_SRC) $(wildcard lib/*.h resolver/validator/*.h) \
		| deps-test
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(VAL_SRC) -lcrypto

deps-test:
	@sh scripts/deps.sh test

# The daemon in the foreground on the offline toy internet (conf/offline.yaml): port 53 on
# 127.0.0.1 for clients, port 53 on 127.53.x.y for the toy servers. Stop it with Ctrl-C.
run: all
	@echo "resolverd on 127.0.0.1#53, resolving the toy internet of zones/ (Ctrl-C stops it)."
	@echo "Try, in another terminal:  ./qdig @127.0.0.1 www.example.com"
	@echo "                           ./qdig +trace +root-hints=conf/toy-root.hints www.example.com"
	./resolverd -c conf/offline.yaml

test: all $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_BIN) $(MAN_PAGES) | deps-test
	BUILD=$(BUILD) FUZZ_SECONDS=$${FUZZ_SECONDS_TEST:-30} tests/run

# Mutation testing (not part of test): tests/mutate/run builds each mutant in build-mutate/,
# prints a table (killed, survived or error) and restores the sources.
mutate: | deps-test
	tests/mutate/run

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

fuzz: $(FUZZ_BIN)
	for f in $(FUZZ_BIN); do \
		name=$$(basename $$f); mkdir -p build-fuzz/corpus-$$name; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			build-fuzz/corpus-$$name tests/fuzz/corpus/$$name || exit 1; \
	done

# Benchmarks (not part of test): each program prints its own table. Append new ones here.
# Then tests/bench/resolvers.sh: resolverd beside Unbound and a pre-built-answer server on a
# toy hierarchy served by NSD (needs root: NSD binds port 53), bounded to 13 minutes.
BENCH_BIN := $(BUILD)/tests/bench_cache $(BUILD)/tests/bench_auth
BENCH_TOOLS := $(BUILD)/resolverd $(BUILD)/tests/loadgen $(BUILD)/tests/udp_prebuilt
BENCH_TIMEOUT ?= 780
.PHONY: deps-bench
deps-bench:
	@sh scripts/deps.sh bench
bench: $(BENCH_BIN) $(BENCH_TOOLS) | deps-bench
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done
	@echo "== tests/bench/resolvers.sh"
	BUILD=$(BUILD) timeout -k 10 $(BENCH_TIMEOUT) bash tests/bench/resolvers.sh

# ThreadSanitizer: the cache's threaded stress test, in build-tsan/ (CC: gcc or clang).
.PHONY: tsan
tsan:
	$(MAKE) BUILD=build-tsan OPT=-O1 SAN=-fsanitize=thread \
		build-tsan/tests/test_cache_stress
	build-tsan/tests/test_cache_stress

# Installing. The examples and the toy internet go to DATADIR/conf and DATADIR/zones side by
# side, so that conf/offline.yaml's relative paths (toy-root.hints, ../zones/map.yaml) hold
# there as in the source tree. The unit reads SYSCONFDIR/resolverd/resolverd.yaml, installed
# from conf/internet.yaml (root hints and trust anchors from DATADIR) only when there is none.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share/resolverd
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DATA_CONF := conf/internet.yaml conf/offline.yaml conf/root.hints conf/toy-root.hints \
	conf/root.anchor conf/toy-root.anchor conf/README.md
# What the map names and the README; not the signer's keys (zones/keys/, sign.sh).
DATA_ZONES := $(filter-out zones/sign.sh,$(wildcard zones/*.zone zones/*.signed zones/*.yaml \
	zones/*.md))
.PHONY: man install uninstall
man: $(MAN_PAGES)

# qdig's options come from qdig -h, so its page lists what the program takes.
$(BUILD)/man/qdig.1: man/qdig.1.in man/options.awk $(BUILD)/qdig
	@mkdir -p $(@D)
	$(BUILD)/qdig -h | awk -f man/options.awk man/qdig.1.in - >$@.tmp && mv $@.tmp $@

install: $(PROGS) $(MAN_PAGES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/conf \
		$(DESTDIR)$(DATADIR)/zones $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/resolverd
	install -m 755 $(BUILD)/qdig $(DESTDIR)$(BINDIR)/qdig
	install -m 755 $(BUILD)/resolverd $(DESTDIR)$(SBINDIR)/resolverd
	install -m 755 $(BUILD)/resolverd-ctl $(DESTDIR)$(SBINDIR)/resolverd-ctl
	install -m 644 $(BUILD)/man/qdig.1 $(DESTDIR)$(MANDIR)/man1/qdig.1
	install -m 644 man/resolverd.yaml.5 $(DESTDIR)$(MANDIR)/man5/resolverd.yaml.5
	install -m 644 man/resolverd.8 $(DESTDIR)$(MANDIR)/man8/resolverd.8
	install -m 644 man/resolverd-ctl.8 $(DESTDIR)$(MANDIR)/man8/resolverd-ctl.8
	install -m 644 $(DATA_CONF) $(DESTDIR)$(DATADIR)/conf
	sed -i 's|^  socket: ../build/control.sock$$|  socket: /run/resolverd/offline.sock|' \
		$(DESTDIR)$(DATADIR)/conf/offline.yaml
	install -m 644 $(DATA_ZONES) $(DESTDIR)$(DATADIR)/zones
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		packaging/resolverd.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/resolverd.service
	@f=$(DESTDIR)$(SYSCONFDIR)/resolverd/resolverd.yaml; if [ -e "$$f" ]; then \
		echo "keeping $$f"; else \
		sed -e 's|^  root-hints: root.hints$$|  root-hints: $(DATADIR)/conf/root.hints|' \
			-e 's|^  trust-anchor-file: root.anchor$$|  trust-anchor-file: $(DATADIR)/conf/root.anchor|' \
			conf/internet.yaml >"$$f" && chmod 644 "$$f" && echo "wrote $$f"; fi

# The configuration in SYSCONFDIR is the operator's: it stays.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/qdig $(DESTDIR)$(SBINDIR)/resolverd \
		$(DESTDIR)$(SBINDIR)/resolverd-ctl \
		$(DESTDIR)$(MANDIR)/man1/qdig.1 $(DESTDIR)$(MANDIR)/man5/resolverd.yaml.5 \
		$(DESTDIR)$(MANDIR)/man8/resolverd.8 $(DESTDIR)$(MANDIR)/man8/resolverd-ctl.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/resolverd.service
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(DATA_CONF) $(DATA_ZONES))
	rmdir $(DESTDIR)$(DATADIR)/conf $(DESTDIR)$(DATADIR)/zones $(DESTDIR)$(DATADIR) 2>/dev/null || true

clean:
	rm -rf build build-asan build-fuzz build-tsan build-mutate qdig resolverd resolverd-ctl

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
