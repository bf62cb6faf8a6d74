/* mount_steps: the cost of each step of voiding a mount namespace.
 *
 * One sample is a fork-like child that times, in order:
 *   userns        (-u only) unshare(CLONE_NEWUSER) + id maps: the unprivileged path
 *   unshare_mnt   unshare(CLONE_NEWNS): copies every mount of the parent namespace
 *   make_private  mount("/", MS_REC|MS_PRIVATE)
 *   tmpfs         mount of the empty tmpfs new root (staged on /tmp)
 *   pivot_root    mkdir of the old-root mount point + pivot_root + chdir("/")
 *   detach        umount2(old root, MNT_DETACH) + rmdir (waits for an RCU grace period)
 * and the parent adds
 *   exit_reap     timings received -> child reaped (teardown of the namespace)
 * All of it happens in the child's own mount namespace; as root the whole benchmark runs
 * in a private one as well. Output: CSV step,iter,ns (one row per step per sample). */
#include "common.h"
#include "voidlib.h"

#include <sched.h>
#include <string.h>
#include <unistd.h>

enum { S_USERNS, S_UNSHARE, S_PRIVATE, S_TMPFS, S_PIVOT, S_DETACH, S_EXIT, NSTEPS };
static const char *const step_names[NSTEPS] = {
    "userns", "unshare_mnt", "make_private", "tmpfs", "pivot_root", "detach", "exit_reap",
};

/* Runs one step and stores its duration; a failing step ends the child. */
#define TIMED(slot, call, what) do { \
        uint64_t t_ = now_ns(); \
        if ((call) < 0) \
            child_die(what); \
        d[slot] = now_ns() - t_; \
    } while (0)

static _Noreturn void child(int fd, int userns, uid_t uid, gid_t gid)
{
    uint64_t d[NSTEPS] = { 0 };

    if (userns)
        TIMED(S_USERNS, unshare(CLONE_NEWUSER) < 0 ? -1 : void_map_ids(uid, gid), "userns");
    TIMED(S_UNSHARE, unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)");
    TIMED(S_PRIVATE, void_make_private(), "make private");
    TIMED(S_TMPFS, void_tmpfs("/tmp"), "tmpfs");
    TIMED(S_PIVOT, void_pivot("/tmp"), "pivot_root");
    TIMED(S_DETACH, void_detach(), "detach");
    if (write_full(fd, d, sizeof d) < 0)
        child_die("write timings");
    _exit(0);
}

static void sample(FILE *out, long iter, int userns, uid_t uid, gid_t gid)
{
    uint64_t d[NSTEPS];
    int p[2];
    pid_t pid;

    if (pipe(p) < 0)
        die("pipe");
    pid = clone3_fork(0);
    if (pid < 0)
        die("clone3");
    if (pid == 0) {
        close(p[0]);
        child(p[1], userns, uid, gid);
    }
    close(p[1]);
    if (read_full(p[0], d, sizeof d) < 0)
        die("a step failed in the child");
    uint64_t t0 = now_ns();
    if (reap(pid) != 0)
        die("child failed");
    d[S_EXIT] = now_ns() - t0;
    close(p[0]);
    for (int s = 0; s < NSTEPS && iter >= 0; s++)
        if (s != S_USERNS || userns)
            fprintf(out, "%s,%ld,%llu\n", step_names[s], iter, (unsigned long long)d[s]);
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    int userns = argc > 1 && strcmp(argv[1], "-u") == 0;
    FILE *out;

    bench_parse(argc - userns, argv + userns, &o, "(-u first: in a new user namespace)");
    if (!userns && geteuid() != 0) {
        fprintf(stderr, "mount_steps: not root: use -u\n");
        return 2;
    }
    bench_private_mounts();
    report_mount_count("mount_steps");
    out = csv_open(o.out, "step,iter,ns");
    for (long i = -o.warmup; i < o.iters; i++)
        sample(out, i, userns, getuid(), getgid());
    csv_close(out);
    return 0;
}
