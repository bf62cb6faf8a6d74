/* INFO-03: host hardware and NICs through sysfs: /sys/class/dmi/id/FIELD, the addresses of
 * /sys/class/net/X (other than lo), /sys/block entries, /sys/fs/cgroup. LEAK if any is read. */
#include "probe_util.h"

#include <dirent.h>

#define ID "INFO-03"
#define GROUP "info"

static int count_entries(const char *dir, const char *skip)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.' && (!skip || strcmp(e->d_name, skip) != 0);
    if (d)
        closedir(d);
    return n;
}

static int readable_dmi(struct detail *d)
{
    const char *fields[] = { "sys_vendor", "product_name", "product_uuid", "board_vendor", "bios_version" };
    int n = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char path[64], value[128];
        snprintf(path, sizeof path, "/sys/class/dmi/id/%s", fields[i]);
        if (read_text(path, value, sizeof value) > 0) {
            value[strcspn(value, "\n")] = '\0';
            detail_add(d, "dmi %s=%.40s", fields[i], value);
            n++;
        }
    }
    return n;
}

static int nic_addresses(struct detail *d)
{
    DIR *dir = opendir("/sys/class/net");
    struct dirent *e;
    int n = 0;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
            continue;
        char path[PATH_MAX], mac[64];
        snprintf(path, sizeof path, "/sys/class/net/%.200s/address", e->d_name);
        if (read_text(path, mac, sizeof mac) > 0) {
            mac[strcspn(mac, "\n")] = '\0';
            detail_add(d, "%.20s %.20s", e->d_name, mac);
            n++;
        }
    }
    if (dir)
        closedir(dir);
    return n;
}

int main(void)
{
    struct detail d = { .len = 0 };
    int hits = readable_dmi(&d) + nic_addresses(&d);
    int blocks = count_entries("/sys/block", NULL), cgroups = count_entries("/sys/fs/cgroup", NULL);
    if (blocks)
        detail_add(&d, "%d block devices", blocks);
    if (cgroups)
        detail_add(&d, "/sys/fs/cgroup: %d entries", cgroups);
    hits += blocks + cgroups;
    if (hits)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%s", d.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "no host sysfs value readable (/sys has %d entries)",
                  count_entries("/sys", NULL));
}
