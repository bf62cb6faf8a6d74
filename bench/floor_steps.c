/* floor_steps: the floor (floor.c) plus those of void-shim's steps that the floor leaves
 * out, each chosen by an option and done by the shim's own code (libshim), so that the
 * end-to-end cost of each step can be measured on its own (scripts/bench.py, step
 * e2e_steps) instead of by building the shim with the step compiled out.
 *
 *   floor_steps [-c] [-t] [-u] [-f] [-S] [-s] [-k] [--] /ABS/PROGRAM [ARGS...]
 *
 *   -c  the cgroup leaf (shim/cgroup.c): created beside the caller's cgroup v2, the child
 *       cloned into it (CLONE_INTO_CGROUP), stale leaves swept, the leaf removed after;
 *       where no leaf can be made (unprivileged, no delegation) the search alone
 *   -t  the time namespace with its offsets, entered at exec (shim/ns_time.c)
 *   -u  the host name and domain name (shim/ns_uts.c)
 *   -f  /dev/null opened before the clone, on 0, 1 and 2, every other fd closed
 *       (shim/fds.c)
 *   -S  a new session, a fresh session keyring, RLIMIT_CORE 0 (shim/caps.c)
 *   -s  no_new_privs and the attack-surface seccomp filter (shim/seccomp.c)
 *   -k  every capability set emptied, the bounding set one capability at a time
 *
 * The child steps run in the shim's order: time after the id maps (it needs /proc),
 * the others after the floor's mount steps, right before exec. Without options this is
 * the floor linked with libshim and libcap (whose constructor probes the capability
 * count at start-up), the base the steps are measured against. */
#include "common.h"
#include "voidlib.h"
#include "../shim/cgroup.h"
#include "../shim/void.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct child_steps {
    int time, session;
    const struct plan *uts;             /* NULL: the host's names kept */
    const struct void_context *fds;     /* NULL: fds inherited */
    const struct sock_fprog *seccomp;   /* NULL: no filter */
    cap_t no_caps;                      /* NULL: capabilities kept */
};

/* In the child, after the id maps; never returns on failure. */
static void run_time_step(const void *arg)
{
    const struct child_steps *steps = arg;
    struct shim_error err = { 0 };
    int64_t offset_ns;

    if (steps->time && void_time(false, &offset_ns, &err) != 0)
        child_die(err.msg);
}

/* In the child, after the floor's own steps; never returns on failure. */
static void run_child_steps(const void *arg)
{
    const struct child_steps *steps = arg;
    struct shim_error err = { 0 };

    if (steps->uts && void_uts(steps->uts, &err) != 0)
        child_die(err.msg);
    if (steps->fds && void_fds(steps->fds, &err) != 0)
        child_die(err.msg);
    if (steps->session && void_new_session(&err) != 0)
        child_die(err.msg);
    if (steps->seccomp) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            child_die("PR_SET_NO_NEW_PRIVS");
        if (void_seccomp(steps->seccomp, &err) != 0)
            child_die(err.msg);
    }
    if (steps->no_caps && void_drop_capabilities(steps->no_caps, &err) != 0)
        child_die(err.msg);
}

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: floor_steps [-c] [-t] [-u] [-f] [-S] [-s] [-k] [--] /ABS/PROGRAM "
                    "[ARGS...]\n");
    exit(125);
}

int main(int argc, char **argv)
{
    struct child_steps steps = { 0 };
    struct plan plan;                   /* the defaults: host name "void", no fds kept */
    struct void_context ctx = { .plan = &plan, .devnull = -1 };
    int cgroup = 0, drop_caps = 0, c;

    plan_init(&plan);
    while ((c = getopt(argc, argv, "+ctufSsk")) != -1) {
        if (c == 'c')
            cgroup = 1;
        else if (c == 't')
            steps.time = 1;
        else if (c == 'u')
            steps.uts = &plan;
        else if (c == 'f')
            steps.fds = &ctx;
        else if (c == 'S')
            steps.session = 1;
        else if (c == 's')
            steps.seccomp = void_seccomp_program();
        else if (c == 'k')
            drop_caps = 1;
        else
            usage();
    }
    if (drop_caps && !(steps.no_caps = cap_init()))
        die("cap_init");
    if (optind >= argc || argv[optind][0] != '/')
        usage();

    /* As in the shim: everything the child uses is built before the clone. The
     * close-on-exec /dev/null also stands in for the shim's report pipe, the one other
     * fd void_fds keeps (it closes itself at exec). */
    if (steps.fds) {
        ctx.devnull = ctx.report_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (ctx.devnull < 0)
            die("open /dev/null");
    }
    struct cgroup_leaf leaf = { .fd = -1 };
    if (cgroup)
        cgroup_leaf_create(&leaf, 0);
    const struct void_extra extra = { leaf.fd, run_time_step, run_child_steps, &steps };
    const struct void_spec v = { NS_ALL7, "/tmp", argv + optind, NULL, 0, getuid(), getgid(),
                                 -1, 0, &extra };
    pid_t pid = void_spawn(&v);
    if (pid < 0) {
        cgroup_leaf_remove(&leaf);
        die("clone3");
    }
    cgroup_leaf_release_fd(&leaf);
    cgroup_sweep_stale(&leaf);
    int status = reap(pid);
    cgroup_leaf_remove(&leaf);
    if (steps.no_caps)
        cap_free(steps.no_caps);
    if (ctx.devnull >= 0)
        close(ctx.devnull);
    plan_free(&plan);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
