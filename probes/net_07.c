/* NET-07: kernel-global netlink families. Listen for uevents for 1 s (receive
 * only) and dump the sockets that NETLINK_SOCK_DIAG shows in this netns. */
#include "probe.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define ID "NET-07"
#define GROUP "net"

/* Uevent messages received on group 1 within 1 s, or -1 (errno set). */
static int count_uevents(void)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (fd < 0)
        return -1;
    struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    int count = 0;
    char buf[4096];
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (poll(&p, 1, count ? 50 : 1000) == 1 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        count++;
    close(fd);
    return count;
}

/* Counts the SOCK_DIAG_BY_FAMILY replies to a dump request; -1 on error. */
static int count_dump_replies(int fd)
{
    char buf[16384];
    int count = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return -1;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return count;
            if (h->nlmsg_type == NLMSG_ERROR)
                return -1;
            count++;
        }
    }
}

static int dump_sockets(const void *request, size_t size)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    int count = sendto(fd, request, size, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0 ? -1
              : count_dump_replies(fd);
    close(fd);
    return count;
}

static int dump_inet(int family, int protocol)
{
    struct { struct nlmsghdr h; struct inet_diag_req_v2 r; } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
               .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
        .r = { .sdiag_family = (unsigned char)family, .sdiag_protocol = (unsigned char)protocol,
               .idiag_states = ~0U },
    };
    return dump_sockets(&req, sizeof req);
}

static int dump_unix(void)
{
    struct { struct nlmsghdr h; struct unix_diag_req r; } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
               .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
        .r = { .sdiag_family = AF_UNIX, .udiag_states = ~0U },
    };
    return dump_sockets(&req, sizeof req);
}

int main(void)
{
    int uevents = count_uevents();
    int uevent_errno = errno;
    int tcp4 = dump_inet(AF_INET, IPPROTO_TCP), tcp6 = dump_inet(AF_INET6, IPPROTO_TCP);
    int udp4 = dump_inet(AF_INET, IPPROTO_UDP), udp6 = dump_inet(AF_INET6, IPPROTO_UDP);
    int unix_sockets = dump_unix();
    char uevent_note[96];
    if (uevents < 0)
        snprintf(uevent_note, sizeof uevent_note, "uevent: %s", strerror(uevent_errno));
    else
        snprintf(uevent_note, sizeof uevent_note, "%d uevents in 1 s", uevents);
    const char *verdict = uevents > 0 || tcp4 > 0 || tcp6 > 0 || udp4 > 0 || udp6 > 0 || unix_sockets > 0
                        ? PROBE_LEAK : PROBE_CONTAINED;
    /* The probe holds no inet or unix socket of its own: every one listed is someone else's. */
    probe_verdict(ID, GROUP, verdict, "%s; sock_diag (-1 = refused): tcp4 %d, tcp6 %d, udp4 %d, udp6 %d, unix %d",
                  uevent_note, tcp4, tcp6, udp4, udp6, unix_sockets);
}
