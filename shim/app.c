#include "app.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kill_timer.h"
#include "launch.h"
#include "report.h"
#include "spec_addr.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define MAX_TRIGGER_FDS 16

struct channel_state {
    int ends[2];          /* [0] read end, [1] write end; -1 once the shim let go */
};

struct running_void {
    struct void_instance vi;
    size_t entrypoint;
    unsigned serial;
    bool have_error;
    struct report error;
};

struct app {
    const struct spec *spec;
    const struct plan *options;
    struct channel_state *channels;
    int **listeners;          /* [entrypoint][arg]: TcpListener fds, else -1 */
    bool *can_spawn;          /* per entrypoint: a Startup not yet run, or a live trigger */
    struct running_void *running;
    size_t n_running, cap_running;
    unsigned next_serial;
    sigset_t handled, saved;
    int signal_fd;
    int status;               /* first non-zero exit */
    int terminating_signal;
    struct kill_timer kill;
};

/* Ambient phase ----------------------------------------------------------------- */

static int open_channel(const struct spec_channel *c, struct channel_state *s,
                        struct shim_error *err)
{
    /* Pipes in packet mode: each write is one message, so one trigger. File sockets are
     * SOCK_SEQPACKET: datagrams that carry SCM_RIGHTS, with an end of file once every
     * writer is gone (a SOCK_DGRAM pair never says so), which lets the application end. */
    int r = c->kind == CHANNEL_PIPE
                ? pipe2(s->ends, O_CLOEXEC | O_DIRECT)
                : socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s->ends);
    if (r != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "%s \"%s\": create",
                         c->kind == CHANNEL_PIPE ? "pipe" : "file socket", c->name);
    return 0;
}

static int open_listener(const char *entrypoint, const char *addr, struct shim_error *err)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (spec_parse_address(addr, &ss, &len) != NULL)
        return error_set(err, EXIT_SHIM_ERROR, 0, "entrypoint \"%s\": TcpListener %s: not "
                         "an IP:PORT address", entrypoint, addr);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return error_set(err, EXIT_SHIM_ERROR, e, "entrypoint \"%s\": TcpListener %s",
                         entrypoint, addr);
    }
    return fd;
}

static int open_listeners(struct app *app, struct shim_error *err)
{
    const struct spec *spec = app->spec;
    for (size_t e = 0; e < spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &spec->entrypoints[e];
        app->listeners[e] = malloc((ep->n_args + 1) * sizeof *app->listeners[e]);
        if (!app->listeners[e])
            return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "listeners");
        for (size_t a = 0; a < ep->n_args; a++) {
            app->listeners[e][a] = -1;
            if (ep->args[a].kind == ARG_TCP_LISTENER &&
                (app->listeners[e][a] = open_listener(ep->name, ep->args[a].value, err)) < 0)
                return -1;
        }
    }
    return 0;
}

static int app_open(struct app *app, struct shim_error *err)
{
    const struct spec *spec = app->spec;
    app->channels = calloc(spec->n_channels + 1, sizeof *app->channels);
    app->listeners = calloc(spec->n_entrypoints + 1, sizeof *app->listeners);
    app->can_spawn = calloc(spec->n_entrypoints + 1, sizeof *app->can_spawn);
    if (!app->channels || !app->listeners || !app->can_spawn)
        return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "application");
    for (size_t c = 0; c < spec->n_channels; c++)
        app->channels[c].ends[0] = app->channels[c].ends[1] = -1;
    for (size_t c = 0; c < spec->n_channels; c++)
        if (open_channel(&spec->channels[c], &app->channels[c], err) != 0)
            return -1;
    for (size_t e = 0; e < spec->n_entrypoints; e++)
        app->can_spawn[e] = true;
    return open_listeners(app, err);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void app_close(struct app *app)
{
    for (size_t c = 0; app->channels && c < app->spec->n_channels; c++) {
        close_fd(&app->channels[c].ends[0]);
        close_fd(&app->channels[c].ends[1]);
    }
    for (size_t e = 0; app->listeners && e < app->spec->n_entrypoints; e++) {
        for (size_t a = 0; app->listeners[e] && a < app->spec->entrypoints[e].n_args; a++)
            close_fd(&app->listeners[e][a]);
        free(app->listeners[e]);
    }
    free(app->channels);
    free(app->listeners);
    free(app->can_spawn);
    free(app->running);
}

