/* clone_flags: what each namespace flag adds to clone3.
 *
 * For no flag, each of the 8 namespace flags alone, all 7 that the floor uses and all 8,
 * one sample is one fork-like clone3 whose child writes a byte on a pipe and exits:
 *   create_ns     clone3 called -> readiness byte read (the namespaces exist, child runs)
 *   roundtrip_ns  clone3 called -> child reaped (includes the synchronous teardown)
 * Variants are interleaved (one sample of each in turn) so that drift on a shared machine
 * spreads over all of them. A variant the kernel refuses (EPERM unprivileged) is reported
 * on stderr and left out. Output: CSV variant,iter,create_ns,roundtrip_ns. */
#include "common.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

static const uint64_t variants[] = {
    0, CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
    CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME, NS_ALL7, NS_ALL8,
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

struct sample { uint64_t create, roundtrip; };

/* One sample; returns -1 with errno set if clone3 refused the flags. */
static int one(uint64_t flags, int ready[2], struct sample *s)
{
    uint64_t t0 = now_ns();
    pid_t pid = clone3_fork(flags);
    char byte;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        (void)!write(ready[1], "r", 1);
        _exit(0);
    }
    if (read_full(ready[0], &byte, 1) < 0)
        die("read readiness");
    s->create = now_ns() - t0;
    if (reap(pid) != 0)
        die("child failed");
    s->roundtrip = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    int ready[2];
    int usable[NVARIANTS];
    FILE *out;

    bench_parse(argc, argv, &o, "");
    if (pipe(ready) < 0)
        die("pipe");
    out = csv_open(o.out, "variant,iter,create_ns,roundtrip_ns");
    for (size_t v = 0; v < NVARIANTS; v++)
        usable[v] = 1;
    for (long i = -o.warmup; i < o.iters; i++) {
        for (size_t v = 0; v < NVARIANTS; v++) {
            struct sample s;
            if (!usable[v])
                continue;
            if (one(variants[v], ready, &s) < 0) {
                fprintf(stderr, "clone_flags: %s: skipped: clone3: %s\n",
                        ns_name(variants[v]), strerror(errno));
                usable[v] = 0;
                continue;
            }
            if (i >= 0)
                fprintf(out, "%s,%ld,%llu,%llu\n", ns_name(variants[v]), i,
                        (unsigned long long)s.create, (unsigned long long)s.roundtrip);
        }
    }
    csv_close(out);
    return 0;
}
