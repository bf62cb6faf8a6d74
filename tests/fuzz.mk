# make fuzz: the spec parser under libFuzzer (clang) with ASan, LSan and UBSan, for a
# bounded time. Not part of `make test`. See tests/fuzz/README.md.
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -O1 -g -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Ishim
# Only the parser and what it uses: no ELF resolution, no runtime.
FUZZ_SPEC_SRCS := shim/spec.c shim/spec_ctx.c shim/spec_args.c shim/spec_env.c \
                  shim/spec_channels.c shim/spec_print.c shim/spec_addr.c shim/host_path.c \
                  shim/plan.c shim/strset.c shim/error.c

.PHONY: fuzz fuzz-deps
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ]; then apt-get install -y -q --no-install-recommends clang; \
	    else echo "fuzz: needs clang: sudo apt-get install -y clang" >&2; exit 1; fi; }

$(FUZZ_DIR)/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_SPEC_SRCS) $(wildcard shim/*.h) | fuzz-deps deps-build
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_spec.c $(FUZZ_SPEC_SRCS) -ljansson

fuzz: $(FUZZ_DIR)/fuzz_spec
	@mkdir -p $(FUZZ_DIR)/spec-corpus
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(FUZZ_DIR)/fuzz_spec -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -dict=tests/fuzz/spec.dict -artifact_prefix=$(FUZZ_DIR)/ \
	    $(FUZZ_DIR)/spec-corpus tests/fuzz/corpus/spec
