/* void-inspect: runs inside a void and prints one JSON object describing what it sees.
 *
 *   void-inspect [-o FD] [-k KEY_SERIAL] [-p PATH]...
 *
 *   -o FD          write the JSON object to FD instead of stdout (so a test can keep
 *                  stdout at /dev/null and still read the report through a --fd pipe)
 *   -k SERIAL      try KEYCTL_READ on that key serial and report the result
 *   -p PATH        report whether PATH exists (lstat); repeatable
 *   -l DIR         list the entries of DIR (without . and ..); repeatable
 *
 * Everything else is always reported: ids, id maps, namespaces, pid/sid, capabilities,
 * no_new_privs, uname, network interfaces, open fds, clocks, RLIMIT_CORE, environment,
 * whether a nested user namespace can be created, mountinfo, and whether / is writable.
 * Fields that need /proc are null when /proc is not mounted. Statically linked: it runs
 * in voids that have no libraries. Exits 0 unless it could not write its report. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <dirent.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#endif
#define KEYCTL_READ_OP 11
#define KEYCTL_GET_KEYRING_ID_OP 0
#define KEY_SPEC_SESSION_KEYRING_ID (-3)

extern char **environ;

#define MAX_PATHS 64

static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20 || *p >= 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void json_key(FILE *out, const char *key)
{
    fputs(",\n", out);
    json_str(out, key);
    fputs(": ", out);
}

/* Reads a whole (small) file into a malloc'd NUL-terminated buffer, or NULL. */
static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (len + 1 >= cap) {
            char *nbuf = realloc(buf, cap *= 2);
            if (!nbuf) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nbuf;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static void print_file(FILE *out, const char *key, const char *path)
{
    char *s = read_file(path);
    json_key(out, key);
    json_str(out, s);
    free(s);
}

static void print_lines(FILE *out, const char *key, const char *path)
{
    char *s = read_file(path);
    json_key(out, key);
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('[', out);
    int first = 1;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        if (!first)
            fputs(", ", out);
        first = 0;
        json_str(out, line);
    }
    fputc(']', out);
    free(s);
}

static void print_namespaces(FILE *out)
{
    static const char *const names[] = {"user", "mnt", "pid", "net", "ipc",
                                        "uts", "cgroup", "time"};
    json_key(out, "ns");
    struct stat st;
    if (stat("/proc/self/ns", &st) < 0) {
        fputs("null", out);
        return;
    }
    fputc('{', out);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
        fprintf(out, "%s\"%s\": ", i ? ", " : "", names[i]);
        if (stat(path, &st) < 0)
            fprintf(out, "{\"errno\": %d}", errno);
        else
            fprintf(out, "{\"dev\": %llu, \"ino\": %llu}", (unsigned long long)st.st_dev,
                    (unsigned long long)st.st_ino);
    }
    fputc('}', out);
}

static void print_caps(FILE *out)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    json_key(out, "caps");
    if (syscall(SYS_capget, &hdr, data) < 0) {
        fprintf(out, "{\"errno\": %d}", errno);
        return;
    }
    uint64_t eff = (uint64_t)data[1].effective << 32 | data[0].effective;
    uint64_t prm = (uint64_t)data[1].permitted << 32 | data[0].permitted;
    uint64_t inh = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
    uint64_t bnd = 0, amb = 0;
    int last = -1;
    for (int cap = 0; cap < 64; cap++) {
        int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0UL, 0UL, 0UL);
        if (r < 0)
            break;
        last = cap;
        if (r == 1)
            bnd |= (uint64_t)1 << cap;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)cap, 0UL, 0UL) == 1)
            amb |= (uint64_t)1 << cap;
    }
    fprintf(out,
            "{\"effective\": %llu, \"permitted\": %llu, \"inheritable\": %llu, "
            "\"bounding\": %llu, \"ambient\": %llu, \"last_cap\": %d}",
            (unsigned long long)eff, (unsigned long long)prm, (unsigned long long)inh,
            (unsigned long long)bnd, (unsigned long long)amb, last);
}

