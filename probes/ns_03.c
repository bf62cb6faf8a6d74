/* NS-03: use leaked namespace fds and pidfds (C-FD): every open fd is classified (nsfs,
 * pidfd); setns() and pidfd_getfd() are tried in a child, pidfd_send_signal(SIGURG) on the
 * sentinel, which the harness sees. ESCAPED if setns or getfd works, LEAK if such fds exist. */
#include "probe_util.h"

#include <dirent.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define ID "NS-03"
#define GROUP "ns"
#define PIDFS_MAGIC_VALUE 0x50494446   /* pidfs, Linux 6.9+ */

static int setns_any(void *arg, char *text, size_t size)
{
    int fd = *(int *)arg;
    if (setns(fd, 0) == 0) {
        snprintf(text, size, "setns ok");
        return 1;
    }
    snprintf(text, size, "setns %s", err_name(errno));
    return 0;
}

static int pidfd_net(void *arg, char *text, size_t size)
{
    int fd = *(int *)arg;
    if (setns(fd, CLONE_NEWNET) == 0) {
        snprintf(text, size, "setns(pidfd, NEWNET) ok");
        return 1;
    }
    snprintf(text, size, "setns(pidfd, NEWNET) %s", err_name(errno));
    return 0;
}

static bool is_pidfd(int fd)
{
    char path[64], link[128];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n < 0)
        return false;
    link[n] = '\0';
    return strstr(link, "pidfd") != NULL;
}

static bool try_nsfs(int fd, struct detail *d)
{
    int type = ioctl(fd, NS_GET_NSTYPE);
    struct child_result r = run_in_child(CHILD_PLAIN, setns_any, &fd, 5);
    detail_add(d, "fd %d nsfs type %#x: %s", fd, type, r.text);
    return r.code == 1;
}

static bool try_pidfd(int fd, struct detail *d)
{
    int got = (int)syscall(SYS_pidfd_getfd, fd, 0, 0);
    bool escaped = got >= 0;
    detail_add(d, "fd %d pidfd: getfd %s", fd, got >= 0 ? "ok" : err_name(errno));
    if (got >= 0)
        close(got);
    struct child_result r = run_in_child(CHILD_PLAIN, pidfd_net, &fd, 5);
    escaped |= r.code == 1;
    long sent = syscall(SYS_pidfd_send_signal, fd, SIGURG, NULL, 0);
    detail_add(d, "%s, send_signal(SIGURG) %s", r.text, sent == 0 ? "ok" : err_name(errno));
    return escaped;
}

int main(void)
{
    struct detail d = { .len = 0 };
    bool escaped = false, found = false;
    for (int fd = 3; fd < 1024; fd++) {
        struct statfs sfs;
        if (fcntl(fd, F_GETFD) < 0 || fstatfs(fd, &sfs) < 0)
            continue;
        if (sfs.f_type == NSFS_MAGIC) {
            found = true;
            escaped |= try_nsfs(fd, &d);
        } else if (sfs.f_type == PIDFS_MAGIC_VALUE || is_pidfd(fd)) {
            found = true;
            escaped |= try_pidfd(fd, &d);
        }
    }
    if (escaped)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s", d.text);
    if (found)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%s", d.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "no nsfs fd and no pidfd open");
}
