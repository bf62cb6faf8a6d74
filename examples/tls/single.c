/* The baseline: the same listener, TLS handler and HTTP handler in one ordinary
 * process, a thread where the voids have a process. The certificate is loaded once;
 * everything else (the socketpair between the handlers, the handoff line) is as in
 * the voids, so that the difference is what the voids cost. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "void_tls.h"

struct server {
    const struct tls_options *o;
    SSL_CTX *ctx;
    int root_fd;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int live_threads;
};

struct job {
    struct server *server;
    int fd;
};

/* IPv4 "A.B.C.D:PORT" or IPv6 "[ADDR]:PORT". */
static int parse_address(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':');
    long port = colon ? strtol(colon + 1, NULL, 10) : -1;
    size_t host_len = colon ? (size_t)(colon - text) : 0;
    if (!colon || port < 0 || port > 65535 || host_len == 0 || host_len >= sizeof host)
        return -1;
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (host[0] == '[' && host[host_len - 1] == ']') {
        host[host_len - 1] = '\0';
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -1;
    }
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    *len = sizeof *in;
    return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -1;
}

static int open_listener(const char *address)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (parse_address(address, &ss, &len) != 0) {
        fprintf(stderr, "void-tls: --listen %s: not an IP:PORT address\n", address);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        fprintf(stderr, "void-tls: --listen %s: %s\n", address, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* ---- threads in place of voids */

static void thread_done(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    if (--s->live_threads == 0)
        pthread_cond_signal(&s->idle);
    pthread_mutex_unlock(&s->lock);
}

static int start_thread(struct server *s, int fd, void *(*body)(void *))
{
    struct job *job = malloc(sizeof *job);
    pthread_attr_t attr;
    pthread_t thread;
    if (!job) {
        close(fd);
        return -1;
    }
    *job = (struct job){.server = s, .fd = fd};
    pthread_mutex_lock(&s->lock);
    s->live_threads++;
    pthread_mutex_unlock(&s->lock);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int e = pthread_create(&thread, &attr, body, job);
    pthread_attr_destroy(&attr);
    if (e != 0) {
        errno = e;
        close(fd);
        free(job);
        thread_done(s);
        return -1;
    }
    return 0;
}

static void *http_thread(void *arg)
{
    struct job job = *(struct job *)arg;
    free(arg);
    serve_http_stream(job.fd, job.server->root_fd, job.server->o, realtime_ns(), -1);
    thread_done(job.server);
    return NULL;
}

static int start_http_thread(void *server, int plaintext_fd)
{
    return start_thread(server, plaintext_fd, http_thread);
}

static void *tls_thread(void *arg)
{
    struct job job = *(struct job *)arg;
    free(arg);
    struct server *s = job.server;
    serve_tls_connection(s->ctx, job.fd, s->o, realtime_ns(), start_http_thread, s);
    thread_done(s);
    return NULL;
}

static int start_tls_thread(void *server, int connection_fd)
{
    return start_thread(server, connection_fd, tls_thread);
}

static void wait_for_threads(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->live_threads > 0)
        pthread_cond_wait(&s->idle, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

int run_single_process(const struct tls_options *o)
{
    struct server s = {.o = o, .lock = PTHREAD_MUTEX_INITIALIZER,
                       .idle = PTHREAD_COND_INITIALIZER};
    s.ctx = tls_context_from_files(o->cert, o->key);
    s.root_fd = s.ctx ? open_document_root(o->root) : -1;
    int listen_fd = s.root_fd >= 0 ? open_listener(o->listen) : -1;
    int r = listen_fd >= 0 ? run_listener(listen_fd, o, start_tls_thread, &s) : 1;
    wait_for_threads(&s);
    if (s.root_fd >= 0)
        close(s.root_fd);
    SSL_CTX_free(s.ctx);
    return r;
}
