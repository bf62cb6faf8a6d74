/* IPC-05: unix pathname sockets reach host daemons through the filesystem.
 * Connect (send nothing) only to the harness's C-PATH; for every other socket
 * found, only test write permission, which connect() would need. */
#include "probe.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define ID "IPC-05"
#define GROUP "ipc"
#define MAX_DEPTH 4

static char reachable[768];
static int reachable_count;
static const char *canary_path;

static void note_reachable(const char *path)
{
    reachable_count++;
    size_t len = strlen(reachable);
    if (len + strlen(path) + 2 < sizeof reachable)
        snprintf(reachable + len, sizeof reachable - len, " %s", path);
}

static void check_socket(const char *path)
{
    if (canary_path && strcmp(path, canary_path) == 0)
        return;
    if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
        note_reachable(path);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (type == FTW_D && ftw->level >= MAX_DEPTH)
        return FTW_SKIP_SUBTREE;
    if (type == FTW_F && S_ISSOCK(st->st_mode))
        check_socket(path);
    return FTW_CONTINUE;
}

/* Sockets the environment names: SSH_AUTH_SOCK, DBUS_*=unix:path=, DOCKER_HOST=unix://. */
static void check_env_sockets(void)
{
    static const struct { const char *var, *prefix; } named[] = {
        { "SSH_AUTH_SOCK", "" }, { "DBUS_SESSION_BUS_ADDRESS", "unix:path=" },
        { "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" }, { "DOCKER_HOST", "unix://" },
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        const char *value = getenv(named[i].var);
        size_t plen = strlen(named[i].prefix);
        if (!value || strncmp(value, named[i].prefix, plen) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s", value + plen);
        path[strcspn(path, ",;")] = '\0';
        struct stat st;
        if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            check_socket(path);
    }
}

static int connect_path(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int main(int argc, char **argv)
{
    const char *canary = probe_arg(argc, argv, "path-sock");
    canary_path = canary;
    static const char *const roots[] = { "/run", "/var/run", "/tmp", "/dev/shm", "/var/lib", "/home", "/root" };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
        nftw(roots[i], visit, 16, FTW_PHYS | FTW_ACTIONRETVAL);
    check_env_sockets();
    if (canary && connect_path(canary) == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "connected to C-PATH %s; %d other writable sockets:%s",
                      canary, reachable_count, reachable);
    const char *canary_error = canary ? strerror(errno) : "absent";
    if (reachable_count)
        probe_verdict(ID, GROUP, PROBE_LEAK, "C-PATH: %s; %d writable sockets:%s", canary_error,
                      reachable_count, reachable);
    if (!canary)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PATH canary (--path-sock absent), no sockets found");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "connect %s: %s; no writable sockets found", canary,
                  canary_error);
}
