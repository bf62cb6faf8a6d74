/* Launching one command (a target wrapping one probe) with the canaries in place, and
 * collecting the out-of-band evidence: accepts, datagrams, signals, typed bytes, files. */
#include "canary.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_CAP (64 * 1024)
#define MAX_ARGS 160
#define MAX_NAMES 64

void evidence_add(struct evidence *ev, const char *fmt, ...)
{
    if (ev->n >= MAX_EVIDENCE)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->items[ev->n], sizeof ev->items[ev->n], fmt, ap);
    va_end(ap);
    for (int i = 0; i < ev->n; i++)
        if (strcmp(ev->items[i], ev->items[ev->n]) == 0)
            return;   /* once is enough */
    ev->n++;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* ---- what the harness observes on the host ---- */

struct snapshot {
    char names[MAX_NAMES][600];       /* entries of C-DIR and C-DIR-RO (two levels) */
    int n_names;
    char file_text[256], secret_text[256];
    struct timespec file_mtime;
    char hostname[128];
    char base_mounts[1024];           /* host mountinfo lines that mention the base dir */
};

static struct snapshot baseline;

static void list_dir(struct snapshot *s, const char *dir, const char *prefix, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || s->n_names >= MAX_NAMES)
            continue;
        snprintf(s->names[s->n_names++], sizeof s->names[0], "%s/%s", prefix, e->d_name);
        if (depth > 0 && e->d_type == DT_DIR) {
            char sub[PATH_MAX + 256], subprefix[300];
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            snprintf(subprefix, sizeof subprefix, "%s/%s", prefix, e->d_name);
            list_dir(s, sub, subprefix, depth - 1);
        }
    }
    if (d)
        closedir(d);
}

static void read_small(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, size - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
}

static void mounts_mentioning(const char *base, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096];
    size_t len = 0;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, base) && len + strlen(line) < size)
            len += (size_t)snprintf(out + len, size - len, "%s", line);
    if (f)
        fclose(f);
}

static void snapshot_take(const struct canaries *c, struct snapshot *s)
{
    memset(s, 0, sizeof *s);
    list_dir(s, c->dir, "C-DIR", 1);
    list_dir(s, c->dir_ro, "C-DIR-RO", 1);
    read_small(c->file, s->file_text, sizeof s->file_text);
    read_small(c->secret, s->secret_text, sizeof s->secret_text);
    struct stat st;
    if (stat(c->file, &st) == 0)
        s->file_mtime = st.st_mtim;
    struct utsname u;
    snprintf(s->hostname, sizeof s->hostname, "%s", uname(&u) == 0 ? u.nodename : "");
    mounts_mentioning(c->base, s->base_mounts, sizeof s->base_mounts);
}

void observation_reset(const struct canaries *c)
{
    snapshot_take(c, &baseline);
}

static bool in_baseline(const char *name)
{
    for (int i = 0; i < baseline.n_names; i++)
        if (strcmp(baseline.names[i], name) == 0)
            return true;
    return false;
}

/* A file a probe created in a canary directory: evidence, then removed again. */
static void remove_new_entry(const struct canaries *c, const char *name)
{
    const char *root = strncmp(name, "C-DIR-RO/", 9) == 0 ? c->dir_ro : c->dir;
    const char *rel = strchr(name, '/') + 1;
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (unlink(path) < 0)
        rmdir(path);
}

void observation_check(struct canaries *c, struct evidence *ev)
{
    struct snapshot now;
    snapshot_take(c, &now);
    for (int i = 0; i < now.n_names; i++)
        if (!in_baseline(now.names[i])) {
            evidence_add(ev, "new file on the host: %s", now.names[i]);
            remove_new_entry(c, now.names[i]);
        }
    if (strcmp(now.file_text, baseline.file_text) != 0 ||
        now.file_mtime.tv_sec != baseline.file_mtime.tv_sec ||
        now.file_mtime.tv_nsec != baseline.file_mtime.tv_nsec)
        evidence_add(ev, "C-FILE changed");
    if (strcmp(now.secret_text, baseline.secret_text) != 0)
        evidence_add(ev, "C-SECRET changed");
    if (strcmp(now.hostname, baseline.hostname) != 0)
        evidence_add(ev, "host name changed to '%s'", now.hostname);
    if (strcmp(now.base_mounts, baseline.base_mounts) != 0)
        evidence_add(ev, "host mount table changed under %s", c->base);
}

/* ---- the launch ---- */

