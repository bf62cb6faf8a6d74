/*
 * detach_experiment: when does an unmount in a new mount namespace reach its parent?
 *
 * Every case runs in a mount namespace of its own, below a throwaway namespace that this
 * program creates (and makes recursively private) before it mounts anything, so the
 * machine's real mounts are never at stake. In its case namespace a "case runner" builds
 * a small "host" tree of tmpfs mounts, pivots into it (so that the tree's top is the
 * namespace root, like a real host's /), gives the tree the case's propagation, then
 * clones the "void" child into a new mount namespace (optionally inside a new user
 * namespace). The child prepares as the case says, pivots into a fresh tmpfs and detaches
 * the old root with umount2(MNT_DETACH) (or detaches one subtree, or unmounts one leaf
 * without MNT_DETACH, for contrast). The runner compares
 * its own mountinfo before and after, and with what mount_namespaces(7), pivot_root(2)
 * and Documentation/filesystems/sharedsubtree.rst predict.
 *
 * Output: one CSV row per case, and a meta JSON describing the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIST_CHARS 256
#define MAX_MOUNTS 64
#define NOT_TRIED (-1)
#define CASE_SECONDS 20

/* ---- the cases ---------------------------------------------------------------- */

/* The mounts of the "host" tree (HOST_TREE below), by index. */
enum tree_index { TREE_ROOT, TREE_A, TREE_B, TREE_B_C, TREE_D, TREE_P, TREE_P_Q };

enum parent_propagation { PARENT_SHARED, PARENT_PRIVATE, PARENT_SLAVE, PARENT_UNBINDABLE };
static const char *const PARENT_NAMES[] = { "shared", "private", "slave", "unbindable" };
#define PARENT_COUNT 4

enum void_operation { OP_PIVOT_AND_DETACH_OLD_ROOT, OP_DETACH_SUBTREE, OP_UMOUNT_LEAF };

/* What the void child does to its copy of the tree before and after pivot_root. */
struct child_prep {
    const char *name;
    unsigned long root_flags;     /* propagation change on "/" before anything else */
    enum void_operation operation;
    unsigned long old_root_flags; /* propagation change on the old root after pivot_root */
    int subtree;                  /* the other operations' target: index into HOST_TREE */
};

#define PIVOT OP_PIVOT_AND_DETACH_OLD_ROOT
#define RPRIVATE (MS_REC | MS_PRIVATE)
static const struct child_prep PREPS[] = {
    { .name = "none", .operation = PIVOT },
    { .name = "old-private", .operation = PIVOT, .old_root_flags = MS_PRIVATE },
    { .name = "old-rprivate", .operation = PIVOT, .old_root_flags = RPRIVATE },
    { .name = "root-private", .root_flags = MS_PRIVATE, .operation = PIVOT },
    { .name = "root-private+old-private", .root_flags = MS_PRIVATE, .operation = PIVOT,
      .old_root_flags = MS_PRIVATE },
    { .name = "root-private+old-rprivate", .root_flags = MS_PRIVATE, .operation = PIVOT,
      .old_root_flags = RPRIVATE },
    { .name = "root-rslave", .root_flags = MS_REC | MS_SLAVE, .operation = PIVOT },
    { .name = "shim-order", .root_flags = RPRIVATE, .operation = PIVOT },
    { .name = "subtree-b-none", .operation = OP_DETACH_SUBTREE, .subtree = TREE_B },
    { .name = "subtree-b-rprivate", .root_flags = RPRIVATE, .operation = OP_DETACH_SUBTREE,
      .subtree = TREE_B },
    { .name = "subtree-p-none", .operation = OP_DETACH_SUBTREE, .subtree = TREE_P },
    { .name = "leaf-c-plain-umount", .operation = OP_UMOUNT_LEAF, .subtree = TREE_B_C },
};
#define PREP_COUNT (sizeof PREPS / sizeof PREPS[0])
#define CASE_COUNT (PARENT_COUNT * 2 * PREP_COUNT)

struct case_def {
    int number;
    enum parent_propagation parent;
    bool userns;
    const struct child_prep *prep;
};

static struct case_def case_by_number(int number)
{
    int index = number - 1;
    struct case_def c = {
        .number = number,
        .parent = (enum parent_propagation)(index / (2 * (int)PREP_COUNT)),
        .userns = (index / (int)PREP_COUNT) % 2 == 1,
        .prep = &PREPS[index % (int)PREP_COUNT],
    };
    return c;
}

/* ---- the "host" tree ------------------------------------------------------------ */

enum tree_mount_kind { KIND_TMPFS, KIND_BIND_OF_A };

struct tree_mount {
    const char *path;   /* as the runner sees it after pivoting into the tree */
    int parent;         /* index into HOST_TREE, -1 for the root */
    enum tree_mount_kind kind;
    bool private_island; /* stays private whatever the case's propagation */
};

