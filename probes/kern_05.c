/* KERN-05: host device nodes under /dev. Nodes are only stat'ed and checked with
 * faccessat: never opened (an open alone can have effects, e.g. /dev/watchdog). */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ID "KERN-05"
#define GROUP "kernel"

enum danger { HARMLESS, SURFACE, DANGEROUS };

struct tally { int present, dangerous, surface; char list[640]; };

/* DANGEROUS: direct access to memory, disks, the kernel log, KVM, GPUs, MSRs.
 * SURFACE: world-usable by design but kernel attack surface (fuse, tun, uffd, vsock). */
static enum danger classify(const struct stat *st, int *write_only)
{
    unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);
    *write_only = 0;
    if (S_ISBLK(st->st_mode))
        return DANGEROUS;
    if (!S_ISCHR(st->st_mode))
        return HARMLESS;
    if (maj == 1 && (min == 1 || min == 2 || min == 4))
        return DANGEROUS; /* mem, kmem, port */
    if (maj == 1 && min == 11)
        return *write_only = 1, DANGEROUS; /* kmsg: reading is dmesg_restrict's business */
    if (maj == 226 || maj == 195 || maj == 202 || maj == 203 || (maj == 10 && min == 232))
        return DANGEROUS; /* dri, nvidia, msr, cpuid, kvm */
    if (maj == 10 && (min == 229 || min == 200 || min == 257 || min == 258))
        return SURFACE; /* fuse, net/tun, userfaultfd, vsock */
    return HARMLESS;
}

static int accessible(const char *path, int write_only)
{
    struct statvfs vfs;
    if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NODEV))
        return 0; /* faccessat ignores nodev; open would fail */
    if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
        return 1;
    return !write_only && faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0;
}

static void note(struct tally *t, const char *path, const char *mark)
{
    size_t len = strlen(t->list);
    if (len + strlen(path) + strlen(mark) + 2 < sizeof t->list)
        snprintf(t->list + len, sizeof t->list - len, " %s%s", path + 5, mark);
}

static void check_node(struct tally *t, const char *path, const struct stat *st)
{
    int write_only;
    enum danger d = classify(st, &write_only);
    if (d == HARMLESS)
        return;
    t->present++;
    int usable = accessible(path, write_only);
    t->dangerous += usable && d == DANGEROUS;
    t->surface += usable && d == SURFACE;
    note(t, path, !usable ? "" : d == DANGEROUS ? "(rw!)" : "(usable)");
}

static void scan(struct tally *t, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < 2 && strcmp(e->d_name, "pts") && strcmp(e->d_name, "shm"))
            scan(t, path, depth + 1);
        else
            check_node(t, path, &st);
    }
    closedir(d);
}

int main(void)
{
    struct tally t = { 0 };
    scan(&t, "/dev", 0);
    if (t.dangerous)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%d dangerous nodes accessible of %d sensitive:%s", t.dangerous,
                      t.present, t.list);
    if (t.surface)
        probe_verdict(ID, GROUP, PROBE_EXPOSED, "%d surface nodes usable of %d sensitive:%s", t.surface, t.present,
                      t.list);
    if (t.present)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%d sensitive host nodes present, none accessible:%s", t.present, t.list);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "no sensitive device nodes in /dev");
}
