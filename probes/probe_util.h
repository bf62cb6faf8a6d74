/* Helpers shared by the probes of groups 3.1-3.4 (namespaces, pid, mount, information):
 * reading files, comparing namespace identities with the C-HOST facts, walking mountinfo,
 * a detail accumulator, and running a risky variant in a forked child, optionally inside a
 * fresh nested user+mount namespace, under alarm() (catalogue §2 rule 6). Header-only. */
#ifndef VOID_PROBE_UTIL_H
#define VOID_PROBE_UTIL_H

#include "probe.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- text accumulated into the verdict's detail ---- */

struct detail {
    char text[900];
    size_t len;
};

static inline void detail_add(struct detail *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void detail_add(struct detail *d, const char *fmt, ...)
{
    if (d->len + 4 >= sizeof d->text)
        return;
    if (d->len)
        d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "; ");
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->text + d->len, sizeof d->text - d->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->len += (size_t)n;
    if (d->len >= sizeof d->text)
        d->len = sizeof d->text - 1;
}

static inline const char *err_name(int e)
{
    const char *name = strerrorname_np(e);
    return name ? name : "E?";
}

/* ---- files ---- */

/* Reads up to size-1 bytes of path, NUL-terminated. Returns the length or -errno. */
static inline ssize_t read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t total = 0, n;
    while ((size_t)total + 1 < size && (n = read(fd, buf + total, size - 1 - (size_t)total)) > 0)
        total += n;
    int saved = errno;
    close(fd);
    buf[total] = '\0';
    return n < 0 && total == 0 ? -saved : total;
}

/* Same, relative to a directory fd. */
static inline ssize_t read_text_at(int dirfd, const char *path, char *buf, size_t size)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size - 1);
    int saved = errno;
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n < 0 ? -saved : n;
}

/* 1 if path can be read and contains needle, 0 if it reads without it, -errno otherwise. */
static inline int file_has(const char *path, const char *needle)
{
    char buf[4096];
    ssize_t n = read_text(path, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return needle && *needle && strstr(buf, needle) ? 1 : 0;
}

/* The C-FILE test used by every "reach C-FILE" probe: 1 read with the nonce, else -errno/0. */
static inline int canary_file_read(int argc, char **argv)
{
    const char *file = probe_arg(argc, argv, "file");
    const char *nonce = probe_arg(argc, argv, "file-nonce");
    if (!file || !nonce)
        return -ENOENT;
    return file_has(file, nonce);
}

/* ---- namespace identities ---- */

struct devino {
    unsigned long long dev, ino;
};

static inline bool parse_devino(const char *s, struct devino *out)
{
    return s && sscanf(s, "%llu:%llu", &out->dev, &out->ino) == 2;
}

static inline bool stat_devino(const char *path, struct devino *out)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return false;
    out->dev = (unsigned long long)st.st_dev;
    out->ino = (unsigned long long)st.st_ino;
    return true;
}

static inline bool devino_equal(const struct devino *a, const struct devino *b)
{
    return a->dev == b->dev && a->ino == b->ino;
}

static const char *const probe_ns_names[8] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time" };

/* 1 if my namespace of this type is the host's (per --host-ns-TYPE), 0 if not, -1 unknown. */
static inline int in_host_ns(int argc, char **argv, const char *type)
{
    char arg[32], path[64];
    struct devino host, mine;
    snprintf(arg, sizeof arg, "host-ns-%s", type);
    snprintf(path, sizeof path, "/proc/self/ns/%s", type);
    if (!parse_devino(probe_arg(argc, argv, arg), &host) || !stat_devino(path, &mine))
        return -1;
    return devino_equal(&host, &mine);
}

/* ---- mountinfo ---- */

struct mount_entry {
    int id, parent;
    unsigned major, minor;
    char root[512], point[512], options[256], optional[256], fstype[64], source[512], super[512];
};

static inline void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] && r[3]) {
            *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static inline bool parse_mount_line(const char *line, struct mount_entry *m)
{
    memset(m, 0, sizeof *m);
    int pos = 0;
    if (sscanf(line, "%d %d %u:%u %511s %511s %255s %n", &m->id, &m->parent, &m->major, &m->minor,
               m->root, m->point, m->options, &pos) < 7)
        return false;
    const char *rest = line + pos, *dash = strstr(rest, "- ");
    if (!dash)
        return false;
    size_t n = (size_t)(dash - rest);
    if (n >= sizeof m->optional)
        n = sizeof m->optional - 1;
    memcpy(m->optional, rest, n);
    m->optional[n] = '\0';
    sscanf(dash + 2, "%63s %511s %511s", m->fstype, m->source, m->super);
    unescape_octal(m->root);
    unescape_octal(m->point);
    unescape_octal(m->source);
    return true;
}

typedef bool (*mount_visitor)(const struct mount_entry *m, void *arg);

/* Calls visit for each mount until it returns false. Returns the count, or -errno. */
static inline int for_each_mount(mount_visitor visit, void *arg)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return -errno;
    char line[4096];
    int count = 0;
    struct mount_entry m;
    while (fgets(line, sizeof line, f))
        if (parse_mount_line(line, &m)) {
            count++;
            if (!visit(&m, arg))
                break;
        }
    fclose(f);
    return count;
}

/* ---- risky variants in a child ---- */

enum child_mode { CHILD_PLAIN, CHILD_NESTED };

/* The child's answer: a small code (the probe's own meaning) and a line of text. */
struct child_result {
    int code;              /* what fn returned; CHILD_BROKEN when the child did not finish */
    char text[400];
};

#define CHILD_BROKEN (-100)

typedef int (*child_fn)(void *arg, char *text, size_t size);

static inline void write_map(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0) {
            /* the namespace works without the map; fn reports what that costs */
        }
        close(fd);
    }
}

/* Enters a fresh user+mount namespace with my ids mapped to 0 and every mount private, so
 * nothing done afterwards can propagate anywhere. Returns 0 or -errno of unshare. */
static inline int enter_nested_userns(void)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        return -errno;
    char map[64];
    write_map("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    write_map("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    write_map("/proc/self/gid_map", map);
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    return 0;
}

/* Runs fn in a forked child (nested: inside enter_nested_userns) with alarm(seconds). */
static inline struct child_result run_in_child(enum child_mode mode, child_fn fn, void *arg,
                                               unsigned seconds)
{
    struct child_result r = { .code = CHILD_BROKEN, .text = "" };
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(r.text, sizeof r.text, "pipe: %s", err_name(errno));
        return r;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        alarm(seconds);
        struct child_result c = { .code = 0, .text = "" };
        int e = mode == CHILD_NESTED ? enter_nested_userns() : 0;
        if (e < 0) {
            c.code = CHILD_BROKEN + 1;
            snprintf(c.text, sizeof c.text, "nested userns: %s", err_name(-e));
        } else {
            c.code = fn(arg, c.text, sizeof c.text);
        }
        if (write(p[1], &c, sizeof c) != (ssize_t)sizeof c)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        snprintf(r.text, sizeof r.text, "fork: %s", err_name(errno));
        return r;
    }
    struct child_result got;
    ssize_t n = read(p[0], &got, sizeof got);
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    if (n == (ssize_t)sizeof got)
        return got;
    snprintf(r.text, sizeof r.text, "child %s %d", WIFSIGNALED(status) ? "killed by signal" : "exited",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return r;
}

/* CHILD_BROKEN + 1: the nested namespace itself was refused (nesting disabled). */
static inline bool nested_refused(const struct child_result *r)
{
    return r->code == CHILD_BROKEN + 1;
}

#endif
