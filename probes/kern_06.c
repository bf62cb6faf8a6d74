/* KERN-06: create device nodes (char 1:3 = null, block 7:0 = loop0) in a scratch
 * directory and open them read-only; a node that is created and opens is an escape. */
#include "probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ID "KERN-06"
#define GROUP "kernel"

/* "created+opened", or the failing step with its errno. */
static int try_node(const char *dir, const char *name, mode_t type, dev_t dev, char *out, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (mknod(path, type | 0600, dev) < 0) {
        snprintf(out, size, "%s mknod: %s", name, strerror(errno));
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    int saved = errno;
    unlink(path);
    if (fd < 0) {
        snprintf(out, size, "%s created, open: %s", name, strerror(saved));
        return 0;
    }
    close(fd);
    snprintf(out, size, "%s created and opened", name);
    return 1;
}

int main(void)
{
    char dir[] = "/tmp/void-probe-kern06.XXXXXX";
    if (!mkdtemp(dir))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no writable /tmp: %s", strerror(errno));
    char chr[128], blk[128];
    int chr_open = try_node(dir, "chr", S_IFCHR, makedev(1, 3), chr, sizeof chr);
    int blk_open = try_node(dir, "blk", S_IFBLK, makedev(7, 0), blk, sizeof blk);
    rmdir(dir);
    if (chr_open || blk_open)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "%s; %s", chr, blk);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s; %s", chr, blk);
}
