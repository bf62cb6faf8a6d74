#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "write_file.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The cgroup v2 hierarchy: at /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified
 * (hybrid). Two statfs calls instead of parsing the mount table. */
static const char *cgroup2_mount(void)
{
    static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    for (size_t i = 0; i < 2; i++) {
        struct statfs sf;
        if (statfs(candidates[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
            return candidates[i];
    }
    return NULL;
}

/* The caller's v2 cgroup: the "0::PATH" line of /proc/self/cgroup. */
static int own_cgroup(char *path, size_t size)
{
    char buf[4096];
    if (read_file("/proc/self/cgroup", buf, sizeof buf) < 0)
        return -1;
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "0::", 3) == 0) {
            size_t len = strcspn(line + 3, "\n");
            if (len >= size)
                return -1;
            memcpy(path, line + 3, len);
            path[len] = '\0';
            return 0;
        }
    return -1;
}

void cgroup_leaf_create(struct cgroup_leaf *leaf, unsigned serial)
{
    leaf->fd = -1;
    leaf->path[0] = leaf->note[0] = '\0';
    const char *mnt = cgroup2_mount();
    char own[PATH_MAX];
    if (!mnt || own_cgroup(own, sizeof own) != 0) {
        snprintf(leaf->note, sizeof leaf->note, "cgroup: no cgroup v2 hierarchy found; the "
                 "void keeps the caller's cgroup (with a cgroup namespace rooted there)");
        return;
    }
    char name[48];
    if (serial)
        snprintf(name, sizeof name, "void-shim-%d-%u", (int)getpid(), serial);
    else
        snprintf(name, sizeof name, "void-shim-%d", (int)getpid());
    int n = snprintf(leaf->path, sizeof leaf->path, "%s%s%s%s", mnt, own,
                     strcmp(own, "/") == 0 ? "" : "/", name);
    if (n >= (int)sizeof leaf->path || mkdir(leaf->path, 0755) != 0) {
        snprintf(leaf->note, sizeof leaf->note, "cgroup: cannot create a leaf under %s%s "
                 "(%s); the void keeps the caller's cgroup (with a cgroup namespace rooted "
                 "there)", mnt, strcmp(own, "/") == 0 ? "" : own, n >= (int)sizeof leaf->path ? "name too long"
                                                               : strerror(errno));
        leaf->path[0] = '\0';
        return;
    }
    leaf->fd = open(leaf->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (leaf->fd < 0)
        cgroup_leaf_remove(leaf);
}

void cgroup_leaf_apply(const struct cgroup_leaf *leaf, const struct cgroup_limit *limits,
                       size_t n, const char *who)
{
    for (size_t i = 0; i < n; i++) {
        const char *why = leaf->fd < 0 ? leaf->note : NULL;
        if (!why) {
            int fd = openat(leaf->fd, limits[i].file, O_WRONLY | O_CLOEXEC);
            ssize_t len = (ssize_t)strlen(limits[i].value);
            if (fd < 0 || write(fd, limits[i].value, (size_t)len) != len)
                why = errno == ENOENT ? "its controller is not enabled for the leaf"
                                      : strerror(errno);
            if (fd >= 0)
                close(fd);
        }
        if (why)
            fprintf(stderr, "void-shim: %s: cgroup limit %s=%s not applied: %s\n", who,
                    limits[i].file, limits[i].value, why);
    }
}

void cgroup_leaf_release_fd(struct cgroup_leaf *leaf)
{
    if (leaf->fd >= 0)
        close(leaf->fd);
    leaf->fd = -1;
}

/* A shim that was SIGKILLed cannot remove its leaf. The next one does: an empty
 * "void-shim-PID[-N]" beside ours whose PID is gone. (A leaf in use is not empty and
 * rmdir refuses it; one not yet in use belongs to a live PID and is skipped.) */
void cgroup_sweep_stale(const struct cgroup_leaf *leaf)
{
    const char *own_leaf = leaf->path;
    if (!own_leaf[0])
        return;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", own_leaf);
    char *slash = strrchr(parent, '/');
    if (!slash)
        return;
    *slash = '\0';
    DIR *dir = opendir(parent);
    if (!dir)
        return;
    for (struct dirent *e; (e = readdir(dir));) {
        char *end;
        if (strncmp(e->d_name, "void-shim-", 10) != 0)
            continue;
        long pid = strtol(e->d_name + 10, &end, 10);
        if ((*end && *end != '-') || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR);
    }
    closedir(dir);
}

void cgroup_leaf_remove(struct cgroup_leaf *leaf)
{
    cgroup_leaf_release_fd(leaf);
    if (!leaf->path[0])
        return;
    /* A reaped task may leave the cgroup a moment later: retry briefly on EBUSY. */
    for (int tries = 0; rmdir(leaf->path) != 0 && errno == EBUSY && tries < 200; tries++)
        nanosleep(&(struct timespec){.tv_nsec = 500000}, NULL);
    leaf->path[0] = '\0';
}
