/* FD-01 (CVE-2024-21626, CVE-2016-9962): inherited fds that point outside the
 * void. Each fd above 2 is described; directories are climbed with ".." toward
 * C-FILE (a foreign mount's ".." is not stopped by our root), O_PATH fds are
 * reopened through /proc/self/fd, and writable files are noted. */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID "FD-01"
#define GROUP "tty-fd"
#define CLIMB 40
#define MAX_FD_WITHOUT_PROC 4096

struct findings { int count, writable; char list[700]; char escaped[256]; };

static int holds_nonce(int fd, const char *nonce)
{
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strstr(buf, nonce) != NULL;
}

/* Opens C-FILE relative to a directory fd, climbing ".." far enough to reach any root. */
static int climb_to_file(int dirfd, const char *file)
{
    char path[4096] = "";
    for (int i = 0; i < CLIMB; i++)
        strcat(path, "../");
    strncat(path, file + strspn(file, "/"), sizeof path - strlen(path) - 1);
    return openat(dirfd, path, O_RDONLY | O_CLOEXEC);
}

static int mount_id(int fd)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    int id = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "mnt_id: %d", &id) == 1)
            break;
    if (f)
        fclose(f);
    return id;
}

static int mount_is_ours(int id)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f || id < 0)
        return f ? fclose(f), 1 : 1; /* unknown: don't claim foreign */
    char line[1024];
    int found = 0, mid;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%d", &mid) == 1 && mid == id;
    fclose(f);
    return found;
}

static void try_reach_file(struct findings *r, int fd, const struct stat *st, const char *file, const char *nonce)
{
    if (!file || !nonce || r->escaped[0])
        return;
    int target = -1;
    if (S_ISDIR(st->st_mode))
        target = climb_to_file(fd, file);
    else {
        char self[64];
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        target = open(self, O_RDONLY | O_CLOEXEC);
    }
    if (target >= 0 && holds_nonce(target, nonce))
        snprintf(r->escaped, sizeof r->escaped, "fd %d reached C-FILE %s", fd, file);
    if (target >= 0)
        close(target);
}

static void describe(struct findings *r, int fd, const char *file, const char *nonce)
{
    char self[64], target[256];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(self, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    int flags = fcntl(fd, F_GETFL);
    /* sockets, pipes and nsfs live on internal mounts that no mountinfo lists */
    int foreign = target[0] == '/' && !mount_is_ours(mount_id(fd));
    int writable = flags >= 0 && (flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH) && S_ISREG(st.st_mode);
    r->count++;
    r->writable += writable && foreign;
    size_t len = strlen(r->list);
    snprintf(r->list + len, sizeof r->list - len, " %d=%.80s%s%s", fd, target, foreign ? "(foreign mnt)" : "",
             writable ? "(w)" : "");
    try_reach_file(r, fd, &st, file, nonce);
}

int main(int argc, char **argv)
{
    const char *file = probe_arg(argc, argv, "file");
    const char *nonce = probe_arg(argc, argv, "file-nonce");
    const char *leaked = probe_arg(argc, argv, "leaked-fds");
    struct findings r = { 0 };
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            int fd = atoi(e->d_name);
            if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
                describe(&r, fd, file, nonce);
        }
        closedir(d);
    } else {
        /* no /proc: probe the descriptor numbers one by one */
        for (int fd = 3; fd < MAX_FD_WITHOUT_PROC; fd++)
            if (fcntl(fd, F_GETFD) >= 0)
                describe(&r, fd, file, nonce);
    }
    if (r.escaped[0])
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s; fds:%s", r.escaped, r.list);
    if (r.writable)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%d writable fds on foreign mounts:%s", r.writable, r.list);
    if (r.count)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%d unexpected fds:%s", r.count, r.list);
    if (!leaked)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-FD canary (--leaked-fds absent) and no fds above 2");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "none of the leaked fds (%s) is open, nor any other above 2", leaked);
}
