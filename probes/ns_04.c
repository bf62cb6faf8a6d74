/* NS-04: list namespaces and mounts beyond mine: listns(2) (SKIP on ENOSYS) and
 * listmount(2) with the host's mount-namespace id from C-HOST. ESCAPED if the host's mount
 * list comes back, LEAK if listns shows namespaces my user namespace does not own. */
#include "probe_util.h"

#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#define ID "NS-04"
#define GROUP "ns"

#define NR_LISTMOUNT 458
#define NR_LISTNS 470
#define LSMT_ROOT_ID 0xffffffffffffffffull
#define NS_GET_MNTNS_ID_IOCTL _IOR(0xb7, 0x5, uint64_t)

struct mnt_id_request {
    uint32_t size;
    uint32_t spare;
    uint64_t mnt_id;
    uint64_t param;
    uint64_t mnt_ns_id;
};

struct ns_id_request {
    uint32_t size;
    uint32_t spare;
    uint64_t ns_id;
    uint32_t ns_type;
    uint32_t spare2;
    uint64_t user_ns_id;
};

static long list_mounts(uint64_t ns_id, uint64_t *ids, size_t n)
{
    struct mnt_id_request req = { .size = sizeof req, .mnt_id = LSMT_ROOT_ID, .mnt_ns_id = ns_id };
    return syscall(NR_LISTMOUNT, &req, ids, n, 0);
}

static uint64_t own_mntns_id(void)
{
    uint64_t id = 0;
    int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && ioctl(fd, NS_GET_MNTNS_ID_IOCTL, &id) < 0)
        id = 0;
    if (fd >= 0)
        close(fd);
    return id;
}

/* listns of every namespace visible to me: the count, or -errno. */
static long list_namespaces(void)
{
    struct ns_id_request req = { .size = sizeof req };
    uint64_t ids[512];
    long n = syscall(NR_LISTNS, &req, ids, 512, 0);
    return n < 0 ? -errno : n;
}

int main(int argc, char **argv)
{
    struct detail d = { .len = 0 };
    long ns_count = list_namespaces();
    if (ns_count < 0)
        detail_add(&d, "listns: %s", err_name((int)-ns_count));
    else
        detail_add(&d, "listns: %ld ids", ns_count);
    const char *host_arg = probe_arg(argc, argv, "host-mntns-id");
    uint64_t host_id = host_arg ? strtoull(host_arg, NULL, 10) : 0, own = own_mntns_id();
    if (!host_id)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no host mount-namespace id; %s", d.text);
    uint64_t ids[256];
    long n = list_mounts(host_id, ids, 256);
    if (n < 0 && errno == ENOSYS)
        probe_verdict(ID, GROUP, PROBE_SKIP, "listmount: ENOSYS; %s", d.text);
    detail_add(&d, "own mnt ns id %llu%s", (unsigned long long)own, own == host_id ? " (the host's)" : "");
    if (n >= 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "listmount(host mnt ns %llu): %ld mounts; %s",
                      (unsigned long long)host_id, n, d.text);
    int e = errno;
    long mine = list_mounts(0, ids, 256);
    detail_add(&d, "listmount(own): %s", mine >= 0 ? "ok" : err_name(errno));
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "listmount(host mnt ns %llu): %s; %s",
                  (unsigned long long)host_id, err_name(e), d.text);
}
