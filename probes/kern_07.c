/* KERN-07: the kernel log. klogctl(READ_ALL) with a NULL buffer fails with EINVAL
 * only after the permission check passed, so nothing is read either way. */
#include "probe.h"

#include <fcntl.h>
#include <sys/klog.h>
#include <unistd.h>

#define ID "KERN-07"
#define GROUP "kernel"
#define SYSLOG_ACTION_READ_ALL 3

int main(void)
{
    int rc = klogctl(SYSLOG_ACTION_READ_ALL, NULL, 0);
    int err = rc < 0 ? errno : 0;
    const char *kmsg = faccessat(AT_FDCWD, "/dev/kmsg", R_OK, AT_EACCESS) == 0 ? "R_OK" : strerror(errno);
    if (err == EINVAL)
        probe_verdict(ID, GROUP, PROBE_LEAK, "klogctl(READ_ALL): permission passed (EINVAL); /dev/kmsg: %s", kmsg);
    if (err == EPERM)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "klogctl(READ_ALL): EPERM; /dev/kmsg: %s", kmsg);
    if (err == ENOSYS)
        probe_verdict(ID, GROUP, PROBE_SKIP, "klogctl: ENOSYS");
    probe_verdict(ID, GROUP, PROBE_ERROR, "klogctl(READ_ALL, NULL, 0): rc %d, %s", rc, strerror(err));
}