/* Which ends the shim still needs ---------------------------------------------- */

static bool is_trigger_of(const struct spec_entrypoint *ep, size_t channel)
{
    return ep->trigger != TRIGGER_STARTUP && (size_t)ep->trigger_channel == channel;
}

/* An end stays open while an entrypoint that may still be spawned needs it: in its
 * arguments, or (the read end) as its trigger, which the shim itself reads. Once
 * released, the writers' exits bring the readers their end of file. */
static void release_unneeded_ends(struct app *app)
{
    const struct spec *spec = app->spec;
    for (size_t c = 0; c < spec->n_channels; c++) {
        bool need[2] = {false, false};
        for (size_t e = 0; e < spec->n_entrypoints; e++) {
            const struct spec_entrypoint *ep = &spec->entrypoints[e];
            if (!app->can_spawn[e])
                continue;
            if (is_trigger_of(ep, c))
                need[0] = true;
            for (size_t a = 0; a < ep->n_args; a++) {
                const struct spec_arg *arg = &ep->args[a];
                bool rx = arg->kind == ARG_PIPE_RX || arg->kind == ARG_SOCKET_RX;
                bool tx = arg->kind == ARG_PIPE_TX || arg->kind == ARG_SOCKET_TX;
                if ((rx || tx) && (size_t)arg->channel == c)
                    need[tx ? 1 : 0] = true;
            }
        }
        for (int end = 0; end < 2; end++)
            if (!need[end])
                close_fd(&app->channels[c].ends[end]);
    }
}

/* Spawning ---------------------------------------------------------------------- */

struct run_args {
    char *argv[256 + 2];
    size_t argc;
    char text[256][24];     /* decimal fd numbers */
    size_t n_text;
    int fds[PLAN_MAX_FDS];
    size_t n_fds;
    int own_fds[PLAN_MAX_FDS];   /* opened for this run only (File), closed after */
    size_t n_own_fds;
};

static int push_arg(struct run_args *ra, char *arg, struct shim_error *err)
{
    if (ra->argc >= 256)
        return error_set(err, EXIT_SHIM_ERROR, 0, "too many arguments");
    ra->argv[ra->argc++] = arg;
    return 0;
}

static int push_fd(struct run_args *ra, int fd, struct shim_error *err)
{
    if (ra->n_fds >= PLAN_MAX_FDS || ra->n_text >= 256)
        return error_set(err, EXIT_SHIM_ERROR, 0, "more than %d fds for one void",
                         PLAN_MAX_FDS);
    ra->fds[ra->n_fds++] = fd;
    snprintf(ra->text[ra->n_text], sizeof ra->text[0], "%d", fd);
    return push_arg(ra, ra->text[ra->n_text++], err);
}

struct trigger_data {
    const char *message;      /* a Pipe trigger's message */
    const int *fds;           /* a FileSocket trigger's received fds */
    size_t n_fds;
};