static void print_interfaces(FILE *out)
{
    json_key(out, "interfaces");
    struct if_nameindex *ifs = if_nameindex();
    if (!ifs) {
        fprintf(out, "{\"errno\": %d}", errno);
        return;
    }
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    fputc('[', out);
    for (struct if_nameindex *i = ifs; i->if_index; i++) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
        int flags = -1;
        if (sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0)
            flags = ifr.ifr_flags;
        fprintf(out, "%s{\"name\": ", i == ifs ? "" : ", ");
        json_str(out, i->if_name);
        fprintf(out, ", \"index\": %u, \"flags\": %d, \"up\": %s}", i->if_index, flags,
                flags >= 0 && (flags & IFF_UP) ? "true" : "false");
    }
    fputc(']', out);
    if (sock >= 0)
        close(sock);
    if_freenameindex(ifs);
}

static const char *file_type(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "reg";
    case S_IFDIR: return "dir";
    case S_IFCHR: return "chr";
    case S_IFBLK: return "blk";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "sock";
    case S_IFLNK: return "lnk";
    }
    return "unknown";
}

/* Probes fds 0..1023 without /proc (the -o fd is listed too). */
static void print_fds(FILE *out)
{
    json_key(out, "fds");
    fputc('[', out);
    int first = 1;
    for (int fd = 0; fd < 1024; fd++) {
        if (fcntl(fd, F_GETFD) < 0)
            continue;
        struct stat st;
        fprintf(out, "%s{\"fd\": %d", first ? "" : ", ", fd);
        first = 0;
        if (fstat(fd, &st) == 0)
            fprintf(out, ", \"type\": \"%s\", \"rdev\": \"%u:%u\", \"dev\": %llu, \"ino\": %llu",
                    file_type(st.st_mode), major(st.st_rdev), minor(st.st_rdev),
                    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
        fputc('}', out);
    }
    fputc(']', out);
}

static long long clock_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) < 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long rlim_value(rlim_t v)
{
    return v == RLIM_INFINITY ? -1 : (long long)v;
}

static void print_nested_userns(FILE *out)
{
    json_key(out, "nested_userns");
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(out, "{\"fork_errno\": %d}", errno);
        return;
    }
    if (pid == 0)
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno & 0xff ? errno & 0xff : 255));
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    fprintf(out, "{\"ok\": %s, \"errno\": %d}", code == 0 ? "true" : "false", code);
}

static void print_key(FILE *out, const char *serial_text)
{
    json_key(out, "key");
    if (!serial_text) {
        fputs("null", out);
        return;
    }
    long serial = strtol(serial_text, NULL, 10);
    char buf[4096];
    long n = syscall(SYS_keyctl, KEYCTL_READ_OP, serial, buf, (unsigned long)sizeof buf - 1, 0);
    if (n < 0) {
        fprintf(out, "{\"serial\": %ld, \"ok\": false, \"errno\": %d}", serial, errno);
        return;
    }
    if (n > (long)sizeof buf - 1)
        n = (long)sizeof buf - 1;
    buf[n] = '\0';
    fprintf(out, "{\"serial\": %ld, \"ok\": true, \"errno\": 0, \"data\": ", serial);
    json_str(out, buf);
    fputc('}', out);
}

static void print_listing(FILE *out, const char *path)
{
    json_str(out, path);
    fputs(": ", out);
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(out, "{\"errno\": %d}", errno);
        return;
    }
    fputc('[', out);
    int first = 1;
    for (struct dirent *e; (e = readdir(dir));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!first)
            fputs(", ", out);
        first = 0;
        json_str(out, e->d_name);
    }
    fputc(']', out);
    closedir(dir);
}

static void print_root_writable(FILE *out)
{
    json_key(out, "root_writable");
    char path[64];
    snprintf(path, sizeof path, "/.void-inspect-%d", (int)getpid());
    if (mkdir(path, 0700) == 0) {
        rmdir(path);
        fputs("{\"ok\": true, \"errno\": 0}", out);
    } else {
        fprintf(out, "{\"ok\": false, \"errno\": %d}", errno);
    }
}

static void print_tty_nr(FILE *out)
{
    json_key(out, "tty_nr");
    char *stat = read_file("/proc/self/stat");
    char *p = stat ? strrchr(stat, ')') : NULL;
    int ppid, pgrp, session, tty;
    char state;
    if (p && sscanf(p + 1, " %c %d %d %d %d", &state, &ppid, &pgrp, &session, &tty) == 5)
        fprintf(out, "%d", tty);
    else
        fputs("null", out);
    free(stat);
}

