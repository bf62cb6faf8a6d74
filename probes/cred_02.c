/* CRED-02: can the void nest a user namespace and regain a full capability set
 * there (net and mount namespaces, the usual kernel-bug surface)? In a child. */
#include "probe.h"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#define ID "CRED-02"
#define GROUP "cred"

/* Child exit: 0 both worked, 1 + errno-class otherwise; the errno goes through a pipe. */
static void child(int report_fd)
{
    alarm(5);
    int step = 0;
    if (unshare(CLONE_NEWUSER) < 0)
        step = 1;
    else if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
        step = 2;
    int err = step ? errno : 0;
    if (write(report_fd, &err, sizeof err) != sizeof err)
        _exit(100);
    _exit(step);
}

int main(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "fork: %s", strerror(errno));
    if (pid == 0)
        child(fds[1]);
    close(fds[1]);
    int err = 0, status;
    ssize_t got = read(fds[0], &err, sizeof err);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || got != sizeof err)
        probe_verdict(ID, GROUP, PROBE_ERROR, "child did not report");
    int step = WEXITSTATUS(status);
    if (step == 0)
        probe_verdict(ID, GROUP, PROBE_EXPOSED, "nested userns, then netns+mntns with its full capability set");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s: %s", step == 1 ? "unshare(CLONE_NEWUSER)"
                  : "unshare(CLONE_NEWNET|CLONE_NEWNS) in the nested userns", strerror(err));
}
