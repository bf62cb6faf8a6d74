# Unit tests: every tests/unit/test_*.c is one cmocka program linked against the shim's
# objects. Integration tests: pytest over tests/integration, against build/bin/void-shim.
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
CHECKER_SRCS := $(wildcard tests/checkers/*.c)
CHECKER_BINS := $(CHECKER_SRCS:tests/checkers/%.c=$(BUILD)/tests/checkers/%)

.PHONY: unit-test integration-test checkers deps-test
all: $(UNIT_BINS) checkers
checkers: $(CHECKER_BINS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libshim.a | deps-test
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim $(LDFLAGS) -o $@ $< $(BUILD)/libshim.a $(SHIM_LIBS) -lcmocka

# Checkers run inside voids with no libraries bound: static.
$(BUILD)/tests/checkers/%: tests/checkers/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $<

unit-test: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration-test: $(BUILD)/bin/void-shim checkers | deps-test
	$(PYTHON) -m pytest -q tests/integration
