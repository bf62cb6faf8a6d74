/* KERN-10: race-widening primitives: userfaultfd (full, and user-mode only)
 * and io_uring, natively and, on x86-64, through the i386 ABI (int 0x80), which
 * a seccomp filter that lists only native numbers would miss. Created and
 * closed; nothing registered. */
#include "probe.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
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

#if defined(__x86_64__)
#define I386_IO_URING_SETUP 425

/* i386 syscalls take 32-bit pointers: the parameters live in static (low) memory. */
static struct io_uring_params compat_params;
static sigjmp_buf no_compat;

static void on_fault(int sig)
{
    (void)sig;
    siglongjmp(no_compat, 1);
}

static long int80(long nr, long a, long b)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
    return ret;
}

/* Without IA32 emulation int 0x80 faults: caught, so that nothing crashes. */
static int compat_io_uring(char *note, size_t size)
{
    if ((uintptr_t)&compat_params > UINT32_MAX) {
        snprintf(note, size, "not tried (data above 4 GiB)");
        return 0;
    }
    struct sigaction fault = { .sa_handler = on_fault }, old_segv, old_bus;
    sigaction(SIGSEGV, &fault, &old_segv);
    sigaction(SIGBUS, &fault, &old_bus);
    volatile long fd = -ENOSYS;
    if (sigsetjmp(no_compat, 1) == 0)
        fd = int80(I386_IO_URING_SETUP, 1, (long)&compat_params);
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    snprintf(note, size, "%s", fd >= 0 ? "created" : strerror((int)-fd));
    if (fd >= 0)
        close((int)fd);
    return fd >= 0;
}
#else
static int compat_io_uring(char *note, size_t size)
{
    snprintf(note, size, "no compat ABI here");
    return 0;
}
#endif

int main(void)
{
    int uffd_err, user_err, ring_err;
    int uffd = created(syscall(SYS_userfaultfd, O_CLOEXEC), &uffd_err);
    int user_only = created(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY), &user_err);
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    int ring = created(syscall(SYS_io_uring_setup, 1, &params), &ring_err);
    char compat[64];
    int compat_ring = compat_io_uring(compat, sizeof compat);
    /* user-mode-only uffd cannot stall kernel accesses, the primitive exploits need */
    const char *verdict = uffd || ring || compat_ring ? PROBE_EXPOSED : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "userfaultfd: %s; user-mode only: %s; io_uring_setup: %s; i386 io_uring_setup: %s",
                  uffd ? "created" : strerror(uffd_err), user_only ? "created" : strerror(user_err),
                  ring ? "created" : strerror(ring_err), compat);
}
