/* The void phase: what the child does, step by step, between clone3 and execve.
 * Each step is a function of its own, in the order void_child calls them. */
#ifndef VOID_VOID_H
#define VOID_VOID_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

enum void_step {
    STEP_USER, STEP_TIME, STEP_MOUNT, STEP_UTS, STEP_NET, STEP_FDS, STEP_LAST,
    STEP_COUNT,
};

/* What the ambient phase hands the child: captured before the clone. */
struct void_context {
    const struct plan *plan;
    uid_t uid;              /* the caller's ids, mapped to themselves */
    gid_t gid;
    int devnull;            /* opened before the clone: the void has no /dev/null */
    int report_fd;          /* write end of the channel to the supervisor (CLOEXEC) */
    int parent_pidfd;       /* readable once the shim has died */
    sigset_t saved_mask;    /* the caller's signal mask, restored right before exec */
};

/* Runs in the cloned child; never returns. */
__attribute__((noreturn)) void void_child(const struct void_context *ctx);

int void_user(const struct void_context *ctx, struct shim_error *err);
int void_nested_userns_off(struct shim_error *err);
/* Enters a fresh time namespace; *offset_ns is what CLOCK_MONOTONIC moved by. */
int void_time(int64_t *offset_ns, struct shim_error *err);
int void_mount(const struct plan *plan, struct shim_error *err);
int void_uts(const struct plan *plan, struct shim_error *err);
int void_net(const struct plan *plan, struct shim_error *err);
int void_fds(const struct void_context *ctx, struct shim_error *err);
int void_seccomp(struct shim_error *err);
int void_last(const struct plan *plan, struct shim_error *err);

/* Explains why user namespaces may be unavailable (sysctl / AppArmor), or "". */
const char *userns_hint(void);

#endif
