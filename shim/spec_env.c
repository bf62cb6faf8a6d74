/* An entrypoint's environment: what its void is given besides its arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host_path.h"
#include "spec_parse.h"

enum env_item {
    ENV_STDIN, ENV_STDOUT, ENV_STDERR, ENV_PROCFS, ENV_HOSTNAME, ENV_DOMAIN_NAME,
    ENV_FILESYSTEM, ENV_LOOPBACK, ENV_TMPFS, ENV_DEV, ENV_ENV, ENV_NO_LIBS,
    ENV_CGROUP_LIMITS, ENV_NO_SECCOMP,
};

static const struct spec_variant env_variants[] = {
    {"Stdin", ENV_STDIN, false, false},
    {"Stdout", ENV_STDOUT, false, false},
    {"Stderr", ENV_STDERR, false, false},
    {"Procfs", ENV_PROCFS, false, false},
    {"Hostname", ENV_HOSTNAME, true, false},
    {"DomainName", ENV_DOMAIN_NAME, true, false},
    {"Filesystem", ENV_FILESYSTEM, true, false},
    {"Loopback", ENV_LOOPBACK, false, false},
    {"Tmpfs", ENV_TMPFS, true, false},
    {"Dev", ENV_DEV, false, false},
    {"Env", ENV_ENV, true, false},
    {"NoLibs", ENV_NO_LIBS, false, false},
    {"CgroupLimits", ENV_CGROUP_LIMITS, true, false},
    {"NoSeccomp", ENV_NO_SECCOMP, false, false},
};


/* The kernel's limit for both names (__NEW_UTS_LEN). */
enum { UTS_NAME_MAX = 64 };

struct env_state {
    struct spec_ctx *ctx;
    struct spec_entrypoint *ep;
    unsigned seen;          /* bit per enum env_item met so far */
};

static int add_filesystem(struct env_state *st, json_t *value)
{
    static const char *const keys[] = {"host_path", "environment_path", "read_only"};
    struct spec_ctx *ctx = st->ctx;
    if (ctx_expect(ctx, value, JSON_OBJECT) != 0 ||
        ctx_check_keys(ctx, value, keys, COUNT(keys), "Filesystem") != 0)
        return -1;
    json_t *host = json_object_get(value, "host_path");
    json_t *dest = json_object_get(value, "environment_path");
    json_t *read_only = json_object_get(value, "read_only");
    if (!host || !dest)
        return ctx_fail(ctx, "Filesystem needs \"host_path\" and \"environment_path\"");
    const char *src, *dst;
    char canonical[PATH_MAX], normal[PATH_MAX];
    bool is_dir = false;
    size_t mark = ctx_push_key(ctx, "host_path");
    if (ctx_string(ctx, host, "a host path", &src) != 0)
        return -1;
    if (host_check_path("host_path", src, SYMLINKS_SYSTEM_ONLY, canonical, &is_dir, ctx->err) != 0)
        return ctx_rethrow(ctx);
    ctx_pop(ctx, mark);
    mark = ctx_push_key(ctx, "environment_path");
    if (ctx_string(ctx, dest, "a path in the void", &dst) != 0)
        return -1;
    if (path_normalise("environment_path", dst, dst, normal, ctx->err) != 0)
        return ctx_rethrow(ctx);
    ctx_pop(ctx, mark);
    unsigned flags = 0;
    if (read_only) {
        mark = ctx_push_key(ctx, "read_only");
        if (ctx_expect(ctx, read_only, JSON_TRUE) != 0)
            return -1;
        ctx_pop(ctx, mark);
        flags = json_is_false(read_only) ? OP_RW : 0;
    }
    if (plan_add_op(&st->ep->plan, OP_BIND, flags, canonical, normal, is_dir, "Filesystem",
                    ctx->err) != 0)
        return ctx_rethrow(ctx);
    return 0;
}

static int add_tmpfs(struct env_state *st, json_t *value)
{
    const char *path;
    char normal[PATH_MAX];
    if (ctx_string(st->ctx, value, "a path in the void", &path) != 0)
        return -1;
    if (path_normalise("Tmpfs", path, path, normal, st->ctx->err) != 0 ||
        plan_add_op(&st->ep->plan, OP_TMPFS, OP_RW, NULL, normal, true, "Tmpfs",
                    st->ctx->err) != 0)
        return ctx_rethrow(st->ctx);
    return 0;
}

static int add_dev(struct env_state *st)
{
    return plan_add_dev(&st->ep->plan, "Dev", st->ctx->err) != 0 ? ctx_rethrow(st->ctx) : 0;
}

