/* Shared helpers for the microbenchmarks: clocks, clone3, pipes, CSV output, options. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The 8 namespace flags clone3 accepts (CLONE_NEWTIME is clone3/unshare-only). */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define NS_ALL7 (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | \
                 CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)
#define NS_ALL8 (NS_ALL7 | CLONE_NEWTIME)

struct bench_opts {
    long iters;        /* measured iterations per variant */
    long warmup;       /* iterations run first and dropped */
    const char *out;   /* CSV path, "-" for stdout */
    int argc;          /* what is left after the options */
    char **argv;
};

/* Prints rss_kb=PEAK on stderr; bench_parse arranges for it to run at exit. */
void report_rss(void);

/* Parses -n ITERS -w WARMUP -o OUT; exits 2 on a bad option. */
void bench_parse(int argc, char **argv, struct bench_opts *o, const char *usage);

uint64_t now_ns(void);
/* Prints "bench: WHAT: strerror(errno)" and exits 1. */
_Noreturn void die(const char *what);
/* Child side of a failed step: no stdio buffers to flush, so _exit. */
_Noreturn void child_die(const char *what);

/* A fork-like clone3 (no CLONE_VM): returns 0 in the child, like fork(2). */
pid_t clone3_fork(uint64_t flags);

/* Waits for pid; returns its wait status, dies on error. */
int reap(pid_t pid);

int write_full(int fd, const void *buf, size_t len);
int read_full(int fd, void *buf, size_t len);

FILE *csv_open(const char *path, const char *header);
void csv_close(FILE *f);

/* A variant name for a set of namespace flags: "none", "user", ..., "all7", "all8". */
const char *ns_name(uint64_t flags);

#endif

/* Moves the whole benchmark process into a private mount namespace of its own when it
 * is root, so that no mount made by a benchmark, even a buggy one, can reach the host;
 * unprivileged processes cannot mount in the host namespace anyway. */
void bench_private_mounts(void);

/* Stores how many mounts this process sees (what CLONE_NEWNS has to copy) on stderr. */
void report_mount_count(const char *who);