/* /p and /p/q model a private mount (with a submount) inside an otherwise shared host. */
static const struct tree_mount HOST_TREE[] = {
    [TREE_ROOT] = { "/", -1, KIND_TMPFS, false },
    [TREE_A] = { "/a", TREE_ROOT, KIND_TMPFS, false },
    [TREE_B] = { "/b", TREE_ROOT, KIND_TMPFS, false },
    [TREE_B_C] = { "/b/c", TREE_B, KIND_TMPFS, false },
    [TREE_D] = { "/d", TREE_ROOT, KIND_BIND_OF_A, false },
    [TREE_P] = { "/p", TREE_ROOT, KIND_TMPFS, true },
    [TREE_P_Q] = { "/p/q", TREE_P, KIND_TMPFS, true },
};
#define TREE_COUNT (int)(sizeof HOST_TREE / sizeof HOST_TREE[0])

/* Where the runner builds the tree, in its own namespace, before pivoting into it. */
#define STAGING "/tmp"

/* ---- small helpers -------------------------------------------------------------- */

struct error_text {
    char text[512];
};

static bool fail(struct error_text *error, const char *step)
{
    snprintf(error->text, sizeof error->text, "%s: %s", step, strerror(errno));
    return false;
}

static const char *errno_name(int error)
{
    if (error == NOT_TRIED)
        return "-";
    if (error == 0)
        return "ok";
    const char *name = strerrorname_np(error);
    return name ? name : "E?";
}

