/* void-syscalls: tries each attack-surface call the shim's seccomp filter removes, with
 * arguments that change nothing, and prints {"name": errno, ...} (0 when it worked).
 * Static: it runs in voids with no libraries. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int attempt(long nr, long a, long b, long c)
{
    errno = 0;
    long r = syscall(nr, a, b, c, 0, 0);
    if (r >= 0) {
        close((int)r);
        return 0;
    }
    return errno;
}

int main(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.exclude_kernel = attr.exclude_hv = 1;
    unsigned char params[120] = {0};   /* struct io_uring_params, zeroed */
    printf("{\"io_uring_setup\": %d, \"perf_event_open\": %d, \"userfaultfd\": %d, "
           "\"keyctl\": %d, \"getppid\": %d}\n",
           attempt(SYS_io_uring_setup, 1, (long)params, 0),
           attempt(SYS_perf_event_open, (long)&attr, 0, -1),
           attempt(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */, 0, 0),
           attempt(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0),
           attempt(SYS_getppid, 0, 0, 0));
    return 0;
}
