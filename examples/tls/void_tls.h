/* void-tls: a static HTTPS server split into a connection listener, a TLS handler per
 * connection and an HTTP handler per connection, each able to run in a void of its own.
 * See examples/tls/README.md. */
#ifndef VOID_TLS_H
#define VOID_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Options shared by every role: "Trailing" hands the same ones to all entrypoints. */
struct tls_options {
    long max_connections;       /* listener: stop after this many (0: never) */
    bool debug;                 /* http handler: /__void/info and /__void/crash */
    const char *root;           /* http handler: document root (default /www) */
    const char *listen;         /* single: IP:PORT */
    const char *cert, *key;     /* single: PEM paths */
    int idle_seconds;           /* tls/http: close an idle connection after this long */
};

/* ---- fds.c: descriptors and their passing */
int parse_fd(const char *text);
int send_fd(int socket_fd, int fd);
int write_all(int fd, const void *buf, size_t len);
int64_t realtime_ns(void);
unsigned long long namespace_inode(const char *name);   /* "net": /proc/self/ns/net */

/* ---- listener.c: accept connections and hand each one on */
typedef int (*connection_sink)(void *context, int connection_fd);
int run_listener(int listen_fd, const struct tls_options *o, connection_sink sink,
                 void *context);

/* ---- tls_handler.c: TLS on one connection, plaintext on a socketpair */
SSL_CTX *tls_context_from_fds(int cert_fd, int key_fd);
SSL_CTX *tls_context_from_files(const char *cert, const char *key);
/* Gives away the plaintext end (sends it to an HTTP handler); closes it in any case. */
typedef int (*plaintext_sink)(void *context, int plaintext_fd);
int serve_tls_connection(SSL_CTX *ctx, int connection_fd, const struct tls_options *o,
                         int64_t started_ns, plaintext_sink sink, void *context);

/* ---- http_handler.c: HTTP/1.1 with keep-alive over one plaintext stream; with
 * hand_back_fd >= 0 one request only, then the stream goes back over that socket */
int serve_http_stream(int stream_fd, int root_fd, const struct tls_options *o,
                      int64_t started_ns, int hand_back_fd);
int open_document_root(const char *path);

/* ---- single.c: all the handlers in one ordinary process, one thread each */
int run_single_process(const struct tls_options *o);

#endif
