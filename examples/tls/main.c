/* void-tls: one binary, four roles; the first argument (the spec's "Entrypoint") says
 * which.
 *
 *   void-tls connection_listener [OPTIONS] LISTEN_FD SOCKET_FD
 *   void-tls tls_handler [OPTIONS] CERT_FD KEY_FD SOCKET_FD CONNECTION_FD
 *   void-tls http_handler [OPTIONS] STREAM_FD [SOCKET_FD]
 *   void-tls single [OPTIONS] --listen IP:PORT --cert PEM --key PEM --root DIR
 *
 * OPTIONS (the spec's "Trailing", the same for every role):
 *   --max-connections N   the listener stops after N connections (default: never)
 *   --debug               the HTTP handler answers /__void/info and /__void/crash
 *   --root DIR            the HTTP handler's document root (default /www)
 *   --idle-timeout S      close a connection idle for S seconds (default 30)
 *
 * An HTTP handler given SOCKET_FD (the write end of its own trigger) serves one request
 * and hands the stream back for a fresh void to serve the next.
 *
 * "single" runs the same handlers in one ordinary process, a thread for each handler of
 * each connection: the baseline the voids are compared with. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "void_tls.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: void-tls connection_listener [OPTIONS] LISTEN_FD SOCKET_FD\n"
            "       void-tls tls_handler [OPTIONS] CERT_FD KEY_FD SOCKET_FD CONNECTION_FD\n"
            "       void-tls http_handler [OPTIONS] STREAM_FD [SOCKET_FD]\n"
            "       void-tls single [OPTIONS] --listen IP:PORT --cert PEM --key PEM\n"
            "OPTIONS: --max-connections N --debug --root DIR --idle-timeout S\n");
    return 2;
}

static bool parse_long(const char *text, long *value)
{
    char *end;
    *value = text ? strtol(text, &end, 10) : -1;
    return text && end != text && *end == '\0' && *value >= 0;
}

/* Returns the index of the first positional argument, or -1. */
static int parse_options(int argc, char **argv, struct tls_options *o)
{
    *o = (struct tls_options){.root = "/www", .idle_seconds = 30};
    int i = 2;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        long number;
        if (strcmp(flag, "--debug") == 0) {
            o->debug = true;
            continue;
        }
        i++;
        if (strcmp(flag, "--max-connections") == 0 && parse_long(value, &number))
            o->max_connections = number;
        else if (strcmp(flag, "--idle-timeout") == 0 && parse_long(value, &number) &&
                 number > 0 && number < 86400)
            o->idle_seconds = (int)number;
        else if (strcmp(flag, "--root") == 0 && value)
            o->root = value;
        else if (strcmp(flag, "--listen") == 0 && value)
            o->listen = value;
        else if (strcmp(flag, "--cert") == 0 && value)
            o->cert = value;
        else if (strcmp(flag, "--key") == 0 && value)
            o->key = value;
        else
            return -1;
    }
    return i;
}

/* Parses exactly n descriptor numbers. */
static bool parse_fds(int argc, char **argv, int first, int *fds, int n)
{
    if (first < 0 || argc - first != n)
        return false;
    for (int k = 0; k < n; k++)
        if ((fds[k] = parse_fd(argv[first + k])) < 0)
            return false;
    return true;
}

/* In a void, a descriptor is handed on over a file socket, whose reader the shim
 * starts a fresh void for; this process's copy is closed. */
static int send_and_close(void *socket_fd, int fd)
{
    int r = send_fd(*(int *)socket_fd, fd);
    close(fd);
    return r;
}

static int connection_listener(int argc, char **argv, int first, const struct tls_options *o)
{
    int fds[2];
    if (!parse_fds(argc, argv, first, fds, 2))
        return usage();
    return run_listener(fds[0], o, send_and_close, &fds[1]);
}

static int tls_handler(int argc, char **argv, int first, const struct tls_options *o,
                       int64_t started_ns)
{
    int fds[4];
    if (!parse_fds(argc, argv, first, fds, 4))
        return usage();
    SSL_CTX *ctx = tls_context_from_fds(fds[0], fds[1]);
    if (!ctx)
        return 1;
    int r = serve_tls_connection(ctx, fds[3], o, started_ns, send_and_close, &fds[2]);
    SSL_CTX_free(ctx);
    return r;
}

/* STREAM_FD, or STREAM_FD SOCKET_FD for a request per void (spec-per-request.json). */
static int http_handler(int argc, char **argv, int first, const struct tls_options *o,
                        int64_t started_ns)
{
    int fds[2] = {-1, -1};
    if (!parse_fds(argc, argv, first, fds, 1) && !parse_fds(argc, argv, first, fds, 2))
        return usage();
    int root_fd = open_document_root(o->root);
    if (root_fd < 0)
        return 1;
    int r = serve_http_stream(fds[0], root_fd, o, started_ns, fds[1]);
    close(root_fd);
    return r;
}

int main(int argc, char **argv)
{
    int64_t started_ns = realtime_ns();
    signal(SIGPIPE, SIG_IGN);
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    struct tls_options o;
    int first = argc >= 2 ? parse_options(argc, argv, &o) : -1;
    if (first < 0)
        return usage();
    const char *role = argv[1];
    if (strcmp(role, "connection_listener") == 0)
        return connection_listener(argc, argv, first, &o);
    if (strcmp(role, "tls_handler") == 0)
        return tls_handler(argc, argv, first, &o, started_ns);
    if (strcmp(role, "http_handler") == 0)
        return http_handler(argc, argv, first, &o, started_ns);
    if (strcmp(role, "single") == 0 && first == argc && o.listen && o.cert && o.key)
        return run_single_process(&o);
    return usage();
}
