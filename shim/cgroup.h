/* A cgroup v2 leaf of the void's own, where the caller may create one: the child is
 * cloned straight into it (CLONE_INTO_CGROUP) and its cgroup namespace is rooted there.
 * Only directories this shim created are ever touched, and they are removed after. */
#ifndef VOID_CGROUP_H
#define VOID_CGROUP_H

#include <limits.h>
#include <stddef.h>

#include "plan.h"

struct cgroup_leaf {
    int fd;                  /* directory fd for clone3, or -1 when none */
    char path[PATH_MAX];     /* the leaf we created */
    char note[2 * PATH_MAX + 256];  /* why there is none, for --verbose */
};

/* Creates the leaf (void-shim-PID, or void-shim-PID-SERIAL for serial > 0) next to the caller's own cgroup v2 (never v1). On failure leaves
 * fd = -1 and a note: the void then keeps the caller's cgroup. */
void cgroup_leaf_create(struct cgroup_leaf *leaf, unsigned serial);
/* Writes each limit into the leaf before the void enters it. A limit that cannot be
 * applied (no leaf, controller not enabled for it) is reported on stderr, naming
 * `who`, and the void starts without it. */
void cgroup_leaf_apply(const struct cgroup_leaf *leaf, const struct cgroup_limit *limits,
                       size_t n, const char *who);
/* Removes empty leaves of shims that are gone (SIGKILLed before they could), beside
 * this one. Called once the child has been started (with CLONE_VFORK: once it has
 * exec'd), while the program runs. */
void cgroup_sweep_stale(const struct cgroup_leaf *leaf);
/* Closes the fd (the clone holds the cgroup now). */
void cgroup_leaf_release_fd(struct cgroup_leaf *leaf);
/* Removes the leaf once the void is gone. */
void cgroup_leaf_remove(struct cgroup_leaf *leaf);

#endif
