# void-processes toolkit: one entry point.
#
#   make            build everything into build/
#   make test       unit tests (C) and integration tests (pytest)
#   make evaluate   the main job: build, demonstrate, run the experiments, figures, paper
#   make asan       the shim and its unit tests under AddressSanitizer/UBSan (build-asan/)
#
# Each part keeps its rules in a fragment of its own (shim/shim.mk, tests/tests.mk, ...).

CC      ?= gcc
BUILD   ?= build
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -MMD -MP
LDFLAGS ?=
PYTHON  ?= /usr/bin/python3
DEPS    ?= scripts/deps.sh

.PHONY: all test evaluate asan clean deps-build deps-test
all:

deps-build:
	@$(DEPS) build
deps-test:
	@$(DEPS) test

# Fragments append their steps to these; `make evaluate` and `make test` run them all.
# EVALUATE_LAST runs after every other evaluation step (the figures and the paper).
EVALUATE_TARGETS :=
EVALUATE_LAST :=
TEST_TARGETS :=

include shim/shim.mk
include tests/tests.mk
include $(sort $(filter-out shim/shim.mk tests/tests.mk,$(wildcard */*.mk)))

# The main job: build, demonstrate a void, then every experiment a fragment registers.
evaluate: all
	@scripts/demo.sh $(BUILD)/bin/void-shim
	@$(MAKE) --no-print-directory $(EVALUATE_TARGETS)
	@$(if $(strip $(EVALUATE_LAST)),$(MAKE) --no-print-directory $(EVALUATE_LAST))

test: unit-test integration-test $(TEST_TARGETS)

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" SHIM_STATIC= unit-test

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
