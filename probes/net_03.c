/* NET-03: the host's own IP (C-TCP on the host address) and the C-UDP echo
 * listeners; the cloud metadata address only when asked (--metadata=1, SYN only). */
#include "probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ID "NET-03"
#define GROUP "net"

static socklen_t make_address(struct sockaddr_storage *ss, const char *ip, int port)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return sizeof *v4;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        return sizeof *v6;
    }
    return 0;
}

/* A connected socket of the given type with 2 s timeouts, or -1 (errno set). */
static int open_connected(const char *ip, int port, int type)
{
    struct sockaddr_storage ss;
    socklen_t len = make_address(&ss, ip, port);
    if (!len) {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
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
    return fd;
}

static int tcp_reaches(const char *ip, int port)
{
    int fd = open_connected(ip, port, SOCK_STREAM);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* The C-UDP listener echoes; any datagram back means it was reached. */
static int udp_echo_answers(const char *ip, int port)
{
    int fd = open_connected(ip, port, SOCK_DGRAM);
    if (fd < 0)
        return 0;
    static const char ping[] = "void-probe NET-03";
    char reply[256];
    int answered = send(fd, ping, sizeof ping - 1, 0) >= 0 && recv(fd, reply, sizeof reply, 0) > 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return answered;
}

/* Non-blocking connect, 1 s: a SYN and nothing else. */
static int metadata_answers(void)
{
    struct sockaddr_storage ss;
    socklen_t len = make_address(&ss, "169.254.169.254", 80);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return 0;
    int rc = connect(fd, (struct sockaddr *)&ss, len);
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int err = 0;
    socklen_t elen = sizeof err;
    if (rc < 0 && errno == EINPROGRESS && poll(&p, 1, 1000) == 1)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    else if (rc < 0)
        err = errno ? errno : ETIMEDOUT;
    close(fd);
    errno = err;
    return err == 0 && (rc == 0 || p.revents & POLLOUT);
}

static void note(char *out, size_t size, const char *what, const char *result)
{
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s: %s", len ? "; " : "", what, result);
}

int main(int argc, char **argv)
{
    const char *host_ip = probe_arg(argc, argv, "tcp-host-ip");
    const char *host_port = probe_arg(argc, argv, "tcp-host-port");
    const char *udp4 = probe_arg(argc, argv, "udp4-port");
    const char *udp6 = probe_arg(argc, argv, "udp6-port");
    const char *metadata = probe_arg(argc, argv, "metadata");
    char results[512] = "";
    if (host_ip && host_port) {
        if (tcp_reaches(host_ip, atoi(host_port)))
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "connected to host IP %s:%s", host_ip, host_port);
        note(results, sizeof results, "tcp host ip", strerror(errno));
    }
    if (udp4) {
        if (udp_echo_answers("127.0.0.1", atoi(udp4)))
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "C-UDP echo on 127.0.0.1:%s answered", udp4);
        note(results, sizeof results, "udp4", strerror(errno));
    }
    if (udp6) {
        if (udp_echo_answers("::1", atoi(udp6)))
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "C-UDP echo on [::1]:%s answered", udp6);
        note(results, sizeof results, "udp6", strerror(errno));
    }
    if (metadata && strcmp(metadata, "1") == 0) {
        if (metadata_answers())
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "169.254.169.254:80 accepted a connection");
        note(results, sizeof results, "metadata", strerror(errno));
    }
    if (!results[0])
        probe_verdict(ID, GROUP, PROBE_SKIP, "no canary (--tcp-host-ip/--tcp-host-port, --udp4-port, --udp6-port absent)");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s", results);
}
