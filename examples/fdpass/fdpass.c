/* fdpass: a void that opened nothing reads a file whose descriptor it received, over a
 * file socket, from another void.
 *
 *   fdpass file_opener SOCKET_FD FD...   send the FDs (opened by the shim on the spec's
 *                                       File paths) over SOCKET_FD, as one message
 *   fdpass file_reader FD...             for each received FD, print its first line
 *   fdpass file_relay SOCKET_FD FD...    send the received FDs on over SOCKET_FD (a
 *                                       triggered void passing fds along, as the
 *                                       void orchestrator's TLS handler does)
 *
 * The reader's void has no file system beyond its own binary and libraries: it shows
 * that the file's path does not exist there, then reads the file through the fd. The
 * shim receives each set of fds on the file socket and starts a fresh reader void for
 * it, with the fds' numbers as its arguments ("Trigger"). Dynamically linked. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse_fd(const char *s)
{
    char *end;
    errno = 0;
    long fd = strtol(s, &end, 10);
    return errno == 0 && *end == '\0' && fd >= 0 && fd <= INT_MAX ? (int)fd : -1;
}

#define MAX_FDS 16

/* Sends fds[0..n) as one message (one byte of data, the fds as SCM_RIGHTS). */
static int send_fds(int socket_fd, const int *fds, size_t n)
{
    char byte = 'f';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
        struct cmsghdr align;
    } control;
    if (n == 0 || n > MAX_FDS)
        return -1;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    return sendmsg(socket_fd, &msg, 0) == 1 ? 0 : -1;
}

/* file_opener and file_relay: send the fds after SOCKET_FD on, as one message. */
static int send_on(int argc, char **argv)
{
    int sock = argc > 3 ? parse_fd(argv[2]) : -1;
    int fds[MAX_FDS];
    size_t n = 0;
    for (int i = 3; i < argc && sock >= 0; i++)
        if (n == MAX_FDS || (fds[n++] = parse_fd(argv[i])) < 0)
            sock = -1;
    if (sock < 0) {
        fprintf(stderr, "fdpass: %s needs SOCKET_FD and 1 to %d FDs\n", argv[1], MAX_FDS);
        return 2;
    }
    if (send_fds(sock, fds, n) != 0) {
        perror("fdpass: sendmsg");
        return 1;
    }
    return 0;
}

static int read_first_line(int fd)
{
    FILE *f = fdopen(fd, "r");
    char line[512];
    if (!f || !fgets(line, sizeof line, f)) {
        printf("file_reader: fd %d: cannot read: %s\n", fd, strerror(errno));
        return 1;
    }
    line[strcspn(line, "\n")] = '\0';
    printf("file_reader: fd %d, first line: %s\n", fd, line);
    fclose(f);
    return 0;
}

static int read_received(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "fdpass: file_reader received no fd\n");
        return 2;
    }
    struct stat st;
    if (stat("/etc", &st) != 0)
        printf("file_reader: /etc: %s here\n", strerror(errno));
    else
        printf("file_reader: /etc exists here\n");
    int status = 0;
    for (int i = 2; i < argc; i++) {
        int fd = parse_fd(argv[i]);
        if (fd < 0 || read_first_line(fd) != 0)
            status = 1;
    }
    return fflush(stdout) == 0 ? status : 1;
}

int main(int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "";
    if (strcmp(role, "file_opener") == 0 || strcmp(role, "file_relay") == 0)
        return send_on(argc, argv);
    if (strcmp(role, "file_reader") == 0)
        return read_received(argc, argv);
    fprintf(stderr, "fdpass: unknown entrypoint \"%s\" (expected file_opener, "
                    "file_reader or file_relay)\n", role);
    return 2;
}
