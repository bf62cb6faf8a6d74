/* The time namespace. clone3 cannot take CLONE_NEWTIME usefully: offsets can only be
 * written before the first task enters, so the child unshares (which affects only its
 * future children) and writes the offsets. Since Linux 6.1 execve moves a task into
 * its time_for_children namespace, so the program starts inside it; on older kernels
 * the child joins it itself with setns on /proc/self/ns/time_for_children (which a
 * task sharing its memory cannot do: launch.c clones fork-style there). The void's
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME then start near zero, which says nothing about
 * the host's uptime. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "void.h"
#include "write_file.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int void_time(bool join_now, int64_t *offset_ns, struct shim_error *err)
{
    *offset_ns = 0;
    if (unshare(CLONE_NEWTIME) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "time: unshare(CLONE_NEWTIME)");
    /* Negative offsets of the current readings: the clocks restart at (nearly) zero.
     * Rounded down to whole seconds so that they stay valid (>= 0) when applied. */
    int64_t mono = clock_ns(CLOCK_MONOTONIC) / 1000000000;
    int64_t boot = clock_ns(CLOCK_BOOTTIME) / 1000000000;
    char offsets[96];
    snprintf(offsets, sizeof offsets, "monotonic %lld 0\nboottime %lld 0\n",
             -(long long)mono, -(long long)boot);
    if (write_file("/proc/self/timens_offsets", offsets) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "time: write /proc/self/timens_offsets");
    if (!join_now)
        return 0;
    int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno,
                         "time: open /proc/self/ns/time_for_children");
    int r = setns(fd, CLONE_NEWTIME);
    close(fd);
    if (r != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "time: setns(time_for_children)");
    *offset_ns = -mono * 1000000000;
    return 0;
}
