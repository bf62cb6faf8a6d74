/* NS-02: climb from my namespaces towards the host's: NS_GET_PARENT on my user and pid
 * namespaces, NS_GET_USERNS on every namespace, then setns() (in a child) on any fd that
 * comes back and is an ancestor. ESCAPED when the host's namespace is reached. */
#include "probe_util.h"

#include <linux/nsfs.h>
#include <sys/ioctl.h>

#define ID "NS-02"
#define GROUP "ns"

struct climb {
    int fd;
    int nstype;
};

static int setns_child(void *arg, char *text, size_t size)
{
    const struct climb *c = arg;
    if (setns(c->fd, c->nstype) == 0) {
        snprintf(text, size, "setns ok");
        return 1;
    }
    snprintf(text, size, "setns %s", err_name(errno));
    return 0;
}

/* 1 when fd is the host's namespace of that type (per C-HOST). */
static int is_host(int argc, char **argv, int fd, const char *type)
{
    char arg[32];
    struct devino host;
    struct stat st;
    snprintf(arg, sizeof arg, "host-ns-%s", type);
    if (!parse_devino(probe_arg(argc, argv, arg), &host) || fstat(fd, &st) < 0)
        return -1;
    return host.dev == (unsigned long long)st.st_dev && host.ino == (unsigned long long)st.st_ino;
}

/* Tries one ioctl on my namespace of `type`; reports, and setns()es into what it returns. */
static bool try_climb(int argc, char **argv, const char *type, unsigned long request, const char *what,
                      const char *result_type, int result_nstype, struct detail *d)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", type);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        detail_add(d, "%s: open %s", type, err_name(errno));
        return false;
    }
    int up = ioctl(fd, request);
    if (up < 0) {
        detail_add(d, "%s %s: %s", what, type, err_name(errno));
        close(fd);
        return false;
    }
    int host = is_host(argc, argv, up, result_type);
    struct climb c = { .fd = up, .nstype = result_nstype };
    struct child_result r = run_in_child(CHILD_PLAIN, setns_child, &c, 5);
    detail_add(d, "%s %s: fd (host=%d), %s", what, type, host, r.text);
    close(up);
    close(fd);
    return host == 1 && r.code == 1;
}

int main(int argc, char **argv)
{
    int own_user = in_host_ns(argc, argv, "user");
    if (own_user < 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "cannot compare my user namespace with the host's");
    if (own_user == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "already in the host user namespace: nothing to climb");
    struct detail d = { .len = 0 };
    bool escaped = try_climb(argc, argv, "user", NS_GET_PARENT, "NS_GET_PARENT", "user", CLONE_NEWUSER, &d);
    escaped |= try_climb(argc, argv, "pid", NS_GET_PARENT, "NS_GET_PARENT", "pid", CLONE_NEWPID, &d);
    for (int i = 0; i < 8; i++)
        escaped |= try_climb(argc, argv, probe_ns_names[i], NS_GET_USERNS, "NS_GET_USERNS", "user",
                             CLONE_NEWUSER, &d);
    probe_verdict(ID, GROUP, escaped ? PROBE_ESCAPED : PROBE_CONTAINED, "%s", d.text);
}
