/* INFO-02: host identity and load through procfs globals: boot_id against C-HOST (LEAK
 * if equal); the other global /proc files that are readable are listed (LEAK). uname()'s
 * release and version are the host kernel's in every sandbox: always a LEAK, which the
 * harness lists as accepted when it is the only one. */
#include "probe_util.h"

#include <sys/utsname.h>

#define ID "INFO-02"
#define GROUP "info"

int main(int argc, char **argv)
{
    const char *host = probe_arg(argc, argv, "host-boot-id");
    const char *files[] = { "version", "cmdline", "cpuinfo", "meminfo", "stat", "loadavg", "partitions",
                            "diskstats", "swaps", "interrupts", "modules", "kallsyms", "keys", "timer_list",
                            "sched_debug" };
    struct detail readable = { .len = 0 };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[64], buf[64];
        snprintf(path, sizeof path, "/proc/%s", files[i]);
        if (read_text(path, buf, sizeof buf) > 0)
            detail_add(&readable, "%s", files[i]);
    }
    char boot_id[64];
    ssize_t n = read_text("/proc/sys/kernel/random/boot_id", boot_id, sizeof boot_id);
    boot_id[strcspn(boot_id, "\n")] = '\0';
    if (!host)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST boot_id");
    struct utsname u;
    uname(&u);
    probe_verdict(ID, GROUP, PROBE_LEAK, "boot_id %s; readable globals: %s; uname release %.64s (the host kernel's)",
                  n <= 0 ? err_name((int)-n) : strcmp(boot_id, host) == 0 ? "is the host's" : "differs",
                  readable.len ? readable.text : "none", u.release);
}
