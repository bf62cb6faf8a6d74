/* floor: the least a launcher must do to start a program in a void, as a baseline for
 * void-shim. One clone3 with the user, mount, pid, net, ipc, uts and cgroup namespace
 * flags (-t adds time), the id maps, MS_REC|MS_PRIVATE, an empty tmpfs root, a read-only
 * bind of the program (and of each -b SRC[:DST]), pivot_root, MNT_DETACH of the old root,
 * exec, wait. No fd hygiene, no capability drop, no /proc: anything the shim does beyond
 * this is its own cost. Statically linked, so it pays no dynamic loading. The child is
 * started as void-shim starts its own, with CLONE_VM | CLONE_VFORK (the same code,
 * shim/clone_vfork.c); -F starts it with a fork-like clone3 instead, which costs the
 * copy of the launcher's page tables and the copy-on-write faults after it.
 *
 *   floor [-t] [-F] [-T] [-b SRC[:DST]]... [--] PROGRAM [ARGS...]  (PROGRAM: absolute)
 *
 * -T prints, once PROGRAM has been exec'd, the steps in void-shim's --timings format
 * (the keys the floor has: clone_us, user_us, mount_us, exec_us, total_us), so the two
 * can be compared step by step. As in the shim, clone_us ends when the child starts and
 * exec_us runs from the end of its setup to the exec (the child's own stamps). */
#include "common.h"
#include "voidlib.h"

#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where the new root is staged, as the shim does by default; the mount is only ever made
 * inside the child's private mount namespace. */
#define STAGE "/tmp"

struct floor_plan {
    uint64_t flags;
    int timings;
    int fork_style;
    struct void_bind_spec *binds;
    size_t nbinds;
    char **argv;
};

static void add_bind(struct floor_plan *p, char *spec)
{
    char *colon = strchr(spec, ':');
    struct void_bind_spec *b;

    p->binds = realloc(p->binds, (p->nbinds + 1) * sizeof *p->binds);
    if (!p->binds)
        die("realloc");
    b = &p->binds[p->nbinds++];
    b->src = spec;
    b->dst = spec;
    if (colon) {
        *colon = '\0';
        b->dst = colon + 1;
    }
    if (b->src[0] != '/' || b->dst[0] != '/') {
        fprintf(stderr, "floor: bind paths must be absolute: %s\n", spec);
        exit(125);
    }
}

static void parse(int argc, char **argv, struct floor_plan *p)
{
    int c;

    p->flags = NS_ALL7;
    while ((c = getopt(argc, argv, "+tFTb:")) != -1) {
        if (c == 't')
            p->flags |= CLONE_NEWTIME;
        else if (c == 'F')
            p->fork_style = 1;
        else if (c == 'T')
            p->timings = 1;
        else if (c == 'b')
            add_bind(p, optarg);
        else
            exit(125);
    }
    if (optind >= argc || argv[optind][0] != '/') {
        fprintf(stderr, "usage: floor [-t] [-F] [-T] [-b SRC[:DST]]... [--] /ABS/PROGRAM "
                        "[ARGS...]\n");
        exit(125);
    }
    p->argv = argv + optind;
}

static long us(uint64_t from, uint64_t to)
{
    return (long)((to - from) / 1000);
}

/* Reads the child's stamps, waits for EOF (the exec), prints the --timings line. */
static void report_timings(int fd, uint64_t started, uint64_t clone0)
{
    struct void_times t;
    char byte;

    if (read_full(fd, &t, sizeof t) < 0)
        return;             /* a step failed: the child says which */
    while (read(fd, &byte, 1) > 0)
        ;
    uint64_t exec_done = now_ns();
    fprintf(stderr, "{\"clone_us\":%ld,\"user_us\":%ld,\"mount_us\":%ld,\"exec_us\":%ld,"
            "\"total_us\":%ld}\n", us(clone0, t.child_start), us(t.child_start, t.ids_done),
            us(t.ids_done, t.mount_done), us(t.mount_done, exec_done), us(started, exec_done));
}

int main(int argc, char **argv)
{
    uint64_t started = now_ns();
    struct floor_plan plan = { 0 };
    int report[2] = { -1, -1 };
    pid_t pid;
    int status;

    parse(argc, argv, &plan);
    if (plan.timings && pipe2(report, O_CLOEXEC) < 0)
        die("pipe2");
    /* ids read now: inside the new user namespace they read as the overflow id */
    const struct void_spec v = { plan.flags, STAGE, plan.argv, plan.binds, plan.nbinds,
                                 getuid(), getgid(), report[1], plan.fork_style, NULL };
    uint64_t clone0 = now_ns();
    pid = void_spawn(&v);
    if (pid < 0)
        die("clone3");
    if (plan.timings) {
        close(report[1]);
        report_timings(report[0], started, clone0);
    }
    status = reap(pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
