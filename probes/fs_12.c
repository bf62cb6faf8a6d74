/* FS-12: gain privilege through setuid, setgid or file-capability binaries: walk the usual
 * binary directories and the probe's own binds, stat() for S_ISUID/S_ISGID, getxattr
 * security.capability; statvfs() for nosuid; PR_GET_NO_NEW_PRIVS; the owner's mapping.
 * ESCAPED if a setuid (setgid) file owned by a mapped uid (gid) other than mine sits on a
 * suid mount with NNP off; LEAK if privileged files exist at all; never executes anything. */
#include "probe_util.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#define ID "FS-12"
#define GROUP "mount"
#define MAX_ENTRIES 60000

struct walk {
    bool nnp, can_setuid, can_setgid;   /* CAP_SETUID/CAP_SETGID already held: nothing to gain */
    uid_t overflow_uid;
    gid_t overflow_gid;
    int entries, privileged, usable;
    struct detail found;
};

static bool usable_for_privilege(const struct walk *w, const char *path, const struct stat *st)
{
    struct statvfs vfs;
    if (w->nnp || statvfs(path, &vfs) < 0 || (vfs.f_flag & ST_NOSUID))
        return false;
    bool uid_gain = !w->can_setuid && (st->st_mode & S_ISUID) && st->st_uid != getuid() &&
                    st->st_uid != w->overflow_uid;
    bool gid_gain = !w->can_setgid && (st->st_mode & S_ISGID) && st->st_gid != getgid() &&
                    st->st_gid != w->overflow_gid;
    return uid_gain || gid_gain;
}

static void check_file(struct walk *w, const char *path, const struct stat *st)
{
    bool caps = getxattr(path, "security.capability", NULL, 0) > 0;
    if (!(st->st_mode & (S_ISUID | S_ISGID)) && !caps)
        return;
    w->privileged++;
    bool usable = usable_for_privilege(w, path, st);
    w->usable += usable;
    if (w->privileged <= 12 || usable)
        detail_add(&w->found, "%.60s%s%s%s", path, (st->st_mode & S_ISUID) ? " suid" : "",
                   (st->st_mode & S_ISGID) ? " sgid" : "", caps ? " fcaps" : "");
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && w->entries < MAX_ENTRIES) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%.2000s/%.255s", dir, e->d_name);
        struct stat st;
        w->entries++;
        if (lstat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0)
            walk_dir(w, path, depth - 1);
        else if (S_ISREG(st.st_mode))
            check_file(w, path, &st);
    }
    if (d)
        closedir(d);
}

static unsigned read_number(const char *path, unsigned fallback)
{
    char text[32];
    return read_text(path, text, sizeof text) > 0 ? (unsigned)atoi(text) : fallback;
}

static unsigned long long effective_caps(void)
{
    char text[4096];
    if (read_text("/proc/self/status", text, sizeof text) <= 0)
        return 0;
    const char *p = strstr(text, "CapEff:");
    return p ? strtoull(p + 7, NULL, 16) : 0;
}

int main(int argc, char **argv)
{
    unsigned long long caps = effective_caps();
    struct walk w = { .nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
                      .overflow_uid = read_number("/proc/sys/kernel/overflowuid", 65534),
                      .overflow_gid = read_number("/proc/sys/kernel/overflowgid", 65534), .found = { .len = 0 },
                      .can_setuid = caps & (1ull << 7), .can_setgid = caps & (1ull << 6) };
    const char *dirs[] = { "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin",
                           "/usr/lib", "/usr/libexec", "/opt", probe_arg(argc, argv, "dir-ro") };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (dirs[i])
            walk_dir(&w, dirs[i], 3);
    char self[PATH_MAX];
    snprintf(self, sizeof self, "%s", argv[0]);
    char *slash = strrchr(self, '/');
    if (slash && slash != self) {
        *slash = '\0';
        walk_dir(&w, self, 0);
    }
    const char *verdict = w.usable ? PROBE_ESCAPED : w.privileged ? PROBE_LEAK : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "%d entries, %d privileged, %d usable (NNP %s): %s", w.entries, w.privileged,
                  w.usable, w.nnp ? "on" : "off", w.found.len ? w.found.text : "none");
}
