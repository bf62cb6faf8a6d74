/* KERN-02: writable global tunables under /proc/sys and /proc. Writability is
 * only tested (faccessat2 W_OK with AT_EACCESS): nothing is ever written.
 * Files of namespaced sysctls are allowed. */
#include "probe.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-02"
#define GROUP "kernel"

static int writable_count;
static char writable[700];
static int faccessat2_missing;

/* Sysctls that belong to a namespace the void owns (net, user, ipc, uts, pid, mqueue). */
static int namespaced(const char *path)
{
    static const char *const prefixes[] = {
        "/proc/sys/net/", "/proc/sys/user/", "/proc/sys/fs/mqueue/", "/proc/sys/kernel/hostname",
        "/proc/sys/kernel/domainname", "/proc/sys/kernel/sem", "/proc/sys/kernel/shm", "/proc/sys/kernel/msg",
        "/proc/sys/kernel/ns_last_pid", "/proc/sys/kernel/pid_max", "/proc/sys/kernel/auto_msgmni", NULL,
    };
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    const char *base = strrchr(path, '/');
    return base && strstr(base, "_next_id") != NULL;
}

static int can_write(const char *path)
{
    if (!faccessat2_missing && syscall(SYS_faccessat2, AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
        return 1;
    if (errno == ENOSYS)
        faccessat2_missing = 1;
    return faccessat2_missing && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

static void note_writable(const char *path)
{
    writable_count++;
    size_t len = strlen(writable);
    if (len + strlen(path) + 2 < sizeof writable)
        snprintf(writable + len, sizeof writable - len, " %s", path + strlen("/proc/"));
}

static const char *const named[] = { "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
    "/proc/sys/kernel/sysrq", "/proc/sysrq-trigger", "/proc/sys/fs/binfmt_misc/register", NULL };

static int is_named(const char *path)
{
    for (int i = 0; named[i]; i++)
        if (strcmp(path, named[i]) == 0)
            return 1;
    return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode) && !namespaced(path) && !is_named(path) && can_write(path))
        note_writable(path);
    return FTW_CONTINUE;
}

int main(void)
{
    struct stat st;
    if (stat("/proc/sys", &st) < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "no /proc/sys: %s", strerror(errno));
    for (int i = 0; named[i]; i++) /* first, so that they lead the detail */
        if (can_write(named[i]))
            note_writable(named[i]);
    nftw("/proc/sys", visit, 32, FTW_PHYS | FTW_ACTIONRETVAL);
    if (writable_count)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%d non-namespaced files writable:%s", writable_count, writable);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "no non-namespaced /proc/sys file or /proc/sysrq-trigger writable");
}
