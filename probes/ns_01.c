/* NS-01: are my namespaces the host's? stat() on /proc/self/ns/TYPE (and *_for_children)
 * against the C-HOST identities; without them, the fixed init-namespace inodes. */
#include "probe_util.h"

#define ID "NS-01"
#define GROUP "ns"

/* Kernels >= 6.18 give every init namespace a fixed inode in 0xEFFFFFF8..0xEFFFFFFF. */
static bool init_inode(unsigned long long ino)
{
    return ino >= 0xEFFFFFF8ull && ino <= 0xEFFFFFFFull;
}

/* 1 when this namespace file is the host's, 0 when not, -1 when it cannot be told. */
static int same_as_host(int argc, char **argv, const char *type, const char *file, bool *by_inode)
{
    char arg[32], path[64];
    struct devino host, mine;
    snprintf(arg, sizeof arg, "host-ns-%s", type);
    snprintf(path, sizeof path, "/proc/self/ns/%s", file);
    if (!stat_devino(path, &mine))
        return -1;
    if (parse_devino(probe_arg(argc, argv, arg), &host))
        return devino_equal(&host, &mine);
    *by_inode = true;
    return init_inode(mine.ino);
}

int main(int argc, char **argv)
{
    static const struct { const char *type, *file; } files[] = {
        { "user", "user" }, { "mnt", "mnt" }, { "pid", "pid" }, { "pid", "pid_for_children" },
        { "net", "net" }, { "ipc", "ipc" }, { "uts", "uts" }, { "cgroup", "cgroup" },
        { "time", "time" }, { "time", "time_for_children" },
    };
    struct detail shared = { .len = 0 }, fresh = { .len = 0 }, unknown = { .len = 0 };
    bool by_inode = false;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        int same = same_as_host(argc, argv, files[i].type, files[i].file, &by_inode);
        detail_add(same > 0 ? &shared : same == 0 ? &fresh : &unknown, "%s", files[i].file);
    }
    if (!shared.len && !fresh.len)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no /proc/self/ns to compare (%s)", unknown.text);
    const char *how = by_inode ? " (by init inode)" : "";
    if (shared.len)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "host namespaces%s: %s | own: %s | unknown: %s", how,
                      shared.text, fresh.text, unknown.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "own namespaces%s: %s | unknown: %s", how, fresh.text,
                  unknown.text);
}
