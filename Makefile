# Makefile: builds ./qdig and ./resolverd from one source tree (see README.md).
#
#   make            build (installs missing Debian packages first, via scripts/deps.sh)
#   make run        build and start resolverd on the offline toy internet
#   make test       build and run every test (tests/run prints "N passed, N failed")
#   make asan       the same tests with AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz       run the libFuzzer targets for FUZZ_SECONDS (default 300) each
#   make bench      benchmarks (not part of test)
#   make mutate     plants each bug of tests/mutate/mutants.txt in turn: the tests must fail
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
FUZZ_SECONDS ?= 300

LIB_SRC := $(wildcard lib/*.c)
RES_SRC := $(filter-out resolver/server/main.c,$(wildcard resolver/*/*.c))
CLI_SRC := $(wildcard client/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
RES_OBJ := $(RES_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)

PROGS := $(BUILD)/qdig $(if $(wildcard resolver/server/main.c),$(BUILD)/resolverd)
DEPS_STAMP := $(BUILD)/.deps-build

.PHONY: all run test asan fuzz bench clean deps-test mutate
# The test and tool objects are intermediate files of pattern rules: keep them, so that make
# does not delete them after the run (its "rm" line would follow the summary line) and later
# builds do not redo them.
.SECONDARY:
all: $(PROGS) $(if $(filter build,$(BUILD)),$(notdir $(PROGS)))

# The programs at the top of the tree are links into build/, so ./qdig works.
qdig resolverd: %: $(BUILD)/%
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
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) -lidn2 -lssl

$(BUILD)/resolverd: $(BUILD)/resolver/server/main.o $(BUILD)/libresolver.a $(BUILD)/libdns.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

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

test: all $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_BIN) | deps-test
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

clean:
	rm -rf build build-asan build-fuzz build-tsan build-mutate qdig resolverd

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
