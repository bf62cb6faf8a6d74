/* KERN-11: fanotify marks that watch a whole filesystem or mount of the host
 * (tried on /, /usr, /etc and the C-DIR-RO bind). A mark on a filesystem this
 * namespace may have mounted itself (tmpfs, proc, sysfs) is skipped. */
#include "probe.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/fanotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#define ID "KERN-11"
#define GROUP "kernel"

static int own_kind_of_fs(const char *path)
{
    struct statfs fs;
    if (statfs(path, &fs) < 0)
        return 1;
    return fs.f_type == TMPFS_MAGIC || fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC;
}

static int mark_accepted(int group, unsigned int how, const char *path, int *err)
{
    int rc = fanotify_mark(group, FAN_MARK_ADD | how, FAN_OPEN, AT_FDCWD, path);
    *err = rc < 0 ? errno : 0;
    return rc == 0;
}

int main(int argc, char **argv)
{
    int group = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID | FAN_CLOEXEC, O_RDONLY);
    if (group < 0 && (errno == ENOSYS || errno == EINVAL))
        probe_verdict(ID, GROUP, PROBE_SKIP, "fanotify_init: %s", strerror(errno));
    if (group < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "fanotify_init: %s", strerror(errno));
    /* C-DIR-RO is a bind of a host filesystem into the void */
    const char *const paths[] = { "/", "/usr", "/etc", probe_arg(argc, argv, "dir-ro"), NULL };
    static const struct { unsigned int flag; const char *name; } kinds[] = {
        { FAN_MARK_FILESYSTEM, "filesystem" }, { FAN_MARK_MOUNT, "mount" },
    };
    char tried[400] = "";
    for (int i = 0; paths[i]; i++) {
        if (own_kind_of_fs(paths[i]))
            continue;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            int err;
            if (mark_accepted(group, kinds[k].flag, paths[i], &err))
                probe_verdict(ID, GROUP, PROBE_ESCAPED, "fanotify %s mark accepted on %s", kinds[k].name, paths[i]);
            size_t len = strlen(tried);
            snprintf(tried + len, sizeof tried - len, "%s%s %s: %s", len ? "; " : "", kinds[k].name, paths[i],
                     strerror(err));
        }
    }
    close(group);
    if (!tried[0])
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "fanotify group created; no host filesystem visible to mark");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s", tried);
}
