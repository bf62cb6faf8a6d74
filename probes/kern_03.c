/* KERN-03: host-global sysfs files and cgroup migration targets outside our own
 * subtree. Only write access is tested (faccessat2, AT_EACCESS); nothing is written. */
#include "probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-03"
#define GROUP "kernel"

static int can_write(const char *path)
{
    if (syscall(SYS_faccessat2, AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
        return 1;
    return errno == ENOSYS && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* The cgroup v2 path of this process ("0::/PATH"), or "" when unknown. */
static void own_cgroup(char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, size, "%s", line + 3);
        }
    fclose(f);
}

static void append(char *out, size_t size, const char *text)
{
    size_t len = strlen(out);
    if (len + strlen(text) + 2 < size)
        snprintf(out + len, size - len, " %s", text);
}

int main(void)
{
    static const char *const globals[] = { "/sys/kernel/uevent_helper", "/sys/power/state", "/sys/power/disk",
        "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/kernel/profiling", "/sys/module/printk/parameters/time",
        "/sys/kernel/debug", "/sys/kernel/tracing/tracing_on", "/sys/kernel/security", "/sys/fs/bpf",
        "/sys/fs/cgroup/cgroup.procs", "/sys/fs/cgroup/cgroup.subtree_control", NULL };
    struct stat st;
    if (stat("/sys/kernel", &st) < 0 && stat("/sys/fs/cgroup", &st) < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "no sysfs visible: %s", strerror(errno));
    char found[700] = "";
    int count = 0;
    for (int i = 0; globals[i]; i++)
        if (can_write(globals[i]))
            append(found, sizeof found, globals[i]), count++;
    char cgroup[512], parent_procs[600];
    own_cgroup(cgroup, sizeof cgroup);
    char *slash = strrchr(cgroup, '/');
    if (slash && slash != cgroup) {
        *slash = '\0';
        snprintf(parent_procs, sizeof parent_procs, "/sys/fs/cgroup%s/cgroup.procs", cgroup);
        if (can_write(parent_procs))
            append(found, sizeof found, parent_procs), count++;
    }
    if (count)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%d host-global files writable:%s", count, found);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "none of the global sysfs/cgroupfs files is writable");
}
