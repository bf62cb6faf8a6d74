/* Reading and parsing HTTP/1.x request heads (RFC 9112), strictly: anything that is not
 * a well-formed request line and header fields is answered with 400. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"

/* ---- reading */

static void compact(struct stream_reader *r)
{
    if (r->start == 0)
        return;
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
}

/* Reads more into the buffer: >0 bytes read, 0 at the end of the stream, -1 on an
 * error or after idle_ms without data. */
static ssize_t fill(struct stream_reader *r)
{
    compact(r);
    if (r->end == sizeof r->buf)
        return -1;
    struct pollfd p = {.fd = r->fd, .events = POLLIN};
    int ready;
    do
        ready = poll(&p, 1, r->idle_ms);
    while (ready < 0 && errno == EINTR);
    if (ready <= 0)
        return -1;
    ssize_t n;
    do
        n = read(r->fd, r->buf + r->end, sizeof r->buf - r->end);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        r->end += (size_t)n;
    return n;
}

/* The end of a head: its first empty line (CRLF CRLF, or a bare LF LF). */
static const char *find_head_end(const char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n')
            return p + i + 2;
        if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n')
            return p + i + 3;
    }
    return NULL;
}

enum head_result read_head(struct stream_reader *r, size_t *len)
{
    for (;;) {
        const char *begin = r->buf + r->start;
        const char *end = find_head_end(begin, r->end - r->start);
        if (end) {
            *len = (size_t)(end - begin);
            return HEAD_OK;
        }
        if (r->start == 0 && r->end == sizeof r->buf)
            return HEAD_TOO_LARGE;
        bool empty = r->end == r->start;
        ssize_t n = fill(r);
        if (n == 0)
            return empty ? HEAD_CLOSED : HEAD_FAILED;
        if (n < 0)
            return HEAD_FAILED;
    }
}

int peek_line(struct stream_reader *r, size_t *len)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl) {
            *len = (size_t)(nl - (r->buf + r->start)) + 1;
            return 0;
        }
        if (fill(r) <= 0)
            return -1;
    }
}

int skip_bytes(struct stream_reader *r, size_t n)
{
    while (n > 0) {
        if (r->end == r->start && fill(r) <= 0)
            return -1;
        size_t have = r->end - r->start, take = have < n ? have : n;
        r->start += take;
        n -= take;
    }
    return 0;
}

/* ---- parsing */

static bool is_token_char(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The origin-form target's path, percent-decoded; NUL bytes and stray % are refused. */
static int decode_path(const char *target, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; i++) {
        char c = target[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_value(target[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(target[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return 400;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (o + 1 >= size)
            return 414;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

static bool is_target_char(char c)
{
    return c > 0x20 && c < 0x7f;
}

/* METHOD SP TARGET SP HTTP/1.D */
static int parse_request_line(const char *line, size_t len, struct request *req)
{
    size_t m = 0;
    while (m < len && is_token_char(line[m]))
        m++;
    if (m == 0 || m >= sizeof req->method || m >= len || line[m] != ' ')
        return 400;
    memcpy(req->method, line, m);
    req->method[m] = '\0';
    size_t t = m + 1, t_end = t;
    while (t_end < len && is_target_char(line[t_end]))
        t_end++;
    if (t_end == t || line[t] != '/' || t_end >= len || line[t_end] != ' ')
        return 400;
    if (t_end - t >= TARGET_MAX)
        return 414;
    const char *version = line + t_end + 1;
    size_t v_len = len - t_end - 1;
    if (v_len != 8 || strncmp(version, "HTTP/", 5) != 0 || !isdigit((unsigned char)version[5]) ||
        version[6] != '.' || !isdigit((unsigned char)version[7]))
        return 400;
    if (version[5] != '1')
        return 505;
    req->minor_version = version[7] - '0';
    req->keep_alive = req->minor_version >= 1;
    return decode_path(line + t, t_end - t, req->path, sizeof req->path);
}

static bool header_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int parse_content_length(const char *value, size_t len, struct request *req)
{
    if (len == 0 || len > 15)
        return 400;
    long long n = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)value[i]))
            return 400;
        n = n * 10 + (value[i] - '0');
    }
    if (req->content_length >= 0 && req->content_length != n)
        return 400;
    req->content_length = n;
    return 0;
}

static bool contains_token(const char *value, size_t len, const char *token)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%.*s", (int)(len < sizeof copy ? len : sizeof copy - 1),
             value);
    return strcasestr(copy, token) != NULL;
}

static int apply_header(const char *name, size_t n_len, const char *value, size_t v_len,
                        struct request *req)
{
    if (header_is(name, n_len, "Host"))
        req->has_host = true;
    else if (header_is(name, n_len, "Content-Length"))
        return parse_content_length(value, v_len, req);
    else if (header_is(name, n_len, "Transfer-Encoding"))
        req->chunked = true;
    else if (header_is(name, n_len, "Connection") && contains_token(value, v_len, "close"))
        req->keep_alive = false;
    else if (header_is(name, n_len, "Connection") &&
             contains_token(value, v_len, "keep-alive"))
        req->keep_alive = true;
    return 0;
}

/* NAME ":" OWS VALUE OWS, with no whitespace before the colon. */
static int parse_header_line(const char *line, size_t len, struct request *req)
{
    size_t n = 0;
    while (n < len && is_token_char(line[n]))
        n++;
    if (n == 0 || n >= len || line[n] != ':')
        return 400;
    size_t v = n + 1, v_end = len;
    while (v < len && (line[v] == ' ' || line[v] == '\t'))
        v++;
    while (v_end > v && (line[v_end - 1] == ' ' || line[v_end - 1] == '\t'))
        v_end--;
    for (size_t i = v; i < v_end; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
            return 400;
    return apply_header(line, n, line + v, v_end - v, req);
}

/* The next line of the head: its length without CR LF, and where the one after starts. */
static size_t next_line(const char *p, const char *end, const char **after)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        *after = end;
        return (size_t)(end - p);
    }
    *after = nl + 1;
    return (size_t)(nl - p) - (nl > p && nl[-1] == '\r');
}

int parse_request(const char *head, size_t len, struct request *req)
{
    memset(req, 0, sizeof *req);
    req->content_length = -1;
    const char *end = head + len, *p = head, *after;
    size_t line_len = next_line(p, end, &after);
    int status = parse_request_line(p, line_len, req);
    for (p = after; status == 0 && p < end; p = after) {
        line_len = next_line(p, end, &after);
        if (line_len == 0)
            break;  /* the empty line that ends the head */
        status = parse_header_line(p, line_len, req);
    }
    if (status == 0 && req->minor_version >= 1 && !req->has_host)
        status = 400;
    if (status == 0 && req->chunked)
        status = 501;
    if (req->content_length < 0)
        req->content_length = 0;
    return status;
}
