/* floor: the least a launcher must do to start a program in a void, as a baseline for
 * void-shim. One clone3 with the user, mount, pid, net, ipc, uts and cgroup namespace
 * flags (-t adds time), the id maps, MS_REC|MS_PRIVATE, an empty tmpfs root, a read-only
 * bind of the program (and of each -b SRC[:DST]), pivot_root, MNT_DETACH of the old root,
 * exec, wait. No fd hygiene, no capability drop, no /proc: anything the shim does beyond
 * this is its own cost. Statically linked, so it pays no dynamic loading.
 *
 *   floor [-t] [-b SRC[:DST]]... [--] PROGRAM [ARGS...]    (PROGRAM: an absolute path) */
#include "common.h"
#include "voidlib.h"

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
    while ((c = getopt(argc, argv, "+tb:")) != -1) {
        if (c == 't')
            p->flags |= CLONE_NEWTIME;
        else if (c == 'b')
            add_bind(p, optarg);
        else
            exit(125);
    }
    if (optind >= argc || argv[optind][0] != '/') {
        fprintf(stderr, "usage: floor [-t] [-b SRC[:DST]]... [--] /ABS/PROGRAM [ARGS...]\n");
        exit(125);
    }
    p->argv = argv + optind;
}

int main(int argc, char **argv)
{
    struct floor_plan plan = { 0 };
    uid_t uid = getuid();   /* read now: inside the new user ns it reads as overflow */
    gid_t gid = getgid();
    pid_t pid;
    int status;

    parse(argc, argv, &plan);
    pid = void_spawn(plan.flags, STAGE, plan.argv, plan.binds, plan.nbinds, uid, gid);
    if (pid < 0)
        die("clone3");
    status = reap(pid);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
