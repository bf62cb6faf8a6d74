/* HTTP/1.x requests: reading a request head off a stream and parsing it. */
#ifndef VOID_TLS_HTTP_H
#define VOID_TLS_HTTP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum { HEAD_MAX = 16 * 1024, TARGET_MAX = 4096 };

/* A buffered reader over the plaintext stream; bytes past one request stay for the
 * next (pipelining). */
struct stream_reader {
    int fd;
    int idle_ms;
    size_t start, end;
    char buf[HEAD_MAX];
};

enum head_result { HEAD_OK, HEAD_CLOSED, HEAD_TOO_LARGE, HEAD_FAILED };

/* Finds the next request head (through its empty line); *len: its length from
 * r->buf + r->start. HEAD_CLOSED: the stream ended before a byte of it. */
enum head_result read_head(struct stream_reader *r, size_t *len);

/* Waits for a whole line; *len: its length with the newline. Consumes nothing. */
int peek_line(struct stream_reader *r, size_t *len);

/* Bytes read but not consumed yet (a pipelined request). */
static inline size_t buffered(const struct stream_reader *r)
{
    return r->end - r->start;
}

/* Consumes and discards n bytes (a request body); -1 if the stream ends first. */
int skip_bytes(struct stream_reader *r, size_t n);

struct request {
    char method[16];
    char path[TARGET_MAX];      /* percent-decoded, without query or fragment */
    int minor_version;          /* HTTP/1.0 or HTTP/1.1 */
    bool keep_alive;
    bool has_host;
    bool chunked;
    long long content_length;
};

/* Parses a request head. Returns 0, or the HTTP status to answer with (400, 414, 501,
 * 505) after which the connection is closed. */
int parse_request(const char *head, size_t len, struct request *req);

#endif
