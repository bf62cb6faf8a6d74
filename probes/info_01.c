/* INFO-01: host paths and devices in the mount table: /proc/self/mountinfo's root field,
 * source and super options (upperdir=, size=, uid=). Always LEAK when readable (listing
 * them); the detail counts the host paths that are not the probe's own configured binds
 * (its binary, C-DIR-RO and the mask, /dev nodes), which is what an accepted leak must not contain. */
#include "probe_util.h"

#define ID "INFO-01"
#define GROUP "info"

struct scan {
    const char *self, *dir_ro;
    int mounts, configured, unconfigured;
    struct detail paths, supers;
};

/* A device node bound from the host's /dev at the same name, as a minimal /dev does. */
static bool dev_node(const struct mount_entry *m)
{
    return strncmp(m->point, "/dev/", 5) == 0 && strcmp(m->point + 4, m->root) == 0 &&
           strchr(m->root + 1, '/') == NULL;
}

/* A root field is configured when it is /, the probe binary, C-DIR-RO (or below it), or a
 * device node of a minimal /dev. */
static bool configured_root(const struct scan *s, const struct mount_entry *m)
{
    const char *root = m->root;
    size_t n = s->dir_ro ? strlen(s->dir_ro) : 0;
    return strcmp(root, "/") == 0 || (s->self && strcmp(root, s->self) == 0) || dev_node(m) ||
           (n && strncmp(root, s->dir_ro, n) == 0 && (root[n] == '\0' || root[n] == '/'));
}

static bool scan_mount(const struct mount_entry *m, void *arg)
{
    struct scan *s = arg;
    s->mounts++;
    if (configured_root(s, m)) {
        s->configured += strcmp(m->root, "/") != 0;
    } else {
        s->unconfigured++;
        detail_add(&s->paths, "%.60s (%.40s)", m->root, m->point);
    }
    const char *keys[] = { "upperdir=", "lowerdir=", "size=", "uid=" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *k = strstr(m->super, keys[i]);
        if (k)
            detail_add(&s->supers, "%.20s %.40s", m->point, k);
    }
    return true;
}

int main(int argc, char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    struct scan s = { .self = n > 0 ? self : argv[0], .dir_ro = probe_arg(argc, argv, "dir-ro"),
                      .paths = { .len = 0 }, .supers = { .len = 0 } };
    int r = for_each_mount(scan_mount, &s);
    if (r < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "mountinfo unreadable: %s", err_name(-r));
    probe_verdict(ID, GROUP, PROBE_LEAK, "%d mounts; configured host paths %d; unconfigured=%d: %s; super options: %s",
                  s.mounts, s.configured, s.unconfigured, s.paths.len ? s.paths.text : "none",
                  s.supers.len ? s.supers.text : "none");
}
