/* KERN-04 (CVE-2022-0492): hijack a cgroup v1 release_agent. In a forked child
 * with its own user, cgroup and mount namespaces, mount a v1 hierarchy, read
 * release_agent and write back the same value: a successful write changes nothing. */
#include "probe.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ID "KERN-04"
#define GROUP "kernel"

enum outcome { ACCEPTED, REFUSED, NO_V1, SETUP_FAILED, OUTCOMES };

struct report { enum outcome outcome; int err; char hierarchy[160]; };

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Maps our own ids, so that files can be created (an unmapped fsuid gives EOVERFLOW). */
static int map_self(uid_t uid, gid_t gid)
{
    char map[64];
    snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
    if (write_text("/proc/self/uid_map", map) < 0 || write_text("/proc/self/setgroups", "deny") < 0)
        return -1;
    snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
    return write_text("/proc/self/gid_map", map);
}

static int mount_scratch(char *dir, size_t size)
{
    static const char *const candidates[] = { "/tmp", "/mnt", "/dev", "/run", "/proc", NULL };
    struct stat st;
    for (int i = 0; candidates[i]; i++)
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode) &&
            mount("none", candidates[i], "tmpfs", 0, "size=64k") == 0) {
            snprintf(dir, size, "%s/cg", candidates[i]);
            return mkdir(dir, 0700);
        }
    return -1;
}

static int try_mount(const char *dir, const char *options, char *chosen, size_t size)
{
    if (mount("cgroup", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, options) < 0)
        return -1;
    snprintf(chosen, size, "%s", options);
    return 0;
}

/* The v1 hierarchies this process sits in ("4:memory:/x" -> "memory", "name=systemd" -> "none,name=systemd"). */
static int try_host_hierarchies(const char *dir, char *chosen, size_t size)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return -1;
    char line[512], options[128];
    int rc = -1;
    while (rc < 0 && fgets(line, sizeof line, f)) {
        char *first = strchr(line, ':'), *second = first ? strchr(first + 1, ':') : NULL;
        if (!first || !second || second == first + 1)
            continue;
        *second = '\0';
        snprintf(options, sizeof options, "%s%s", strncmp(first + 1, "name=", 5) ? "" : "none,", first + 1);
        rc = try_mount(dir, options, chosen, size);
    }
    fclose(f);
    return rc;
}

/* Mounts the first v1 hierarchy that this namespace may mount: a new one
 * (rdma, misc, a named one) or one the host already uses. */
static int mount_v1(const char *dir, char *chosen, size_t size)
{
    char named[64];
    snprintf(named, sizeof named, "none,name=vp_%d", (int)getpid());
    const char *const options[] = { "rdma", "misc", named, NULL };
    int err = ENODEV;
    for (int i = 0; options[i]; i++) {
        if (try_mount(dir, options[i], chosen, size) == 0)
            return 0;
        if (errno != EINVAL || err == ENODEV)
            err = errno;
    }
    if (try_host_hierarchies(dir, chosen, size) == 0)
        return 0;
    errno = err;
    return -1;
}

static struct report write_back_release_agent(const char *dir, struct report r)
{
    char path[128], value[4096];
    snprintf(path, sizeof path, "%s/release_agent", dir);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return (struct report){ errno == EACCES || errno == EPERM ? REFUSED : SETUP_FAILED, errno, "" };
    ssize_t n = read(fd, value, sizeof value - 1);
    value[n > 0 ? n : 0] = '\0';
    if (!strchr(value, '\n'))
        strcat(value, "\n"); /* the kernel strips it again: the same value */
    r.outcome = pwrite(fd, value, strlen(value), 0) >= 0 ? ACCEPTED : REFUSED;
    r.err = r.outcome == REFUSED ? errno : 0;
    close(fd);
    return r;
}

static struct report attempt(void)
{
    struct report r = { SETUP_FAILED, 0, "" };
    char dir[64];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) < 0 || map_self(uid, gid) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mount_scratch(dir, sizeof dir) < 0) {
        r.err = errno;
        return r;
    }
    if (mount_v1(dir, r.hierarchy, sizeof r.hierarchy) < 0) {
        r.err = errno;
        r.outcome = errno == ENODEV || errno == EINVAL ? NO_V1 : errno == EPERM ? REFUSED : SETUP_FAILED;
        return r;
    }
    r = write_back_release_agent(dir, r);
    umount2(dir, MNT_DETACH);
    return r;
}

int main(void)
{
    int fds[2];
    if (pipe(fds) < 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        alarm(5);
        struct report r = attempt();
        _exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
    }
    close(fds[1]);
    struct report r;
    int status;
    ssize_t got = read(fds[0], &r, sizeof r);
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || got != sizeof r)
        probe_verdict(ID, GROUP, PROBE_ERROR, "child did not report");
    r.hierarchy[sizeof r.hierarchy - 1] = '\0';
    if (r.outcome == ACCEPTED)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "release_agent write accepted on v1 hierarchy %s", r.hierarchy);
    if (r.outcome == REFUSED)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s%s: %s", r.hierarchy[0] ? "release_agent write on " : "v1 mount",
                      r.hierarchy, strerror(r.err));
    if (r.outcome == NO_V1)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no mountable cgroup v1 hierarchy: %s", strerror(r.err));
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "nested user+cgroup+mount namespace refused: %s", strerror(r.err));
}