static int add_procfs(struct env_state *st)
{
    if (plan_add_op(&st->ep->plan, OP_PROC, 0, NULL, "/proc", true, "Procfs",
                    st->ctx->err) != 0)
        return ctx_rethrow(st->ctx);
    return 0;
}

static int read_uts_name(struct spec_ctx *ctx, json_t *value, const char *what,
                         const char **out)
{
    if (ctx_string(ctx, value, what, out) != 0)
        return -1;
    if (strlen(*out) > UTS_NAME_MAX)
        return ctx_fail(ctx, "%s \"%s\": at most %d characters", what, *out, UTS_NAME_MAX);
    return 0;
}

static int set_hostname(struct env_state *st, json_t *value)
{
    const char *name;
    if (read_uts_name(st->ctx, value, "a host name", &name) != 0)
        return -1;
    free(st->ep->plan.hostname);
    st->ep->plan.hostname = spec_xstrdup(name);
    return 0;
}

static int set_domainname(struct env_state *st, json_t *value)
{
    const char *name;
    if (read_uts_name(st->ctx, value, "a domain name", &name) != 0)
        return -1;
    st->ep->domainname = spec_xstrdup(name);
    return 0;
}

static bool env_has_name(const struct plan *plan, const char *name, size_t len)
{
    for (size_t i = 0; i < plan->n_env; i++)
        if (strncmp(plan->envp[i], name, len) == 0 && plan->envp[i][len] == '=')
            return true;
    return false;
}

static int add_assignment(struct env_state *st, const char *name, size_t name_len,
                          const char *value)
{
    if (name_len == 0 || memchr(name, '=', name_len))
        return ctx_fail(st->ctx, "environment variable name \"%.*s\" must be non-empty and "
                        "contain no '='", (int)name_len, name);
    if (env_has_name(&st->ep->plan, name, name_len))
        return ctx_fail(st->ctx, "environment variable %.*s is set twice in entrypoint "
                        "\"%s\"", (int)name_len, name, st->ep->name);
    size_t size = name_len + strlen(value) + 2;
    char *assignment = spec_xrealloc(NULL, size);
    snprintf(assignment, size, "%.*s=%s", (int)name_len, name, value);
    plan_add_env(&st->ep->plan, assignment);
    free(assignment);
    return 0;
}

/* {"Env": "NAME=VALUE"} or {"Env": {"NAME": "VALUE", ...}}. */
static int add_env(struct env_state *st, json_t *value)
{
    const char *text;
    if (json_is_string(value)) {
        if (ctx_string(st->ctx, value, "NAME=VALUE", &text) != 0)
            return -1;
        const char *eq = strchr(text, '=');
        if (!eq)
            return ctx_fail(st->ctx, "expected NAME=VALUE, got \"%s\"", text);
        return add_assignment(st, text, (size_t)(eq - text), eq + 1);
    }
    if (!json_is_object(value))
        return ctx_fail(st->ctx, "expected \"NAME=VALUE\" or an object {\"NAME\": \"VALUE\"}, "
                        "got %s", json_kind(value));
    const char *name;
    json_t *item;
    json_object_foreach(value, name, item) {
        size_t mark = ctx_push_key(st->ctx, name);
        if (!json_is_string(item) || strlen(json_string_value(item)) != json_string_length(item))
            return ctx_fail(st->ctx, "expected a string without NUL characters, got %s",
                            json_kind(item));
        if (add_assignment(st, name, strlen(name), json_string_value(item)) != 0)
            return -1;
        ctx_pop(st->ctx, mark);
    }
    return 0;
}

/* Only "controller.knob" files: never cgroup.* (cgroup.procs would move processes) and
 * nothing that could leave the void's own leaf. */
