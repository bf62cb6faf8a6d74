/* Supervision: wait for the void, forward signals, propagate the exit status. */
#ifndef VOID_SUPERVISE_H
#define VOID_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct supervision {
    bool timings;                   /* print the --timings JSON once exec is confirmed */
    const struct timespec *started; /* when main began */
    int64_t parse_us, resolve_us, cgroup_us;   /* measured by the shim */
    int64_t clone_started_us;       /* CLOCK_MONOTONIC, us, when clone3 was called */
};

/* Returns the shim's exit status. handled: the signals blocked for signalfd. */
int supervise(struct supervision *sup, int pidfd, int report_fd,
              const sigset_t *handled);

#endif
