/* KERN-10: race-widening primitives: userfaultfd (full, and user-mode only)
 * and io_uring. Created and closed; nothing registered. */
#include "probe.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-10"
#define GROUP "kernel"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static int created(long fd, int *err)
{
    *err = fd < 0 ? errno : 0;
    if (fd >= 0)
        close((int)fd);
    return fd >= 0;
}

int main(void)
{
    int uffd_err, user_err, ring_err;
    int uffd = created(syscall(SYS_userfaultfd, O_CLOEXEC), &uffd_err);
    int user_only = created(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY), &user_err);
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    int ring = created(syscall(SYS_io_uring_setup, 1, &params), &ring_err);
    /* user-mode-only uffd cannot stall kernel accesses, the primitive exploits need */
    const char *verdict = uffd || ring ? PROBE_EXPOSED : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "userfaultfd: %s; user-mode only: %s; io_uring_setup: %s",
                  uffd ? "created" : strerror(uffd_err), user_only ? "created" : strerror(user_err),
                  ring ? "created" : strerror(ring_err));
}
