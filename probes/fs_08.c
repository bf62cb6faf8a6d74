/* FS-08: write where the configuration says read-only: access(W_OK, AT_EACCESS) on every
 * mount point, and openat(O_CREAT|O_EXCL) of a nonce file in C-DIR (never bound) and in
 * C-DIR-RO (bound read-only); the harness sees and removes what appears. ESCAPED if a file
 * is created or a mount of the host's root device is writable. */
#include "probe_util.h"

#include <sys/sysmacros.h>

#define ID "FS-08"
#define GROUP "mount"

struct scan {
    unsigned major, minor;
    bool host_root_writable;
    int writable;
    struct detail list;
};

static bool check_mount(const struct mount_entry *m, void *arg)
{
    struct scan *s = arg;
    if (faccessat(AT_FDCWD, m->point, W_OK, AT_EACCESS) != 0)
        return true;
    s->writable++;
    bool host = m->major == s->major && m->minor == s->minor;
    s->host_root_writable |= host;
    detail_add(&s->list, "%.80s%s", m->point, host ? " (host root device)" : "");
    return true;
}

static const char *create_nonce_file(const char *dir, const char *nonce, bool *created)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/fs08-%.32s", dir, nonce);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_name(errno);
    close(fd);
    *created = true;
    return "created";
}

int main(int argc, char **argv)
{
    const char *dir = probe_arg(argc, argv, "dir"), *dir_ro = probe_arg(argc, argv, "dir-ro");
    const char *nonce = probe_arg(argc, argv, "nonce");
    struct devino host;
    if (!dir || !dir_ro || !nonce || !parse_devino(probe_arg(argc, argv, "host-root"), &host))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-DIR/C-DIR-RO canary or host root identity");
    struct scan s = { .major = major((dev_t)host.dev), .minor = minor((dev_t)host.dev), .list = { .len = 0 } };
    int n = for_each_mount(check_mount, &s);
    bool created = false;
    const char *in_dir = create_nonce_file(dir, nonce, &created);
    const char *in_ro = create_nonce_file(dir_ro, nonce, &created);
    const char *verdict = created || s.host_root_writable ? PROBE_ESCAPED : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "C-DIR: %s; C-DIR-RO: %s; %d of %d mounts writable: %s", in_dir, in_ro,
                  s.writable, n, s.list.len ? s.list.text : "none");
}
