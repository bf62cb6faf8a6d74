/* The HTTP handler: HTTP/1.1 with keep-alive over one plaintext stream, serving static
 * files from a document root (a read-only bind in its void). It never sees TLS, the
 * key, or the network. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http.h"
#include "void_tls.h"

enum { BODY_MAX = 1024 * 1024, HEAD_OUT_MAX = 512, SMALL_FILE = 16 * 1024 };

struct http_conn {
    int fd;
    int root_fd;
    const struct tls_options *o;
    int64_t started_ns;
    char handoff[256];          /* the TLS handler's handoff line, or "" */
    struct stream_reader reader;
};

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".css", "text/css"},
        {".js", "text/javascript"}, {".json", "application/json"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

static int format_head(char *head, size_t size, int status, const char *type,
                       long long length, bool keep_alive, const char *extra)
{
    return snprintf(head, size,
                    "HTTP/1.1 %d %s\r\nServer: void-tls\r\nContent-Type: %s\r\n"
                    "Content-Length: %lld\r\nConnection: %s\r\n%s\r\n",
                    status, reason_phrase(status), type, length,
                    keep_alive ? "keep-alive" : "close", extra ? extra : "");
}

static int send_head(int fd, int status, const char *type, long long length,
                     bool keep_alive, const char *extra)
{
    char head[HEAD_OUT_MAX];
    int n = format_head(head, sizeof head, status, type, length, keep_alive, extra);
    return write_all(fd, head, (size_t)n);
}

static int send_error(int fd, int status, bool keep_alive, bool head_only)
{
    char body[128];
    int n = snprintf(body, sizeof body, "<!DOCTYPE html>\n<title>%d</title>\n<h1>%d %s</h1>\n",
                     status, status, reason_phrase(status));
    const char *extra = status == 405 ? "Allow: GET, HEAD\r\n" : NULL;
    if (send_head(fd, status, "text/html; charset=utf-8", n, keep_alive, extra) != 0)
        return -1;
    return head_only ? 0 : write_all(fd, body, (size_t)n);
}

static int send_file_body(int out, int in, long long size)
{
    off_t offset = 0;
    while (offset < size) {
        ssize_t n = sendfile(out, in, &offset, (size_t)(size - offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
    }
    return 0;
}

/* Opens a path below the root only: "..", absolute symlinks and magic links cannot
 * leave it (openat2 RESOLVE_BENEATH). */
static int open_beneath(int dir_fd, const char *path)
{
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    while (*path == '/')
        path++;
    return (int)syscall(SYS_openat2, dir_fd, *path ? path : ".", &how, sizeof how);
}

static int status_of_open_error(int e)
{
    return e == EACCES || e == EPERM ? 403 : 404;
}

/* A directory is served by its index.html. */
static int open_document(int root_fd, const char *path, struct stat *sb, int *status)
{
    int fd = open_beneath(root_fd, path);
    if (fd >= 0 && fstat(fd, sb) == 0 && S_ISDIR(sb->st_mode)) {
        int index = open_beneath(fd, "index.html");
        close(fd);
        fd = index;
        if (fd >= 0 && fstat(fd, sb) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        *status = status_of_open_error(errno);
        return -1;
    }
    if (!S_ISREG(sb->st_mode)) {
        close(fd);
        *status = 404;
        return -1;
    }
    return fd;
}

/* A small file goes out with its head in one write: one TLS record, one segment. */
static int send_small_file(int out, int in, const char *head, int head_len, size_t size)
{
    char buf[HEAD_OUT_MAX + SMALL_FILE];
    memcpy(buf, head, (size_t)head_len);
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(in, buf + head_len + got, size - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return write_all(out, buf, (size_t)head_len + size);
}

static int serve_file(struct http_conn *c, const struct request *req, bool head_only)
{
    struct stat sb;
    int status = 0;
    int file = open_document(c->root_fd, req->path, &sb, &status);
    if (file < 0)
        return send_error(c->fd, status, req->keep_alive, head_only);
    const char *name = strrchr(req->path, '.') ? req->path : "index.html";
    char head[HEAD_OUT_MAX];
    int n = format_head(head, sizeof head, 200, content_type(name), (long long)sb.st_size,
                        req->keep_alive, NULL);
    int r;
    if (head_only)
        r = write_all(c->fd, head, (size_t)n);
    else if (sb.st_size <= SMALL_FILE)
        r = send_small_file(c->fd, file, head, n, (size_t)sb.st_size);
    else
        r = write_all(c->fd, head, (size_t)n) == 0 ? send_file_body(c->fd, file, sb.st_size)
                                                   : -1;
    close(file);
    return r;
}

/* ---- debugging endpoints (--debug) */

/* Which void this is: the namespaces of both handlers of this connection, and when each
 * one started, on the host's wall clock. */
static int serve_info(struct http_conn *c, const struct request *req, bool head_only)
{
    char body[1024];
    int n = snprintf(body, sizeof body,
                     "{\"http\": {\"pid\": %d, \"net_ns\": %llu, \"pid_ns\": %llu, "
                     "\"mnt_ns\": %llu, \"started_ns\": %lld, \"now_ns\": %lld}, "
                     "\"tls_handoff\": \"%s\"}\n",
                     (int)getpid(), namespace_inode("net"), namespace_inode("pid"),
                     namespace_inode("mnt"), (long long)c->started_ns,
                     (long long)realtime_ns(), c->handoff);
    if (send_head(c->fd, 200, "application/json", n, req->keep_alive, NULL) != 0)
        return -1;
    return head_only ? 0 : write_all(c->fd, body, (size_t)n);
}

/* A real fault (SIGSEGV), as a bug in the handler would cause: a signal sent to itself
 * would be ignored by the pid 1 of a void. */
static void crash(void)
{
    volatile int *nowhere = NULL;
    *nowhere = 1;
}

static int route(struct http_conn *c, const struct request *req)
{
    bool head_only = strcmp(req->method, "HEAD") == 0;
    if (!head_only && strcmp(req->method, "GET") != 0)
        return send_error(c->fd, 405, req->keep_alive, false);
    if (c->o->debug && strcmp(req->path, "/__void/info") == 0)
        return serve_info(c, req, head_only);
    if (c->o->debug && strcmp(req->path, "/__void/crash") == 0)
        crash();
    return serve_file(c, req, head_only);
}

/* One request; 1 when the connection is to be closed afterwards. */
static int serve_one(struct http_conn *c)
{
    size_t len;
    enum head_result h = read_head(&c->reader, &len);
    if (h == HEAD_CLOSED || h == HEAD_FAILED)
        return 1;
    if (h == HEAD_TOO_LARGE) {
        send_error(c->fd, 431, false, false);
        return 1;
    }
    struct request req;
    int status = parse_request(c->reader.buf + c->reader.start, len, &req);
    c->reader.start += len;
    if (status == 0 && req.content_length > BODY_MAX)
        status = 413;
    if (status != 0) {
        send_error(c->fd, status, false, false);
        return 1;
    }
    if (skip_bytes(&c->reader, (size_t)req.content_length) != 0 || route(c, &req) != 0)
        return 1;
    return !req.keep_alive;
}

/* The TLS handler's line, which only the first HTTP handler of a connection sees: one
 * that was handed the stream by another HTTP handler starts at a request. */
static void read_handoff_line(struct http_conn *c)
{
    static const char prefix[] = "void-tls-handoff ";
    struct stream_reader *r = &c->reader;
    size_t len;
    if (peek_line(r, &len) != 0 || len < sizeof prefix ||
        strncmp(r->buf + r->start, prefix, sizeof prefix - 1) != 0)
        return;
    size_t text = len - (sizeof prefix - 1) - 1;
    snprintf(c->handoff, sizeof c->handoff, "%.*s", (int)text,
             r->buf + r->start + sizeof prefix - 1);
    r->start += len;
}

/* With hand_back_fd (a request per void), the stream goes back over the file socket
 * after each keep-alive request, and the shim starts a fresh HTTP handler for the next
 * one; requests already read (pipelined) are served here first. */
int serve_http_stream(int stream_fd, int root_fd, const struct tls_options *o,
                      int64_t started_ns, int hand_back_fd)
{
    struct http_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(stream_fd);
        return 1;
    }
    *c = (struct http_conn){.fd = stream_fd, .root_fd = root_fd, .o = o,
                            .started_ns = started_ns,
                            .reader = {.fd = stream_fd, .idle_ms = o->idle_seconds * 1000}};
    read_handoff_line(c);
    int status = 0;
    while (serve_one(c) == 0) {
        if (hand_back_fd >= 0 && buffered(&c->reader) == 0) {
            status = send_fd(hand_back_fd, stream_fd) != 0;
            break;
        }
    }
    close(stream_fd);
    free(c);
    return status;
}

int open_document_root(const char *path)
{
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "void-tls: http_handler: document root %s: %s\n", path,
                strerror(errno));
    return fd;
}
