/* Resolving a host path the way the kernel does, one component at a time, recording
 * every symlink met so that the same path can be recreated in an empty root. */
#ifndef VOID_PATH_WALK_H
#define VOID_PATH_WALK_H

#include "deps_arena.h"
#include "error.h"
#include "plan.h"
#include "strset.h"

/* What lstat said about the paths already visited in one resolution (path -> kind and
 * link text), so that /usr, /lib -> usr/lib, ... are looked at once, not once a library. */
struct walk_cache {
    struct arena *arena;   /* borrowed; holds the keys and the entries */
    struct strset seen;
};

/* Like deps_add_path (elf_deps.h), with a cache that may be shared by several calls. */
int path_walk_add(struct plan *plan, struct walk_cache *cache, const char *path,
                  const char *origin, char *canonical, struct shim_error *err);

#endif
