#include "plan.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("void-shim: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

void plan_init(struct plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->envp = xrealloc(NULL, sizeof *plan->envp);
    plan->envp[0] = NULL;
    plan->hostname = xstrdup("void");
}

void plan_free(struct plan *plan)
{
    for (size_t i = 0; i < plan->n_ops; i++) {
        free(plan->ops[i].src);
        free(plan->ops[i].dst);
    }
    free(plan->ops);
    strset_free(&plan->dsts);
    free(plan->exec_path);
    for (char **a = plan->argv; a && *a; a++)
        free(*a);
    free(plan->argv);
    for (size_t i = 0; i < plan->n_env; i++)
        free(plan->envp[i]);
    free(plan->envp);
    free(plan->hostname);
    free(plan->domainname);
    free(plan->spec_path);
    free(plan->tmpdir);
    memset(plan, 0, sizeof *plan);
}

bool plan_has_dst(const struct plan *plan, const char *dst)
{
    return strset_contains(&plan->dsts, dst);
}

static const char *describe(const struct mount_op *op)
{
    static char buf[PATH_MAX * 2 + 32];
    if (op->kind == OP_BIND)
        snprintf(buf, sizeof buf, "%s %s:%s", op->origin, op->src, op->dst);
    else
        snprintf(buf, sizeof buf, "%s %s", op->origin, op->dst);
    return buf;
}

int plan_add_op(struct plan *plan, enum op_kind kind, unsigned flags, const char *src,
                const char *dst, bool src_is_dir, const char *origin,
                struct shim_error *err)
{
    if (plan_has_dst(plan, dst)) {
        uintptr_t i = (uintptr_t)strset_get(&plan->dsts, dst, NULL) - 1;
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "%s %s%s%s: destination %s is already used by %s", origin,
                         src ? src : "", src ? ":" : "", dst, dst, describe(&plan->ops[i]));
    }
    if (plan->n_ops == plan->cap_ops) {
        plan->cap_ops = plan->cap_ops ? plan->cap_ops * 2 : 16;
        plan->ops = xrealloc(plan->ops, plan->cap_ops * sizeof *plan->ops);
    }
    struct mount_op *op = &plan->ops[plan->n_ops++];
    *op = (struct mount_op){
        .kind = kind, .flags = flags, .src = src ? xstrdup(src) : NULL,
        .dst = xstrdup(dst), .src_is_dir = src_is_dir, .origin = origin,
    };
    strset_add(&plan->dsts, op->dst, (const void *)(uintptr_t)plan->n_ops);
    return 0;
}

int plan_add_dev(struct plan *plan, const char *origin, struct shim_error *err)
{
    static const char *const nodes[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
    };
    if (plan_has_dst(plan, "/dev/null"))
        return 0;
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        struct stat st;
        if (stat(nodes[i], &st) != 0)
            return error_set(err, EXIT_SHIM_ERROR, errno, "%s: %s", origin, nodes[i]);
        if (plan_add_op(plan, OP_BIND, OP_RW | OP_DEVICES | OP_NOEXEC, nodes[i], nodes[i],
                        false, origin, err) != 0)
            return -1;
    }
    return 0;
}

void plan_add_env(struct plan *plan, const char *assignment)
{
    plan->envp = xrealloc(plan->envp, (plan->n_env + 2) * sizeof *plan->envp);
    plan->envp[plan->n_env++] = xstrdup(assignment);
    plan->envp[plan->n_env] = NULL;
}

int path_normalise(const char *option, const char *value, const char *path, char *out,
                   struct shim_error *err)
{
    if (path[0] != '/')
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "%s %s: destination '%s' is not an absolute path", option, value,
                         path);
    size_t n = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        if (len == 0)
            break;
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return error_set(err, EXIT_SHIM_ERROR, 0,
                             "%s %s: destination '%s' must not contain '.' or '..'",
                             option, value, path);
        if (n + 1 + len >= PATH_MAX)
            return error_set(err, EXIT_SHIM_ERROR, ENAMETOOLONG, "%s %s", option, value);
        out[n++] = '/';
        memcpy(out + n, p, len);
        n += len;
        p = end;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return 0;
}

/* The implicit symlink at dst, when the exec path goes through it, else NULL. */
static const struct mount_op *program_symlink_at(const struct plan *plan, const char *dst)
{
    bool found;
    uintptr_t i = (uintptr_t)strset_get(&plan->dsts, dst, &found);
    if (!found)
        return NULL;
    const struct mount_op *op = &plan->ops[i - 1];
    size_t len = strlen(dst);
    if (op->kind != OP_SYMLINK || !(op->flags & OP_IMPLICIT) ||
        strncmp(plan->exec_path, dst, len) != 0 || plan->exec_path[len] != '/')
        return NULL;
    return op;
}

int plan_check_program_path(const struct plan *plan, struct shim_error *err)
{
    char prefix[PATH_MAX];
    for (size_t i = 0; plan->exec_path && i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        if (op->flags & OP_IMPLICIT)
            continue;
        snprintf(prefix, sizeof prefix, "%s", op->dst);
        for (char *slash = strrchr(prefix, '/'); slash && slash != prefix;
             slash = strrchr(prefix, '/')) {
            *slash = '\0';
            const struct mount_op *link = program_symlink_at(plan, prefix);
            if (link)
                return error_set(err, EXIT_SHIM_ERROR, 0,
                                 "%s: destination %s passes through %s, a symlink (-> %s) "
                                 "on the way to PROGRAM %s; name the destination by the "
                                 "symlink's target instead", describe(op), op->dst, prefix,
                                 link->src, plan->exec_path);
        }
    }
    return 0;
}

static const char *kind_name(enum op_kind kind)
{
    switch (kind) {
    case OP_BIND: return "bind";
    case OP_TMPFS: return "tmpfs";
    case OP_SYMLINK: return "symlink";
    case OP_PROC: return "proc";
    }
    return "?";
}

void plan_print(const struct plan *plan, FILE *out)
{
    fprintf(out, "exec %s", plan->exec_path ? plan->exec_path : "(none)");
    for (char **a = plan->argv; a && *a; a++)
        fprintf(out, " %s", *a);
    fputc('\n', out);
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        fprintf(out, "%-7s %s", kind_name(op->kind), op->dst);
        if (op->src)
            fprintf(out, " %s %s", op->kind == OP_SYMLINK ? "->" : "<-", op->src);
        if (op->kind == OP_BIND)
            fprintf(out, " (%s%s, %s)", op->flags & OP_RW ? "rw" : "ro",
                    op->flags & OP_DEVICES ? ", dev" : "", op->origin);
        fputc('\n', out);
    }
    for (size_t i = 0; i < plan->n_env; i++)
        fprintf(out, "env     %s\n", plan->envp[i]);
    for (size_t i = 0; i < plan->n_keep_fds; i++)
        fprintf(out, "fd      %d\n", plan->keep_fds[i]);
    fprintf(out, "stdio   stdin=%s stdout=%s stderr=%s\n",
            plan->keep_stdin ? "inherited" : "/dev/null",
            plan->keep_stdout ? "inherited" : "/dev/null",
            plan->keep_stderr ? "inherited" : "/dev/null");
    fprintf(out, "uts     hostname=%s\n", plan->hostname);
    fprintf(out, "net     loopback %s\n", plan->loopback ? "up" : "down");
    fprintf(out, "seccomp %s\n", plan->no_seccomp ? "off (--no-seccomp)"
                                                  : "perf, bpf, userfaultfd, io_uring, keyrings, "
                                                    "modules, kexec, handles: EPERM");
}