static void child_exec(const struct canaries *c, char **argv, char **envp, int out_w, int err_w)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    setsid();
    int in = -1;
    if (c->pty_reader >= 0) {
        in = open(c->pty_path, O_RDWR);
        if (in >= 0)
            ioctl(in, TIOCSCTTY, 0);
    }
    if (in < 0)
        in = open("/dev/null", O_RDONLY);
    if (dup2(in, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        _exit(126);
    if (in > 2)
        close(in);
    if (chdir(c->dir) < 0)
        _exit(126);
    execvpe(argv[0], argv, envp);
    dprintf(2, "void-canary: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void build_env(const struct canaries *c, char **envp, char store[][PATH_MAX + 32])
{
    int n = 0;
    snprintf(store[n], sizeof store[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    envp[n] = store[n], n++;
    snprintf(store[n], sizeof store[0], "LC_ALL=C");
    envp[n] = store[n], n++;
    snprintf(store[n], sizeof store[0], "VOID_CANARY_SECRET=%s", c->env_nonce);
    envp[n] = store[n], n++;
    if (c->pty_reader >= 0) {
        snprintf(store[n], sizeof store[0], "VOID_PROBE_PTY=%s", c->pty_path);
        envp[n] = store[n], n++;
    }
    envp[n] = NULL;
}

static void boottime_arg(char *out, size_t size)
{
    struct timespec t;
    clock_gettime(CLOCK_BOOTTIME, &t);
    snprintf(out, size, "--host-boottime=%lld.%09ld", (long long)t.tv_sec, t.tv_nsec);
}

struct output { char *buf; size_t len; bool open; int fd; };

static void output_read(struct output *o)
{
    char chunk[4096];
    ssize_t n = read(o->fd, chunk, sizeof chunk);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            o->open = false;
            close(o->fd);
        }
        return;
    }
    size_t take = o->len + (size_t)n > OUTPUT_CAP ? OUTPUT_CAP - o->len : (size_t)n;
    memcpy(o->buf + o->len, chunk, take);
    o->len += take;
    o->buf[o->len] = '\0';
}

static void drain_pty_output(const struct canaries *c)
{
    char junk[1024];
    while (c->pty_master >= 0 && read(c->pty_master, junk, sizeof junk) > 0)
        ;
}

/* Polls outputs, listeners and the pty until the child is reaped and its outputs closed. */
static void supervise(struct canaries *c, pid_t pid, struct output out[2], int timeout_ms,
                      struct launch_result *r)
{
    long start = now_ms(), reaped_at = -1;
    bool reaped = false;
    while (out[0].open || out[1].open || !reaped) {
        struct pollfd p[3 + L_KINDS];
        int lfds[L_KINDS], nl = listeners_poll_fds(c, lfds, L_KINDS);
        p[0] = (struct pollfd){ .fd = out[0].open ? out[0].fd : -1, .events = POLLIN };
        p[1] = (struct pollfd){ .fd = out[1].open ? out[1].fd : -1, .events = POLLIN };
        p[2] = (struct pollfd){ .fd = c->pty_master, .events = POLLIN };
        for (int i = 0; i < nl; i++)
            p[3 + i] = (struct pollfd){ .fd = lfds[i], .events = POLLIN };
        poll(p, (nfds_t)(3 + nl), 20);
        for (int i = 0; i < 2; i++)
            if (p[i].revents)
                output_read(&out[i]);
        if (p[2].revents & POLLIN)
            drain_pty_output(c);
        listeners_serve(c, &r->ev, 0);
        if (!reaped && waitpid(pid, &r->status, WNOHANG) == pid)
            reaped = true, reaped_at = now_ms();
        if (!reaped && now_ms() - start > timeout_ms) {
            kill(-pid, SIGKILL);      /* the session we created for it */
            kill(pid, SIGKILL);
            r->timed_out = true;
        }
        if (reaped && now_ms() - reaped_at > 500)
            break;                    /* a grandchild kept the pipes: stop reading */
    }
    for (int i = 0; i < 2; i++)
        if (out[i].open)
            close(out[i].fd);
    r->ms = now_ms() - start;
}

static void check_pty(struct canaries *c, struct evidence *ev)
{
    if (c->pty_reader < 0)
        return;
    char typed[512];
    ssize_t n = read(c->pty_reader, typed, sizeof typed - 1);
    if (n > 0) {
        typed[n] = '\0';
        evidence_add(ev, "%zd byte(s) typed into the harness pty%s", n,
                     strstr(typed, c->nonce) ? " (the nonce)" : "");
    }
    tcflush(c->pty_reader, TCIFLUSH);
}

void launch(struct canaries *c, char **argv, int timeout_ms, struct launch_result *r)
{
    static char env_store[8][PATH_MAX + 32];
    char *envp[8], *args[MAX_ARGS], boottime[64];
    int n = 0;
    for (; argv[n] && n < MAX_ARGS - 80; n++)
        args[n] = argv[n];
    n += canary_args(c, args + n, MAX_ARGS - n - 2);
    boottime_arg(boottime, sizeof boottime);
    args[n++] = boottime;
    args[n] = NULL;
    build_env(c, envp, env_store);
    memset(r, 0, sizeof *r);
    struct output out[2] = { { .buf = calloc(1, OUTPUT_CAP + 1) }, { .buf = calloc(1, OUTPUT_CAP + 1) } };
    int po[2], pe[2];
    if (!out[0].buf || !out[1].buf || pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        r->status = -1;
        r->out = out[0].buf, r->err = out[1].buf;
        return;
    }
    observation_reset(c);
    pid_t pid = fork();
    if (pid == 0)
        child_exec(c, args, envp, po[1], pe[1]);
    close(po[1]);
    close(pe[1]);
    out[0].fd = po[0], out[1].fd = pe[0];
    out[0].open = out[1].open = true;
    if (pid < 0) {
        close(po[0]), close(pe[0]);
        r->status = -1;
    } else {
        supervise(c, pid, out, timeout_ms, r);
    }
    listeners_serve(c, &r->ev, 0);
    sentinel_sync(c, &r->ev);
    check_pty(c, &r->ev);
    observation_check(c, &r->ev);
    r->out = out[0].buf, r->err = out[1].buf;
}
