/* FS-03: leftovers of the old root after pivot_root: a mount of the host root's device
 * whose root is "/", and the usual names /oldroot, /.old_root, /tmp/oldroot, /newroot. */
#include "probe_util.h"

#include <sys/sysmacros.h>

#define ID "FS-03"
#define GROUP "mount"

struct scan {
    unsigned major, minor;
    struct detail found;
};

static bool host_root_mount(const struct mount_entry *m, void *arg)
{
    struct scan *s = arg;
    if (m->major == s->major && m->minor == s->minor && strcmp(m->root, "/") == 0)
        detail_add(&s->found, "host root device %u:%u mounted at %s", m->major, m->minor, m->point);
    return true;
}

int main(int argc, char **argv)
{
    struct devino host;
    if (!parse_devino(probe_arg(argc, argv, "host-root"), &host))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST root identity");
    struct scan s = { .major = major((dev_t)host.dev), .minor = minor((dev_t)host.dev), .found = { .len = 0 } };
    int n = for_each_mount(host_root_mount, &s);
    const char *names[] = { "/oldroot", "/.old_root", "/tmp/oldroot", "/newroot", "/tmp/newroot" };
    struct detail leftovers = { .len = 0 };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat st;
        if (lstat(names[i], &st) == 0)
            detail_add(&leftovers, "%s exists", names[i]);
    }
    if (n < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "mountinfo unreadable (%s); %s", err_name(-n),
                      leftovers.len ? leftovers.text : "no leftover names");
    if (s.found.len)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s; %s", s.found.text, leftovers.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "no host-root mount among %d; %s", n,
                  leftovers.len ? leftovers.text : "no leftover names");
}
