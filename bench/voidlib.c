/* The steps of voiding a mount namespace (see voidlib.h). */
#include "voidlib.h"
#include "common.h"
#include "../shim/clone_vfork.h"
#include "../shim/write_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* mount_setattr(2) by hand: musl has no wrapper and no kernel headers. */
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define BENCH_ATTR_RDONLY 0x1
#define BENCH_ATTR_NOSUID 0x2
#define BENCH_ATTR_NODEV 0x4
struct bench_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

int void_map_ids(uid_t uid, gid_t gid)
{
    char line[64];

    if (write_file("/proc/self/setgroups", "deny") < 0)
        return -1;
    snprintf(line, sizeof line, "%u %u 1", (unsigned)uid, (unsigned)uid);
    if (write_file("/proc/self/uid_map", line) < 0)
        return -1;
    snprintf(line, sizeof line, "%u %u 1", (unsigned)gid, (unsigned)gid);
    return write_file("/proc/self/gid_map", line);
}

int void_make_private(void)
{
    return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

int void_tmpfs(const char *dir)
{
    return mount("void", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

int void_pivot(const char *dir)
{
    char old[PATH_MAX];

    if (snprintf(old, sizeof old, "%s%s", dir, VOID_OLD) >= (int)sizeof old) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdir(old, 0700) < 0 || syscall(SYS_pivot_root, dir, old) < 0)
        return -1;
    return chdir("/");
}

/* mkdir -p of dst's parents. The new root is a fresh tmpfs that only this process has
 * written to, so no component can be a symlink planted by someone else. */
static int make_parents(const char *dst)
{
    char path[PATH_MAX];
    size_t len = strlen(dst);

    if (len >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dst, len + 1);
    for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Creates the mount point: a directory for a directory, an empty file otherwise. */
static int make_mount_point(const char *src, const char *dst)
{
    struct stat st;
    int fd;

    if (stat(src, &st) < 0 || make_parents(dst) < 0)
        return -1;
    if (S_ISDIR(st.st_mode))
        return mkdir(dst, 0755) < 0 && errno != EEXIST ? -1 : 0;
    fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int void_bind(const char *src, const char *dst)
{
    char old[PATH_MAX];
    struct bench_mount_attr attr = {
        .attr_set = BENCH_ATTR_RDONLY | BENCH_ATTR_NOSUID | BENCH_ATTR_NODEV,
    };

    if (snprintf(old, sizeof old, "%s%s", VOID_OLD, src) >= (int)sizeof old) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (make_mount_point(old, dst) < 0)
        return -1;
    if (mount(old, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        return -1;
    /* mount_setattr only adds flags, so it works on mounts locked by a user namespace
     * where a MS_REMOUNT would have to repeat every locked flag. */
    return (int)syscall(SYS_mount_setattr, AT_FDCWD, dst, AT_RECURSIVE, &attr, sizeof attr);
}

int void_detach(void)
{
    if (umount2(VOID_OLD, MNT_DETACH) < 0)
        return -1;
    return rmdir(VOID_OLD);
}

static void void_mounts(const struct void_spec *v)
{
    if (void_make_private() < 0)
        child_die("mount: make / private");
    if (void_tmpfs(v->stage) < 0)
        child_die("mount: tmpfs");
    if (void_pivot(v->stage) < 0)
        child_die("mount: pivot_root");
    if (void_bind(v->argv[0], v->argv[0]) < 0)
        child_die("mount: bind program");
    for (size_t i = 0; i < v->nbinds; i++)
        if (void_bind(v->binds[i].src, v->binds[i].dst) < 0)
            child_die("mount: bind");
    if (void_detach() < 0)
        child_die("mount: detach old root");
}

static _Noreturn void void_child(const struct void_spec *v)
{
    static char *const envp[] = { NULL };
    struct void_times t;

    t.child_start = now_ns();
    if (void_map_ids(v->uid, v->gid) < 0)
        child_die("user: map ids");
    t.ids_done = now_ns();
    if (v->extra && v->extra->after_ids)
        v->extra->after_ids(v->extra->arg);
    void_mounts(v);
    t.mount_done = now_ns();
    if (v->report_fd >= 0 && write_full(v->report_fd, &t, sizeof t) < 0)
        child_die("report timings");
    if (v->extra && v->extra->before_exec)
        v->extra->before_exec(v->extra->arg);
    execve(v->argv[0], v->argv, envp);
    child_die("exec");
}

static int vfork_child(void *spec)
{
    void_child(spec);
}

pid_t void_spawn(const struct void_spec *spec)
{
    int cgroup_fd = spec->extra ? spec->extra->cgroup_fd : -1;

    if (!spec->fork_style) {
        struct clone3_args args = { .flags = spec->flags, .exit_signal = SIGCHLD };
        if (cgroup_fd >= 0) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup = (uint64_t)cgroup_fd;
        }
        pid_t pid = clone_vfork(&args, vfork_child, (void *)spec);
        if (pid >= 0 || errno != ENOSYS)
            return pid;
    }
    if (cgroup_fd >= 0) {
        errno = EINVAL;   /* not needed by any benchmark: clone3_fork takes flags only */
        return -1;
    }
    pid_t pid = clone3_fork(spec->flags);

    if (pid == 0)
        void_child(spec);
    return pid;
}
