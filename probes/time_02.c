/* TIME-02: uptime that slips past a time namespace: /proc/uptime (both fields),
 * /proc/self/sched se.exec_start, /proc/stat btime, /proc/self/stat starttime; the
 * readability of /proc/schedstat and /proc/pressure/ for the detail. LEAK if any value
 * implies the host's uptime: within 5 s of it, or beyond what my own clock allows. */
#include "probe_util.h"

#include <time.h>

#define ID "TIME-02"
#define GROUP "time"

struct clocks {
    double host, own;      /* host boottime (C-HOST) and my CLOCK_BOOTTIME, seconds */
    int cpus;
    struct detail leaks, seen;
};

static double now(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* value: an uptime (or a lower bound on it) in seconds that this source implies. */
static void judge(struct clocks *c, const char *source, double value, bool lower_bound)
{
    bool near_host = !lower_bound && value > c->host - 5.0 && value < c->host + 5.0;
    bool beyond_own = value > c->own + 2.0;
    detail_add(&c->seen, "%s %.1f", source, value);
    if (near_host || beyond_own)
        detail_add(&c->leaks, "%s implies %.1f s (own clock %.1f, host %.1f)", source, value, c->own, c->host);
}

static void from_uptime(struct clocks *c)
{
    char text[128];
    double up, idle;
    if (read_text("/proc/uptime", text, sizeof text) > 0 && sscanf(text, "%lf %lf", &up, &idle) == 2) {
        judge(c, "/proc/uptime", up, false);
        judge(c, "/proc/uptime idle/cpus", idle / c->cpus, true);
    }
}

static void from_sched(struct clocks *c)
{
    static char text[8192];
    if (read_text("/proc/self/sched", text, sizeof text) <= 0)
        return;
    const char *p = strstr(text, "se.exec_start");
    const char *colon = p ? strchr(p, ':') : NULL;
    if (colon)
        judge(c, "se.exec_start", strtod(colon + 1, NULL) / 1000.0, false);
}

static void from_stat(struct clocks *c)
{
    static char text[65536];
    if (read_text("/proc/stat", text, sizeof text) <= 0)
        return;
    const char *p = strstr(text, "\nbtime ");
    if (p)
        judge(c, "/proc/stat btime", now(CLOCK_REALTIME) - strtod(p + 7, NULL), false);
}

static void from_self_stat(struct clocks *c)
{
    char text[1024];
    if (read_text("/proc/self/stat", text, sizeof text) <= 0)
        return;
    const char *p = strrchr(text, ')');
    unsigned long long start = 0;
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (p && sscanf(p + 1, "%llu", &start) == 1)
        judge(c, "starttime", (double)start / (double)sysconf(_SC_CLK_TCK), false);
}

int main(int argc, char **argv)
{
    const char *arg = probe_arg(argc, argv, "host-boottime");
    if (!arg)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST boottime");
    cpu_set_t set;
    int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    struct clocks c = { .host = strtod(arg, NULL), .own = now(CLOCK_BOOTTIME), .cpus = cpus > 0 ? cpus : 1,
                        .leaks = { .len = 0 }, .seen = { .len = 0 } };
    from_uptime(&c);
    from_sched(&c);
    from_stat(&c);
    from_self_stat(&c);
    char probe[32];
    detail_add(&c.seen, "schedstat %s, pressure %s", read_text("/proc/schedstat", probe, sizeof probe) > 0 ? "readable" : "hidden",
               read_text("/proc/pressure/cpu", probe, sizeof probe) > 0 ? "readable" : "hidden");
    if (c.leaks.len)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%s | seen: %s", c.leaks.text, c.seen.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "own clock %.1f s, host %.1f s; seen: %s", c.own, c.host, c.seen.text);
}
