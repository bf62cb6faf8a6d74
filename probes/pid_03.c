/* PID-03: signal the host sentinel directly by its host pid P: kill(P, SIGURG),
 * pidfd_open(P) + pidfd_send_signal, rt_sigqueueinfo(P, SIGURG). P may alias a task inside
 * the void, so only the sentinel's report (seen by the harness) makes this ESCAPED. */
#include "probe_util.h"

#include <sys/syscall.h>

#define ID "PID-03"
#define GROUP "pid"

static const char *outcome(long r)
{
    return r == 0 ? "ok" : err_name(errno);
}

int main(int argc, char **argv)
{
    const char *arg = probe_arg(argc, argv, "sentinel-pid");
    if (!arg)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PROC sentinel");
    pid_t p = (pid_t)atoi(arg);
    struct detail d = { .len = 0 };
    detail_add(&d, "kill(%d, SIGURG) %s", (int)p, outcome(kill(p, SIGURG)));
    int pidfd = (int)syscall(SYS_pidfd_open, p, 0);
    if (pidfd >= 0) {
        detail_add(&d, "pidfd_open ok, send_signal %s", outcome(syscall(SYS_pidfd_send_signal, pidfd, SIGURG, NULL, 0)));
        close(pidfd);
    } else {
        detail_add(&d, "pidfd_open %s", err_name(errno));
    }
    siginfo_t info = { .si_signo = SIGURG, .si_code = SI_QUEUE, .si_pid = getpid(), .si_uid = getuid() };
    detail_add(&d, "rt_sigqueueinfo %s", outcome(syscall(SYS_rt_sigqueueinfo, p, SIGURG, &info)));
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s (receipt decided by the sentinel)", d.text);
}
