/* The void phase: what the child does, step by step, between clone3 and execve.
 * Each step is a function of its own, in the order void_child calls them. */
#ifndef VOID_VOID_H
#define VOID_VOID_H

#include <linux/filter.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/capability.h>
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
    bool time_on_exec;      /* execve enters time_for_children (Linux 6.1+): no setns */
    /* Allocated by the parent: with CLONE_VM the child shares its heap, and whatever
     * it allocated there before exec would stay behind in the shim. */
    cap_t no_caps;          /* every capability set empty */
    const struct sock_fprog *seccomp;   /* NULL with --no-seccomp */
    dev_t *own_devs;        /* room for plan->n_ops + 1 device numbers (ns_mount.c) */
};

/* Runs in the cloned child; never returns. */
__attribute__((noreturn)) void void_child(const struct void_context *ctx);

int void_user(const struct void_context *ctx, struct shim_error *err);
int void_nested_userns_off(struct shim_error *err);
/* Creates a fresh time namespace with the clocks moved back to near zero. The program
 * enters it at execve (Linux 6.1+); with join_now the caller enters it at once, and
 * *offset_ns is what its CLOCK_MONOTONIC moved by (0 otherwise). */
int void_time(bool join_now, int64_t *offset_ns, struct shim_error *err);
int void_mount(const struct plan *plan, dev_t *own_devs, struct shim_error *err);
int void_uts(const struct plan *plan, struct shim_error *err);
int void_net(const struct plan *plan, struct shim_error *err);
int void_fds(const struct void_context *ctx, struct shim_error *err);
/* The filter (seccomp.c), built once in the parent; installed by the child. */
const struct sock_fprog *void_seccomp_program(void);
int void_seccomp(const struct sock_fprog *prog, struct shim_error *err);
/* The last step (caps.c): void_new_session, no_new_privs, the filter, then
 * void_drop_capabilities. The two parts are public for bench/floor_steps.c, which times
 * each on its own. */
int void_last(const struct void_context *ctx, struct shim_error *err);
/* setsid, a fresh session keyring, RLIMIT_CORE 0. */
int void_new_session(struct shim_error *err);
/* The bounding set (one capability at a time: there is no bulk call), the ambient set,
 * then effective, permitted and inheritable. Needs CAP_SETPCAP, so it goes last. */
int void_drop_capabilities(cap_t no_caps, struct shim_error *err);

/* Explains why user namespaces may be unavailable (sysctl / AppArmor), or "". */
const char *userns_hint(void);

#endif
