/* PID-06 (CVE-2019-5736): the host binary of an in-void helper (pid 1, my parent): open
 * /proc/P/exe with O_PATH, compare its mount with mine, then reopen /proc/self/fd/N with
 * O_WRONLY (no O_TRUNC, nothing written, closed at once). ESCAPED if the write-open succeeds
 * or fails only with ETXTBSY (the permission check passed; writable once P exits);
 * LEAK if a binary from a foreign mount namespace is readable. */
#include "probe_util.h"

#define ID "PID-06"
#define GROUP "pid"

static bool mount_is_mine(int mnt_id)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "re");
    bool mine = false;
    while (f && !mine && fgets(line, sizeof line, f))
        mine = atoi(line) == mnt_id;
    if (f)
        fclose(f);
    return mine;
}

static int fd_mount_id(int fd)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    if (read_text(path, text, sizeof text) <= 0)
        return -1;
    const char *m = strstr(text, "mnt_id:");
    return m ? atoi(m + 7) : -1;
}

enum exe_result { EXE_NONE, EXE_READABLE_FOREIGN, EXE_WRITABLE };

static enum exe_result try_exe(pid_t p, struct detail *d)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)p);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        detail_add(d, "pid %d exe: %s", (int)p, err_name(errno));
        return EXE_NONE;
    }
    int mnt = fd_mount_id(fd);
    bool foreign = mnt >= 0 && !mount_is_mine(mnt);
    char self_fd[64];
    snprintf(self_fd, sizeof self_fd, "/proc/self/fd/%d", fd);
    int rd = open(self_fd, O_RDONLY | O_CLOEXEC);
    int wr = open(self_fd, O_WRONLY | O_CLOEXEC);
    int we = errno;
    detail_add(d, "pid %d exe: mnt %d%s, read %s, write-open %s", (int)p, mnt, foreign ? " (foreign)" : "",
               rd >= 0 ? "ok" : "refused", wr >= 0 ? "ok" : err_name(we));
    if (rd >= 0)
        close(rd);
    if (wr >= 0)
        close(wr);
    close(fd);
    if (wr >= 0 || we == ETXTBSY)
        return EXE_WRITABLE;
    return foreign && rd >= 0 ? EXE_READABLE_FOREIGN : EXE_NONE;
}

int main(void)
{
    struct detail d = { .len = 0 };
    enum exe_result worst = EXE_NONE;
    pid_t candidates[2] = { 1, getppid() };
    for (int i = 0; i < 2; i++) {
        if (candidates[i] == getpid() || (i == 1 && candidates[1] == candidates[0]))
            continue;
        if (candidates[i] <= 0)
            continue;
        enum exe_result r = try_exe(candidates[i], &d);
        worst = r > worst ? r : worst;
    }
    if (!d.len)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "I am pid 1 and have no parent in my pid namespace");
    probe_verdict(ID, GROUP, worst == EXE_WRITABLE ? PROBE_ESCAPED : worst == EXE_READABLE_FOREIGN ? PROBE_LEAK : PROBE_CONTAINED,
                  "%s", d.text);
}
