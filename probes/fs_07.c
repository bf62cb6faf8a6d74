/* FS-07: reveal what a mask hides: C-SECRET lies under C-DIR-RO/masked, which the targets
 * cover with a tmpfs. Plain read; then umount2(mask, MNT_DETACH) and a non-recursive
 * open_tree(OPEN_TREE_CLONE) of C-DIR-RO, directly (only outside the host's mount
 * namespace) and in a nested user+mount namespace. ESCAPED if C-SECRET's nonce is read. */
#include "probe_util.h"

#include <libgen.h>
#include <sys/syscall.h>

#define ID "FS-07"
#define GROUP "mount"
#define NR_OPEN_TREE 428
#define OPEN_TREE_CLONE_FLAG 1

struct target {
    const char *dir_ro, *secret, *nonce;
};

static const char *outcome(int r)
{
    return r == 1 ? "secret read" : r == 0 ? "no nonce" : err_name(-r);
}

static int through_clone(const struct target *t)
{
    int tree = (int)syscall(NR_OPEN_TREE, AT_FDCWD, t->dir_ro, OPEN_TREE_CLONE_FLAG | O_CLOEXEC);
    if (tree < 0)
        return -errno;
    const char *rel = t->secret + strlen(t->dir_ro);
    while (*rel == '/')
        rel++;
    char text[512];
    ssize_t n = read_text_at(tree, rel, text, sizeof text);
    close(tree);
    return n < 0 ? (int)n : strstr(text, t->nonce) != NULL;
}

static int unmask(void *arg, char *text, size_t size)
{
    const struct target *t = arg;
    char mask[PATH_MAX];
    snprintf(mask, sizeof mask, "%s", t->secret);
    dirname(mask);
    int c = through_clone(t);
    int u = umount2(mask, MNT_DETACH) == 0 ? file_has(t->secret, t->nonce) : -errno;
    snprintf(text, size, "open_tree clone: %s; umount2(mask): %s", outcome(c), outcome(u));
    return c == 1 || u == 1;
}

int main(int argc, char **argv)
{
    struct target t = { probe_arg(argc, argv, "dir-ro"), probe_arg(argc, argv, "secret"),
                        probe_arg(argc, argv, "nonce") };
    if (!t.dir_ro || !t.secret || !t.nonce || strncmp(t.secret, t.dir_ro, strlen(t.dir_ro)) != 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-SECRET under C-DIR-RO");
    int plain = file_has(t.secret, t.nonce);
    if (plain == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "C-SECRET readable without unmasking (no mask in place)");
    struct detail d = { .len = 0 };
    detail_add(&d, "plain read: %s", outcome(plain));
    bool escaped = false;
    if (in_host_ns(argc, argv, "mnt") == 0) {
        struct child_result r = run_in_child(CHILD_PLAIN, unmask, &t, 5);
        escaped |= r.code == 1;
        detail_add(&d, "direct: %s", r.text);
    }
    struct child_result r = run_in_child(CHILD_NESTED, unmask, &t, 5);
    escaped |= r.code == 1;
    detail_add(&d, "nested: %s", r.text);
    probe_verdict(ID, GROUP, escaped ? PROBE_ESCAPED : PROBE_CONTAINED, "%s", d.text);
}
