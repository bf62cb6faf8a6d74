/* PID-01: see host tasks. readdir("/proc") and every /proc/PID/cmdline, looking for the
 * sentinel (C-PROC), whose cmdline is "void-canary-sentinel\0NONCE". */
#include "probe_util.h"

#include <ctype.h>
#include <dirent.h>

#define ID "PID-01"
#define GROUP "pid"

static bool is_sentinel(int pid, const char *nonce)
{
    char path[64], cmdline[256];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    ssize_t n = read_text(path, cmdline, sizeof cmdline);
    if (n <= 0 || strcmp(cmdline, "void-canary-sentinel") != 0)
        return false;
    size_t first = strlen(cmdline) + 1;
    return (size_t)n > first && strcmp(cmdline + first, nonce) == 0;
}

int main(int argc, char **argv)
{
    const char *nonce = probe_arg(argc, argv, "nonce");
    if (!nonce || !probe_arg(argc, argv, "sentinel-pid"))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PROC sentinel");
    DIR *d = opendir("/proc");
    if (!d)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "opendir /proc: %s", err_name(errno));
    int tasks = 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        tasks++;
        if (!found && is_sentinel(atoi(e->d_name), nonce))
            found = atoi(e->d_name);
    }
    closedir(d);
    if (found)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "sentinel visible as /proc/%d (%d tasks visible)", found,
                      tasks);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "sentinel not visible; %d tasks visible", tasks);
}
