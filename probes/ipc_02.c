/* IPC-02: reach the harness's POSIX message queue (C-MQ), directly and through an
 * mqueue filesystem mounted in a nested user+mount namespace. */
#include "probe.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ID "IPC-02"
#define GROUP "ipc"

enum { NESTED_OPENED = 0, NESTED_FAILED = 10 };

static int first_directory(const char *const *candidates)
{
    struct stat st;
    for (int i = 0; candidates[i]; i++)
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            return i;
    return -1;
}

/* Runs in a forked child: a private userns+mntns, so the mount dies with it.
 * Exit status: NESTED_OPENED, or NESTED_FAILED + the step that failed. */
static void nested_child(const char *name)
{
    static const char *const mount_points[] = { "/dev/mqueue", "/tmp", "/mnt", "/dev", "/proc", NULL };
    alarm(5);
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        _exit(NESTED_FAILED + 1);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        _exit(NESTED_FAILED + 2);
    int which = first_directory(mount_points);
    if (which < 0 || mount("mqueue", mount_points[which], "mqueue", 0, NULL) < 0)
        _exit(NESTED_FAILED + 3);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", mount_points[which], name + (name[0] == '/'));
    int fd = open(path, O_RDONLY);
    _exit(fd >= 0 ? NESTED_OPENED : NESTED_FAILED + 4);
}

static const char *nested_attempt(const char *name)
{
    static const char *const step[] = { "", "unshare", "make private", "mount mqueue", "open" };
    pid_t pid = fork();
    if (pid < 0)
        return "fork failed";
    if (pid == 0)
        nested_child(name);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return "child died";
    int code = WEXITSTATUS(status);
    if (code == NESTED_OPENED)
        return NULL;
    return code > NESTED_FAILED && code <= NESTED_FAILED + 4 ? step[code - NESTED_FAILED] : "?";
}

int main(int argc, char **argv)
{
    const char *name = probe_arg(argc, argv, "mq");
    if (!name)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-MQ canary (--mq absent)");
    char slashed[256];
    snprintf(slashed, sizeof slashed, "/%s", name + (name[0] == '/'));
    mqd_t q = mq_open(slashed, O_RDONLY);
    if (q != (mqd_t)-1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "mq_open(%s) succeeded", slashed);
    const char *direct_error = strerror(errno);
    const char *nested_failure = nested_attempt(slashed);
    if (!nested_failure)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "opened %s through a nested mqueue mount", slashed);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "mq_open: %s; nested: %s failed", direct_error,
                  nested_failure);
}
