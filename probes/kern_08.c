/* KERN-08: perf events. Counting this process only is surface (X); counting a
 * whole CPU for every process is host-wide observation (E). Closed at once. */
#include "probe.h"

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-08"
#define GROUP "kernel"

static int opens(pid_t pid, int cpu, int *err)
{
    struct perf_event_attr attr = {
        .type = PERF_TYPE_SOFTWARE, .size = sizeof attr, .config = PERF_COUNT_SW_CPU_CLOCK,
        .disabled = 1, .exclude_kernel = 1, .exclude_hv = 1,
    };
    long fd = syscall(SYS_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    *err = fd < 0 ? errno : 0;
    if (fd >= 0)
        close((int)fd);
    return fd >= 0;
}

static int paranoid_level(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int level = -100;
    if (f) {
        if (fscanf(f, "%d", &level) != 1)
            level = -100;
        fclose(f);
    }
    return level;
}

int main(void)
{
    int self_err, cpu_err;
    int self = opens(0, -1, &self_err);
    int system_wide = opens(-1, 0, &cpu_err);
    int paranoid = paranoid_level();
    if (!self && !system_wide && self_err == ENOSYS)
        probe_verdict(ID, GROUP, PROBE_SKIP, "perf_event_open: ENOSYS");
    const char *self_note = self ? "opened" : strerror(self_err);
    const char *cpu_note = system_wide ? "opened" : strerror(cpu_err);
    const char *verdict = system_wide ? PROBE_ESCAPED : self ? PROBE_EXPOSED : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "self: %s; system-wide cpu 0: %s; perf_event_paranoid %d (-100 = unreadable)", self_note, cpu_note,
                  paranoid);
}
