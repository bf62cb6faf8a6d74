/* TIME-01: host uptime through the clocks: CLOCK_BOOTTIME against the host's reading
 * (C-HOST, taken just before launch); CLOCK_MONOTONIC for the detail. LEAK if within 5 s
 * (a time namespace with zero offsets still leaks). */
#include "probe_util.h"

#include <time.h>

#define ID "TIME-01"
#define GROUP "time"

static double clock_seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *arg = probe_arg(argc, argv, "host-boottime");
    if (!arg)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST boottime");
    double host = strtod(arg, NULL), boot = clock_seconds(CLOCK_BOOTTIME), mono = clock_seconds(CLOCK_MONOTONIC);
    double diff = boot - host;
    bool leak = diff > -1.0 && diff < 5.0;
    probe_verdict(ID, GROUP, leak ? PROBE_LEAK : PROBE_CONTAINED,
                  "boottime %.3f s, host %.3f s (difference %+.3f s); monotonic %.3f s", boot, host, diff, mono);
}