int main(int argc, char **argv)
{
    int out_fd = 1;
    const char *key = NULL;
    const char *paths[MAX_PATHS], *dirs[MAX_PATHS];
    int n_paths = 0, n_dirs = 0;
    int opt;
    while ((opt = getopt(argc, argv, "+o:k:p:l:")) != -1) {
        switch (opt) {
        case 'o': out_fd = atoi(optarg); break;
        case 'k': key = optarg; break;
        case 'p':
            if (n_paths < MAX_PATHS)
                paths[n_paths++] = optarg;
            break;
        case 'l':
            if (n_dirs < MAX_PATHS)
                dirs[n_dirs++] = optarg;
            break;
        default:
            fprintf(stderr, "usage: void-inspect [-o FD] [-k SERIAL] [-p PATH]... "
                    "[-l DIR]...\n");
            return 2;
        }
    }

    /* Everything that probes fds runs before the report stream is opened. */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return 1;

    fprintf(out, "{\"checker\": \"void-inspect\"");
    json_key(out, "argv");
    fputc('[', out);
    for (int i = 0; i < argc; i++) {
        if (i)
            fputs(", ", out);
        json_str(out, argv[i]);
    }
    fputc(']', out);

    gid_t groups[256];
    int n_groups = getgroups(256, groups);
    fprintf(out, ",\n\"uid\": %d, \"euid\": %d, \"gid\": %d, \"egid\": %d", (int)getuid(),
            (int)geteuid(), (int)getgid(), (int)getegid());
    json_key(out, "groups");
    fputc('[', out);
    for (int i = 0; i < n_groups; i++)
        fprintf(out, "%s%d", i ? ", " : "", (int)groups[i]);
    fputc(']', out);
    fprintf(out, ",\n\"pid\": %d, \"ppid\": %d, \"sid\": %d, \"pgid\": %d", (int)getpid(),
            (int)getppid(), (int)getsid(0), (int)getpgid(0));

    print_file(out, "uid_map", "/proc/self/uid_map");
    print_file(out, "gid_map", "/proc/self/gid_map");
    print_file(out, "setgroups", "/proc/self/setgroups");
    print_namespaces(out);
    print_caps(out);
    json_key(out, "no_new_privs");
    fprintf(out, "%d", prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL));

    struct utsname uts;
    if (uname(&uts) == 0) {
        json_key(out, "hostname");
        json_str(out, uts.nodename);
        json_key(out, "domainname");
        json_str(out, uts.domainname);
    }
    print_interfaces(out);
    print_fds(out);
    json_key(out, "clock_boottime_ns");
    fprintf(out, "%lld", clock_ns(CLOCK_BOOTTIME));
    json_key(out, "clock_monotonic_ns");
    fprintf(out, "%lld", clock_ns(CLOCK_MONOTONIC));

    struct rlimit rl;
    json_key(out, "rlimit_core");
    if (getrlimit(RLIMIT_CORE, &rl) == 0)
        fprintf(out, "{\"soft\": %lld, \"hard\": %lld}", rlim_value(rl.rlim_cur),
                rlim_value(rl.rlim_max));
    else
        fputs("null", out);

    json_key(out, "environ");
    fputc('[', out);
    for (char **e = environ; e && *e; e++) {
        if (e != environ)
            fputs(", ", out);
        json_str(out, *e);
    }
    fputc(']', out);

    print_nested_userns(out);
    print_lines(out, "mountinfo", "/proc/self/mountinfo");
    print_file(out, "cgroup", "/proc/self/cgroup");
    print_tty_nr(out);

    json_key(out, "paths");
    fputc('{', out);
    for (int i = 0; i < n_paths; i++) {
        struct stat st;
        if (i)
            fputs(", ", out);
        json_str(out, paths[i]);
        fputs(lstat(paths[i], &st) == 0 ? ": true" : ": false", out);
    }
    fputc('}', out);

    json_key(out, "listings");
    fputc('{', out);
    for (int i = 0; i < n_dirs; i++) {
        if (i)
            fputs(", ", out);
        print_listing(out, dirs[i]);
    }
    fputc('}', out);

    json_key(out, "session_keyring");
    long ses = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID_OP, KEY_SPEC_SESSION_KEYRING_ID, 0);
    if (ses < 0)
        fprintf(out, "{\"errno\": %d}", errno);
    else
        fprintf(out, "%ld", ses);

    print_key(out, key);
    print_root_writable(out);
    fputs("}\n", out);
    if (fclose(out) != 0)
        return 1;

    for (size_t off = 0; off < len;) {
        ssize_t n = write(out_fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        off += (size_t)n;
    }
    free(buf);
    return 0;
}
