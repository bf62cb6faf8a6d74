/* NET-01: which interfaces and routes can the void see? Only lo means a fresh
 * network namespace; host NICs and MACs are a leak. */
#include "probe.h"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

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

static int count_routes(void)
{
    FILE *f = fopen("/proc/net/route", "r");
    if (!f)
        return -1;
    char line[256];
    int lines = 0;
    while (fgets(line, sizeof line, f))
        lines++;
    fclose(f);
    return lines > 0 ? lines - 1 : 0;
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
    /* -1: the /proc/net file is not visible here */
    int routes = count_routes();
    int localnet = read_route_localnet();
    if (count > 0)
        probe_verdict(ID, GROUP, PROBE_LEAK, "%d non-lo interfaces:%s; ipv4 routes %d; route_localnet %d",
                      count, nics, routes, localnet);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "only lo; ipv4 routes %d; route_localnet %d (-1 = unreadable)",
                  routes, localnet);
}
