/* The TLS handler: one connection. It holds the certificate and the private key (as
 * descriptors), terminates TLS, and relays the plaintext over a socketpair whose other
 * end it gives to an HTTP handler. It never parses HTTP. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "void_tls.h"

enum { PEM_MAX = 64 * 1024, RELAY_CHUNK = 16 * 1024 };

static void report_ssl_error(const char *what)
{
    char text[256];
    unsigned long e = ERR_get_error();
    ERR_error_string_n(e, text, sizeof text);
    fprintf(stderr, "void-tls: tls_handler: %s: %s\n", what, e ? text : "failed");
    ERR_clear_error();
}

/* Reads a whole PEM file from fd (and closes it) into a memory BIO. */
static BIO *bio_from_fd(int fd)
{
    char *text = malloc(PEM_MAX);
    size_t len = 0;
    ssize_t n = 1;
    while (text && len < PEM_MAX && n > 0) {
        n = read(fd, text + len, PEM_MAX - len);
        if (n > 0)
            len += (size_t)n;
        else if (n < 0 && errno == EINTR)
            n = 1;
    }
    close(fd);
    BIO *bio = text && n == 0 ? BIO_new(BIO_s_mem()) : NULL;
    if (bio && BIO_write(bio, text, (int)len) != (int)len) {
        BIO_free(bio);
        bio = NULL;
    }
    if (text)
        OPENSSL_cleanse(text, PEM_MAX);
    free(text);
    return bio;
}

static SSL_CTX *new_server_context(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    return ctx;
}

/* The leaf certificate first, then any chain certificates, as in a PEM bundle. */
static int use_certificates(SSL_CTX *ctx, BIO *bio)
{
    X509 *leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf) != 1) {
        X509_free(leaf);
        return -1;
    }
    X509_free(leaf);
    X509 *extra;
    while ((extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            return -1;
        }
    ERR_clear_error();  /* the end of the bundle */
    return 0;
}

static int use_private_key(SSL_CTX *ctx, BIO *bio)
{
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    int ok = key && SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
             SSL_CTX_check_private_key(ctx) == 1;
    EVP_PKEY_free(key);
    return ok ? 0 : -1;
}

SSL_CTX *tls_context_from_fds(int cert_fd, int key_fd)
{
    BIO *cert = bio_from_fd(cert_fd), *key = bio_from_fd(key_fd);
    SSL_CTX *ctx = cert && key ? new_server_context() : NULL;
    if (ctx && (use_certificates(ctx, cert) != 0 || use_private_key(ctx, key) != 0)) {
        report_ssl_error("certificate or key");
        SSL_CTX_free(ctx);
        ctx = NULL;
    }
    BIO_free(cert);
    BIO_free(key);
    return ctx;
}

SSL_CTX *tls_context_from_files(const char *cert, const char *key)
{
    int cert_fd = open(cert, O_RDONLY | O_CLOEXEC);
    int key_fd = open(key, O_RDONLY | O_CLOEXEC);
    if (cert_fd < 0 || key_fd < 0) {
        perror("void-tls: certificate or key");
        if (cert_fd >= 0)
            close(cert_fd);
        if (key_fd >= 0)
            close(key_fd);
        return NULL;
    }
    return tls_context_from_fds(cert_fd, key_fd);
}

/* ---- relaying */

struct relay {
    SSL *ssl;
    int connection, plaintext;
    int idle_ms;
    bool client_open;
    char buf[RELAY_CHUNK];
};

/* Waits until the connection is ready for what OpenSSL asked for; -1 on timeout. */
static int wait_for_ssl(const struct relay *r, int ssl_error)
{
    short events = ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
    struct pollfd p = {.fd = r->connection, .events = events};
    int n;
    do
        n = poll(&p, 1, r->idle_ms);
    while (n < 0 && errno == EINTR);
    return n > 0 ? 0 : -1;
}

static int ssl_write_all(struct relay *r, const char *data, int len)
{
    while (len > 0) {
        int n = SSL_write(r->ssl, data, len);
        if (n > 0) {
            data += n;
            len -= n;
            continue;
        }
        int e = SSL_get_error(r->ssl, n);
        if ((e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) || wait_for_ssl(r, e))
            return -1;
    }
    return 0;
}

