/* throughput: voids per second with C concurrent creators, and the network-namespace
 * teardown backlog that sustained creation leaves behind.
 *
 *   throughput [-c CREATORS] [-d SECONDS] [-s SLAB.csv] [-S STEADY_S] [-l LABEL] [-o OUT]
 *              KIND [ARGS]
 *
 * KIND is one of
 *   clone FLAGS     fork-like clone3 with FLAGS (none, net, all7, all8, ...) + exit + reap
 *   void PROGRAM    the floor sequence in-process (7 namespaces, tmpfs root, pivot,
 *                   detach) + exec PROGRAM + reap
 *   spawn CMD...    posix_spawn a command line (void-shim, floor, bwrap) + reap
 * Each creator is a process of its own that starts voids one after another until the
 * deadline. Meanwhile, and afterwards until it is back to its value before the run or
 * has not changed for STEADY_S seconds (default 1), the parent samples the
 * net_namespace line of /proc/slabinfo (readable by root only) every 50 ms.
 * Output: CSV label,creators,seconds,count,per_second; slab CSV label,creators,t_ms,phase,
 * active_objs. */
#include "common.h"
#include "voidlib.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SLAB_PERIOD_NS 50000000ull
#define DRAIN_LIMIT_NS 30000000000ull  /* give up waiting for the backlog after 30 s */

struct job { const char *kind; uint64_t flags; char **argv; };

static uint64_t flags_by_name(const char *name)
{
    static const uint64_t all[] = {
        0, CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
        CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME, NS_ALL7, NS_ALL8,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(ns_name(all[i]), name) == 0)
            return all[i];
    fprintf(stderr, "throughput: unknown flags %s\n", name);
    exit(2);
}

static pid_t start_one(const struct job *j)
{
    pid_t pid;

    if (strcmp(j->kind, "clone") == 0) {
        pid = clone3_fork(j->flags);
        if (pid == 0)
            _exit(0);
        return pid;
    }
    if (strcmp(j->kind, "void") == 0) {
        const struct void_spec v = { NS_ALL7, "/tmp", j->argv, NULL, 0, getuid(),
                                     getgid(), -1, 0, NULL };
        return void_spawn(&v);
    }
    if (posix_spawn(&pid, j->argv[0], NULL, NULL, j->argv, environ) != 0)
        return -1;
    return pid;
}

/* One creator: starts voids back to back until the deadline, reports the count. */
static _Noreturn void creator(const struct job *j, uint64_t deadline, int fd)
{
    long count = 0;

    while (now_ns() < deadline) {
        pid_t pid = start_one(j);
        if (pid < 0 || reap(pid) != 0)
            child_die("a start failed");
        count++;
    }
    if (write_full(fd, &count, sizeof count) < 0)
        child_die("write count");
    _exit(0);
}

/* Active net_namespace objects, or -1 when /proc/slabinfo cannot be read. */
static long netns_objects(void)
{
    char line[512];
    long active = -1;
    FILE *f = fopen("/proc/slabinfo", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "net_namespace ", 14) == 0)
            active = strtol(line + 14, NULL, 10);
    fclose(f);
    return active;
}

struct slab_log {
    FILE *f;
    const char *label;
    int creators;
    uint64_t t0, steady_ns;
};

static long slab_sample(const struct slab_log *s, const char *phase)
{
    long objs = netns_objects();

    if (s->f && objs >= 0)
        fprintf(s->f, "%s,%d,%.1f,%s,%ld\n", s->label, s->creators,
                (double)(now_ns() - s->t0) / 1e6, phase, objs);
    return objs;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* After the creators stop: sample until the count is back to where it was before the
 * run, or has not changed for steady_ns. cleanup_net works in batches, and the last
 * frees can wait for a lazy RCU flush (up to ~10 s on an idle CPU), so a short plateau
 * may still hold freed-but-not-returned objects: the full mode waits 12 s. */
static void drain(const struct slab_log *s, long before)
{
    long last = slab_sample(s, "drain");
    uint64_t changed = now_ns(), limit = changed + DRAIN_LIMIT_NS;

    /* Wall time, not a sample count: reading /proc/slabinfo can itself take hundreds of
     * milliseconds while namespaces are being torn down. */
    while (last >= 0 && last > before && now_ns() - changed < s->steady_ns &&
           now_ns() < limit) {
        sleep_ns(SLAB_PERIOD_NS);
        long objs = slab_sample(s, "drain");
        if (objs != last)
            changed = now_ns();
        last = objs;
    }
}

static long run(const struct job *j, int creators, double seconds, struct slab_log *s)
{
    uint64_t deadline = now_ns() + (uint64_t)(seconds * 1e9);
    long total = 0, count;
    int p[2];

    if (pipe(p) < 0)
        die("pipe");
    s->t0 = now_ns();
    long before = slab_sample(s, "before");
    for (int c = 0; c < creators; c++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            creator(j, deadline, p[1]);
    }
    close(p[1]);
    while (now_ns() < deadline) {
        sleep_ns(SLAB_PERIOD_NS);
        slab_sample(s, "create");
    }
    for (int c = 0; c < creators; c++) {
        if (read_full(p[0], &count, sizeof count) < 0)
            die("a creator failed");
        total += count;
    }
    while (wait(NULL) > 0)
        ;
    close(p[0]);
    drain(s, before);
    return total;
}

int main(int argc, char **argv)
{
    struct slab_log slab = { NULL, NULL, 1, 0, 1000000000ull };
    const char *out = "-", *label = NULL;
    double seconds = 1.0;
    struct job j;
    int c;

    atexit(report_rss);
    while ((c = getopt(argc, argv, "+c:d:s:S:l:o:")) != -1) {
        switch (c) {
        case 'S': slab.steady_ns = (uint64_t)(atof(optarg) * 1e9); break;
        case 'c': slab.creators = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 's': slab.f = fopen(optarg, "a"); if (!slab.f) die(optarg); break;
        case 'l': label = optarg; break;
        case 'o': out = optarg; break;
        default: return 2;
        }
    }
    if (optind + 1 >= argc || slab.creators < 1 || seconds <= 0) {
        fprintf(stderr, "usage: throughput [-c N] [-d S] [-s SLAB] [-l LABEL] [-o OUT] "
                        "clone FLAGS | void PROGRAM | spawn CMD...\n");
        return 2;
    }
    j.kind = argv[optind];
    j.argv = argv + optind + 1;
    j.flags = strcmp(j.kind, "clone") == 0 ? flags_by_name(j.argv[0]) : 0;
    slab.label = label ? label : j.kind;
    long total = run(&j, slab.creators, seconds, &slab);
    FILE *f = csv_open(out, "label,creators,seconds,count,per_second");
    fprintf(f, "%s,%d,%.3f,%ld,%.1f\n", slab.label, slab.creators, seconds, total,
            (double)total / seconds);
    csv_close(f);
    if (slab.f)
        csv_close(slab.f);
    return 0;
}
