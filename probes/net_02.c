/* NET-02: loopback TCP to the harness's C-TCP listeners on 127.0.0.1 and ::1;
 * a connection that delivers the nonce banner proves a shared network namespace. */
#include "probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ID "NET-02"
#define GROUP "net"

/* 1 connected and the banner holds the nonce (or no nonce was given),
 * 0 connected but the banner differs, -1 no connection (errno set). */
static int connect_and_read_banner(int family, const char *ip, int port, const char *nonce)
{
    struct sockaddr_storage ss = { 0 };
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, ip, &a->sin_addr);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, ip, &a->sin6_addr);
        len = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval timeout = { .tv_sec = 2 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    char banner[256];
    ssize_t n = recv(fd, banner, sizeof banner - 1, 0);
    close(fd);
    banner[n > 0 ? n : 0] = '\0';
    return !nonce || strstr(banner, nonce) ? 1 : 0;
}

int main(int argc, char **argv)
{
    static const struct { const char *arg, *ip; int family; } targets[] = {
        { "tcp4-port", "127.0.0.1", AF_INET }, { "tcp6-port", "::1", AF_INET6 },
    };
    const char *nonce = probe_arg(argc, argv, "nonce");
    char results[256] = "";
    int tried = 0;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const char *port = probe_arg(argc, argv, targets[i].arg);
        if (!port)
            continue;
        tried++;
        int got = connect_and_read_banner(targets[i].family, targets[i].ip, atoi(port), nonce);
        if (got == 1)
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "connected to %s port %s, banner %s", targets[i].ip,
                          port, nonce ? "holds the nonce" : "not checked (no --nonce)");
        size_t len = strlen(results);
        snprintf(results + len, sizeof results - len, "%s%s:%s %s", len ? "; " : "", targets[i].ip,
                 port, got == 0 ? "connected, foreign banner" : strerror(errno));
    }
    if (!tried)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-TCP canary (--tcp4-port/--tcp6-port absent)");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s", results);
}
