# Benchmarks (bench/): C microbenchmarks and the floor launcher, run by scripts/bench.py.
#
#   make bench                  quick mode (default; BENCH_MODE=full for the long run)
#   make bench-quick            what `make evaluate` runs: under 3 minutes on 2 cores
#   make bench-full
#   make bench-smoke            part of `make test`: tiny counts, checks the files only
#
# Results go to results/bench/local-<date>/ (ignored by git) unless BENCH_OUT is set.
BENCH_MODE ?= quick
BENCH_OUT  ?=
BENCH_DIR  := $(BUILD)/bench
# The floor starts its child with the shim's own clone_vfork (the same technique) and
# writes its id maps with the shim's write_file.
BENCH_LIB  := $(BENCH_DIR)/common.o $(BENCH_DIR)/voidlib.o $(BUILD)/shim/clone_vfork.o \
              $(BUILD)/shim/write_file.o
# Everything that runs inside a void or is timed is static: no dynamic loading in the
# numbers unless a benchmark is about dynamic loading.
BENCH_PROGS := clone_flags exec_floor mount_steps bind_scaling static_dynamic throughput \
               e2e_interleave floor
BENCH_TINY  := tiny tiny-libc tiny-dyn
BENCH_BINS  := $(BENCH_PROGS:%=$(BENCH_DIR)/%) $(BENCH_TINY:%=$(BENCH_DIR)/%) \
               $(BENCH_DIR)/floor_steps
# Optional: the floor and tiny built against musl (Debian musl-tools), whose start-up does
# not probe the CPU with CPUID as glibc's does (each CPUID traps to the hypervisor in a
# VM): this shows what the C library's own start costs a launcher.
MUSL_CC ?= $(shell command -v musl-gcc 2>/dev/null)
ifneq ($(MUSL_CC),)
BENCH_BINS += $(BENCH_DIR)/floor-musl $(BENCH_DIR)/tiny-musl
endif
# The libc-free tiny has its own _start for these two architectures only.
BENCH_NOLIBC := $(if $(filter x86_64 aarch64,$(shell uname -m)),-DTINY_NOLIBC -nostdlib,)

.PHONY: bench bench-quick bench-full bench-smoke bench-bins deps-bench
all: bench-bins
bench-bins: $(BENCH_BINS)

deps-bench:
	@$(DEPS) bench

$(BENCH_DIR)/%.o: bench/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BENCH_PROGS:%=$(BENCH_DIR)/%): $(BENCH_DIR)/%: $(BENCH_DIR)/%.o $(BENCH_LIB)
	$(CC) -static $(LDFLAGS) -o $@ $^ -lpthread

# The floor plus the shim's own steps, one option each: links the shim's library.
$(BENCH_DIR)/floor_steps: $(BENCH_DIR)/floor_steps.o $(BENCH_LIB) $(BUILD)/libshim.a
	$(CC) -static $(LDFLAGS) -o $@ $^ -lcap

$(BENCH_DIR)/tiny: bench/tiny.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -fno-stack-protector $(BENCH_NOLIBC) -o $@ $<
$(BENCH_DIR)/tiny-libc: bench/tiny.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $<
$(BENCH_DIR)/tiny-dyn: bench/tiny.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(BENCH_DIR)/floor-musl: bench/floor.c bench/common.c bench/voidlib.c bench/common.h \
                         bench/voidlib.h shim/clone_vfork.c shim/clone_vfork.h \
                         shim/write_file.c shim/write_file.h
	@mkdir -p $(@D)
	$(MUSL_CC) $(filter-out -MMD -MP,$(CFLAGS)) -static -o $@ $(filter %.c,$^)
$(BENCH_DIR)/tiny-musl: bench/tiny.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(filter-out -MMD -MP,$(CFLAGS)) -static -o $@ $<

BENCH_RUN = $(PYTHON) scripts/bench.py --build $(BUILD) --shim $(BUILD)/bin/void-shim \
            $(if $(BENCH_OUT),--out $(BENCH_OUT))

# BENCH_TARGETS: other parts' evaluations (the example applications), appended by their
# fragments; expanded when the recipe runs, after every fragment has been read.
bench: bench-bins $(BUILD)/bin/void-shim | deps-bench
	$(BENCH_RUN) $(BENCH_MODE)
	@$(if $(strip $(BENCH_TARGETS)),$(MAKE) --no-print-directory $(BENCH_TARGETS))
bench-quick: bench-bins $(BUILD)/bin/void-shim | deps-bench
	$(BENCH_RUN) quick
bench-full: bench-bins $(BUILD)/bin/void-shim | deps-bench
	$(BENCH_RUN) full
# No timing is checked: only that every benchmark runs and writes well-formed files.
bench-smoke: bench-bins $(BUILD)/bin/void-shim checkers
	$(PYTHON) scripts/bench_stats.py
	$(PYTHON) scripts/bench_steps_check.py $(BUILD)
	@rm -rf $(BENCH_DIR)/smoke
	$(PYTHON) scripts/bench.py --build $(BUILD) --shim $(BUILD)/bin/void-shim \
	    --out $(BENCH_DIR)/smoke smoke
	$(PYTHON) scripts/bench_check.py $(BENCH_DIR)/smoke

EVALUATE_TARGETS += bench-quick
TEST_TARGETS += bench-smoke
