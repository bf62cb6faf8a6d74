# Fixtures for tests/unit/test_elf_deps.c: programs and libraries whose dependencies are
# found through RUNPATH, an inherited RPATH, $LIB, $PLATFORM, a private ld.so.cache, or
# not at all, a static program, and a library of the wrong ELF class. They are built with
# flags of their own: sanitizer flags would add dependencies (libasan) of their own.
ELF_FIX      := $(BUILD)/tests/fixtures
ELF_FIX_SRC  := tests/fixtures/elf
ELF_FIX_CC    = $(CC) -O1 -w
ELF_FIX_LIB   = $(ELF_FIX_CC) -shared -fPIC -Wl,-soname,$(@F)
ELF_FIX_LDCONFIG = $(firstword $(wildcard /sbin/ldconfig /usr/sbin/ldconfig) ldconfig)
RUNPATH_ORIGIN_LIB := -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN/../lib'
RPATH_ORIGIN_LIB   := -Wl,--disable-new-dtags -Wl,-rpath,'$$ORIGIN/../lib'

ELF_FIXTURES := $(addprefix $(ELF_FIX)/, lib/libfixdep.so.1 lib/libfix.so.1 \
    lib/libchain.so.1 lib32/libfix.so.1 cachelib/libcached.so.1 ld.so.cache \
    bin/runpath_prog bin/rpath_prog bin/runpath_chain_prog bin/missing_prog \
    bin/static_prog bin/mismatch_prog bin/lib_token_prog bin/platform_token_prog \
    bin/cache_prog)

$(ELF_FIX)/lib/libfixdep.so.1: $(ELF_FIX_SRC)/fixdep.c
	@mkdir -p $(@D)
	$(ELF_FIX_LIB) -o $@ $<

# libfix finds libfixdep beside itself through its own RUNPATH; libchain has none and
# relies on the RPATH of whatever loaded it.
$(ELF_FIX)/lib/libfix.so.1: $(ELF_FIX_SRC)/fix.c $(ELF_FIX)/lib/libfixdep.so.1
	$(ELF_FIX_LIB) -o $@ $< -L$(@D) -l:libfixdep.so.1 -Wl,--enable-new-dtags \
	    -Wl,-rpath,'$$ORIGIN'

$(ELF_FIX)/lib/libchain.so.1: $(ELF_FIX_SRC)/chain.c $(ELF_FIX)/lib/libfixdep.so.1
	$(ELF_FIX_LIB) -o $@ $< -L$(@D) -l:libfixdep.so.1

# Without a 32-bit toolchain the impostor is an empty file, and its test is skipped.
$(ELF_FIX)/lib32/libfix.so.1: $(ELF_FIX_SRC)/fix32.c
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -m32 -shared -nostdlib -fPIC -Wl,-soname,$(@F) -o $@ $< 2>/dev/null || \
	    : > $@

$(ELF_FIX)/cachelib/libcached.so.1: $(ELF_FIX_SRC)/cached.c
	@mkdir -p $(@D)
	$(ELF_FIX_LIB) -o $@ $<

# A cache of our own (ldconfig -C) that knows a directory no loader searches by default.
$(ELF_FIX)/ld.so.cache: $(ELF_FIX)/cachelib/libcached.so.1
	echo '$(abspath $(ELF_FIX)/cachelib)' > $(ELF_FIX)/ld.so.conf
	$(ELF_FIX_LDCONFIG) -X -C $@ -f $(ELF_FIX)/ld.so.conf

$(ELF_FIX)/bin/runpath_prog: $(ELF_FIX_SRC)/call_fix.c $(ELF_FIX)/lib/libfix.so.1
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libfix.so.1 $(RUNPATH_ORIGIN_LIB)

$(ELF_FIX)/bin/rpath_prog: $(ELF_FIX_SRC)/call_chain.c $(ELF_FIX)/lib/libchain.so.1
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libchain.so.1 $(RPATH_ORIGIN_LIB)

# RUNPATH is not inherited: the real loader cannot start this one either.
$(ELF_FIX)/bin/runpath_chain_prog: $(ELF_FIX_SRC)/call_chain.c $(ELF_FIX)/lib/libchain.so.1
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libchain.so.1 $(RUNPATH_ORIGIN_LIB)

$(ELF_FIX)/bin/missing_prog: $(ELF_FIX_SRC)/call_gone.c $(ELF_FIX_SRC)/gone.c
	@mkdir -p $(@D) $@.tmp
	$(ELF_FIX_CC) -shared -fPIC -Wl,-soname,libgone.so.1 -o $@.tmp/libgone.so.1 \
	    $(ELF_FIX_SRC)/gone.c
	$(ELF_FIX_CC) -o $@ $< -L$@.tmp -l:libgone.so.1
	rm -rf $@.tmp

$(ELF_FIX)/bin/static_prog: $(ELF_FIX_SRC)/static_main.c
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -static -o $@ $<

$(ELF_FIX)/bin/mismatch_prog: $(ELF_FIX_SRC)/call_fix.c $(ELF_FIX)/lib/libfix.so.1 \
                             $(ELF_FIX)/lib32/libfix.so.1
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libfix.so.1 -Wl,--enable-new-dtags \
	    -Wl,-rpath,'$$ORIGIN/../lib32:$$ORIGIN/../lib'

# The libraries copied to where $LIB and $PLATFORM lead on this machine.
$(ELF_FIX)/bin/lib_token_prog: $(ELF_FIX_SRC)/call_fix.c $(ELF_FIX)/lib/libfix.so.1
	@mkdir -p $(@D)
	d=$(ELF_FIX)/libdst/lib/$$($(CC) -print-multiarch); mkdir -p $$d && \
	    cp $(ELF_FIX)/lib/libfix.so.1 $(ELF_FIX)/lib/libfixdep.so.1 $$d/
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libfix.so.1 -Wl,--enable-new-dtags \
	    -Wl,-rpath,'$$ORIGIN/../libdst/$$LIB'

$(ELF_FIX)/bin/platform_token_prog: $(ELF_FIX_SRC)/call_fix.c $(ELF_FIX)/lib/libfix.so.1
	@mkdir -p $(@D)
	d=$(ELF_FIX)/platform/$$(uname -m); mkdir -p $$d && \
	    cp $(ELF_FIX)/lib/libfix.so.1 $(ELF_FIX)/lib/libfixdep.so.1 $$d/
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/lib -l:libfix.so.1 -Wl,--enable-new-dtags \
	    -Wl,-rpath,'$$ORIGIN/../platform/$${PLATFORM}'

$(ELF_FIX)/bin/cache_prog: $(ELF_FIX_SRC)/call_cached.c $(ELF_FIX)/cachelib/libcached.so.1
	@mkdir -p $(@D)
	$(ELF_FIX_CC) -o $@ $< -L$(ELF_FIX)/cachelib -l:libcached.so.1

$(BUILD)/tests/test_elf_deps: $(ELF_FIXTURES)
# private: the shim objects built on the way must not inherit it.
$(BUILD)/tests/test_elf_deps: private CFLAGS += -DFIXTURE_DIR='"$(abspath $(ELF_FIX))"'
