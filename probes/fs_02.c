/* FS-02: is / my own root? stat("/") and stat("/..") against the host's / (C-HOST),
 * readlink("/proc/self/root") and the first mountinfo entry for the detail. */
#include "probe_util.h"

#define ID "FS-02"
#define GROUP "mount"

static bool first_mount(const struct mount_entry *m, void *arg)
{
    snprintf(arg, 200, "%.60s on %.60s (%.20s, root %.40s)", m->source, m->point, m->fstype, m->root);
    return false;
}

int main(int argc, char **argv)
{
    struct devino host, root, parent;
    if (!parse_devino(probe_arg(argc, argv, "host-root"), &host))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST root identity");
    if (!stat_devino("/", &root) || !stat_devino("/..", &parent))
        probe_verdict(ID, GROUP, PROBE_ERROR, "stat /: %s", err_name(errno));
    char link[256] = "?", first[200] = "unreadable";
    ssize_t n = readlink("/proc/self/root", link, sizeof link - 1);
    link[n > 0 ? n : 0] = '\0';
    for_each_mount(first_mount, first);
    bool host_root = devino_equal(&root, &host) || devino_equal(&parent, &host);
    probe_verdict(ID, GROUP, host_root ? PROBE_ESCAPED : PROBE_CONTAINED,
                  "/ is %llu:%llu (host %llu:%llu); /proc/self/root -> %s; first mount: %s", root.dev,
                  root.ino, host.dev, host.ino, link, first);
}
