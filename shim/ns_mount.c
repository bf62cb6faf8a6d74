/* The mount namespace: make every inherited mount private first (else the detach below
 * would propagate into the host and unmount host filesystems), put an empty tmpfs on
 * the staging directory, pivot into it with the old root at /.oldroot, hand in each
 * declared mount from /.oldroot, detach and remove the old root, and make / read-only.
 *
 * Each op costs a constant number of syscalls: sources are cloned with open_tree and
 * attached with move_mount, never by re-reading the mount table; destinations are
 * reached from an fd of the new root, one component at a time, never through a
 * symlink, and the parent of the previous destination is reused. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount_api.h"
#include "void.h"

#define OLD_ROOT ".oldroot"

struct mount_state {
    int root_fd;              /* the void's root, "/" after the pivot */
    int old_root_fd;          /* the caller's root, at /.oldroot until detached */
    dev_t *own_devs;          /* tmpfs mounts of ours: the only places we create in */
    size_t n_own_devs;
    char parent_path[PATH_MAX];  /* the parent directory of the previous destination */
    int parent_fd;
    /* parent_fd is a directory this op's open_parent has just created: empty, on our
     * own tmpfs, so nothing in it needs looking at before creating the mount point. */
    bool parent_fresh;
    bool root_empty;          /* no op has run yet: the new root holds nothing */
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static bool is_own_dev(const struct mount_state *st, int dir_fd)
{
    struct stat sb;
    if (fstat(dir_fd, &sb) != 0)
        return false;
    for (size_t i = 0; i < st->n_own_devs; i++)
        if (st->own_devs[i] == sb.st_dev)
            return true;
    return false;
}

/* Opens dir_fd/name, creating it if missing. *fresh: in, dir_fd was just created by us
 * (so name cannot exist and the lookup can be skipped); out, name was just created. */
static int open_component(struct mount_state *st, int dir_fd, const char *name, bool *fresh,
                          const struct mount_op *op, struct shim_error *err)
{
    if (!*fresh) {
        int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT) {
            if (fd < 0)
                error_set(err, EXIT_SHIM_ERROR, errno == ELOOP ? ENOTDIR : errno,
                          "mount: %s %s: parent component '%s' (never followed as a "
                          "symlink)", op->origin, op->dst, name);
            return fd;
        }
        if (!is_own_dev(st, dir_fd))
            return error_set(err, EXIT_SHIM_ERROR, 0,
                             "mount: %s %s: parent '%s' is missing and would have to be "
                             "created outside the void's own tmpfs", op->origin, op->dst,
                             name);
    }
    *fresh = true;
    if (mkdirat(dir_fd, name, 0755) != 0 && errno != EEXIST)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: mkdir %s", op->origin,
                         op->dst, name);
    int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: open %s", op->origin,
                  op->dst, name);
    return fd;
}

/* Opens (creating inside our tmpfs where missing) the parent directory of op->dst.
 * Returns an fd owned by st (do not close it) and points *name at the last component. */
static int open_parent(struct mount_state *st, const struct mount_op *op, const char **name,
                       struct shim_error *err)
{
    const char *slash = strrchr(op->dst, '/');
    size_t parent_len = (size_t)(slash - op->dst);
    *name = slash + 1;
    st->parent_fresh = false;    /* a reused parent may hold earlier ops' mount points */
    if (st->parent_fd >= 0 && strlen(st->parent_path) == parent_len &&
        memcmp(st->parent_path, op->dst, parent_len) == 0)
        return st->parent_fd;

    close_fd(&st->parent_fd);
    int fd = st->root_fd;        /* borrowed until the first component is open */
    bool fresh = st->root_empty;
    char path[PATH_MAX];
    memcpy(path, op->dst, parent_len);
    path[parent_len] = '\0';
    for (char *part = strtok(path, "/"); part && fd >= 0; part = strtok(NULL, "/")) {
        int next = open_component(st, fd, part, &fresh, op, err);
        if (fd != st->root_fd)
            close(fd);
        fd = next;
    }
    if (fd == st->root_fd)
        fd = dup(st->root_fd);   /* the parent is / itself: st->parent_fd must be ours */
    if (fd < 0)
        return -1;
    st->parent_fresh = fresh;
    memcpy(st->parent_path, op->dst, parent_len);
    st->parent_path[parent_len] = '\0';
    return st->parent_fd = fd;
}

