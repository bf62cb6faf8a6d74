/* PID-04: attach to or read the sentinel: PTRACE_SEIZE (in a child, which detaches by
 * exiting) and process_vm_readv() of the nonce buffer at the address C-PROC reports.
 * ESCAPED only if the bytes read are the nonce. */
#include "probe_util.h"

#include <sys/ptrace.h>
#include <sys/uio.h>

#define ID "PID-04"
#define GROUP "pid"

static int seize_child(void *arg, char *text, size_t size)
{
    pid_t p = *(pid_t *)arg;
    if (ptrace(PTRACE_SEIZE, p, NULL, NULL) == 0) {
        snprintf(text, size, "PTRACE_SEIZE ok");
        return 1;    /* detached when this child exits */
    }
    snprintf(text, size, "PTRACE_SEIZE %s", err_name(errno));
    return 0;
}

int main(int argc, char **argv)
{
    const char *pid_arg = probe_arg(argc, argv, "sentinel-pid");
    const char *addr_arg = probe_arg(argc, argv, "sentinel-nonce-addr");
    const char *nonce = probe_arg(argc, argv, "nonce");
    if (!pid_arg || !addr_arg || !nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PROC sentinel");
    pid_t p = (pid_t)atoi(pid_arg);
    struct child_result seized = run_in_child(CHILD_PLAIN, seize_child, &p, 5);
    char buf[128] = "";
    struct iovec local = { .iov_base = buf, .iov_len = strlen(nonce) };
    struct iovec remote = { .iov_base = (void *)strtoul(addr_arg, NULL, 16), .iov_len = strlen(nonce) };
    ssize_t n = process_vm_readv(p, &local, 1, &remote, 1, 0);
    int e = errno;
    if (n == (ssize_t)strlen(nonce) && memcmp(buf, nonce, (size_t)n) == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "process_vm_readv read the sentinel's nonce; %s", seized.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "process_vm_readv(%d): %s; %s", (int)p,
                  n < 0 ? err_name(e) : "other bytes", seized.text);
}
