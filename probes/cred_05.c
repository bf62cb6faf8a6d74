/* CRED-05: host supplementary groups still apply inside a user namespace, where
 * they show as the overflow gid. Read the C-GRP 0640 file through group G. */
#include "probe.h"

#include <fcntl.h>
#include <unistd.h>

#define ID "CRED-05"
#define GROUP "cred"

static void groups_line(char *out, size_t size)
{
    snprintf(out, size, "?");
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Groups:", 7) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, size, "%s", line + 7 + strspn(line + 7, " \t"));
        }
    fclose(f);
}

int main(int argc, char **argv)
{
    char groups[256];
    groups_line(groups, sizeof groups);
    const char *path = probe_arg(argc, argv, "grp-file-pos");
    if (!path)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-GRP canary (--grp-file-pos absent); Groups: %s", groups);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        probe_verdict(ID, GROUP, PROBE_LEAK, "%s readable through a host group; Groups: %s", path, groups);
    }
    if (errno != EACCES)
        probe_verdict(ID, GROUP, PROBE_SKIP, "C-GRP file not visible here: open %s: %s; Groups: %s", path,
                      strerror(errno), groups);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "open %s: %s; Groups: %s", path, strerror(errno), groups);
}
