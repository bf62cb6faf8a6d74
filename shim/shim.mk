# void-shim: statically linked, so that a void start pays no dynamic loading of its own.
SHIM_STATIC ?= -static
SHIM_SRCS := $(filter-out shim/main.c,$(wildcard shim/*.c))
SHIM_OBJS := $(SHIM_SRCS:shim/%.c=$(BUILD)/shim/%.o)
SHIM_LIBS := -lcap -ljansson

all: $(BUILD)/bin/void-shim

$(BUILD)/shim/%.o: shim/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libshim.a: $(SHIM_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/void-shim: $(BUILD)/shim/main.o $(BUILD)/libshim.a
	@mkdir -p $(@D)
	$(CC) $(SHIM_STATIC) $(LDFLAGS) -o $@ $^ $(SHIM_LIBS)

# valgrind cannot follow clone3 or a static binary's allocator: check a dynamic build
# on everything before the clone (parsing, validation, ELF resolution, error paths).
.PHONY: valgrind
valgrind:
	$(MAKE) BUILD=build-dyn SHIM_STATIC= build-dyn/bin/void-shim
	@set -e; vg="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"; \
	for args in "--help" "-n --proc --dev --bind /etc --tmpfs /t -- /bin/sh -c true" \
	            "-n -- /usr/bin/python3" "--bind /nonexistent -- /bin/true" \
	            "--fd 99 -- /bin/true" "-- /nonexistent"; do \
	    echo "== valgrind void-shim $$args"; \
	    $$vg build-dyn/bin/void-shim $$args >/dev/null 2>&1 || [ $$? -ne 99 ]; \
	done; echo "valgrind: no errors, no leaks"
