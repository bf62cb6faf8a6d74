/* Making a program runnable in an empty root: the program file, its #! interpreter, its
 * ELF interpreter and its DT_NEEDED libraries (recursively), each bound read-only at the
 * path the loader will open, with every symlink met on the way recreated as a symlink.
 * The ELF files are parsed here (no ldd: it is slow and runs the binary's loader). */
#ifndef VOID_ELF_DEPS_H
#define VOID_ELF_DEPS_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"

/* Adds to plan what makes host path `path` visible at the same path in the void:
 * one OP_SYMLINK (dst = the link's path, src = its text) for every symlink met while
 * resolving path component by component, then one read-only OP_BIND (flags 0, origin
 * `origin`) of the final file at its canonical path. Destinations already in the plan
 * are skipped silently. Fails (EXIT_SHIM_ERROR, naming `origin` and path) when path
 * does not resolve. If canonical is not NULL, the canonical path is written there
 * (PATH_MAX bytes). */
int deps_add_path(struct plan *plan, const char *path, const char *origin,
                  char *canonical, struct shim_error *err);

/* Adds the program at host path `program` (absolute) with deps_add_path and, when
 * with_libs, everything the loader needs to start it: a "#!" interpreter (and its
 * dependencies), the PT_INTERP loader, and each DT_NEEDED library found the way ld.so(8)
 * finds it: DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH ($ORIGIN, $LIB and
 * $PLATFORM expanded), /etc/ld.so.cache, then the default directories. When a library
 * is found only through ld.so.cache in a directory the loader does not search by
 * default, /etc/ld.so.cache itself is bound too. Objects of another ELF class or machine
 * are skipped, as the loader skips them. A library that cannot be found is an error
 * naming the library and the object that needs it (EXIT_SHIM_ERROR). */
int deps_add_program(struct plan *plan, const char *program, bool with_libs,
                     struct shim_error *err);

#endif