static int push_one(struct app *app, size_t e, size_t a, const struct trigger_data *td,
                    struct run_args *ra, struct shim_error *err)
{
    const struct spec_entrypoint *ep = &app->spec->entrypoints[e];
    const struct spec_arg *arg = &ep->args[a];
    char **trailing = app->options->argv;
    switch (arg->kind) {
    case ARG_BINARY_NAME: return push_arg(ra, trailing[0], err);
    case ARG_ENTRYPOINT: return push_arg(ra, ep->name, err);
    case ARG_TRAILING:
        for (size_t i = 1; trailing[i]; i++)
            if (push_arg(ra, trailing[i], err) != 0)
                return -1;
        return 0;
    case ARG_TRIGGER:
        if (td->message)
            return push_arg(ra, (char *)td->message, err);
        for (size_t i = 0; i < td->n_fds; i++)
            if (push_fd(ra, td->fds[i], err) != 0)
                return -1;
        return 0;
    case ARG_FILE: {
        /* The canonical path, opened with no symlink followed: one planted since the
         * spec was checked is refused (probe FS-13). */
        struct open_how how = {.flags = (arg->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC,
                               .resolve = RESOLVE_NO_SYMLINKS};
        int fd = (int)syscall(SYS_openat2, AT_FDCWD, arg->value, &how, sizeof how);
        if (fd < 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "entrypoint \"%s\": File %s",
                             ep->name, arg->value);
        ra->own_fds[ra->n_own_fds++] = fd;
        return push_fd(ra, fd, err);
    }
    case ARG_PIPE_RX: case ARG_SOCKET_RX:
        return push_fd(ra, app->channels[arg->channel].ends[0], err);
    case ARG_PIPE_TX: case ARG_SOCKET_TX:
        return push_fd(ra, app->channels[arg->channel].ends[1], err);
    case ARG_TCP_LISTENER:
        return push_fd(ra, app->listeners[e][a], err);
    }
    return error_set(err, EXIT_SHIM_ERROR, 0, "unknown argument kind");
}

static void log_start(const struct app *app, const struct running_void *rv,
                      const struct run_args *ra)
{
    if (!app->options->verbose)
        return;
    fprintf(stderr, "void-shim: start %s #%u, pid %d:",
            app->spec->entrypoints[rv->entrypoint].name, rv->serial, (int)rv->vi.pid);
    for (size_t i = 0; i < ra->argc; i++)
        fprintf(stderr, " %s", ra->argv[i]);
    fprintf(stderr, " (fds:");
    for (size_t i = 0; i < ra->n_fds; i++)
        fprintf(stderr, " %d", ra->fds[i]);
    fprintf(stderr, ")\n");
}

static struct running_void *new_running(struct app *app)
{
    if (app->n_running == app->cap_running) {
        size_t cap = app->cap_running ? app->cap_running * 2 : 8;
        struct running_void *r = realloc(app->running, cap * sizeof *r);
        if (!r)
            return NULL;
        app->running = r;
        app->cap_running = cap;
    }
    struct running_void *rv = &app->running[app->n_running];
    memset(rv, 0, sizeof *rv);
    return rv;
}

static int spawn_entrypoint(struct app *app, size_t e, const struct trigger_data *td,
                            struct shim_error *err)
{
    const struct spec_entrypoint *ep = &app->spec->entrypoints[e];
    struct run_args *ra = calloc(1, sizeof *ra);
    struct running_void *rv = new_running(app);
    if (!ra || !rv) {
        free(ra);
        return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "entrypoint \"%s\"", ep->name);
    }
    int r = 0;
    for (size_t a = 0; r == 0 && a < ep->n_args; a++)
        r = push_one(app, e, a, td, ra, err);
    if (r == 0) {
        /* This run's view of the entrypoint's plan: its ops and environment as
         * validated, plus this run's argv and fds. */
        struct plan run = ep->plan;
        run.argv = ra->argv;
        memcpy(run.keep_fds, ra->fds, ra->n_fds * sizeof ra->fds[0]);
        run.n_keep_fds = ra->n_fds;
        run.tmpdir = app->options->tmpdir;
        run.verbose = app->options->verbose;
        run.timings = false;
        run.domainname = ep->domainname;
        run.entrypoint = ep->name;
        run.cgroup_limits = ep->cgroup_limits;
        run.n_cgroup_limits = ep->n_cgroup_limits;
        rv->entrypoint = e;
        rv->serial = ++app->next_serial;
        r = void_spawn(&run, &app->saved, rv->serial, SPAWN_OVERLAP, &rv->vi, err);
    }
    if (r == 0) {
        app->n_running++;
        log_start(app, rv, ra);
    }
    for (size_t i = 0; i < ra->n_own_fds; i++)
        close(ra->own_fds[i]);
    free(ra);
    return r;
}

/* Triggers ---------------------------------------------------------------------- */

static void end_trigger(struct app *app, size_t e)
{
    app->can_spawn[e] = false;
    release_unneeded_ends(app);
}

/* One message from a Pipe trigger: a fresh void with the message as "Trigger". */
static int fire_pipe(struct app *app, size_t e, int fd, struct shim_error *err)
{
    char message[PIPE_BUF + 1];
    ssize_t n = read(fd, message, PIPE_BUF);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        end_trigger(app, e);
        return 0;
    }
    message[n] = '\0';
    if (n > 0 && message[n - 1] == '\n')
        message[n - 1] = '\0';
    struct trigger_data td = {.message = message};
    return spawn_entrypoint(app, e, &td, err);
}

