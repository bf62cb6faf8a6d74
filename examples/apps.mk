# The example applications of issue 7: a gzip that sees only its input and output
# descriptors, and a TLS web server split into a connection listener, a TLS handler per
# connection and an HTTP handler per connection, each in a void (examples/gzip,
# examples/tls). Built into $(BUILD)/examples/{gzip,tls}/.
#
#   make apps              the binaries and a throwaway certificate (never committed)
#   make apps-demo         run both examples under void-shim -s
#   make apps-bench        the evaluation in BENCH_MODE (quick by default; APPS_BENCH_OUT=DIR)
#   make apps-bench-full   the full run (the reference: APPS_BENCH_OUT=results/apps/reference)
#   make apps-bench-quick  under two minutes (part of `make evaluate`)
#   make apps-bench-smoke  tiny counts, checks the files only (part of `make test`)
#   make apps-figures      the spec diagrams (Graphviz) into paper/generated/
APPS_DIR       := $(BUILD)/examples
APPS_GZIP      := $(APPS_DIR)/gzip/void-gzip
APPS_TLS       := $(APPS_DIR)/tls/void-tls
APPS_TLS_OBJS  := $(patsubst examples/tls/%.c,$(APPS_DIR)/tls/%.o,$(wildcard examples/tls/*.c))
APPS_CERT      := $(APPS_DIR)/tls/cert.pem
# examples/gzip/spec-files.json writes here; a File must exist when the spec is loaded.
APPS_GZIP_OUT  := $(APPS_DIR)/gzip/README.md.gz
APPS_BENCH_OUT ?=
APPS_BENCH_RUN  = $(PYTHON) scripts/apps_bench.py --build $(BUILD) \
                  $(if $(APPS_BENCH_OUT),--out $(APPS_BENCH_OUT))

.PHONY: apps apps-demo apps-bench apps-bench-full apps-bench-quick apps-bench-smoke apps-figures
all: apps
apps: $(APPS_GZIP) $(APPS_TLS) $(APPS_CERT) $(APPS_GZIP_OUT)

$(APPS_GZIP): examples/gzip/void_gzip.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lz

$(APPS_DIR)/tls/%.o: examples/tls/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(APPS_TLS): $(APPS_TLS_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ -lssl -lcrypto -lpthread

$(APPS_GZIP_OUT):
	@mkdir -p $(@D)
	touch $@

# A throwaway self-signed certificate for 127.0.0.1, for the committed spec and demos.
$(APPS_CERT): scripts/apps_cert.sh
	scripts/apps_cert.sh $(@D)

# The integration tests (tests/integration/test_apps.py) run the built examples.
integration-test: apps

apps-demo: $(BUILD)/bin/void-shim apps
	scripts/apps_demo.sh $(BUILD)

# Hooks: `make evaluate` runs the quick evaluation; `make bench` runs $(BENCH_TARGETS)
# once bench/bench.mk does (from a recipe: this file is read after bench/bench.mk).
BENCH_TARGETS += apps-bench
EVALUATE_TARGETS += apps-bench-quick
TEST_TARGETS += apps-bench-smoke

# `make apps-bench` follows BENCH_MODE as `make bench` does (quick unless BENCH_MODE=full).
apps-bench: $(BUILD)/bin/void-shim apps | deps-bench
	$(APPS_BENCH_RUN) $(if $(BENCH_MODE),$(BENCH_MODE),quick)
apps-bench-full: $(BUILD)/bin/void-shim apps | deps-bench
	$(APPS_BENCH_RUN) full
apps-bench-quick: $(BUILD)/bin/void-shim apps | deps-bench
	$(APPS_BENCH_RUN) quick
apps-bench-smoke: $(BUILD)/bin/void-shim apps
	@rm -rf $(APPS_DIR)/bench-smoke
	$(PYTHON) scripts/apps_bench.py --build $(BUILD) --out $(APPS_DIR)/bench-smoke smoke
	$(PYTHON) scripts/apps_bench.py --check $(APPS_DIR)/bench-smoke

# Spec diagrams: void-shim --graph (host paths shown relative to the tree), rendered by
# Graphviz when it is installed: paper/generated/{gzip-spec,gzip-spec-files,tls-spec}.pdf
APPS_GRAPH_SPECS := examples/gzip/spec.json examples/gzip/spec-files.json examples/tls/spec.json \
                    examples/tls/spec-per-request.json
apps-figures: $(BUILD)/bin/void-shim apps
	@if command -v dot >/dev/null; then \
	    mkdir -p paper/generated; \
	    for s in $(APPS_GRAPH_SPECS); do \
	        name=$$(echo $$s | sed 's|examples/||; s|/spec|-spec|; s|\.json$$||; s|/|-|g'); \
	        $(BUILD)/bin/void-shim --graph $$s > paper/generated/$$name.dot.raw && \
	        sed 's|$(CURDIR)/||g' paper/generated/$$name.dot.raw > paper/generated/$$name.dot && \
	        rm paper/generated/$$name.dot.raw && \
	        dot -Tpdf paper/generated/$$name.dot -o paper/generated/$$name.pdf && \
	        dot -Tsvg paper/generated/$$name.dot -o paper/generated/$$name.svg && \
	        echo "apps-figures: paper/generated/$$name.pdf" || exit 1; \
	    done; \
	else echo "apps-figures: graphviz (dot) not installed: diagrams skipped"; fi
figures: apps-figures
