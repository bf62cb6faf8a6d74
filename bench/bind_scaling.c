/* bind_scaling: what each bind mount costs as their number grows.
 *
 * One sample, for a given N, is a fork-like child that voids its mount namespace (as
 * mount_steps does; -u: in a new user namespace) and then times
 *   binds_ns     N read-only binds of distinct host files into the new root
 *                (mount point creation + MS_BIND|MS_REC + mount_setattr each)
 *   detach_ns    the detach of the old root
 * and the parent times
 *   roundtrip_ns child started -> reaped (includes freeing the N mounts at exit)
 * The N source files are created in a temporary directory under /tmp and removed.
 * Output: CSV n,iter,binds_ns,detach_ns,roundtrip_ns.
 *
 *   bind_scaling [-u] [-n ITERS] [-w WARMUP] [-o OUT] N...   (ITERS is scaled down for
 *   large N so that each N makes at most about 20000 binds: at least 5 samples) */
#include "common.h"
#include "voidlib.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BINDS_PER_N 20000

struct sources { char dir[64]; long n; };

static void make_sources(struct sources *s, long n)
{
    char path[PATH_MAX];

    strcpy(s->dir, "/tmp/bench-binds.XXXXXX");
    if (!mkdtemp(s->dir))
        die("mkdtemp");
    for (s->n = 0; s->n < n; s->n++) {
        snprintf(path, sizeof path, "%s/f%ld", s->dir, s->n);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
            die(path);
        close(fd);
    }
}

static void remove_sources(const struct sources *s)
{
    char path[PATH_MAX];

    for (long i = 0; i < s->n; i++) {
        snprintf(path, sizeof path, "%s/f%ld", s->dir, i);
        unlink(path);
    }
    rmdir(s->dir);
}

static _Noreturn void child(int fd, const struct sources *s, long n, int userns,
                            uid_t uid, gid_t gid)
{
    char src[PATH_MAX], dst[64];
    uint64_t d[2], t0;

    if (userns && (unshare(CLONE_NEWUSER) < 0 || void_map_ids(uid, gid) < 0))
        child_die("userns");
    if (unshare(CLONE_NEWNS) < 0 || void_make_private() < 0 || void_tmpfs("/tmp") < 0 ||
        void_pivot("/tmp") < 0)
        child_die("void the mount namespace");
    t0 = now_ns();
    for (long i = 0; i < n; i++) {
        snprintf(src, sizeof src, "%s/f%ld", s->dir, i);
        snprintf(dst, sizeof dst, "/b/f%ld", i);
        if (void_bind(src, dst) < 0)
            child_die(src);
    }
    d[0] = now_ns() - t0;
    t0 = now_ns();
    if (void_detach() < 0)
        child_die("detach");
    d[1] = now_ns() - t0;
    if (write_full(fd, d, sizeof d) < 0)
        child_die("write timings");
    _exit(0);
}

static void sample(FILE *out, const struct sources *s, long n, long iter, int userns)
{
    uint64_t d[2], t0 = now_ns();
    int p[2];
    pid_t pid;

    if (pipe(p) < 0)
        die("pipe");
    pid = clone3_fork(0);
    if (pid < 0)
        die("clone3");
    if (pid == 0) {
        close(p[0]);
        child(p[1], s, n, userns, getuid(), getgid());
    }
    close(p[1]);
    if (read_full(p[0], d, sizeof d) < 0)
        die("a step failed in the child");
    close(p[0]);
    if (reap(pid) != 0)
        die("child failed");
    if (iter >= 0)
        fprintf(out, "%ld,%ld,%llu,%llu,%llu\n", n, iter, (unsigned long long)d[0],
                (unsigned long long)d[1], (unsigned long long)(now_ns() - t0));
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    struct sources s;
    int userns = argc > 1 && strcmp(argv[1], "-u") == 0;
    long maxn = 0;
    FILE *out;

    bench_parse(argc - userns, argv + userns, &o, "[-u first] N...");
    if (o.argc < 1 || (!userns && geteuid() != 0)) {
        fprintf(stderr, "bind_scaling: give N... (and -u first when not root)\n");
        return 2;
    }
    for (int a = 0; a < o.argc; a++)
        if (atol(o.argv[a]) > maxn)
            maxn = atol(o.argv[a]);
    bench_private_mounts();
    make_sources(&s, maxn);
    out = csv_open(o.out, "n,iter,binds_ns,detach_ns,roundtrip_ns");
    for (int a = 0; a < o.argc; a++) {
        long n = atol(o.argv[a]);
        long iters = n > 0 && o.iters * n > MAX_BINDS_PER_N ? MAX_BINDS_PER_N / n : o.iters;
        if (iters < 5)
            iters = 5;
        for (long i = -(o.warmup < iters ? o.warmup : iters); i < iters; i++)
            sample(out, &s, n, i, userns);
    }
    csv_close(out);
    remove_sources(&s);
    return 0;
}