/* One set of fds from a FileSocket trigger: a fresh void holding them. */
static int fire_socket(struct app *app, size_t e, int fd, struct shim_error *err)
{
    char byte[256];
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_TRIGGER_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = byte, .iov_len = sizeof byte};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    int fds[MAX_TRIGGER_FDS];
    size_t n_fds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) &&
                               n_fds < MAX_TRIGGER_FDS; i++)
                memcpy(&fds[n_fds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    if (n <= 0 && n_fds == 0) {
        end_trigger(app, e);
        return 0;
    }
    struct trigger_data td = {.fds = fds, .n_fds = n_fds};
    int r = spawn_entrypoint(app, e, &td, err);
    for (size_t i = 0; i < n_fds; i++)
        close(fds[i]);
    return r;
}

/* Supervision ------------------------------------------------------------------- */

static void record_status(struct app *app, int status)
{
    if (status != 0 && app->status == 0)
        app->status = status;
}

static void drain_report(struct running_void *rv)
{
    struct report r;
    while (rv->vi.report_fd >= 0) {
        int got = report_receive(rv->vi.report_fd, &r);
        if (got == 1 && r.kind == REPORT_ERROR) {
            rv->error = r;
            rv->have_error = true;
        }
        if (got != 1) {
            close(rv->vi.report_fd);
            rv->vi.report_fd = -1;
        }
    }
}

static void reap(struct app *app, size_t i)
{
    struct running_void *rv = &app->running[i];
    const char *name = app->spec->entrypoints[rv->entrypoint].name;
    drain_report(rv);
    siginfo_t info = {0};
    int status;
    while (waitid((idtype_t)P_PIDFD, (id_t)rv->vi.pidfd, &info, WEXITED) < 0 && errno == EINTR)
        ;
    if (rv->have_error) {
        fprintf(stderr, "void-shim: entrypoint \"%s\": %s\n", name, rv->error.msg);
        status = rv->error.status ? rv->error.status : EXIT_SHIM_ERROR;
    } else if (info.si_code == CLD_EXITED) {
        status = info.si_status;
    } else {
        status = 128 + info.si_status;
    }
    if (app->options->verbose)
        fprintf(stderr, "void-shim: %s #%u, pid %d, exited with status %d\n", name,
                rv->serial, (int)rv->vi.pid, status);
    record_status(app, status);
    void_instance_release(&rv->vi);
    app->running[i] = app->running[--app->n_running];
}

static void signal_all(struct app *app, int sig)
{
    for (size_t i = 0; i < app->n_running; i++)
        syscall(SYS_pidfd_send_signal, app->running[i].vi.pidfd, sig, NULL, 0);
}

static void stop_triggers(struct app *app)
{
    for (size_t e = 0; e < app->spec->n_entrypoints; e++)
        app->can_spawn[e] = false;
    release_unneeded_ends(app);
}

static void handle_signals(struct app *app)
{
    struct signalfd_siginfo si;
    while (read(app->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD)
            continue;
        signal_all(app, sig);
        if (is_terminating_signal(sig) && !app->terminating_signal) {
            app->terminating_signal = sig;
            stop_triggers(app);
            kill_timer_arm(&app->kill);
        }
    }
}

/* Poll set: [0] signals, then one per running void, then one per live trigger. */
static size_t build_poll_set(const struct app *app, struct pollfd *fds, size_t *trigger_of)
{
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = app->signal_fd, .events = POLLIN};
    for (size_t i = 0; i < app->n_running; i++)
        fds[n++] = (struct pollfd){.fd = app->running[i].vi.pidfd, .events = POLLIN};
    for (size_t e = 0; e < app->spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &app->spec->entrypoints[e];
        if (ep->trigger == TRIGGER_STARTUP || !app->can_spawn[e])
            continue;
        trigger_of[n] = e;
        fds[n++] = (struct pollfd){.fd = app->channels[ep->trigger_channel].ends[0],
                                   .events = POLLIN};
    }
    return n;
}

static bool live_triggers(const struct app *app)
{
    for (size_t e = 0; e < app->spec->n_entrypoints; e++)
        if (app->spec->entrypoints[e].trigger != TRIGGER_STARTUP && app->can_spawn[e])
            return true;
    return false;
}

