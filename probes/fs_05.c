/* FS-05: undo the root, in a child inside a nested user+mount namespace (never in the
 * host's): umount2("/", MNT_DETACH), then pivot_root(".", ".") + umount2(".", MNT_DETACH)
 * from /, then try C-FILE. ESCAPED if C-FILE is reachable afterwards. */
#include "probe_util.h"

#include <sys/syscall.h>

#define ID "FS-05"
#define GROUP "mount"

struct target {
    const char *file, *nonce;
};

static int undo_root(void *arg, char *text, size_t size)
{
    const struct target *t = arg;
    int u = umount2("/", MNT_DETACH);
    int ue = errno;
    int p = chdir("/") == 0 ? (int)syscall(SYS_pivot_root, ".", ".") : -1;
    int pe = errno;
    if (p == 0)
        umount2(".", MNT_DETACH);
    int r = file_has(t->file, t->nonce);
    snprintf(text, size, "umount2(/): %s; pivot_root(.,.): %s; C-FILE %s", u == 0 ? "ok" : err_name(ue),
             p == 0 ? "ok" : err_name(pe), r == 1 ? "read" : r == 0 ? "without nonce" : err_name(-r));
    return r == 1;
}

int main(int argc, char **argv)
{
    struct target t = { probe_arg(argc, argv, "file"), probe_arg(argc, argv, "file-nonce") };
    if (!t.file || !t.nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-FILE canary");
    int before = canary_file_read(argc, argv);
    struct child_result nested = run_in_child(CHILD_NESTED, undo_root, &t, 5);
    probe_verdict(ID, GROUP, nested.code == 1 ? PROBE_ESCAPED : PROBE_CONTAINED, "C-FILE before: %s; nested: %s",
                  before == 1 ? "readable" : "unreachable", nested.text);
}
