# The MNT_DETACH propagation experiment (bench/detach_experiment.c): when does an unmount
# in a new mount namespace reach its parent? It runs as root, or unprivileged where user
# namespaces are allowed; every case lives in throwaway mount namespaces of its own.
#
#   make detach-evaluate   (part of `make evaluate`) run it into
#                          results/detach/local-<date>.{csv,meta.json}, compare with the
#                          reference run, write paper/generated/detach-table.tex from the
#                          reference run, and run the unbindable reproducer
#   make detach-test       (part of `make test`) run it into a temporary directory; check
#                          that every case produced a row and the host's mountinfo is unchanged
#   make detach-reference  rerun and replace the committed reference run (only when asked)
DETACH_BIN   := $(BUILD)/bench/detach_experiment
DETACH_REPRO := $(BUILD)/bench/detach_unbindable_repro
DETACH_REF   := results/detach/reference
DETACH_TABLE := paper/generated/detach-table.tex
DETACH_COMMIT = $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell \
                git diff --quiet HEAD -- bench/detach_experiment.c 2>/dev/null || echo -dirty)

.PHONY: detach-evaluate detach-test detach-reference detach-table
all: $(DETACH_BIN) $(DETACH_REPRO)

$(BUILD)/bench/detach_%: bench/detach_%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

detach-table:
	$(PYTHON) scripts/detach_table.py latex $(DETACH_REF).csv $(DETACH_TABLE)

# The reproducer exits 1 while the kernel contradicts the documentation (that is data),
# 2 when it cannot set up (it needs root).
detach-evaluate: $(DETACH_BIN) $(DETACH_REPRO) detach-table
	@run=results/detach/local-$$(date -u +%Y%m%dT%H%M%SZ); \
	$(DETACH_BIN) --csv $$run.csv --meta $$run.meta.json --commit $(DETACH_COMMIT) && \
	$(PYTHON) scripts/detach_table.py compare $(DETACH_REF).csv $$run.csv
	@$(DETACH_REPRO) || [ $$? -eq 1 ] || echo "detach: the unbindable reproducer needs root: skipped"

detach-test: $(DETACH_BIN)
	@bench/detach_test.sh $(DETACH_BIN) $(PYTHON)

detach-reference: $(DETACH_BIN)
	$(DETACH_BIN) --csv $(DETACH_REF).csv --meta $(DETACH_REF).meta.json --commit $(DETACH_COMMIT)
	$(MAKE) --no-print-directory detach-table

EVALUATE_TARGETS += detach-evaluate
TEST_TARGETS += detach-test
