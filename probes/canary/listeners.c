/* C-TCP, C-UDP, the fake resolver, C-ABS, C-PATH and C-VSOCK: listeners the helper owns.
 * Every accept and every datagram is evidence; each peer gets the nonce banner. */
#include "canary.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const kind_names[L_KINDS] = {
    "tcp4", "tcp6", "udp4", "udp6", "tcp-host", "dns", "abstract", "pathname", "vsock"
};

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    if (ss.ss_family == AF_VSOCK)
        return (int)((struct sockaddr_vm *)&ss)->svm_port;
    return 0;
}

/* A socket bound to addr, listening when it is a stream socket; -1 on failure. */
static int open_listener(int family, int type, const struct sockaddr *addr, socklen_t len)
{
    int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, addr, len) < 0 || (type == SOCK_STREAM && listen(fd, 16) < 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void set_listener(struct listener *l, int fd, bool datagram)
{
    l->fd = fd;
    l->datagram = datagram;
    l->port = fd >= 0 ? bound_port(fd) : 0;
}

static void make_inet(struct canaries *c)
{
    struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    const struct sockaddr *a4 = (const struct sockaddr *)&v4, *a6 = (const struct sockaddr *)&v6;
    set_listener(&c->listeners[L_TCP4], open_listener(AF_INET, SOCK_STREAM, a4, sizeof v4), false);
    set_listener(&c->listeners[L_TCP6], open_listener(AF_INET6, SOCK_STREAM, a6, sizeof v6), false);
    set_listener(&c->listeners[L_UDP4], open_listener(AF_INET, SOCK_DGRAM, a4, sizeof v4), true);
    set_listener(&c->listeners[L_UDP6], open_listener(AF_INET6, SOCK_DGRAM, a6, sizeof v6), true);
    set_listener(&c->listeners[L_DNS], open_listener(AF_INET, SOCK_DGRAM, a4, sizeof v4), true);
}

/* The first non-loopback IPv4 address that is up; only ever used for this listener. */
static void make_host_ip(struct canaries *c)
{
    struct ifaddrs *list, *i;
    c->host_ip[0] = '\0';
    set_listener(&c->listeners[L_TCP_HOST], -1, false);
    if (getifaddrs(&list) < 0)
        return;
    for (i = list; i; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
            !(i->ifa_flags & IFF_LOOPBACK))
            break;
    if (i) {
        struct sockaddr_in a = *(struct sockaddr_in *)i->ifa_addr;
        a.sin_port = 0;
        inet_ntop(AF_INET, &a.sin_addr, c->host_ip, sizeof c->host_ip);
        set_listener(&c->listeners[L_TCP_HOST],
                     open_listener(AF_INET, SOCK_STREAM, (struct sockaddr *)&a, sizeof a), false);
    }
    freeifaddrs(list);
}

static void make_unix(struct canaries *c)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t n = strlen(c->abs_name);
    memcpy(a.sun_path + 1, c->abs_name, n);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    set_listener(&c->listeners[L_ABS], open_listener(AF_UNIX, SOCK_STREAM, (struct sockaddr *)&a, len),
                 false);
    struct sockaddr_un p = { .sun_family = AF_UNIX };
    size_t plen = strlen(c->path_sock);
    if (plen >= sizeof p.sun_path) {
        set_listener(&c->listeners[L_PATH], -1, false);
        return;
    }
    memcpy(p.sun_path, c->path_sock, plen + 1);
    set_listener(&c->listeners[L_PATH],
                 open_listener(AF_UNIX, SOCK_STREAM, (struct sockaddr *)&p, sizeof p), false);
    if (c->listeners[L_PATH].fd >= 0)
        chmod(c->path_sock, 0666);
}

/* Only with vsock_loopback: otherwise CID 1 is not served and CID 2 is the hypervisor. */
static void make_vsock(struct canaries *c)
{
    struct stat st;
    set_listener(&c->listeners[L_VSOCK], -1, false);
    if (stat("/sys/module/vsock_loopback", &st) < 0)
        return;
    struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY,
                             .svm_port = VMADDR_PORT_ANY };
    set_listener(&c->listeners[L_VSOCK],
                 open_listener(AF_VSOCK, SOCK_STREAM, (struct sockaddr *)&a, sizeof a), false);
}

int listeners_create(struct canaries *c)
{
    make_inet(c);
    make_host_ip(c);
    make_unix(c);
    make_vsock(c);
    return c->listeners[L_TCP4].fd >= 0 ? 0 : -1;
}

int listeners_poll_fds(const struct canaries *c, int *fds, int max)
{
    int n = 0;
    for (int k = 0; k < L_KINDS && n < max; k++)
        fds[n++] = c->listeners[k].fd;
    return n;
}

static void serve_stream(struct canaries *c, enum listener_kind k, struct evidence *ev)
{
    int peer;
    while ((peer = accept4(c->listeners[k].fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
        char banner[96];
        int n = snprintf(banner, sizeof banner, "void-canary %s\n", c->nonce);
        if (send(peer, banner, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
            evidence_add(ev, "warning: %s: banner not sent: %s", kind_names[k], strerror(errno));
        close(peer);
        evidence_add(ev, "%s listener accepted a connection", kind_names[k]);
    }
}

static void serve_datagram(struct canaries *c, enum listener_kind k, struct evidence *ev)
{
    unsigned char buf[1500];
    struct sockaddr_storage from;
    socklen_t len = sizeof from;
    ssize_t n;
    while ((n = recvfrom(c->listeners[k].fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len)) >= 0) {
        if (k == L_DNS && n >= 12) {
            buf[2] |= 0x80;                       /* a response: NXDOMAIN */
            buf[3] = (unsigned char)((buf[3] & 0xf0) | 3);
        } else {
            n = snprintf((char *)buf, sizeof buf, "void-canary %s\n", c->nonce);
        }
        sendto(c->listeners[k].fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&from, len);
        evidence_add(ev, "%s listener received a datagram", kind_names[k]);
        len = sizeof from;
    }
}

void listeners_serve(struct canaries *c, struct evidence *ev, int timeout_ms)
{
    struct pollfd p[L_KINDS];
    for (int k = 0; k < L_KINDS; k++)
        p[k] = (struct pollfd){ .fd = c->listeners[k].fd, .events = POLLIN };
    if (timeout_ms != 0 && poll(p, L_KINDS, timeout_ms) <= 0)
        return;
    for (int k = 0; k < L_KINDS; k++) {
        if (c->listeners[k].fd < 0)
            continue;
        if (c->listeners[k].datagram)
            serve_datagram(c, (enum listener_kind)k, ev);
        else
            serve_stream(c, (enum listener_kind)k, ev);
    }
}
