/* Ambient phase and clone3: starting one void from a validated plan; and the single
 * program run of the CLI front end (start, supervise, propagate the status). */
#ifndef VOID_LAUNCH_H
#define VOID_LAUNCH_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cgroup.h"
#include "error.h"
#include "plan.h"

/* A started void, as its supervisor holds it. */
struct void_instance {
    pid_t pid;
    int pidfd;                /* readable when the void has exited */
    int report_fd;            /* setup errors and timings; end of file once exec'd */
    struct cgroup_leaf leaf;  /* removed by void_instance_release */
    int64_t cgroup_us;
    int64_t clone_started_us; /* CLOCK_MONOTONIC when clone3 was called, for --timings */
};

/* The signals supervisors handle with a signalfd; block them before the first spawn. */
void supervised_signals(sigset_t *set);

/* How the caller waits while the void sets itself up. */
enum spawn_mode {
    /* Sleep until the exec: the child runs in the shim's memory (CLONE_VM|CLONE_VFORK,
     * see clone_vfork.c), which spares copying the shim's page tables. For one void. */
    SPAWN_WAIT_FOR_EXEC,
    /* Return at once: the child gets a copy of the shim's memory and sets up while the
     * shim goes on, so that the spec runtime can serve other voids meanwhile (a TLS
     * server under new-connection load: 56 against 110 connections/s otherwise). */
    SPAWN_OVERLAP,
};

/* Starts plan's program in a new void. saved_mask: the mask to restore before exec.
 * serial distinguishes the voids of one shim (cgroup leaf names). */
int void_spawn(const struct plan *plan, const sigset_t *saved_mask, unsigned serial,
               enum spawn_mode mode, struct void_instance *vi, struct shim_error *err);
/* Closes the instance's fds and removes its cgroup leaf; call once it has been reaped. */
void void_instance_release(struct void_instance *vi);

/* The CLI front end: runs one plan to completion; returns the shim's exit status. */
int void_run(const struct plan *plan, const struct timespec *started);

#endif
