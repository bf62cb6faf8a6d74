/* A new network namespace holds only lo, down. --loopback brings it up: one ioctl,
 * no netlink needed. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "void.h"

int void_net(const struct plan *plan, struct shim_error *err)
{
    if (!plan->loopback)
        return 0;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "net: socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int r = ioctl(sock, SIOCGIFFLAGS, &ifr);
    if (r == 0) {
        ifr.ifr_flags |= IFF_UP;
        r = ioctl(sock, SIOCSIFFLAGS, &ifr);
    }
    int e = errno;
    close(sock);
    return r == 0 ? 0 : error_set(err, EXIT_SHIM_ERROR, e, "net: --loopback: bring lo up");
}
