/* FS-10: mount filesystems that need init-namespace privilege, in a nested user+mount
 * namespace, with bogus sources (nothing real is ever mounted from a device). A non-
 * FS_USERNS_MOUNT type that gets past the permission check (anything but EPERM; ENODEV means
 * absent) is ESCAPED; userns-mountable types that pass (tmpfs, overlay, fuse, bpf, proc,
 * sysfs) are EXPOSED: kernel attack surface, not an escape. */
#include "probe_util.h"

#include <sys/stat.h>

#define ID "FS-10"
#define GROUP "mount"

struct fs_try {
    const char *type, *source, *data;
    bool userns_ok;        /* FS_USERNS_MOUNT: passing is EXPOSED, not ESCAPED */
};

static const struct fs_try tries[] = {
    { "ext4", "/dev/void-probe-none", NULL, false },
    { "debugfs", "none", NULL, false },
    { "tracefs", "none", NULL, false },
    { "securityfs", "none", NULL, false },
    { "configfs", "none", NULL, false },
    { "cgroup", "none", "none,name=void-probe", false },
    { "sysfs", "none", NULL, true },
    { "proc", "none", NULL, true },
    { "overlay", "none", "lowerdir=/void-probe-none-a:/void-probe-none-b", true },
    { "fuse", "none", "fd=-1,rootmode=40000,user_id=0,group_id=0", true },
    { "bpf", "none", NULL, true },
};

/* Returns 2 when a privileged type passed, 1 when only userns-mountable ones did. */
static int try_all(void *arg, char *text, size_t size)
{
    const char *base = arg;
    char target[PATH_MAX];
    bool tmpfs = mount("none", base, "tmpfs", 0, "size=64k") == 0;
    snprintf(target, sizeof target, "%s/m", base);
    if (!tmpfs || mkdir(target, 0755) < 0)
        snprintf(target, sizeof target, "%s", base);
    size_t len = (size_t)snprintf(text, size, "tmpfs %s", tmpfs ? "ok" : err_name(errno));
    int worst = tmpfs ? 1 : 0;
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        int r = mount(tries[i].source, target, tries[i].type, MS_NOSUID | MS_NODEV, tries[i].data);
        int e = errno;
        if (r == 0)
            umount2(target, MNT_DETACH);
        bool passed = r == 0 || (e != EPERM && e != ENODEV);
        if (passed)
            worst = tries[i].userns_ok ? (worst > 1 ? worst : 1) : 2;
        if (len < size)
            len += (size_t)snprintf(text + len, size - len, ", %s %s", tries[i].type, r == 0 ? "ok" : err_name(e));
    }
    return worst;
}

int main(int argc, char **argv)
{
    const char *dir = probe_arg(argc, argv, "dir-ro");
    if (!dir)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-DIR-RO to mount on");
    struct child_result r = run_in_child(CHILD_NESTED, try_all, (void *)dir, 10);
    if (nested_refused(&r))
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s (nesting disabled)", r.text);
    if (r.code == CHILD_BROKEN)
        probe_verdict(ID, GROUP, PROBE_ERROR, "%s", r.text);
    probe_verdict(ID, GROUP, r.code == 2 ? PROBE_ESCAPED : r.code == 1 ? PROBE_EXPOSED : PROBE_CONTAINED,
                  "nested: %s", r.text);
}
