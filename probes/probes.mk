# Escape probes (probes/*.c: one static binary each in build/probes/) and the host-side canary
# helper (probes/canary/*.c -> build/probes/void-canary). `make probe` runs the escape matrix.
PROBE_SRCS   := $(wildcard probes/*.c)
PROBE_BINS   := $(PROBE_SRCS:probes/%.c=$(BUILD)/probes/%)
CANARY_SRCS  := $(wildcard probes/canary/*.c)
CANARY_OBJS  := $(CANARY_SRCS:probes/canary/%.c=$(BUILD)/probes/canary/%.o)
CANARY_BIN   := $(BUILD)/probes/void-canary
PROBE_HARNESS := scripts/probe.py

.PHONY: probes probe probe-smoke probe-tables
all: probes
probes: $(PROBE_BINS) $(CANARY_BIN)

# Static: a void binds the probe and nothing else.
$(BUILD)/probes/%: probes/%.c probes/probe.h | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iprobes -static $(LDFLAGS) -o $@ $<

$(BUILD)/probes/canary/%.o: probes/canary/%.c probes/canary/canary.h | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# Static too: an unprivileged run executes a copy from a world-readable temporary directory.
$(CANARY_BIN): $(CANARY_OBJS)
	@mkdir -p $(@D)
	$(CC) -static $(LDFLAGS) -o $@ $^

# The escape matrix: every probe under every available target, as root and unprivileged.
# Writes results/probes/local-<date>.{csv,meta.json} and paper/generated/probe-matrix.{md,tex}.
probe: probes
	-@$(MAKE) --no-print-directory $(BUILD)/bin/void-shim
	$(PYTHON) $(PROBE_HARNESS) --build $(BUILD) $(PROBE_ARGS)

# Regenerates the Markdown and LaTeX matrix from the committed reference run.
probe-tables:
	$(PYTHON) $(PROBE_HARNESS) --render results/probes/reference.csv

# Quick mode for `make test`: the canary helper's self-test (evidence seen; nothing left after
# QUIT, Ctrl-C or a crash), then every probe under none and void-shim, unprivileged, checking
# well-formed output, positive controls, nothing ESCAPED under void-shim, no canary left.
probe-smoke: probes $(BUILD)/bin/void-shim
	$(PYTHON) scripts/probe_selftest.py --build $(BUILD)
	$(PYTHON) $(PROBE_HARNESS) --build $(BUILD) --quick

TEST_TARGETS += probe-smoke
EVALUATE_TARGETS += probe
