/* IPC-04: abstract unix sockets belong to the network namespace, not the
 * filesystem: connect to the harness's C-ABS name (send nothing) and list the
 * abstract names visible in /proc/net/unix. */
#include "probe.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ID "IPC-04"
#define GROUP "ipc"

static int connect_abstract(const char *name, int type)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    size_t len = strlen(name);
    if (len + 1 > sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr.sun_path + 1, name, len);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Counts the '@' names in /proc/net/unix and notes the ones CDK looks for. */
static int count_abstract_names(char *notable, size_t size)
{
    static const char *const markers[] = { "/containerd-shim/", "/systemd/", "/run/user/", "dbus", NULL };
    FILE *f = fopen("/proc/net/unix", "r");
    if (!f)
        return -1;
    char line[1024];
    int count = 0;
    notable[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        char *at = strchr(line, '@');
        if (!at)
            continue;
        count++;
        for (int i = 0; markers[i]; i++)
            if (strstr(at, markers[i]) && strlen(notable) < size / 2) {
                at[strcspn(at, "\n")] = '\0';
                snprintf(notable + strlen(notable), size - strlen(notable), " %s", at);
                break;
            }
    }
    fclose(f);
    return count;
}

int main(int argc, char **argv)
{
    const char *name = probe_arg(argc, argv, "abs");
    if (!name)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-ABS canary (--abs absent)");
    char notable[512], visible_note[64];
    int visible = count_abstract_names(notable, sizeof notable);
    if (visible < 0)
        snprintf(visible_note, sizeof visible_note, "/proc/net/unix unreadable");
    else
        snprintf(visible_note, sizeof visible_note, "%d abstract names visible", visible);
    static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };
    int err = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (connect_abstract(name, types[i]) == 0)
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "connected to @%s; %s%s",
                          name, visible_note, notable);
        err = errno;
        if (err != EPROTOTYPE) /* EPROTOTYPE: the name exists with another type */
            break;
    }
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "connect @%s: %s; %s%s", name,
                  strerror(err), visible_note, notable);
}
