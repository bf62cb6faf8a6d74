/* The child of clone3: already in new user, mount, pid, net, ipc, uts and cgroup
 * namespaces. It voids each one in order, drops everything, and execs. Any failure is
 * sent to the supervisor over the report pipe (stderr is /dev/null by then). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "void.h"

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

__attribute__((noreturn)) static void fail(const struct void_context *ctx,
                                           const struct shim_error *err)
{
    struct report r = {.kind = REPORT_ERROR, .status = err->status};
    memcpy(r.msg, err->msg, sizeof r.msg);
    report_send(ctx->report_fd, &r);
    _exit(err->status ? err->status : EXIT_SHIM_ERROR);
}

/* The void must not outlive the shim: SIGKILL when it dies, and if it died before the
 * request took effect, go now. */
static int tie_to_parent(const struct void_context *ctx, struct shim_error *err)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "prctl(PR_SET_PDEATHSIG)");
    struct pollfd p = {.fd = ctx->parent_pidfd, .events = POLLIN};
    if (poll(&p, 1, 0) > 0)
        _exit(EXIT_SHIM_ERROR);
    return 0;
}

static void exec_program(const struct void_context *ctx)
{
    const struct plan *plan = ctx->plan;
    sigprocmask(SIG_SETMASK, &ctx->saved_mask, NULL);
    execve(plan->exec_path, plan->argv, plan->envp);
    int e = errno;
    struct shim_error err = {0};
    error_set(&err, e == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, e,
              "exec %s%s", plan->exec_path,
              e == ENOENT && plan->no_libs ? " (with --no-libs: is its ELF interpreter bound?)"
                                           : "");
    fail(ctx, &err);
}

struct stopwatch {
    struct report report;
    int64_t last_us;
    int64_t offset_us;   /* how far this task's CLOCK_MONOTONIC was moved (time ns) */
};

static void lap(struct stopwatch *sw, enum void_step step)
{
    int64_t now = now_us() - sw->offset_us;
    sw->report.step_us[step] = now - sw->last_us;
    sw->last_us = now;
}

void void_child(const struct void_context *ctx)
{
    const struct plan *plan = ctx->plan;
    struct shim_error err = {0};
    struct stopwatch sw = {.report = {.kind = REPORT_TIMINGS}, .last_us = now_us()};
    sw.report.started_us = sw.last_us;

    /* The seccomp filter refuses new user namespaces; without it the sysctl does. */
    if (tie_to_parent(ctx, &err) != 0 || void_user(ctx, &err) != 0 ||
        (plan->no_seccomp && void_nested_userns_off(&err) != 0))
        fail(ctx, &err);
    lap(&sw, STEP_USER);
    int64_t offset_ns;
    if (void_time(!ctx->time_on_exec, &offset_ns, &err) != 0)
        fail(ctx, &err);
    sw.offset_us = offset_ns / 1000;
    lap(&sw, STEP_TIME);
    if (void_mount(plan, ctx->own_devs, &err) != 0)
        fail(ctx, &err);
    lap(&sw, STEP_MOUNT);
    if (void_uts(plan, &err) != 0)
        fail(ctx, &err);
    lap(&sw, STEP_UTS);
    if (void_net(plan, &err) != 0)
        fail(ctx, &err);
    lap(&sw, STEP_NET);
    if (void_fds(ctx, &err) != 0)
        fail(ctx, &err);
    lap(&sw, STEP_FDS);
    if (void_last(ctx, &err) != 0)
        fail(ctx, &err);
    lap(&sw, STEP_LAST);
    sw.report.sent_us = sw.last_us;
    if (plan->timings)
        report_send(ctx->report_fd, &sw.report);
    exec_program(ctx);
    _exit(EXIT_SHIM_ERROR);
}