/* Everything the client sent that OpenSSL can decrypt now; 1 once the client is gone. */
static int client_to_plaintext(struct relay *r)
{
    for (;;) {
        int n = SSL_read(r->ssl, r->buf, sizeof r->buf);
        if (n > 0) {
            if (write_all(r->plaintext, r->buf, (size_t)n) != 0)
                return 1;
            continue;
        }
        int e = SSL_get_error(r->ssl, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return 0;
        ERR_clear_error();
        return 1;
    }
}

/* One read of the HTTP handler's output, encrypted to the client; 1 once it is done. */
static int plaintext_to_client(struct relay *r)
{
    ssize_t n;
    do
        n = read(r->plaintext, r->buf, sizeof r->buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 1;
    /* Gather what else is there already (a head and its body): fewer, fuller records. */
    while ((size_t)n < sizeof r->buf) {
        ssize_t more = recv(r->plaintext, r->buf + n, sizeof r->buf - (size_t)n,
                            MSG_DONTWAIT);
        if (more <= 0)
            break;  /* an end of file is seen again by the next poll */
        n += more;
    }
    return ssl_write_all(r, r->buf, (int)n) != 0;
}

static void relay(struct relay *r)
{
    for (;;) {
        /* Once the client is gone its socket is left out (fd -1), or a hang-up on it
         * would wake every poll until the HTTP handler finishes. */
        struct pollfd p[2] = {{.fd = r->client_open ? r->connection : -1, .events = POLLIN},
                              {.fd = r->plaintext, .events = POLLIN}};
        if (r->client_open && SSL_pending(r->ssl) > 0) {
            p[0].revents = POLLIN;
        } else {
            int n = poll(p, 2, r->idle_ms);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;  /* idle too long */
        }
        if (r->client_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
            client_to_plaintext(r) != 0) {
            r->client_open = false;
            shutdown(r->plaintext, SHUT_WR);
        }
        if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && plaintext_to_client(r) != 0)
            return;
    }
}

/* ---- one connection */

/* A timeout for the handshake; no Nagle delay: each relayed write is a whole response
 * or part of one, and waiting for an ACK only adds latency. */
static void set_socket_options(int fd, int seconds)
{
    struct timeval tv = {.tv_sec = seconds, .tv_usec = 0};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The first line on the plaintext stream, before any byte of the client's: who the
 * TLS handler is and when it started, for the HTTP handler's /__void/info. */
static int write_handoff_line(int fd, int64_t started_ns, int64_t handoff_ns)
{
    char line[256];
    int n = snprintf(line, sizeof line,
                     "void-tls-handoff pid=%d net_ns=%llu pid_ns=%llu started_ns=%lld "
                     "handoff_ns=%lld\n", (int)getpid(), namespace_inode("net"),
                     namespace_inode("pid"), (long long)started_ns, (long long)handoff_ns);
    return write_all(fd, line, (size_t)n);
}

/* Hands the plaintext stream on first, so that the HTTP handler starts while the
 * handshake runs. */
static int hand_off(int ends[2], int64_t started_ns, plaintext_sink sink, void *context)
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        perror("void-tls: tls_handler: socketpair");
        return -1;
    }
    int64_t handoff_ns = realtime_ns();
    if (sink(context, ends[1]) != 0) {
        perror("void-tls: tls_handler: hand on the plaintext stream");
        close(ends[0]);
        ends[0] = -1;
        return -1;
    }
    return write_handoff_line(ends[0], started_ns, handoff_ns);
}

int serve_tls_connection(SSL_CTX *ctx, int connection_fd, const struct tls_options *o,
                         int64_t started_ns, plaintext_sink sink, void *context)
{
    int ends[2] = {-1, -1};
    struct relay *r = calloc(1, sizeof *r);
    SSL *ssl = r ? SSL_new(ctx) : NULL;
    int status = 1;
    set_socket_options(connection_fd, o->idle_seconds);
    if (ssl && hand_off(ends, started_ns, sink, context) == 0 &&
        SSL_set_fd(ssl, connection_fd) == 1) {
        if (SSL_accept(ssl) == 1) {
            fcntl(connection_fd, F_SETFL, fcntl(connection_fd, F_GETFL) | O_NONBLOCK);
            *r = (struct relay){.ssl = ssl, .connection = connection_fd,
                                .plaintext = ends[0], .idle_ms = o->idle_seconds * 1000,
                                .client_open = true};
            relay(r);
            SSL_shutdown(ssl);
            status = 0;
        } else {
            report_ssl_error("handshake");
        }
    }
    SSL_free(ssl);
    free(r);
    if (ends[0] >= 0)
        close(ends[0]);
    close(connection_fd);
    return status;
}
