/* NET-06: AF_VSOCK has no network-namespace isolation before Linux 7.0. Connect
 * to the harness's C-VSOCK listener through the local loopback CID only. */
#include "probe.h"

#include <linux/vm_sockets.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID "NET-06"
#define GROUP "net"

/* Without the loopback transport the kernel hands CID 1 to the guest-to-host
 * transport, i.e. off the machine: only connect when loopback is known or the
 * harness vouched for it (it passes --vsock-port only then) and /sys can't tell. */
static int loopback_transport_missing(void)
{
    struct stat st;
    return stat("/sys/module/vsock", &st) == 0 && stat("/sys/module/vsock_loopback", &st) != 0;
}

/* 0 connected, else the errno of the failure (ETIMEDOUT after 2 s). */
static int connect_local_cid(unsigned port)
{
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return errno;
    struct sockaddr_vm addr = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL, .svm_port = port };
    int err = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        err = errno;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        socklen_t len = sizeof err;
        if (err == EINPROGRESS)
            err = poll(&p, 1, 2000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : ETIMEDOUT;
    }
    close(fd);
    return err;
}

int main(int argc, char **argv)
{
    int probe_fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe_fd < 0 && (errno == EAFNOSUPPORT || errno == ENOSYS))
        probe_verdict(ID, GROUP, PROBE_SKIP, "socket(AF_VSOCK): %s", strerror(errno));
    if (probe_fd >= 0)
        close(probe_fd);
    const char *port = probe_arg(argc, argv, "vsock-port");
    if (!port)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-VSOCK canary (--vsock-port absent)");
    if (loopback_transport_missing())
        probe_verdict(ID, GROUP, PROBE_SKIP, "vsock_loopback not loaded: CID %u would leave the machine",
                      VMADDR_CID_LOCAL);
    int err = connect_local_cid((unsigned)strtoul(port, NULL, 10));
    if (err == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "connected to vsock CID %u port %s", VMADDR_CID_LOCAL, port);
    if (err == ENODEV || err == ESOCKTNOSUPPORT)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no vsock loopback transport: %s", strerror(err));
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "connect CID %u port %s: %s", VMADDR_CID_LOCAL, port,
                  strerror(err));
}