static bool write_all(int fd, const void *data, size_t size)
{
    const char *bytes = data;
    while (size > 0) {
        ssize_t n = write(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes += n;
        size -= (size_t)n;
    }
    return true;
}

static bool read_all(int fd, void *data, size_t size)
{
    char *bytes = data;
    while (size > 0) {
        ssize_t n = read(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes += n;
        size -= (size_t)n;
    }
    return true;
}

static bool write_text_at(int dir_fd, const char *path, const char *text)
{
    int fd = openat(dir_fd, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write_all(fd, text, strlen(text));
    close(fd);
    return ok;
}

static void append_item(char *list, const char *item)
{
    size_t used = strlen(list);
    snprintf(list + used, LIST_CHARS - used, "%s%s", used ? ";" : "", item);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lists are compared as sets, so they are written sorted. */
static void join_sorted(const char **items, int count, char *list)
{
    qsort(items, (size_t)count, sizeof *items, compare_strings);
    list[0] = '\0';
    for (int i = 0; i < count; i++)
        append_item(list, items[i]);
}

/* ---- mount tables --------------------------------------------------------------- */

struct mount_entry {
    int id;
    char point[128];
    char propagation[64]; /* mountinfo's optional fields, or "private" */
};

struct mount_table {
    struct mount_entry entries[MAX_MOUNTS];
    int count;
};

/* `rest` is what follows the mount point: options, tags, "-", fstype, source, ... */
static void parse_optional_fields(const char *rest, char *out, size_t size)
{
    const char *tags = rest + strcspn(rest, " ");
    tags += strspn(tags, " ");
    const char *end = strncmp(tags, "- ", 2) == 0 ? tags : strstr(tags, " - ");
    if (!end || end == tags)
        snprintf(out, size, "private");
    else
        snprintf(out, size, "%.*s", (int)(end - tags), tags);
}

static bool parse_mountinfo_line(const char *line, struct mount_entry *entry)
{
    int parent, major, minor, consumed = 0;
    char root[256];
    if (sscanf(line, "%d %d %d:%d %255s %127s %n", &entry->id, &parent, &major, &minor, root,
               entry->point, &consumed) != 6 || consumed == 0)
        return false;
    parse_optional_fields(line + consumed, entry->propagation, sizeof entry->propagation);
    return true;
}

/* Read through a /proc opened before the runner left the namespace's original root. */
static bool read_mount_table(int proc_fd, struct mount_table *table, struct error_text *error)
{
    int fd = openat(proc_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(error, "open mountinfo");
    FILE *file = fdopen(fd, "r");
    if (!file) {
        close(fd);
        return fail(error, "fdopen mountinfo");
    }
    char line[1024];
    table->count = 0;
    while (fgets(line, sizeof line, file) && table->count < MAX_MOUNTS)
        if (parse_mountinfo_line(line, &table->entries[table->count]))
            table->count++;
    fclose(file);
    return true;
}

static bool table_has_id(const struct mount_table *table, int id)
{
    for (int i = 0; i < table->count; i++)
        if (table->entries[i].id == id)
            return true;
    return false;
}

/* The mount points of `from` whose mount ids are missing in `in`, as a sorted list. */
static int missing_mounts(const struct mount_table *from, const struct mount_table *in,
                          char *list)
{
    const char *items[MAX_MOUNTS];
    int count = 0;
    for (int i = 0; i < from->count; i++)
        if (!table_has_id(in, from->entries[i].id))
            items[count++] = from->entries[i].point;
    join_sorted(items, count, list);
    return count;
}

static void describe_propagation(const struct mount_table *table, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0; i < table->count; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s=%s", used ? " " : "",
                 table->entries[i].point, table->entries[i].propagation);
    }
}

/* ---- what the void child reports ------------------------------------------------ */

struct void_report {
    int root_prep;     /* errno of each step; 0 ok; NOT_TRIED */
    int newroot_mount;
    int pivot;
    int old_root_prep;
    int detach;
    char seen_before_prep[LIST_CHARS]; /* the child's view of its copies' propagation */
};

static struct void_report untried_report(void)
{
    struct void_report r = { NOT_TRIED, NOT_TRIED, NOT_TRIED, NOT_TRIED, NOT_TRIED, "" };
    return r;
}

static int step_result(int rc)
{
    return rc == 0 ? 0 : errno;
}

/* ---- the void child --------------------------------------------------------------- */

static void pivot_and_detach_old_root(const struct child_prep *prep, struct void_report *r)
{
    r->newroot_mount = step_result(mount("tmpfs", "/newroot", "tmpfs", 0, "mode=0755"));
    if (r->newroot_mount != 0)
        return;
    if (mkdir("/newroot/oldroot", 0700) != 0 && errno != EEXIST) {
        r->pivot = errno;
        return;
    }
    r->pivot = step_result((int)syscall(SYS_pivot_root, "/newroot", "/newroot/oldroot"));
    if (r->pivot != 0)
        return;
    if (chdir("/") != 0)
        return;
    if (prep->old_root_flags)
        r->old_root_prep = step_result(mount(NULL, "/oldroot", NULL, prep->old_root_flags,
                                             NULL));
    r->detach = step_result(umount2("/oldroot", MNT_DETACH));
}

static void run_void_steps(const struct child_prep *prep, struct void_report *r)
{
    if (prep->root_flags) {
        r->root_prep = step_result(mount(NULL, "/", NULL, prep->root_flags, NULL));
        if (r->root_prep != 0)
            return;
    }
    if (prep->operation == OP_DETACH_SUBTREE)
        r->detach = step_result(umount2(HOST_TREE[prep->subtree].path, MNT_DETACH));
    else if (prep->operation == OP_UMOUNT_LEAF)
        r->detach = step_result(umount2(HOST_TREE[prep->subtree].path, 0));
    else
        pivot_and_detach_old_root(prep, r);
}

/* The child waits for "go" (its id maps are written by then), reports, then waits for
 * "exit" so that the runner can look at the mounts while the child's namespace lives. */
static _Noreturn void void_child(const struct child_prep *prep, int proc_fd, int go_fd,
                                 int report_fd)
{
    char byte;
    struct void_report report = untried_report();
    struct mount_table own;
    struct error_text error;
    if (read_mount_table(proc_fd, &own, &error))
        describe_propagation(&own, report.seen_before_prep, sizeof report.seen_before_prep);
    if (read_all(go_fd, &byte, 1))
        run_void_steps(prep, &report);
    write_all(report_fd, &report, sizeof report);
    read_all(go_fd, &byte, 1);
    _exit(0);
}

/* ---- the case runner: the "host" side ------------------------------------------- */

static bool mount_tmpfs(const char *path, struct error_text *error)
{
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") != 0)
        return fail(error, path);
    return true;
}

static bool make_dir(const char *path, struct error_text *error)
{
    if (mkdir(path, 0755) != 0)
        return fail(error, path);
    return true;
}

static bool build_tree_mount(const struct tree_mount *m, struct error_text *error)
{
    char path[128];
    snprintf(path, sizeof path, "%s%s", STAGING, m->path);
    if (!make_dir(path, error))
        return false;
    if (m->kind == KIND_TMPFS)
        return mount_tmpfs(path, error);
    if (mount(STAGING "/a", path, NULL, MS_BIND, NULL) != 0)
        return fail(error, "bind /a");
    return true;
}

/* Every mount point is created in its parent mount, so the order of HOST_TREE matters. */
static bool build_host_tree(struct error_text *error)
{
    if (!mount_tmpfs(STAGING, error))
        return false;
    for (int i = TREE_ROOT + 1; i < TREE_COUNT; i++)
        if (!build_tree_mount(&HOST_TREE[i], error))
            return false;
    return make_dir(STAGING "/newroot", error) && make_dir(STAGING "/.lab", error);
}

/* Makes the tree the namespace root, as a host's / is, and drops everything else. */
static bool enter_host_tree(struct error_text *error)
{
    if (syscall(SYS_pivot_root, STAGING, STAGING "/.lab") != 0)
        return fail(error, "pivot_root into the host tree");
    if (chdir("/") != 0)
        return fail(error, "chdir /");
    if (umount2("/.lab", MNT_DETACH) != 0)
        return fail(error, "detach the lab root");
    if (rmdir("/.lab") != 0)
        return fail(error, "rmdir /.lab");
    return true;
}

static bool set_tree_propagation(unsigned long flags, struct error_text *error)
{
    if (mount(NULL, "/", NULL, MS_REC | flags, NULL) != 0)
        return fail(error, "set the tree's propagation");
    return true;
}

/* A slave needs a master: the tree is shared, the namespace holding it is kept alive by
 * an fd, and the runner moves to a copy of it whose mounts it makes slaves. */
static bool make_tree_slave(int proc_fd, int *master_ns_fd, struct error_text *error)
{
    if (!set_tree_propagation(MS_SHARED, error))
        return false;
    *master_ns_fd = openat(proc_fd, "self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (*master_ns_fd < 0)
        return fail(error, "open the master namespace");
    if (unshare(CLONE_NEWNS) != 0)
        return fail(error, "unshare the slave namespace");
    return set_tree_propagation(MS_SLAVE, error);
}

static bool set_host_propagation(enum parent_propagation parent, int proc_fd,
                                 int *master_ns_fd, struct error_text *error)
{
    bool ok = false;
    switch (parent) {
    case PARENT_SHARED: ok = set_tree_propagation(MS_SHARED, error); break;
    case PARENT_PRIVATE: ok = set_tree_propagation(MS_PRIVATE, error); break;
    case PARENT_UNBINDABLE: ok = set_tree_propagation(MS_UNBINDABLE, error); break;
    case PARENT_SLAVE: ok = make_tree_slave(proc_fd, master_ns_fd, error); break;
    }
    if (ok && mount(NULL, "/p", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return fail(error, "make /p private");
    return ok;
}

static bool write_id_map(int proc_fd, pid_t child, const char *file, int id,
                         struct error_text *error)
{
    char path[64], line[64];
    snprintf(path, sizeof path, "%d/%s", (int)child, file);
    snprintf(line, sizeof line, "%d %d 1\n", id, id);
    if (!write_text_at(proc_fd, path, strcmp(file, "setgroups") == 0 ? "deny\n" : line))
        return fail(error, path);
    return true;
}

/* The shim maps the caller's ids to themselves; the caller here is the runner. */
static bool write_id_maps(int proc_fd, pid_t child, struct error_text *error)
{
    return write_id_map(proc_fd, child, "uid_map", (int)geteuid(), error) &&
           write_id_map(proc_fd, child, "setgroups", 0, error) &&
           write_id_map(proc_fd, child, "gid_map", (int)getegid(), error);
}

struct case_result {
    struct error_text error;
    struct void_report report;
    int mounts_before;
    char seen_before[LIST_CHARS]; /* the runner's view of its tree's propagation */
    char copy_predicted[LIST_CHARS]; /* what the child should see, by the documentation */
    int gone_count;
    char gone[LIST_CHARS];
    int added_count;
    char added[LIST_CHARS];
    int gone_at_exit_count;
    char gone_at_exit[LIST_CHARS];
};

struct void_channel {
    int go[2];
    int report[2];
};

static pid_t clone_void(const struct case_def *c, int proc_fd, struct void_channel *ch)
{
    unsigned long flags = CLONE_NEWNS | (c->userns ? CLONE_NEWUSER : 0) | SIGCHLD;
    pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        close(ch->go[1]);
        close(ch->report[0]);
        void_child(c->prep, proc_fd, ch->go[0], ch->report[1]);
    }
    close(ch->go[0]);
    close(ch->report[1]);
    return pid;
}

/* sharedsubtree.rst 5g: a copy in a cloned namespace keeps its mount's propagation
 * type (and peer group); mount_namespaces(7) [2]: in a less privileged namespace a
 * shared mount's copy is a slave of its peer group instead. */
static void predict_copy_propagation(const char *original, bool userns, char *out,
                                     size_t size)
{
    if (userns && strncmp(original, "shared:", 7) == 0)
        snprintf(out, size, "master:%s", original + 7);
    else
        snprintf(out, size, "%s", original);
}

static void describe_predicted_copies(const struct mount_table *before, bool userns,
                                      char *out, size_t size)
{
    char copy[64];
    out[0] = '\0';
    for (int i = 0; i < before->count; i++) {
        size_t used = strlen(out);
        predict_copy_propagation(before->entries[i].propagation, userns, copy, sizeof copy);
        snprintf(out + used, size - used, "%s%s=%s", used ? " " : "",
                 before->entries[i].point, copy);
    }
}

static void compare_tables(const struct mount_table *before, const struct mount_table *after,
                           const struct mount_table *after_exit, struct case_result *result)
{
    result->mounts_before = before->count;
    describe_propagation(before, result->seen_before, sizeof result->seen_before);
    result->gone_count = missing_mounts(before, after, result->gone);
    result->added_count = missing_mounts(after, before, result->added);
    result->gone_at_exit_count = missing_mounts(after, after_exit, result->gone_at_exit);
}

/* Runs the void child and takes the runner's mount table while it lives and after. */
static bool observe_void(const struct case_def *c, int proc_fd, struct case_result *result)
{
    struct mount_table before, after, after_exit;
    struct void_channel ch;
    struct error_text *error = &result->error;
    if (!read_mount_table(proc_fd, &before, error))
        return false;
    describe_predicted_copies(&before, c->userns, result->copy_predicted,
                              sizeof result->copy_predicted);
    if (pipe2(ch.go, O_CLOEXEC) != 0 || pipe2(ch.report, O_CLOEXEC) != 0)
        return fail(error, "pipe");
    pid_t child = clone_void(c, proc_fd, &ch);
    if (child < 0)
        return fail(error, "clone the void");
    bool ok = !c->userns || write_id_maps(proc_fd, child, error);
    ok = ok && write_all(ch.go[1], "g", 1);
    ok = ok && (read_all(ch.report[0], &result->report, sizeof result->report) ||
                fail(error, "read the void's report"));
    ok = ok && read_mount_table(proc_fd, &after, error);
    close(ch.go[1]);
    close(ch.report[0]);
    waitpid(child, NULL, 0);
    ok = ok && read_mount_table(proc_fd, &after_exit, error);
    if (ok)
        compare_tables(&before, &after, &after_exit, result);
    return ok;
}

static void run_case(const struct case_def *c, struct case_result *result)
{
    int master_ns_fd = -1;
    struct error_text *error = &result->error;
    int proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) {
        fail(error, "open /proc");
        return;
    }
    if (unshare(CLONE_NEWNS) != 0) {
        fail(error, "unshare the case namespace");
        return;
    }
    if (build_host_tree(error) && enter_host_tree(error) &&
        set_host_propagation(c->parent, proc_fd, &master_ns_fd, error))
        observe_void(c, proc_fd, result);
}

/* The runner is a process of its own, so that each case starts from the same namespace. */
static void run_case_in_runner(const struct case_def *c, struct case_result *result)
{
    int channel[2];
    memset(result, 0, sizeof *result);
    result->report = untried_report();
    if (pipe2(channel, O_CLOEXEC) != 0) {
        fail(&result->error, "pipe");
        return;
    }
    pid_t runner = fork();
    if (runner == 0) {
        close(channel[0]);
        alarm(CASE_SECONDS); /* a case that hangs becomes a row saying so */
        run_case(c, result);
        _exit(write_all(channel[1], result, sizeof *result) ? 0 : 1);
    }
    close(channel[1]);
    if (runner < 0 || !read_all(channel[0], result, sizeof *result))
        snprintf(result->error.text, sizeof result->error.text, "the case runner died");
    close(channel[0]);
    if (runner > 0)
        waitpid(runner, NULL, 0);
}

/* ---- the documented prediction ---------------------------------------------------- */

struct prediction {
    int pivot;
    int detach;
    bool kept_for_submounts; /* a parent mount was spared only because of its submounts */
    char gone[LIST_CHARS];
    char added[LIST_CHARS];
    const char *basis;
};

/* After the clone, does the child's copy of each mount still send umount events to the
 * runner's mount? Only copies of shared mounts join the peer group, and only when the
 * new namespace is not less privileged (mount_namespaces(7), restriction [2]). */
static void copies_propagating(const struct case_def *c, bool peer[TREE_COUNT])
{
    for (int i = 0; i < TREE_COUNT; i++)
        peer[i] = c->parent == PARENT_SHARED && !c->userns && !HOST_TREE[i].private_island;
}

static void apply_flags(unsigned long flags, bool peer[TREE_COUNT])
{
    if (!flags)
        return;
    if (flags & MS_REC)
        memset(peer, 0, sizeof(bool) * TREE_COUNT);
    else
        peer[TREE_ROOT] = false;
}

/* sharedsubtree.rst 5f: an umount of A on B propagates to the mounts at the same place on
 * B's peers and slaves that have no submounts. A recursive detach is read as the umount
 * of each detached mount, leaves first, so a peer goes when all its submounts go. */
static void predict_gone(const bool detached[TREE_COUNT], const bool peer[TREE_COUNT],
                         struct prediction *p)
{
    bool gone[TREE_COUNT] = { false };
    const char *items[TREE_COUNT];
    int count = 0;
    for (int i = TREE_COUNT - 1; i > 0; i--) {
        bool submounts_gone = true;
        for (int j = i + 1; j < TREE_COUNT; j++)
            if (HOST_TREE[j].parent == i && !gone[j])
                submounts_gone = false;
        bool candidate = detached[i] && peer[HOST_TREE[i].parent];
        gone[i] = candidate && submounts_gone;
        p->kept_for_submounts |= candidate && !submounts_gone;
        if (gone[i])
            items[count++] = HOST_TREE[i].path;
    }
    join_sorted(items, count, p->gone);
}

static const char *basis_of(const struct case_def *c, const struct prediction *p)
{
    if (c->prep->operation != OP_PIVOT_AND_DETACH_OLD_ROOT && c->userns)
        return "locked mounts cannot be unmounted one by one (mount_namespaces(7) [3])";
    if (p->pivot == EINVAL)
        return "pivot_root(2): EINVAL when the parent of new_root is shared";
    if (p->gone[0])
        return "umount propagates to peers of a shared parent (sharedsubtree.rst 5f)";
    if (p->kept_for_submounts)
        return "a peer with submounts of its own is not unmounted (sharedsubtree.rst 5f)";
    if (c->userns && c->parent == PARENT_SHARED)
        return "shared reduced to slave in a less privileged namespace (mount_namespaces(7) [2])";
    if (c->parent != PARENT_SHARED)
        return "a copy of a private, slave or unbindable mount sends no events to it";
    return "the child's copies were made non-shared before the umount";
}

static void predict_pivot_case(const struct case_def *c, bool peer[TREE_COUNT],
                               struct prediction *p)
{
    /* The new root is mounted under "/": a shared "/" propagates that mount out, and
     * pivot_root refuses a new_root whose parent mount is shared. */
    if (peer[TREE_ROOT]) {
        strcpy(p->added, "/newroot");
        p->pivot = EINVAL;
        return;
    }
    p->pivot = 0;
    apply_flags(c->prep->old_root_flags, peer);
    p->detach = 0;
    bool detached[TREE_COUNT];
    memset(detached, 1, sizeof detached);
    predict_gone(detached, peer, p);
}

static bool is_in_subtree(int mount, int subtree_root)
{
    for (int m = mount; m >= 0; m = HOST_TREE[m].parent)
        if (m == subtree_root)
            return true;
    return false;
}

static void predict_subtree_case(const struct case_def *c, bool peer[TREE_COUNT],
                                 struct prediction *p)
{
    if (c->userns) {
        p->detach = EINVAL;
        return;
    }
    p->detach = 0;
    bool detached[TREE_COUNT] = { false };
    for (int i = 0; i < TREE_COUNT; i++)
        detached[i] = is_in_subtree(i, c->prep->subtree);
    predict_gone(detached, peer, p);
}

static void predict(const struct case_def *c, struct prediction *p)
{
    bool peer[TREE_COUNT];
    memset(p, 0, sizeof *p);
    p->pivot = NOT_TRIED;
    p->detach = NOT_TRIED;
    copies_propagating(c, peer);
    apply_flags(c->prep->root_flags, peer);
    if (c->prep->operation != OP_PIVOT_AND_DETACH_OLD_ROOT)
        predict_subtree_case(c, peer, p);
    else
        predict_pivot_case(c, peer, p);
    p->basis = basis_of(c, p);
}

static bool matches_prediction(const struct case_result *r, const struct prediction *p)
{
    return !r->error.text[0] && r->report.pivot == p->pivot && r->report.detach == p->detach &&
           strcmp(r->gone, p->gone) == 0 && strcmp(r->added, p->added) == 0;
}

static bool copies_as_documented(const struct case_result *r)
{
    return !r->error.text[0] && strcmp(r->report.seen_before_prep, r->copy_predicted) == 0;
}

/* ---- output ----------------------------------------------------------------------- */

static const char CSV_HEADER[] =
    "case_id,parent_propagation,userns,child_prep,operation,mounts_before,other_steps,"
    "pivot_root,detach,mounts_gone,gone_list,mounts_added,added_list,gone_at_exit,"
    "predicted_pivot_root,predicted_detach,predicted_gone,predicted_added,matches,basis,"
    "runner_saw,child_saw,child_predicted,copies_match,error\n";

static void write_operation(FILE *csv, const struct child_prep *prep)
{
    if (prep->operation == OP_DETACH_SUBTREE)
        fprintf(csv, "detach %s,", HOST_TREE[prep->subtree].path);
    else if (prep->operation == OP_UMOUNT_LEAF)
        fprintf(csv, "umount %s,", HOST_TREE[prep->subtree].path);
    else
        fprintf(csv, "pivot+detach old root,");
}

static void write_csv_row(FILE *csv, const struct case_def *c, const struct case_result *r)
{
    struct prediction p;
    const struct void_report *v = &r->report;
    predict(c, &p);
    fprintf(csv, "D%02d,%s,%s,%s,", c->number, PARENT_NAMES[c->parent],
            c->userns ? "yes" : "no", c->prep->name);
    write_operation(csv, c->prep);
    fprintf(csv, "%d,root-prep=%s newroot-mount=%s old-root-prep=%s,", r->mounts_before,
            errno_name(v->root_prep), errno_name(v->newroot_mount),
            errno_name(v->old_root_prep));
    fprintf(csv, "%s,%s,%d,%s,%d,%s,%s,", errno_name(v->pivot), errno_name(v->detach),
            r->gone_count, r->gone, r->added_count, r->added, r->gone_at_exit);
    fprintf(csv, "%s,%s,%s,%s,%s,\"%s\",", errno_name(p.pivot), errno_name(p.detach), p.gone,
            p.added, matches_prediction(r, &p) ? "yes" : "no", p.basis);
    fprintf(csv, "%s,%s,%s,%s,\"%s\"\n", r->seen_before, v->seen_before_prep, r->copy_predicted,
            copies_as_documented(r) ? "yes" : "no", r->error.text);
}

static void json_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (const char *s = text; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void read_first_matching_line(const char *path, const char *prefix, char *out,
                                     size_t size)
{
    char line[512];
    FILE *file = fopen(path, "r");
    snprintf(out, size, "unknown");
    if (!file)
        return;
    while (fgets(line, sizeof line, file))
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            char *value = strchr(line, ':');
            value = value ? value + 1 : line + strlen(prefix);
            value += strspn(value, " \t");
            value[strcspn(value, "\n")] = '\0';
            snprintf(out, size, "%s", value);
            break;
        }
    fclose(file);
}

static int count_lines(const char *path)
{
    FILE *file = fopen(path, "r");
    int lines = 0, ch;
    if (!file)
        return -1;
    while ((ch = fgetc(file)) != EOF)
        lines += ch == '\n';
    fclose(file);
    return lines;
}

struct run_info {
    char date[32];
    char command_line[1024];
    const char *commit;
    int host_mounts;
    bool started_as_root;
    int cases;
    int matching;
    int copies_matching;
};

static void json_field(FILE *out, const char *key, const char *value, bool last)
{
    fprintf(out, "  ");
    json_string(out, key);
    fprintf(out, ": ");
    json_string(out, value);
    fprintf(out, last ? "\n" : ",\n");
}

static void write_meta(FILE *out, const struct run_info *info)
{
    struct utsname uts;
    char cpu[256], memory[64], number[32];
    uname(&uts);
    read_first_matching_line("/proc/cpuinfo", "model name", cpu, sizeof cpu);
    read_first_matching_line("/proc/meminfo", "MemTotal", memory, sizeof memory);
    fprintf(out, "{\n");
    json_field(out, "experiment", "detach_experiment", false);
    json_field(out, "date", info->date, false);
    json_field(out, "kernel_release", uts.release, false);
    json_field(out, "kernel_version", uts.version, false);
    json_field(out, "machine", uts.machine, false);
    json_field(out, "cpu_model", cpu, false);
    snprintf(number, sizeof number, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    json_field(out, "cores", number, false);
    json_field(out, "memory", memory, false);
    snprintf(number, sizeof number, "%d", info->host_mounts);
    json_field(out, "parent_mounts", number, false);
    json_field(out, "started_as", info->started_as_root ? "root" : "unprivileged", false);
    json_field(out, "compiler", __VERSION__, false);
    json_field(out, "git_commit", info->commit, false);
    json_field(out, "command_line", info->command_line, false);
    snprintf(number, sizeof number, "%d", info->cases);
    json_field(out, "cases", number, false);
    snprintf(number, sizeof number, "%d", info->matching);
    json_field(out, "cases_matching_prediction", number, false);
    snprintf(number, sizeof number, "%d", info->copies_matching);
    json_field(out, "cases_with_copies_as_documented", number, true);
    fprintf(out, "}\n");
}

/* ---- isolation of the whole run ------------------------------------------------- */

static bool ns_inode(const char *path, ino_t *inode)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *inode = st.st_ino;
    return true;
}

/* As an unprivileged user the run first becomes root of a user namespace of its own. */
static bool enter_own_user_namespace(struct error_text *error)
{
    char line[64];
    int uid = (int)geteuid(), gid = (int)getegid();
    if (unshare(CLONE_NEWUSER) != 0)
        return fail(error, "unshare a user namespace");
    snprintf(line, sizeof line, "0 %d 1\n", uid);
    if (!write_text_at(AT_FDCWD, "/proc/self/uid_map", line))
        return fail(error, "write uid_map");
    if (!write_text_at(AT_FDCWD, "/proc/self/setgroups", "deny\n"))
        return fail(error, "write setgroups");
    snprintf(line, sizeof line, "0 %d 1\n", gid);
    if (!write_text_at(AT_FDCWD, "/proc/self/gid_map", line))
        return fail(error, "write gid_map");
    return true;
}

static bool no_shared_mounts_left(struct error_text *error)
{
    char line[1024];
    bool none = true;
    FILE *file = fopen("/proc/self/mountinfo", "r");
    if (!file)
        return fail(error, "open mountinfo");
    while (fgets(line, sizeof line, file))
        if (strstr(line, " shared:"))
            none = false;
    fclose(file);
    if (!none)
        snprintf(error->text, sizeof error->text, "a shared mount is left after rprivate");
    return none;
}

/* Nothing is mounted before this has succeeded: a new mount namespace, made recursively
 * private, checked to be new and to hold no shared mount. */
static bool isolate_from_host(bool as_root, struct error_text *error)
{
    ino_t host_ns, own_ns;
    if (!ns_inode("/proc/self/ns/mnt", &host_ns))
        return fail(error, "stat the mount namespace");
    if (!as_root && !enter_own_user_namespace(error))
        return false;
    if (unshare(CLONE_NEWNS) != 0)
        return fail(error, "unshare the throwaway namespace");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return fail(error, "make / recursively private");
    if (!ns_inode("/proc/self/ns/mnt", &own_ns))
        return fail(error, "stat the new mount namespace");
    if (own_ns == host_ns) {
        snprintf(error->text, sizeof error->text, "still in the caller's mount namespace");
        return false;
    }
    return no_shared_mounts_left(error);
}

/* ---- command line ----------------------------------------------------------------- */

struct options {
    const char *csv_path;
    const char *meta_path;
    const char *commit;
    bool list_cases;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: detach_experiment --csv FILE [--meta FILE] [--commit ID]\n"
                 "       detach_experiment --list-cases\n");
}

static bool parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .commit = "unknown" };
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--list-cases") == 0)
            o->list_cases = true;
        else if (strcmp(argv[i], "--csv") == 0 && has_value)
            o->csv_path = argv[++i];
        else if (strcmp(argv[i], "--meta") == 0 && has_value)
            o->meta_path = argv[++i];
        else if (strcmp(argv[i], "--commit") == 0 && has_value)
            o->commit = argv[++i];
        else
            return false;
    }
    return o->list_cases || o->csv_path;
}

