# Example applications for spec mode: each examples/NAME/ holds NAME.c, spec.json and a
# README; the binary is built as build/examples/NAME. `make examples-demo` runs each one
# under void-shim -s (also part of `make evaluate`).
SPEC_EXAMPLES := fib basic pipes fdpass
SPEC_EXAMPLE_BINS := $(SPEC_EXAMPLES:%=$(BUILD)/examples/%)
# fib is static and declares NoLibs (its void holds only the binary); the others are
# dynamic, so the shim binds their ELF interpreter and libraries into each void.
EXAMPLE_LDFLAGS_fib := -static

.PHONY: examples examples-demo
all: examples
examples: $(SPEC_EXAMPLE_BINS)

define spec_example_rule
$(BUILD)/examples/$(1): examples/$(1)/$(1).c | deps-build
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) $$(EXAMPLE_LDFLAGS_$(1)) -o $$@ $$<
endef
$(foreach e,$(SPEC_EXAMPLES),$(eval $(call spec_example_rule,$(e))))

EVALUATE_TARGETS += examples-demo
# Receivers run concurrently: their lines are sorted so that the demo reads the same.
examples-demo: $(BUILD)/bin/void-shim $(SPEC_EXAMPLE_BINS)
	@set -e; for e in $(SPEC_EXAMPLES); do \
	    echo "== void-shim -s examples/$$e/spec.json $(BUILD)/examples/$$e"; \
	    out=$$($(BUILD)/bin/void-shim -s examples/$$e/spec.json $(BUILD)/examples/$$e); \
	    printf '%s\n' "$$out" | sort; \
	done

# The integration tests stage build/examples/* and run them (tests/integration/test_spec.py).
integration-test: examples