static bool valid_limit_file(const char *file)
{
    size_t controller = strspn(file, "abcdefghijklmnopqrstuvwxyz");
    if (controller == 0 || file[controller] != '.' || strncmp(file, "cgroup.", 7) == 0)
        return false;
    const char *knob = file + controller + 1;
    /* Upper case too: hugetlb names its files by page size (hugetlb.2MB.max). */
    return knob[0] && strspn(knob, "abcdefghijklmnopqrstuvwxyz0123456789_."
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(knob);
}

static int read_limit_value(struct spec_ctx *ctx, json_t *item, char *out, size_t size)
{
    if (json_is_integer(item) && json_integer_value(item) >= 0) {
        snprintf(out, size, "%lld", (long long)json_integer_value(item));
        return 0;
    }
    if (!json_is_string(item))
        return ctx_fail(ctx, "expected a string or a non-negative integer, got %s",
                        json_kind(item));
    const char *text = json_string_value(item);
    if (text[0] == '\0' || strlen(text) != json_string_length(item) ||
        strlen(text) >= size || strpbrk(text, "\n\r"))
        return ctx_fail(ctx, "expected a one-line value of 1 to %zu characters", size - 1);
    snprintf(out, size, "%s", text);
    return 0;
}

static int add_limit(struct env_state *st, const char *file, const char *value)
{
    struct spec_entrypoint *ep = st->ep;
    for (size_t i = 0; i < ep->n_cgroup_limits; i++)
        if (strcmp(ep->cgroup_limits[i].file, file) == 0)
            return ctx_fail(st->ctx, "cgroup limit %s is set twice in entrypoint \"%s\"",
                            file, ep->name);
    ep->cgroup_limits = spec_xrealloc(ep->cgroup_limits,
                                      (ep->n_cgroup_limits + 1) * sizeof *ep->cgroup_limits);
    ep->cgroup_limits[ep->n_cgroup_limits++] = (struct cgroup_limit){
        .file = spec_xstrdup(file), .value = spec_xstrdup(value),
    };
    return 0;
}

/* {"CgroupLimits": {"memory.max": "64M", "pids.max": 16}}. */
static int add_cgroup_limits(struct env_state *st, json_t *value)
{
    if (ctx_expect(st->ctx, value, JSON_OBJECT) != 0)
        return -1;
    const char *file;
    json_t *item;
    json_object_foreach(value, file, item) {
        size_t mark = ctx_push_key(st->ctx, file);
        char text[256];
        if (!valid_limit_file(file))
            return ctx_fail(st->ctx, "\"%s\" is not a cgroup limit; expected a controller "
                            "file such as memory.max or pids.max", file);
        if (read_limit_value(st->ctx, item, text, sizeof text) != 0 ||
            add_limit(st, file, text) != 0)
            return -1;
        ctx_pop(st->ctx, mark);
    }
    return 0;
}

static int once_only(struct env_state *st, const struct spec_variant *v)
{
    return ctx_fail(st->ctx, "%s is given twice in entrypoint \"%s\"", v->name, st->ep->name);
}

static int apply_item(struct env_state *st, const struct spec_variant *v, json_t *value)
{
    struct plan *plan = &st->ep->plan;
    unsigned bit = 1u << v->id;
    bool again = st->seen & bit;
    st->seen |= bit;
    switch ((enum env_item)v->id) {
    case ENV_STDIN: plan->keep_stdin = true; return 0;
    case ENV_STDOUT: plan->keep_stdout = true; return 0;
    case ENV_STDERR: plan->keep_stderr = true; return 0;
    case ENV_LOOPBACK: plan->loopback = true; return 0;
    case ENV_NO_LIBS: plan->no_libs = true; return 0;
    case ENV_NO_SECCOMP: plan->no_seccomp = true; return 0;
    case ENV_PROCFS: return again ? 0 : add_procfs(st);
    case ENV_DEV: return again ? 0 : add_dev(st);
    case ENV_HOSTNAME: return again ? once_only(st, v) : set_hostname(st, value);
    case ENV_DOMAIN_NAME: return again ? once_only(st, v) : set_domainname(st, value);
    case ENV_FILESYSTEM: return add_filesystem(st, value);
    case ENV_TMPFS: return add_tmpfs(st, value);
    case ENV_ENV: return add_env(st, value);
    case ENV_CGROUP_LIMITS: return add_cgroup_limits(st, value);
    }
    return ctx_fail(st->ctx, "internal: unhandled environment item %s", v->name);
}

int spec_parse_environment(struct spec_ctx *ctx, size_t ep, json_t *environment)
{
    if (!environment)
        return 0;
    struct env_state st = {.ctx = ctx, .ep = &ctx->spec->entrypoints[ep]};
    size_t mark = ctx_push_key(ctx, "environment");
    if (ctx_expect(ctx, environment, JSON_ARRAY) != 0)
        return -1;
    size_t i;
    json_t *item;
    json_array_foreach(environment, i, item) {
        size_t item_mark = ctx_push_index(ctx, i);
        const struct spec_variant *v;
        json_t *value;
        if (ctx_variant(ctx, item, "environment item", st.ep->name, env_variants,
                        COUNT(env_variants), &v, &value) != 0 ||
            apply_item(&st, v, value) != 0)
            return -1;
        ctx_pop(ctx, item_mark);
    }
    ctx_pop(ctx, mark);
    return 0;
}