static void list_cases(void)
{
    for (int n = 1; n <= (int)CASE_COUNT; n++) {
        struct case_def c = case_by_number(n);
        printf("D%02d %s %s %s\n", n, PARENT_NAMES[c.parent], c.userns ? "userns" : "-",
               c.prep->name);
    }
}

static void describe_run(int argc, char **argv, const struct options *o,
                         struct run_info *info)
{
    time_t now = time(NULL);
    strftime(info->date, sizeof info->date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    info->command_line[0] = '\0';
    for (int i = 0; i < argc; i++) {
        size_t used = strlen(info->command_line);
        snprintf(info->command_line + used, sizeof info->command_line - used, "%s%s",
                 i ? " " : "", argv[i]);
    }
    info->commit = o->commit;
    info->host_mounts = count_lines("/proc/self/mountinfo");
    info->started_as_root = geteuid() == 0;
}

static FILE *open_output(const char *path)
{
    FILE *file = path ? fopen(path, "w") : NULL;
    if (path && !file)
        fprintf(stderr, "detach_experiment: open %s: %s\n", path, strerror(errno));
    return file;
}

static void run_all_cases(FILE *csv, struct run_info *info)
{
    fputs(CSV_HEADER, csv);
    for (int n = 1; n <= (int)CASE_COUNT; n++) {
        struct case_def c = case_by_number(n);
        struct case_result result;
        struct prediction p;
        run_case_in_runner(&c, &result);
        predict(&c, &p);
        write_csv_row(csv, &c, &result);
        info->cases++;
        info->matching += matches_prediction(&result, &p);
        info->copies_matching += copies_as_documented(&result);
        if (result.error.text[0])
            fprintf(stderr, "detach_experiment: D%02d: %s\n", n, result.error.text);
    }
}

int main(int argc, char **argv)
{
    struct options options;
    struct run_info info = { 0 };
    struct error_text error = { "" };
    if (!parse_options(argc, argv, &options)) {
        usage(stderr);
        return 2;
    }
    if (options.list_cases) {
        list_cases();
        return 0;
    }
    describe_run(argc, argv, &options, &info);
    FILE *csv = open_output(options.csv_path);
    FILE *meta = open_output(options.meta_path);
    if (!csv || (options.meta_path && !meta))
        return 1;
    if (!isolate_from_host(info.started_as_root, &error)) {
        fprintf(stderr, "detach_experiment: isolation: %s (nothing was mounted)\n", error.text);
        return 1;
    }
    run_all_cases(csv, &info);
    if (meta)
        write_meta(meta, &info);
    fprintf(stderr,
            "detach_experiment: %d cases; unmount outcome as documented in %d, "
            "the child's copies as documented in %d\n",
            info.cases, info.matching, info.copies_matching);
    bool closed = fclose(csv) == 0 && (!meta || fclose(meta) == 0);
    return closed ? 0 : 1;
}
