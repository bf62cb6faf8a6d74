# void-shim: statically linked, so that a void start pays no dynamic loading of its own.
SHIM_STATIC ?= -static
SHIM_SRCS := $(filter-out shim/main.c,$(wildcard shim/*.c))
SHIM_OBJS := $(SHIM_SRCS:shim/%.c=$(BUILD)/shim/%.o)
SHIM_LIBS := -lcap

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
