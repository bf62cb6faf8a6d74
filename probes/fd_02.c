/* FD-02 (CVE-2024-21626): a cwd left outside the root. The raw getcwd syscall
 * says "(unreachable)" for such a cwd; ".." from it is not stopped by our root. */
#include "probe.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "FD-02"
#define GROUP "tty-fd"
#define CLIMB 40

static int holds_nonce(int fd, const char *nonce)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strstr(buf, nonce) != NULL;
}

static int reaches_file(const char *file, const char *nonce)
{
    char path[4096] = "";
    for (int i = 0; i < CLIMB; i++)
        strcat(path, "../");
    strncat(path, file + strspn(file, "/"), sizeof path - strlen(path) - 1);
    int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int found = holds_nonce(fd, nonce);
    close(fd);
    return found;
}

int main(int argc, char **argv)
{
    char cwd[4096];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0)
        snprintf(cwd, sizeof cwd, "getcwd: %s", strerror(errno));
    if (strncmp(cwd, "(unreachable)", 13) == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "cwd is outside the root: %.200s", cwd);
    const char *file = probe_arg(argc, argv, "file");
    const char *nonce = probe_arg(argc, argv, "file-nonce");
    if (file && nonce && reaches_file(file, nonce))
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "C-FILE read through ../ from cwd %.200s", cwd);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "cwd %.200s; C-FILE %s", cwd,
                  file && nonce ? "not reachable through ../" : "not given (--file/--file-nonce absent)");
}
