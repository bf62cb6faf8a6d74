/* FS-06: remount the read-only C-DIR-RO writable and create a nonce file in it:
 * mount(MS_REMOUNT|MS_BIND) and mount_setattr(attr_clr=MOUNT_ATTR_RDONLY), directly (only
 * when my mount namespace is not the host's) and in a nested user+mount namespace. ESCAPED
 * when the file appears on the host: the harness sees it and removes it. */
#include "probe_util.h"

#include <sys/syscall.h>

#define ID "FS-06"
#define GROUP "mount"
#define NR_MOUNT_SETATTR 442
#define ATTR_RDONLY 0x00000001

struct mount_attr_arg {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

struct target {
    const char *dir, *nonce, *variant;
};

static int remount_and_write(void *arg, char *text, size_t size)
{
    const struct target *t = arg;
    int r1 = mount(NULL, t->dir, NULL, MS_REMOUNT | MS_BIND, NULL);
    int e1 = errno;
    struct mount_attr_arg attr = { .attr_clr = ATTR_RDONLY };
    int r2 = (int)syscall(NR_MOUNT_SETATTR, AT_FDCWD, t->dir, 0, &attr, sizeof attr);
    int e2 = errno;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/fs06-%.32s-%s", t->dir, t->nonce, t->variant);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int e3 = errno;
    if (fd >= 0)
        close(fd);   /* left for the harness to see and remove */
    snprintf(text, size, "%s: remount %s, mount_setattr %s, create %s", t->variant, r1 == 0 ? "ok" : err_name(e1),
             r2 == 0 ? "ok" : err_name(e2), fd >= 0 ? "ok" : err_name(e3));
    return fd >= 0;
}

int main(int argc, char **argv)
{
    const char *dir = probe_arg(argc, argv, "dir-ro"), *nonce = probe_arg(argc, argv, "nonce");
    if (!dir || !nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-DIR-RO canary");
    struct detail d = { .len = 0 };
    bool created = false;
    if (in_host_ns(argc, argv, "mnt") == 0) {
        struct target direct = { dir, nonce, "direct" };
        struct child_result r = run_in_child(CHILD_PLAIN, remount_and_write, &direct, 5);
        created |= r.code == 1;
        detail_add(&d, "%s", r.text);
    } else {
        detail_add(&d, "direct: not tried (host mount namespace or unknown)");
    }
    struct target nested = { dir, nonce, "nested" };
    struct child_result r = run_in_child(CHILD_NESTED, remount_and_write, &nested, 5);
    created |= r.code == 1;
    detail_add(&d, "%s%s", nested_refused(&r) ? "nested: " : "", r.text);
    probe_verdict(ID, GROUP, created ? PROBE_ESCAPED : PROBE_CONTAINED, "%s", d.text);
}
