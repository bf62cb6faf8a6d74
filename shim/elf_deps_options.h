/* deps_add_program with its host inputs made explicit, so that tests can point it at a
 * cache of their own instead of /etc/ld.so.cache. */
#ifndef VOID_ELF_DEPS_OPTIONS_H
#define VOID_ELF_DEPS_OPTIONS_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"

struct deps_options {
    const char *ld_cache_path;   /* "/etc/ld.so.cache" */
};

int deps_add_program_with(struct plan *plan, const char *program, bool with_libs,
                          const struct deps_options *options, struct shim_error *err);

#endif
