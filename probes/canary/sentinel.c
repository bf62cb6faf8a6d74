/* C-PROC: a sentinel process with the void's host uid. It is the helper binary re-executed as
 * "void-canary-sentinel NONCE" (so the nonce is in its cmdline), holds the nonce in a
 * buffer whose address it reports, and reports every SIGURG with its si_pid on a pipe. */
#include "canary.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define CTL_FD 3
#define REPORT_FD 4

static char sentinel_nonce[128];

static size_t append_number(char *buf, size_t len, long v)
{
    char digits[24];
    int n = 0;
    bool negative = v < 0;
    unsigned long u = negative ? (unsigned long)-v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (negative)
        buf[len++] = '-';
    while (n)
        buf[len++] = digits[--n];
    return len;
}

/* Async-signal-safe: "sig N pid P code C\n". */
static void on_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    int saved = errno;
    char line[96];
    size_t len = 0;
    memcpy(line, "sig ", 4), len = 4;
    len = append_number(line, len, sig);
    memcpy(line + len, " pid ", 5), len += 5;
    len = append_number(line, len, info->si_pid);
    memcpy(line + len, " code ", 6), len += 6;
    len = append_number(line, len, info->si_code);
    line[len++] = '\n';
    if (write(REPORT_FD, line, len) < 0)
        _exit(1);
    errno = saved;
}

int sentinel_main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);   /* EINVAL without Yama: fine */
    snprintf(sentinel_nonce, sizeof sentinel_nonce, "%s", argv[1]);
    struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGURG, &sa, NULL);
    dprintf(REPORT_FD, "addr %lx\n", (unsigned long)sentinel_nonce);
    char c;
    for (;;) {
        ssize_t n = read(CTL_FD, &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR))
            return 0;
        if (n == 1 && write(REPORT_FD, "sync\n", 5) < 0)
            return 1;
    }
}

static int read_report_line(int fd, char *line, size_t size, int timeout_ms)
{
    size_t len = 0;
    while (len + 1 < size) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, timeout_ms) <= 0)
            return -1;
        if (read(fd, line + len, 1) != 1)
            return -1;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    return 0;
}

int sentinel_start(struct canaries *c, const char *self_exe)
{
    int ctl[2], report[2];
    if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (dup2(ctl[0], CTL_FD) < 0 || dup2(report[1], REPORT_FD) < 0)
            _exit(126);
        char *args[] = { "void-canary-sentinel", c->nonce, NULL };
        execv(self_exe, args);
        _exit(127);
    }
    close(ctl[0]);
    close(report[1]);
    c->sentinel = pid;
    c->sentinel_ctl = ctl[1];
    c->sentinel_report = report[0];
    char line[128];
    if (read_report_line(c->sentinel_report, line, sizeof line, 5000) < 0 ||
        sscanf(line, "addr %lx", &c->sentinel_addr) != 1)
        return -1;
    return 0;
}

void sentinel_sync(struct canaries *c, struct evidence *ev)
{
    if (c->sentinel <= 0 || write(c->sentinel_ctl, "s", 1) != 1) {
        evidence_add(ev, "warning: sentinel unreachable");
        return;
    }
    char line[128];
    while (read_report_line(c->sentinel_report, line, sizeof line, 2000) == 0) {
        if (strcmp(line, "sync") == 0)
            return;
        int sig = 0, pid = 0, code = 0;
        if (sscanf(line, "sig %d pid %d code %d", &sig, &pid, &code) == 3)
            evidence_add(ev, "sentinel received signal %d from pid %d (si_code %d)", sig, pid, code);
    }
    evidence_add(ev, "warning: sentinel did not answer");
}