/* Creates the mount point (an empty directory or file) unless something is there. */
static int make_mount_point(const struct mount_state *st, int parent_fd, const char *name,
                            bool directory, const struct mount_op *op, struct shim_error *err)
{
    struct stat sb;
    if (st->parent_fresh)
        ;   /* an empty directory of ours: nothing to look at */
    else if (fstatat(parent_fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(sb.st_mode))
            return error_set(err, EXIT_SHIM_ERROR, 0,
                             "mount: %s %s: destination is a symlink", op->origin, op->dst);
        return 0;
    } else if (!is_own_dev(st, parent_fd))
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "mount: %s %s: destination is missing and would have to be "
                         "created outside the void's own tmpfs", op->origin, op->dst);
    int r = directory ? mkdirat(parent_fd, name, 0755)
                      : mknodat(parent_fd, name, S_IFREG | 0644, 0);
    if (r != 0 && errno != EEXIST)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: create mount point",
                         op->origin, op->dst);
    return 0;
}

static int attach(int tree_fd, int parent_fd, const char *name, const struct mount_op *op,
                  struct shim_error *err)
{
    if (sys_move_mount(tree_fd, "", parent_fd, name, MOVE_MOUNT_F_EMPTY_PATH) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: move_mount", op->origin,
                         op->dst);
    return 0;
}

static int open_source(const struct mount_state *st, const struct mount_op *op,
                       struct shim_error *err)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    const char *relative = op->src[1] ? op->src + 1 : ".";
    int fd = (int)syscall(SYS_openat2, st->old_root_fd, relative, &how, sizeof how);
    if (fd < 0)
        error_set(err, EXIT_SHIM_ERROR, errno, "mount: bind %s -> %s", op->src, op->dst);
    return fd;
}

/* True when an implicit op (program, library) is already visible at its destination,
 * e.g. through a --bind of the directory holding it. */
static bool already_visible(int parent_fd, const char *name, int src_fd)
{
    struct stat at, src;
    return fstatat(parent_fd, name, &at, 0) == 0 && fstat(src_fd, &src) == 0 &&
           at.st_dev == src.st_dev && at.st_ino == src.st_ino;
}

static unsigned bind_attributes(unsigned flags)
{
    unsigned attr = MOUNT_ATTR_NOSUID;
    if (!(flags & OP_RW))
        attr |= MOUNT_ATTR_RDONLY;
    if (!(flags & OP_DEVICES))
        attr |= MOUNT_ATTR_NODEV;
    if (flags & OP_NOEXEC)
        attr |= MOUNT_ATTR_NOEXEC;
    return attr;
}

static int apply_bind(struct mount_state *st, const struct mount_op *op, struct shim_error *err)
{
    const char *name;
    int parent_fd = open_parent(st, op, &name, err);
    if (parent_fd < 0)
        return -1;
    int src_fd = open_source(st, op, err);
    if (src_fd < 0)
        return -1;
    if ((op->flags & OP_IMPLICIT) && !st->parent_fresh &&
        already_visible(parent_fd, name, src_fd)) {
        close(src_fd);
        return 0;
    }
    int tree_fd = sys_open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                AT_EMPTY_PATH | AT_RECURSIVE);
    int e = errno;
    close(src_fd);
    if (tree_fd < 0)
        return error_set(err, EXIT_SHIM_ERROR, e, "mount: bind %s -> %s: open_tree", op->src,
                         op->dst);
    struct mount_attr attr = {.attr_set = bind_attributes(op->flags),
                              .propagation = MS_PRIVATE};
    int r = sys_mount_setattr(tree_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr);
    if (r != 0)
        r = error_set(err, EXIT_SHIM_ERROR, errno, "mount: bind %s -> %s: mount_setattr",
                      op->src, op->dst);
    if (r == 0)
        r = make_mount_point(st, parent_fd, name, op->src_is_dir, op, err);
    if (r == 0)
        r = attach(tree_fd, parent_fd, name, op, err);
    close(tree_fd);
    return r;
}

