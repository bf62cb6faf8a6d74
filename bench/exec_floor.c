/* exec_floor: the cheapest ways to start a program, before any namespace.
 *
 * Each sample starts PROGRAM (a tiny static binary) and reaps it:
 *   vfork         vfork + execve
 *   posix_spawn   glibc posix_spawn (CLONE_VM|CLONE_VFORK inside)
 *   clone3        fork-like clone3 + execve (copies the page tables of this process)
 *   clone_vfork   glibc clone(CLONE_VM|CLONE_VFORK) on a separate stack + execve
 * Variants are interleaved. Output: CSV variant,iter,roundtrip_ns.
 *
 *   exec_floor [-n N] [-w W] [-o OUT] PROGRAM */
#include "common.h"

#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

static char *prog_argv[2];
static char *const empty_env[] = { NULL };

static pid_t by_vfork(void)
{
    pid_t pid = vfork();

    if (pid == 0) {
        execve(prog_argv[0], prog_argv, empty_env);
        _exit(127);
    }
    return pid;
}

static pid_t by_posix_spawn(void)
{
    pid_t pid;

    if (posix_spawn(&pid, prog_argv[0], NULL, NULL, prog_argv, empty_env) != 0)
        return -1;
    return pid;
}

static pid_t by_clone3(void)
{
    pid_t pid = clone3_fork(0);

    if (pid == 0) {
        execve(prog_argv[0], prog_argv, empty_env);
        _exit(127);
    }
    return pid;
}

static int exec_child(void *arg)
{
    (void)arg;
    execve(prog_argv[0], prog_argv, empty_env);
    _exit(127);
}

static pid_t by_clone_vfork(void)
{
    static char stack[64 * 1024] __attribute__((aligned(16)));

    return clone(exec_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
}

static const struct { const char *name; pid_t (*start)(void); } variants[] = {
    { "vfork", by_vfork }, { "posix_spawn", by_posix_spawn },
    { "clone3", by_clone3 }, { "clone_vfork", by_clone_vfork },
};

int main(int argc, char **argv)
{
    struct bench_opts o;
    FILE *out;

    bench_parse(argc, argv, &o, "PROGRAM");
    if (o.argc != 1) {
        fprintf(stderr, "exec_floor: PROGRAM expected\n");
        return 2;
    }
    prog_argv[0] = o.argv[0];
    out = csv_open(o.out, "variant,iter,roundtrip_ns");
    for (long i = -o.warmup; i < o.iters; i++) {
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            uint64_t t0 = now_ns();
            pid_t pid = variants[v].start();
            if (pid < 0)
                die(variants[v].name);
            if (reap(pid) != 0)
                die("program failed");
            if (i >= 0)
                fprintf(out, "%s,%ld,%llu\n", variants[v].name, i,
                        (unsigned long long)(now_ns() - t0));
        }
    }
    csv_close(out);
    return 0;
}
