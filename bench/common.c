/* Shared helpers for the microbenchmarks. */
#include "common.h"
#include "../shim/clone_vfork.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The peak RSS of this program (VmHWM: the mm of this exec only, unlike ru_maxrss,
 * which keeps the high-water mark of whatever forked us), printed for the meta file:
 * a fork-like clone copies page tables in proportion to it. */
void report_rss(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            fprintf(stderr, "rss_kb=%ld\n", strtol(line + 6, NULL, 10));
    fclose(f);
}

void bench_parse(int argc, char **argv, struct bench_opts *o, const char *usage)
{
    int c;

    atexit(report_rss);

    o->iters = 1000;
    o->warmup = 20;
    o->out = "-";
    while ((c = getopt(argc, argv, "+n:w:o:h")) != -1) {
        switch (c) {
        case 'n': o->iters = atol(optarg); break;
        case 'w': o->warmup = atol(optarg); break;
        case 'o': o->out = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-n ITERS] [-w WARMUP] [-o OUT.csv] %s\n",
                    argv[0], usage);
            exit(c == 'h' ? 0 : 2);
        }
    }
    if (o->iters < 1 || o->warmup < 0) {
        fprintf(stderr, "%s: -n must be >= 1 and -w >= 0\n", argv[0]);
        exit(2);
    }
    o->argc = argc - optind;
    o->argv = argv + optind;
}

uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

_Noreturn void die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

_Noreturn void child_die(const char *what)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "bench child: %s: %s\n", what, strerror(errno));

    if (n > 0)
        (void)!write(2, buf, (size_t)n);
    _exit(1);
}

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

pid_t clone3_fork(uint64_t flags)
{
    struct clone3_args args;   /* shim/clone_vfork.h: builds without kernel headers */

    memset(&args, 0, sizeof args);
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

int reap(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return status;
}

int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

FILE *csv_open(const char *path, const char *header)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

    if (!f)
        die(path);
    fprintf(f, "%s\n", header);
    return f;
}

void csv_close(FILE *f)
{
    if (fflush(f) != 0 || (f != stdout && fclose(f) != 0))
        die("write csv");
}

const char *ns_name(uint64_t flags)
{
    static const struct { uint64_t flag; const char *name; } names[] = {
        { 0, "none" },
        { CLONE_NEWUSER, "user" }, { CLONE_NEWNS, "mnt" }, { CLONE_NEWPID, "pid" },
        { CLONE_NEWNET, "net" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" },
        { CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
        { NS_ALL7, "all7" }, { NS_ALL8, "all8" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].flag == flags)
            return names[i].name;
    return "mixed";
}

void bench_private_mounts(void)
{
    if (geteuid() != 0)
        return;
    if (unshare(CLONE_NEWNS) < 0)
        die("unshare(CLONE_NEWNS)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        die("make / private");
}

void report_mount_count(const char *who)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    int c, lines = 0;

    if (!f)
        return;
    while ((c = getc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    fprintf(stderr, "%s: parent mounts: %d\n", who, lines);
}
