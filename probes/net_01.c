/* NET-01: which interfaces and routes can the void see? Only lo means a fresh
 * network namespace; host NICs and MACs are a leak. */
#include "probe.h"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#define ID "NET-01"
#define GROUP "net"

static void append(char *out, size_t size, const char *text)
{
    size_t len = strlen(out);
    if (len + strlen(text) + 2 < size)
        snprintf(out + len, size - len, " %s", text);
}

/* Non-loopback interfaces, each with its MAC when the kernel reports one. */
static int list_host_interfaces(char *out, size_t size)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0)
        return -1;
    int count = 0;
    for (struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
        if ((ifa->ifa_flags & IFF_LOOPBACK) || !ifa->ifa_addr ||
            ifa->ifa_addr->sa_family != AF_PACKET)
            continue;
        const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)ifa->ifa_addr;
        char entry[96];
        int n = snprintf(entry, sizeof entry, "%s", ifa->ifa_name);
        for (int i = 0; i < ll->sll_halen && n < (int)sizeof entry - 4; i++)
            n += snprintf(entry + n, sizeof entry - n, "%c%02x", i ? ':' : '/', ll->sll_addr[i]);
        append(out, size, entry);
        count++;
    }
    freeifaddrs(all);
    return count;
}

/* Routes of the main table (IPv4 and IPv6), by netlink, so that no /proc is needed; -1 on error. */
static int count_main_routes(void)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    struct { struct nlmsghdr h; struct rtmsg r; } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
        .r = { .rtm_family = AF_UNSPEC },
    };
    int count = send(fd, &req, sizeof req, 0) < 0 ? -1 : 0;
    char buf[16384];
    for (int done = count < 0; !done;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            count = -1, done = 1;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; !done && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
                done = 1, count = h->nlmsg_type == NLMSG_ERROR ? -1 : count;
            else if (h->nlmsg_type == RTM_NEWROUTE && ((struct rtmsg *)NLMSG_DATA(h))->rtm_table == RT_TABLE_MAIN)
                count++;
        }
    }
    close(fd);
    return count;
}

static int read_route_localnet(void)
{
    FILE *f = fopen("/proc/sys/net/ipv4/conf/all/route_localnet", "r");
    int value = -1;
    if (f) {
        if (fscanf(f, "%d", &value) != 1)
            value = -1;
        fclose(f);
    }
    return value;
}

int main(void)
{
    char nics[640] = "";
    int count = list_host_interfaces(nics, sizeof nics);
    if (count < 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "getifaddrs: %s", strerror(errno));
    int routes = count_main_routes();
    int localnet = read_route_localnet();
    if (count > 0)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%d non-lo interfaces:%s; main-table routes %d; route_localnet %d",
                      count, nics, routes, localnet);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "only lo; main-table routes %d; route_localnet %d (-1 = unreadable)",
                  routes, localnet);
}
