/* KERN-12: a pipe core_pattern runs a root helper on the host with our data.
 * Static check only: this probe never crashes anything. */
#include "probe.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#define ID "KERN-12"
#define GROUP "kernel"

int main(void)
{
    char pattern[256] = "";
    FILE *f = fopen("/proc/sys/kernel/core_pattern", "r");
    int readable = f != NULL;
    if (f) {
        if (!fgets(pattern, sizeof pattern, f))
            pattern[0] = '\0';
        pattern[strcspn(pattern, "\n")] = '\0';
        fclose(f);
    }
    struct rlimit core;
    getrlimit(RLIMIT_CORE, &core);
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    char limits[96];
    snprintf(limits, sizeof limits, "RLIMIT_CORE soft %lld hard %lld, dumpable %d",
             core.rlim_cur == RLIM_INFINITY ? -1LL : (long long)core.rlim_cur,
             core.rlim_max == RLIM_INFINITY ? -1LL : (long long)core.rlim_max, dumpable);
    /* A hard limit of 0 cannot be raised again, and helpers such as apport and
     * systemd-coredump honour it (the kernel itself ignores it for pipes). */
    if (core.rlim_max == 0 || dumpable == 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s; core_pattern %s", limits, readable ? pattern : "unreadable");
    if (!readable)
        probe_verdict(ID, GROUP, PROBE_SKIP, "core_pattern unreadable; %s", limits);
    if (pattern[0] == '|')
        probe_verdict(ID, GROUP, PROBE_EXPOSED, "core_pattern is a pipe (%s); %s", pattern, limits);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "core_pattern '%s' is not a pipe; %s", pattern, limits);
}