static void fire(struct app *app, size_t e, int fd)
{
    struct shim_error err = {0};
    int r = app->spec->entrypoints[e].trigger == TRIGGER_PIPE ? fire_pipe(app, e, fd, &err)
                                                              : fire_socket(app, e, fd, &err);
    if (r != 0) {
        error_print(&err);
        record_status(app, err.status ? err.status : EXIT_SHIM_ERROR);
    }
}

/* With no void running, nobody holds a write end but the shim, which never writes:
 * a trigger with nothing queued can never fire again (even one whose own entrypoint
 * would write to it), so the application is over. */
static void end_if_idle(struct app *app)
{
    if (app->n_running > 0)
        return;
    for (size_t e = 0; e < app->spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &app->spec->entrypoints[e];
        if (ep->trigger == TRIGGER_STARTUP || !app->can_spawn[e])
            continue;
        struct pollfd p = {.fd = app->channels[ep->trigger_channel].ends[0], .events = POLLIN};
        if (poll(&p, 1, 0) != 0)
            return;   /* a message (or the end) is waiting: let the loop take it */
    }
    stop_triggers(app);
}

static void supervise_app(struct app *app)
{
    for (end_if_idle(app); app->n_running > 0 || live_triggers(app); end_if_idle(app)) {
        size_t slots = 1 + app->n_running + app->spec->n_entrypoints;
        struct pollfd *fds = calloc(slots, sizeof *fds);
        size_t *trigger_of = calloc(slots, sizeof *trigger_of);
        if (!fds || !trigger_of) {
            free(fds);
            free(trigger_of);
            break;
        }
        size_t n_running = app->n_running;
        size_t n = build_poll_set(app, fds, trigger_of);
        int ready = poll(fds, n, kill_timer_poll_ms(&app->kill));
        if (ready == 0) {
            signal_all(app, SIGKILL);
            kill_timer_disarm(&app->kill);
        }
        if (ready > 0 && (fds[0].revents & POLLIN))
            handle_signals(app);
        /* Reap from the end so indices of the ones not yet looked at stay valid. */
        for (size_t i = n_running; ready > 0 && i > 0; i--)
            if (fds[i].revents & (POLLIN | POLLHUP))
                reap(app, i - 1);
        for (size_t i = 1 + n_running; ready > 0 && i < n; i++)
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                fire(app, trigger_of[i], fds[i].fd);
        free(fds);
        free(trigger_of);
    }
}

static int start_startups(struct app *app, struct shim_error *err)
{
    for (size_t e = 0; e < app->spec->n_entrypoints; e++) {
        if (app->spec->entrypoints[e].trigger != TRIGGER_STARTUP)
            continue;
        struct trigger_data none = {0};
        app->can_spawn[e] = false;
        if (spawn_entrypoint(app, e, &none, err) != 0)
            return -1;
    }
    release_unneeded_ends(app);
    return 0;
}

static int detach(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        fprintf(stderr, "void-shim: running in the background as pid %d\n", (int)pid);
        _exit(0);
    }
    return setsid() < 0 ? -1 : 0;
}

int app_run(const struct spec *spec, const struct plan *options)
{
    struct app app = {.spec = spec, .options = options, .signal_fd = -1};
    struct shim_error err = {0};
    supervised_signals(&app.handled);
    sigprocmask(SIG_BLOCK, &app.handled, &app.saved);
    int r = app_open(&app, &err);
    if (r == 0 && options->daemon && detach() != 0)
        r = error_set(&err, EXIT_SHIM_ERROR, errno, "--daemon");
    if (r == 0)
        app.signal_fd = signalfd(-1, &app.handled, SFD_CLOEXEC | SFD_NONBLOCK);
    if (r == 0)
        r = start_startups(&app, &err);
    if (r != 0) {
        error_print(&err);
        record_status(&app, err.status ? err.status : EXIT_SHIM_ERROR);
        stop_triggers(&app);
        signal_all(&app, SIGKILL);
    }
    supervise_app(&app);
    if (app.terminating_signal)
        app.status = 128 + app.terminating_signal;
    if (app.signal_fd >= 0)
        close(app.signal_fd);
    app_close(&app);
    sigprocmask(SIG_SETMASK, &app.saved, NULL);
    return app.status;
}