/* A fresh filesystem (tmpfs, proc) made with fsopen/fsmount and attached at op->dst. */
static int apply_new_fs(struct mount_state *st, const struct mount_op *op, const char *type,
                        const char *const *options, unsigned attr, struct shim_error *err)
{
    const char *name;
    int parent_fd = open_parent(st, op, &name, err);
    if (parent_fd < 0 || make_mount_point(st, parent_fd, name, true, op, err) != 0)
        return -1;
    int fs_fd = sys_fsopen(type, FSOPEN_CLOEXEC);
    if (fs_fd < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: fsopen %s", op->origin,
                         op->dst, type);
    for (; *options; options += 2)
        if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, options[0], options[1], 0) != 0) {
            close(fs_fd);
            return error_set(err, EXIT_SHIM_ERROR, errno, "mount: %s %s: %s option %s=%s",
                             op->origin, op->dst, type, options[0], options[1]);
        }
    int mnt_fd = -1;
    if (sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, attr);
    int e = errno;
    close(fs_fd);
    if (mnt_fd < 0)
        return error_set(err, EXIT_SHIM_ERROR, e, "mount: %s %s: create %s", op->origin,
                         op->dst, type);
    int r = attach(mnt_fd, parent_fd, name, op, err);
    close(mnt_fd);
    struct stat sb;
    if (r == 0 && fstatat(parent_fd, name, &sb, 0) == 0 && strcmp(type, "tmpfs") == 0)
        st->own_devs[st->n_own_devs++] = sb.st_dev;
    return r;
}

static int apply_symlink(struct mount_state *st, const struct mount_op *op,
                         struct shim_error *err)
{
    const char *name;
    int parent_fd = open_parent(st, op, &name, err);
    if (parent_fd < 0)
        return -1;
    if (symlinkat(op->src, parent_fd, name) != 0 && errno != EEXIST)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: symlink %s -> %s", op->dst,
                         op->src);
    return 0;
}

static int apply_op(struct mount_state *st, const struct mount_op *op, struct shim_error *err)
{
    static const char *const tmpfs_options[] = {"mode", "0755", NULL};
    static const char *const proc_options[] = {"subset", "pid", "hidepid", "invisible", NULL};
    if (strcmp(op->dst, "/") == 0)
        return error_set(err, EXIT_SHIM_ERROR, 0, "mount: %s /: the void's root is its own "
                         "tmpfs and cannot be replaced", op->origin);
    switch (op->kind) {
    case OP_BIND:
        return apply_bind(st, op, err);
    case OP_TMPFS:
        return apply_new_fs(st, op, "tmpfs", tmpfs_options,
                            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
    case OP_PROC:
        return apply_new_fs(st, op, "proc", proc_options,
                            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
    case OP_SYMLINK:
        return apply_symlink(st, op, err);
    }
    return error_set(err, EXIT_SHIM_ERROR, 0, "mount: unknown op for %s", op->dst);
}

static int enter_new_root(const char *tmpdir, struct shim_error *err)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: make / private (MS_REC)");
    if (mount("void", tmpdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: tmpfs on %s (TMPDIR/--tmpdir)",
                         tmpdir);
    if (chdir(tmpdir) != 0 || mkdir(OLD_ROOT, 0700) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: prepare new root on %s", tmpdir);
    if (sys_pivot_root(".", OLD_ROOT) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: pivot_root");
    if (chdir("/") != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: chdir /");
    return 0;
}

static int leave_old_root(struct mount_state *st, struct shim_error *err)
{
    close_fd(&st->old_root_fd);
    if (umount2("/" OLD_ROOT, MNT_DETACH) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: detach the old root");
    if (rmdir("/" OLD_ROOT) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: remove /" OLD_ROOT);
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                        MOUNT_ATTR_NODEV};
    if (sys_mount_setattr(st->root_fd, "", AT_EMPTY_PATH, &ro) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "mount: make / read-only");
    return 0;
}

int void_mount(const struct plan *plan, dev_t *own_devs, struct shim_error *err)
{
    if (enter_new_root(plan->tmpdir, err) != 0)
        return -1;
    struct mount_state st = {.parent_fd = -1, .own_devs = own_devs};
    st.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    st.old_root_fd = open("/" OLD_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct stat sb;
    int r = st.own_devs && st.root_fd >= 0 && st.old_root_fd >= 0 && fstat(st.root_fd, &sb) == 0
                ? 0 : error_set(err, EXIT_SHIM_ERROR, errno, "mount: open the new root");
    if (r == 0)
        st.own_devs[st.n_own_devs++] = sb.st_dev;
    st.root_empty = true;
    for (size_t i = 0; r == 0 && i < plan->n_ops; i++) {
        r = apply_op(&st, &plan->ops[i], err);
        st.root_empty = false;
    }
    close_fd(&st.parent_fd);
    if (r == 0)
        r = leave_old_root(&st, err);
    close_fd(&st.old_root_fd);
    close_fd(&st.root_fd);
    return r;
}
