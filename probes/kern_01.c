/* KERN-01: load or unload a kernel module. Arguments are invalid so that only
 * the order of checks speaks: EPERM means the capability check failed, EBADF or
 * ENOENT means it passed (and nothing was loaded or removed). */
#include "probe.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-01"
#define GROUP "kernel"

int main(void)
{
    long load = syscall(SYS_finit_module, -1, "", 0);
    int load_errno = load < 0 ? errno : 0;
    long unload = syscall(SYS_delete_module, "vp_none", O_NONBLOCK);
    int unload_errno = unload < 0 ? errno : 0;
    if (load_errno == ENOSYS && unload_errno == ENOSYS)
        probe_verdict(ID, GROUP, PROBE_SKIP, "finit_module and delete_module: ENOSYS (no module support)");
    if (load_errno == EBADF || unload_errno == ENOENT)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "capability check passed: finit_module(-1): %s, delete_module(vp_none): %s",
                      strerror(load_errno), strerror(unload_errno));
    if (load_errno == EPERM && unload_errno == EPERM)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "finit_module and delete_module: EPERM");
    probe_verdict(ID, GROUP, PROBE_ERROR, "unexpected: finit_module(-1): %s, delete_module(vp_none): %s",
                  strerror(load_errno), strerror(unload_errno));
}
