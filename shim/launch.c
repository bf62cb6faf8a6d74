#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "error.h"
#include "supervise.h"
#include "void.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static const uint64_t void_namespaces = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
                                        CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
                                        CLONE_NEWCGROUP;

/* The signals the supervisor handles; blocked before the clone so none is lost. */
static void supervised_signals(sigset_t *set)
{
    sigemptyset(set);
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                                  SIGCHLD};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaddset(set, signals[i]);
}

static pid_t clone_void(int cgroup_fd, int *pidfd)
{
    struct clone_args args = {
        .flags = void_namespaces | CLONE_PIDFD,
        .pidfd = (uint64_t)(uintptr_t)pidfd,
        .exit_signal = SIGCHLD,
    };
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static int64_t elapsed_us(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000LL + (now.tv_nsec - since->tv_nsec) / 1000;
}

/* Opens what only the caller can open: fds handed to the child. */
static int ambient_phase(const struct plan *plan, struct void_context *ctx, int report[2],
                         struct shim_error *err)
{
    ctx->plan = plan;
    ctx->uid = getuid();
    ctx->gid = getgid();
    ctx->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (ctx->devnull < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "open /dev/null");
    if (pipe2(report, O_CLOEXEC) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "pipe2");
    ctx->report_fd = report[1];
    ctx->parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (ctx->parent_pidfd < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "pidfd_open (Linux 5.3 or later "
                         "needed)");
    return 0;
}

static void close_ambient(struct void_context *ctx, int report[2])
{
    int fds[] = {ctx->devnull, ctx->parent_pidfd, report[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static int clone_error(int errnum)
{
    struct shim_error err;
    if (errnum == EPERM || errnum == ENOSPC || errnum == EACCES || errnum == EUSERS)
        error_set(&err, EXIT_SHIM_ERROR, 0, "clone3: cannot create the namespaces: %s%s",
                  strerror(errnum), userns_hint());
    else
        error_set(&err, EXIT_SHIM_ERROR, errnum, "clone3");
    error_print(&err);
    return EXIT_SHIM_ERROR;
}

int void_run(const struct plan *plan, const struct timespec *started)
{
    struct supervision sup = {.timings = plan->timings, .started = started,
                              .resolve_us = plan->resolve_us};
    sup.parse_us = elapsed_us(started) - plan->resolve_us;
    struct void_context ctx = {.devnull = -1, .report_fd = -1, .parent_pidfd = -1};
    int report[2] = {-1, -1};
    struct shim_error err = {0};

    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    struct cgroup_leaf leaf;
    cgroup_leaf_create(&leaf);
    if (plan->verbose && leaf.note[0])
        fprintf(stderr, "void-shim: %s\n", leaf.note);
    sup.cgroup_us = elapsed_us(&t);

    if (ambient_phase(plan, &ctx, report, &err) != 0) {
        close_ambient(&ctx, report);
        cgroup_leaf_remove(&leaf);
        error_print(&err);
        return EXIT_SHIM_ERROR;
    }
    sigset_t handled;
    supervised_signals(&handled);
    sigprocmask(SIG_BLOCK, &handled, &ctx.saved_mask);

    clock_gettime(CLOCK_MONOTONIC, &t);
    int pidfd = -1;
    pid_t pid = clone_void(leaf.fd, &pidfd);
    if (pid < 0 && leaf.fd >= 0 && (errno == EACCES || errno == EPERM || errno == EBUSY)) {
        /* Allowed to create the leaf but not to move into it: go without. */
        cgroup_leaf_remove(&leaf);
        pid = clone_void(-1, &pidfd);
    }
    if (pid == 0)
        void_child(&ctx);
    int clone_errno = errno;
    sup.clone_us = elapsed_us(&t);
    cgroup_leaf_release_fd(&leaf);
    close_ambient(&ctx, report);

    int status = pid < 0 ? clone_error(clone_errno)
                         : supervise(&sup, pidfd, report[0], &handled);
    if (pidfd >= 0)
        close(pidfd);
    close(report[0]);
    cgroup_leaf_remove(&leaf);
    sigprocmask(SIG_SETMASK, &ctx.saved_mask, NULL);
    return status;
}
