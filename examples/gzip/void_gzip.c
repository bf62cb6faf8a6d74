/* void-gzip: a gzip-compatible compressor and decompressor that works on descriptors
 * only, so that it can run in a void that holds nothing but its input and its output.
 *
 *   void-gzip [-d] [-1..-9] [IN_FD OUT_FD]
 *
 * Without IN_FD and OUT_FD it reads standard input and writes standard output. It never
 * opens a path. Compressed output is a single gzip member (RFC 1952) that `gzip -d`
 * reads; decompression accepts what gzip writes, including several concatenated
 * members. When OUT_FD is a regular file it is truncated first: the shim opens a
 * writable File without O_TRUNC. Exit status: 0, 1 on a read, write or data error, 2 on
 * a usage error (as gzip). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { CHUNK = 128 * 1024 };
enum { GZIP_WINDOW_BITS = 15 + 16, AUTO_WINDOW_BITS = 15 + 32 };

struct options {
    bool decompress;
    int level;
    int in_fd, out_fd;
};

struct buffers {
    unsigned char in[CHUNK];
    unsigned char out[CHUNK];
};

static int parse_fd(const char *text)
{
    char *end;
    errno = 0;
    long fd = strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && fd >= 0 && fd <= INT_MAX ? (int)fd
                                                                                 : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: void-gzip [-d] [-1..-9] [IN_FD OUT_FD]\n");
    return -1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){.decompress = false, .level = 6, .in_fd = 0, .out_fd = 1};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *flag = argv[i] + 1;
        if (strcmp(flag, "d") == 0)
            o->decompress = true;
        else if (flag[0] >= '1' && flag[0] <= '9' && flag[1] == '\0')
            o->level = flag[0] - '0';
        else
            return usage();
    }
    if (argc - i == 0)
        return 0;
    if (argc - i != 2)
        return usage();
    o->in_fd = parse_fd(argv[i]);
    o->out_fd = parse_fd(argv[i + 1]);
    return o->in_fd < 0 || o->out_fd < 0 ? usage() : 0;
}

static ssize_t read_some(int fd, unsigned char *buf, size_t len)
{
    ssize_t n;
    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        perror("void-gzip: read");
    return n;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            perror("void-gzip: write");
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes what zlib produced into out and resets the output window. */
static int flush_output(z_stream *z, struct buffers *b, int out_fd)
{
    size_t produced = CHUNK - z->avail_out;
    z->next_out = b->out;
    z->avail_out = CHUNK;
    return write_all(out_fd, b->out, produced);
}

static int compress_stream(const struct options *o, struct buffers *b)
{
    z_stream z = {0};
    if (deflateInit2(&z, o->level, Z_DEFLATED, GZIP_WINDOW_BITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        fprintf(stderr, "void-gzip: deflateInit2 failed\n");
        return 1;
    }
    int status = 0, flush = Z_NO_FLUSH, r = Z_OK;
    z.next_out = b->out;
    z.avail_out = CHUNK;
    while (status == 0 && r != Z_STREAM_END) {
        if (z.avail_in == 0 && flush == Z_NO_FLUSH) {
            ssize_t n = read_some(o->in_fd, b->in, CHUNK);
            if (n < 0)
                status = 1;
            flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
            z.next_in = b->in;
            z.avail_in = n > 0 ? (uInt)n : 0;
        }
        r = deflate(&z, flush);
        if (r == Z_STREAM_ERROR || (z.avail_out < CHUNK && flush_output(&z, b, o->out_fd)))
            status = 1;
    }
    deflateEnd(&z);
    return status;
}

static int data_error(const z_stream *z)
{
    fprintf(stderr, "void-gzip: invalid compressed data: %s\n", z->msg ? z->msg : "error");
    return 1;
}

/* After a member's end: more input starts another member (gzip -d reads them all). */
static bool next_member(z_stream *z, struct buffers *b, int in_fd, int *status)
{
    if (z->avail_in == 0) {
        ssize_t n = read_some(in_fd, b->in, CHUNK);
        if (n <= 0) {
            *status = n < 0;
            return false;
        }
        z->next_in = b->in;
        z->avail_in = (uInt)n;
    }
    inflateReset(z);
    return true;
}

static int inflate_members(const struct options *o, struct buffers *b, z_stream *z)
{
    bool at_end_of_input = false;
    z->next_out = b->out;
    z->avail_out = CHUNK;
    for (;;) {
        if (z->avail_in == 0 && !at_end_of_input) {
            ssize_t n = read_some(o->in_fd, b->in, CHUNK);
            if (n < 0)
                return 1;
            at_end_of_input = n == 0;
            z->next_in = b->in;
            z->avail_in = (uInt)(n > 0 ? n : 0);
        }
        int r = inflate(z, Z_NO_FLUSH);
        if (z->avail_out < CHUNK && flush_output(z, b, o->out_fd) != 0)
            return 1;
        if (r == Z_STREAM_END) {
            int status = 0;
            if (!next_member(z, b, o->in_fd, &status))
                return status;
            continue;
        }
        if (r == Z_BUF_ERROR && at_end_of_input) {
            fprintf(stderr, "void-gzip: unexpected end of file\n");
            return 1;
        }
        if (r != Z_OK && r != Z_BUF_ERROR)
            return data_error(z);
    }
}

static int decompress_stream(const struct options *o, struct buffers *b)
{
    z_stream z = {0};
    if (inflateInit2(&z, AUTO_WINDOW_BITS) != Z_OK) {
        fprintf(stderr, "void-gzip: inflateInit2 failed\n");
        return 1;
    }
    int status = inflate_members(o, b, &z);
    inflateEnd(&z);
    return status;
}

/* The shim opens a writable File without O_TRUNC: a longer old file must not keep its
 * tail. A pipe or a terminal is left alone. */
static int truncate_regular_output(int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        perror("void-gzip: output");
        return -1;
    }
    if (S_ISREG(sb.st_mode) && (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) < 0)) {
        perror("void-gzip: truncate output");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (truncate_regular_output(o.out_fd) != 0)
        return 1;
    struct buffers *b = malloc(sizeof *b);
    if (!b) {
        fprintf(stderr, "void-gzip: out of memory\n");
        return 1;
    }
    int status = o.decompress ? decompress_stream(&o, b) : compress_stream(&o, b);
    free(b);
    return status;
}
