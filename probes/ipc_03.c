/* IPC-03: POSIX shm lives in /dev/shm, a filesystem that the ipc namespace does
 * not cover: find the harness's C-PSHM object. */
#include "probe.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID "IPC-03"
#define GROUP "ipc"

int main(int argc, char **argv)
{
    const char *name = probe_arg(argc, argv, "pshm");
    if (!name)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PSHM canary (--pshm absent)");
    const char *bare = name + (name[0] == '/');
    char slashed[256], path[300];
    snprintf(slashed, sizeof slashed, "/%s", bare);
    snprintf(path, sizeof path, "/dev/shm/%s", bare);
    int fd = shm_open(slashed, O_RDONLY, 0);
    if (fd >= 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "shm_open(%s) succeeded", slashed);
    const char *open_error = strerror(errno);
    struct stat st;
    if (stat(path, &st) == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s exists (uid %u), shm_open: %s", path,
                      (unsigned)st.st_uid, open_error);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "shm_open: %s; stat %s: %s", open_error, path,
                  strerror(errno));
}
