/* FS-11 ("shocker"): decode file handles through a bind. open_by_handle_at() of C-FILE's
 * own handle (from the harness) with C-DIR-RO (same filesystem, C-FILE outside the bind) as
 * the mount fd, and of {FILEID_INO32_GEN, ino 1..16, gen 0} handles (ino 2: the ext4 root);
 * directly and in a nested user namespace. ESCAPED if C-FILE is read or a handle opens an
 * inode outside the bind subtree. */
#include "probe_util.h"

#define ID "FS-11"
#define GROUP "mount"

union handle {
    struct file_handle fh;
    unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
};

struct target {
    const char *dir_ro, *nonce;
    union handle canary;
    bool have_canary;
};

static bool parse_handle(const char *arg, union handle *h)
{
    int type;
    int pos = 0;
    if (!arg || sscanf(arg, "%d:%n", &type, &pos) != 1)
        return false;
    const char *hex = arg + pos;
    size_t n = strlen(hex) / 2;
    if (n > MAX_HANDLE_SZ)
        return false;
    h->fh.handle_type = type;
    h->fh.handle_bytes = (unsigned)n;
    for (size_t i = 0; i < n; i++) {
        unsigned byte;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
            return false;
        h->raw[sizeof(struct file_handle) + i] = (unsigned char)byte;
    }
    return true;
}

static int canary_by_handle(int mnt, struct target *t, char *text, size_t size)
{
    if (!t->have_canary) {
        snprintf(text, size, "no C-FILE handle");
        return 0;
    }
    int fd = open_by_handle_at(mnt, &t->canary.fh, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(text, size, "C-FILE handle: %s", err_name(errno));
        return 0;
    }
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    snprintf(text, size, "C-FILE handle opened%s", strstr(buf, t->nonce) ? ", nonce read" : "");
    return strstr(buf, t->nonce) != NULL;
}

/* Small inode sweep: a handle that opens any inode other than the bind's root is outside it. */
static int sweep(int mnt, const struct stat *bind_root, char *text, size_t size)
{
    union handle h = { .fh = { .handle_bytes = 8, .handle_type = 1 } };
    int opened = 0, outside = 0, last_errno = 0;
    for (uint32_t ino = 1; ino <= 16; ino++) {
        uint32_t body[2] = { ino, 0 };
        memcpy(h.raw + sizeof(struct file_handle), body, sizeof body);
        int fd = open_by_handle_at(mnt, &h.fh, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        struct stat st;
        opened++;
        if (fstat(fd, &st) == 0 && st.st_ino != bind_root->st_ino)
            outside++;
        close(fd);
    }
    snprintf(text, size, "sweep ino 1-16: %d opened, %d outside the bind%s%s", opened, outside,
             opened < 16 ? ", last error " : "", opened < 16 ? err_name(last_errno) : "");
    return outside > 0;
}

static int decode(void *arg, char *text, size_t size)
{
    struct target *t = arg;
    int mnt = open(t->dir_ro, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat root;
    if (mnt < 0 || fstat(mnt, &root) < 0) {
        snprintf(text, size, "open C-DIR-RO: %s", err_name(errno));
        return 0;
    }
    char a[200], b[200];
    int hit = canary_by_handle(mnt, t, a, sizeof a);
    hit |= sweep(mnt, &root, b, sizeof b);
    close(mnt);
    snprintf(text, size, "%s; %s", a, b);
    return hit;
}

int main(int argc, char **argv)
{
    static struct target t;
    t.dir_ro = probe_arg(argc, argv, "dir-ro");
    t.nonce = probe_arg(argc, argv, "file-nonce");
    t.have_canary = parse_handle(probe_arg(argc, argv, "file-handle"), &t.canary);
    if (!t.dir_ro || !t.nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-DIR-RO or C-FILE canary");
    struct child_result direct = run_in_child(CHILD_PLAIN, decode, &t, 5);
    struct child_result nested = run_in_child(CHILD_NESTED, decode, &t, 5);
    bool escaped = direct.code == 1 || nested.code == 1;
    probe_verdict(ID, GROUP, escaped ? PROBE_ESCAPED : PROBE_CONTAINED, "direct: %s | nested: %s", direct.text,
                  nested.text);
}
