#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "kill_timer.h"
#include "report.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif


struct watch {
    struct supervision *sup;
    int pidfd, report_fd, signal_fd;
    bool have_error;
    struct report error;
    struct report timings;
    bool have_timings;
    int terminating_signal;          /* forwarded, with a kill deadline */
    struct kill_timer kill;
};

static int64_t us_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000LL + (b->tv_nsec - a->tv_nsec) / 1000;
}

static void print_timings(const struct watch *w)
{
    static const char *const names[STEP_COUNT] = {
        [STEP_USER] = "user", [STEP_TIME] = "time", [STEP_MOUNT] = "mount",
        [STEP_UTS] = "uts", [STEP_NET] = "net", [STEP_FDS] = "fds", [STEP_LAST] = "last",
    };
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t now_us = now.tv_sec * 1000000LL + now.tv_nsec / 1000;
    const struct supervision *s = w->sup;
    fprintf(stderr, "{\"parse_us\":%lld,\"resolve_us\":%lld,\"cgroup_us\":%lld,"
            "\"clone_us\":%lld", (long long)s->parse_us, (long long)s->resolve_us,
            (long long)s->cgroup_us, (long long)(w->timings.started_us - s->clone_started_us));
    for (int i = 0; i < STEP_COUNT; i++)
        fprintf(stderr, ",\"%s_us\":%lld", names[i], (long long)w->timings.step_us[i]);
    /* exec: from the end of the setup to the report pipe's end of file (its CLOEXEC
     * write end closes once execve has replaced the child's memory) */
    fprintf(stderr, ",\"exec_us\":%lld,\"total_us\":%lld}\n",
            (long long)(now_us - w->timings.sent_us), (long long)us_between(s->started, &now));
}

/* Reads what the void's setup reports; closes the pipe at end of file, which means the
 * exec happened (or the child died). */
static void read_report(struct watch *w)
{
    struct report r;
    int got = report_receive(w->report_fd, &r);
    if (got == 1 && r.kind == REPORT_ERROR) {
        w->error = r;
        w->have_error = true;
    } else if (got == 1 && r.kind == REPORT_TIMINGS) {
        w->timings = r;
        w->have_timings = true;
    }
    if (got == 1)
        return;
    if (w->sup->timings && w->have_timings && !w->have_error)
        print_timings(w);
    close(w->report_fd);
    w->report_fd = -1;
}

static void forward_signal(struct watch *w)
{
    struct signalfd_siginfo si;
    while (read(w->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD)
            continue;     /* the pidfd says when the void is gone */
        syscall(SYS_pidfd_send_signal, w->pidfd, sig, NULL, 0);
        if (is_terminating_signal(sig) && !w->terminating_signal) {
            w->terminating_signal = sig;
            kill_timer_arm(&w->kill);
        }
    }
}

static int exit_status(const struct watch *w, const siginfo_t *info)
{
    if (w->have_error) {
        struct shim_error err = {.status = w->error.status};
        memcpy(err.msg, w->error.msg, sizeof err.msg);
        error_print(&err);
        return err.status ? err.status : EXIT_SHIM_ERROR;
    }
    if (info->si_code == CLD_EXITED)
        return info->si_status;
    /* Killed by our escalation: report the signal the shim was sent. */
    if (info->si_status == SIGKILL && w->terminating_signal)
        return 128 + w->terminating_signal;
    return 128 + info->si_status;
}

int supervise(struct supervision *sup, int pidfd, int report_fd,
              const sigset_t *handled)
{
    struct watch w = {.sup = sup, .pidfd = pidfd, .report_fd = report_fd};
    w.signal_fd = signalfd(-1, handled, SFD_CLOEXEC | SFD_NONBLOCK);
    for (;;) {
        struct pollfd fds[3] = {
            {.fd = pidfd, .events = POLLIN},
            {.fd = w.signal_fd, .events = POLLIN},
            {.fd = w.report_fd, .events = POLLIN},
        };
        int n = poll(fds, w.report_fd >= 0 ? 3 : 2, kill_timer_poll_ms(&w.kill));
        if (n < 0 && errno != EINTR)
            break;
        if (n == 0) {   /* the grace period is over */
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
            kill_timer_disarm(&w.kill);
            continue;
        }
        if (w.report_fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP)))
            read_report(&w);
        if (fds[1].revents & POLLIN)
            forward_signal(&w);
        if (fds[0].revents & POLLIN)
            break;
    }
    while (w.report_fd >= 0)
        read_report(&w);   /* whatever the child said before it died */
    siginfo_t info = {0};
    int r;
    do
        r = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED);
    while (r < 0 && errno == EINTR);
    close(w.signal_fd);
    if (r < 0) {
        struct shim_error err;
        error_set(&err, EXIT_SHIM_ERROR, errno, "waitid");
        error_print(&err);
        return EXIT_SHIM_ERROR;
    }
    return exit_status(&w, &info);
}
