#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "clone_vfork.h"
#include "supervise.h"
#include "void.h"

static const uint64_t void_namespaces = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
                                        CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
                                        CLONE_NEWCGROUP;

void supervised_signals(sigset_t *set)
{
    sigemptyset(set);
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                                  SIGCHLD};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaddset(set, signals[i]);
}

/* Linux 6.1 made execve enter the time_for_children namespace (commit 2b5f9dad32ed,
 * "fs/exec: switch timens when a task gets a new mm"); before, only setns could, and
 * setns into a time namespace refuses a task that shares its memory. */
static bool exec_enters_time_ns(void)
{
    static int known = -1;
    if (known < 0) {
        struct utsname u;
        char *dot = NULL;
        long major = uname(&u) == 0 ? strtol(u.release, &dot, 10) : 0;
        long minor = dot && *dot == '.' ? strtol(dot + 1, NULL, 10) : 0;
        known = major > 6 || (major == 6 && minor >= 1);
    }
    return known;
}

static int child_entry(void *ctx)
{
    void_child(ctx);
}

/* Returns in the parent only (the child runs void_child and never comes back). */
static pid_t clone_void(struct void_context *ctx, enum spawn_mode mode, int cgroup_fd,
                        int *pidfd)
{
    struct clone3_args args = {
        .flags = void_namespaces | CLONE_PIDFD,
        .pidfd = (uint64_t)(uintptr_t)pidfd,
        .exit_signal = SIGCHLD,
    };
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    if (mode == SPAWN_WAIT_FOR_EXEC && ctx->time_on_exec) {
        pid_t pid = clone_vfork(&args, child_entry, ctx);
        if (pid >= 0 || errno != ENOSYS)
            return pid;
    }
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0)
        void_child(ctx);
    return pid;
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
    ctx->time_on_exec = exec_enters_time_ns();
    ctx->no_caps = cap_init();
    ctx->seccomp = plan->no_seccomp ? NULL : void_seccomp_program();
    ctx->own_devs = calloc(plan->n_ops + 1, sizeof *ctx->own_devs);
    if (!ctx->no_caps || !ctx->own_devs)
        return error_set(err, EXIT_SHIM_ERROR, errno, "out of memory");
    return 0;
}

static void close_ambient(struct void_context *ctx, int report[2])
{
    int fds[] = {ctx->devnull, ctx->parent_pidfd, report[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (ctx->no_caps)
        cap_free(ctx->no_caps);
    free(ctx->own_devs);
    ctx->no_caps = NULL;
    ctx->own_devs = NULL;
}

static int clone_error(int errnum, struct shim_error *err)
{
    if (errnum == EPERM || errnum == ENOSPC || errnum == EACCES || errnum == EUSERS)
        return error_set(err, EXIT_SHIM_ERROR, 0, "clone3: cannot create the namespaces: "
                         "%s%s", strerror(errnum), userns_hint());
    return error_set(err, EXIT_SHIM_ERROR, errnum, "clone3");
}

int void_spawn(const struct plan *plan, const sigset_t *saved_mask, unsigned serial,
               enum spawn_mode mode, struct void_instance *vi, struct shim_error *err)
{
    struct void_context ctx = {.devnull = -1, .report_fd = -1, .parent_pidfd = -1,
                               .saved_mask = *saved_mask};
    int report[2] = {-1, -1};
    *vi = (struct void_instance){.pid = -1, .pidfd = -1, .report_fd = -1};

    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    cgroup_leaf_create(&vi->leaf, serial);
    if (plan->verbose && vi->leaf.note[0])
        fprintf(stderr, "void-shim: %s\n", vi->leaf.note);
    cgroup_leaf_apply(&vi->leaf, plan->cgroup_limits, plan->n_cgroup_limits,
                      plan->entrypoint ? plan->entrypoint : "void");
    vi->cgroup_us = elapsed_us(&t);

    if (ambient_phase(plan, &ctx, report, err) != 0) {
        close_ambient(&ctx, report);
        if (report[0] >= 0)
            close(report[0]);
        cgroup_leaf_remove(&vi->leaf);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    vi->clone_started_us = t.tv_sec * 1000000LL + t.tv_nsec / 1000;
    pid_t pid = clone_void(&ctx, mode, vi->leaf.fd, &vi->pidfd);
    if (pid < 0 && vi->leaf.fd >= 0 && (errno == EACCES || errno == EPERM || errno == EBUSY)) {
        /* Allowed to create the leaf but not to move into it: go without. */
        cgroup_leaf_remove(&vi->leaf);
        pid = clone_void(&ctx, mode, -1, &vi->pidfd);
    }
    int clone_errno = errno;
    cgroup_leaf_release_fd(&vi->leaf);
    close_ambient(&ctx, report);
    if (pid < 0) {
        close(report[0]);
        cgroup_leaf_remove(&vi->leaf);
        return clone_error(clone_errno, err);
    }
    vi->pid = pid;
    vi->report_fd = report[0];
    cgroup_sweep_stale(&vi->leaf);
    return 0;
}

void void_instance_release(struct void_instance *vi)
{
    if (vi->pidfd >= 0)
        close(vi->pidfd);
    if (vi->report_fd >= 0)
        close(vi->report_fd);
    vi->pidfd = vi->report_fd = -1;
    cgroup_leaf_remove(&vi->leaf);
}

int void_run(const struct plan *plan, const struct timespec *started)
{
    struct supervision sup = {.timings = plan->timings, .started = started,
                              .resolve_us = plan->resolve_us};
    sup.parse_us = elapsed_us(started) - plan->resolve_us;
    sigset_t handled, saved;
    supervised_signals(&handled);
    sigprocmask(SIG_BLOCK, &handled, &saved);

    struct void_instance vi;
    struct shim_error err = {0};
    int status;
    if (void_spawn(plan, &saved, 0, SPAWN_WAIT_FOR_EXEC, &vi, &err) != 0) {
        error_print(&err);
        status = err.status;
    } else {
        sup.cgroup_us = vi.cgroup_us;
        sup.clone_started_us = vi.clone_started_us;
        status = supervise(&sup, vi.pidfd, vi.report_fd, &handled);
        vi.report_fd = -1;   /* closed by supervise */
        void_instance_release(&vi);
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
    return status;
}
