# The two commands of the README's quick start:
#   make run    install what is missing, build, lint the bundled examples
#   make test   install what is missing, build, run every test: plain (with
#               valgrind twins), then again under ASan+UBSan, then a short
#               run of each libFuzzer target (clang-19)
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 15
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps test-deps build run test test-plain test-asan fuzz-targets test-fuzz bench fuzz clean

all: build

deps:
	@sh scripts/deps.sh

# What only the tests need: node and npm (SARIF Multitool) and Neovim (an LSP client).
test-deps:
	@sh scripts/deps.sh --tests

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# One line for the build (its log only when it fails), then the findings.
# Exit 1 from vtlint means "findings", which is what the examples are for.
run: deps
	@log=$$(mktemp); \
	if { cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) && \
	     cmake --build $(BUILD) -j $(JOBS); } >$$log 2>&1; then \
		echo "build: ok ($(BUILD)/vtlint)"; rm -f $$log; \
	else \
		cat $$log; rm -f $$log; echo "build: FAILED (the log is above)"; exit 2; \
	fi
	@echo "== vtlint examples/*.c"
	@$(BUILD)/vtlint examples/*.c -- -Iruntime/include; s=$$?; [ $$s -le 1 ]

test: test-plain test-asan test-fuzz

test-plain: build test-deps
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps test-deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVT_SANITIZE=ON \
		-DVT_MULTITOOL_DIR=$(CURDIR)/$(BUILD)/multitool $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@# use_sigaltstack=0: libclang's own worker threads (preamble builds) set
	@# their signal stacks, and ASan aborts unmapping its own when they exit.
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:use_sigaltstack=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE memcheck

# The libFuzzer targets of tests/fuzz, built by clang-19 with ASan and UBSan.
# Fuzz one longer: $(FUZZ_BUILD)/tests/fuzz/fuzz_config -max_total_time=600 DIR
fuzz-targets: deps test-deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DVT_FUZZ=ON -DVT_FUZZ_SECONDS=$(FUZZ_SECONDS) -DVT_VALGRIND=OFF $(CMAKE_ARGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz-targets

test-fuzz: fuzz-targets
	@cd $(FUZZ_BUILD) && ctest --output-on-failure -j $(JOBS) -L '^fuzz$$'

bench: build
	@sh scripts/deps.sh --bench
	@sh bench/analyzer/run.sh $(BUILD)
	@/usr/bin/python3 bench/differential/growth.py $(BUILD)

# Differential fuzzing: N generated programs per seed, vtlint against the
# runtime's checked mode; stops at the first difference and saves it reduced
# under FUZZ_OUT.  A seed nobody chose: the default is the clock.
SEEDS    ?= $(shell date +%s)
N        ?= 10000
FUZZ_OUT ?= $(CURDIR)/$(BUILD)/fuzz-out
fuzz: build test-deps
	@/usr/bin/python3 tests/differential/difftest.py fuzz --build $(BUILD) \
		--seeds "$(SEEDS)" -n $(N) --jobs $(JOBS) --out $(FUZZ_OUT) $(FUZZ_ARGS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
