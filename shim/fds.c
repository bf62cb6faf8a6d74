/* File descriptors: stdin/stdout/stderr are /dev/null unless declared, every other fd
 * is closed except the declared ones (kept at their numbers) and the report pipe,
 * which is CLOEXEC and so closes itself at exec. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "void.h"

#ifndef CLOSE_RANGE_UNSHARE
#include <linux/close_range.h>
#endif

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int close_all_except(const int *keep, size_t n, struct shim_error *err)
{
    unsigned next = 0;
    for (size_t i = 0; i <= n; i++) {
        unsigned upto = i < n ? (unsigned)keep[i] : ~0u;
        if (upto > next && close_range(next, upto - 1, 0) != 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "fds: close_range(%u, %u)", next,
                             upto - 1);
        if (i < n)
            next = (unsigned)keep[i] + 1;
    }
    return 0;
}

int void_fds(const struct void_context *ctx, struct shim_error *err)
{
    const struct plan *plan = ctx->plan;
    const bool keep_std[3] = {plan->keep_stdin, plan->keep_stdout, plan->keep_stderr};
    for (int fd = 0; fd < 3; fd++)
        if (!keep_std[fd] && dup2(ctx->devnull, fd) < 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "fds: dup2(/dev/null, %d)", fd);

    int keep[PLAN_MAX_FDS + 4];
    size_t n = 0;
    for (int fd = 0; fd < 3; fd++)
        keep[n++] = fd;
    for (size_t i = 0; i < plan->n_keep_fds; i++)
        keep[n++] = plan->keep_fds[i];
    keep[n++] = ctx->report_fd;
    qsort(keep, n, sizeof keep[0], compare_ints);
    if (close_all_except(keep, n, err) != 0)
        return -1;
    /* Declared fds are handed over: they must survive the exec. */
    for (size_t i = 0; i < plan->n_keep_fds; i++)
        if (fcntl(plan->keep_fds[i], F_SETFD, 0) != 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "fds: --fd %d", plan->keep_fds[i]);
    for (int fd = 0; fd < 3; fd++)
        if (keep_std[fd] && fcntl(fd, F_SETFD, 0) != 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "fds: fd %d", fd);
    return 0;
}
