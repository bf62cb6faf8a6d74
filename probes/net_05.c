/* NET-05: raw and packet sockets. Created in the host network namespace they
 * mean host-wide sniffing and spoofing; in the void's own netns only surface. */
#include "probe.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID "NET-05"
#define GROUP "net"

static int creatable(int family, int type, int protocol, char *note, size_t size, const char *name)
{
    int fd = socket(family, type | SOCK_CLOEXEC, protocol);
    size_t len = strlen(note);
    snprintf(note + len, size - len, "%s%s: %s", len ? "; " : "", name, fd >= 0 ? "created" : strerror(errno));
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* 1 host netns, 0 not, -1 unknown. From --host-ns-net, else from visible NICs (as NET-01). */
static int in_host_netns(const char *host_ns)
{
    struct stat st;
    unsigned long dev, ino;
    if (host_ns && sscanf(host_ns, "%lu:%lu", &dev, &ino) == 2 && stat("/proc/self/ns/net", &st) == 0)
        return st.st_dev == dev && st.st_ino == ino;
    struct ifaddrs *all;
    if (getifaddrs(&all) < 0)
        return -1;
    int nics = 0;
    for (struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next)
        nics += !(ifa->ifa_flags & IFF_LOOPBACK);
    freeifaddrs(all);
    return nics > 0;
}

int main(int argc, char **argv)
{
    char note[384] = "";
    int raw = creatable(AF_INET, SOCK_RAW, IPPROTO_ICMP, note, sizeof note, "raw icmp");
    int packet = creatable(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL), note, sizeof note, "packet");
    /* ICMP datagram ("ping") sockets are unprivileged by design (ping_group_range): noted only. */
    creatable(AF_INET, SOCK_DGRAM, IPPROTO_ICMP, note, sizeof note, "icmp dgram");
    if (!raw && !packet)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s", note);
    int host = in_host_netns(probe_arg(argc, argv, "host-ns-net"));
    if (host == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s; in the host netns", note);
    probe_verdict(ID, GROUP, PROBE_EXPOSED, "%s; netns %s", note, host == 0 ? "is not the host's" : "unknown");
}
