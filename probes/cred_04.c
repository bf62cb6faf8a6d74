/* CRED-04 (CVE-2014-8989): drop supplementary groups to get past a negative
 * group permission (C-GRP file, mode 0604, group G of the caller). */
#include "probe.h"

#include <fcntl.h>
#include <grp.h>
#include <unistd.h>

#define ID "CRED-04"
#define GROUP "cred"

static int readable(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = probe_arg(argc, argv, "grp-file-neg");
    if (!path)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-GRP canary (--grp-file-neg absent)");
    if (readable(path))
        probe_verdict(ID, GROUP, PROBE_SKIP, "%s readable before dropping groups (DAC override, or group G not held)", path);
    int denied_errno = errno;
    if (denied_errno != EACCES)
        probe_verdict(ID, GROUP, PROBE_SKIP, "C-GRP file not usable here: open %s: %s", path, strerror(denied_errno));
    if (setgroups(0, NULL) < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "open: %s; setgroups(0): %s", strerror(denied_errno), strerror(errno));
    if (readable(path))
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "setgroups(0) worked and %s opened", path);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "setgroups(0) worked, open still: %s", strerror(errno));
}
