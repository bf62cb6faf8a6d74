/* CRED-03: uid/gid map mistakes. Outside id 0 mapped by anything but a one-id
 * self map (only root can write that for itself) is an escape; a range of more
 * than one outside id reaches other users' files. The map shows ids of the
 * parent namespace, which are the host's only when the void is one level deep. */
#include "probe.h"

#include <unistd.h>

#define ID "CRED-03"
#define GROUP "cred"

struct id_map {
    int lines;
    unsigned long long total;
    int maps_host_zero;
    int initial; /* "0 0 4294967295": the initial user namespace */
    char text[192];
};

static int read_map(const char *path, struct id_map *m)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[128];
    unsigned long inside, outside, count;
    while (fgets(line, sizeof line, f) && sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3) {
        m->lines++;
        m->total += count;
        m->maps_host_zero |= outside == 0;
        m->initial |= inside == 0 && outside == 0 && count == 4294967295UL;
        size_t len = strlen(m->text);
        snprintf(m->text + len, sizeof m->text - len, "%s%lu %lu %lu", len ? "," : "", inside, outside, count);
    }
    fclose(f);
    return 0;
}

static void read_setgroups(char *out, size_t size)
{
    FILE *f = fopen("/proc/self/setgroups", "r");
    snprintf(out, size, "?");
    if (f) {
        if (fgets(out, (int)size, f))
            out[strcspn(out, "\n")] = '\0';
        fclose(f);
    }
}

int main(void)
{
    struct id_map uid, gid;
    if (read_map("/proc/self/uid_map", &uid) < 0 || read_map("/proc/self/gid_map", &gid) < 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "id maps unreadable: %s", strerror(errno));
    char setgroups[32];
    read_setgroups(setgroups, sizeof setgroups);
    if (uid.initial)
        probe_verdict(ID, GROUP, PROBE_SKIP, "initial user namespace (uid_map %s): no mapping to judge", uid.text);
    int uid_root = uid.maps_host_zero && uid.total > 1;
    int gid_root = gid.maps_host_zero && gid.total > 1;
    if (uid_root || gid_root)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "outside %s 0 mapped in a multi-id range: uid_map %s gid_map %s setgroups %s",
                      uid_root ? "uid" : "gid", uid.text, gid.text, setgroups);
    if (uid.total > 1 || gid.total > 1)
        probe_verdict(ID, GROUP, PROBE_EXPOSED, "maps %llu uids / %llu gids (other users' ids): uid_map %s gid_map %s setgroups %s",
                      uid.total, gid.total, uid.text, gid.text, setgroups);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "uid_map %s gid_map %s setgroups %s%s", uid.text, gid.text, setgroups,
                  uid.maps_host_zero ? " (outside id 0 is the parent namespace's root: the launcher was root there)" : "");
}
