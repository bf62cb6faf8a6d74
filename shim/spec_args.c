/* An entrypoint's trigger and arguments. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host_path.h"
#include "spec_addr.h"
#include "spec_parse.h"

enum { VARIANT_PIPE_END_RX, VARIANT_PIPE_END_TX };

static const struct spec_variant trigger_variants[] = {
    {"Startup", TRIGGER_STARTUP, false, false},
    {"Pipe", TRIGGER_PIPE, true, false},
    {"FileSocket", TRIGGER_FILE_SOCKET, true, false},
};

static const struct spec_variant arg_variants[] = {
    {"BinaryName", ARG_BINARY_NAME, false, false},
    {"Entrypoint", ARG_ENTRYPOINT, false, false},
    {"Trigger", ARG_TRIGGER, false, false},
    {"Trailing", ARG_TRAILING, false, false},
    {"File", ARG_FILE, true, false},
    {"Pipe", ARG_PIPE_RX, true, false},
    {"FileSocket", ARG_SOCKET_RX, true, false},
    {"TcpListener", ARG_TCP_LISTENER, true, false},
    /* The void orchestrator's name for "Trigger" before it took file sockets too. */
    {"PipeTrigger", ARG_TRIGGER, false, true},
};

static const struct spec_variant end_variants[] = {
    {"Rx", VARIANT_PIPE_END_RX, true, false},
    {"Tx", VARIANT_PIPE_END_TX, true, false},
};

/* The address the older {"TcpListener": {"port": N}} form listens on: all interfaces. */
static const char legacy_listen_host[] = "0.0.0.0";

static struct spec_entrypoint *entrypoint(struct spec_ctx *ctx, size_t ep)
{
    return &ctx->spec->entrypoints[ep];
}

int spec_parse_trigger(struct spec_ctx *ctx, size_t ep, json_t *trigger)
{
    struct spec_entrypoint *e = entrypoint(ctx, ep);
    e->trigger = TRIGGER_STARTUP;
    e->trigger_channel = -1;
    if (!trigger)
        return 0;
    size_t mark = ctx_push_key(ctx, "trigger");
    const struct spec_variant *v;
    json_t *value;
    int r = ctx_variant(ctx, trigger, "trigger", e->name, trigger_variants,
                        COUNT(trigger_variants), &v, &value);
    const char *name;
    if (r == 0 && v->has_value) {
        enum channel_kind kind = v->id == TRIGGER_PIPE ? CHANNEL_PIPE : CHANNEL_FILE_SOCKET;
        r = ctx_string(ctx, value, kind == CHANNEL_PIPE ? "a pipe name" : "a file socket name",
                       &name);
        if (r == 0)
            r = spec_channel_use(ctx, kind, name, ep, ROLE_TRIGGER, &e->trigger_channel);
    }
    if (r == 0)
        e->trigger = (enum trigger_kind)v->id;
    ctx_pop(ctx, mark);
    return r;
}

/* Each run of a triggered entrypoint is a fresh void; a pipe end or a file socket's
 * receiving end exists once, so it cannot be handed to every run (the original
 * orchestrator fails the same way, but only once the application runs). */
static int triggered_end(struct spec_ctx *ctx, const struct spec_entrypoint *e,
                         enum channel_kind kind, bool rx, const char *name)
{
    const char *key = kind == CHANNEL_PIPE ? "Pipe" : "FileSocket";
    return ctx_fail(ctx, "{\"%s\": {\"%s\": \"%s\"}} cannot be given to entrypoint \"%s\": "
                    "it runs once per trigger, in a fresh void each time, and a %s end can "
                    "be given only once (a triggered entrypoint may hold {\"FileSocket\": "
                    "{\"Tx\": ...}} ends)", key, rx ? "Rx" : "Tx", name, e->name,
                    channel_kind_name(kind));
}

static int parse_channel_end(struct spec_ctx *ctx, size_t ep, json_t *value,
                             enum channel_kind kind, struct spec_arg *arg)
{
    const char *what = kind == CHANNEL_PIPE ? "pipe end" : "file socket end";
    const struct spec_variant *v;
    json_t *name_json;
    const char *name;
    if (ctx_variant(ctx, value, what, entrypoint(ctx, ep)->name, end_variants,
                    COUNT(end_variants), &v, &name_json) != 0)
        return -1;
    if (ctx_string(ctx, name_json, kind == CHANNEL_PIPE ? "a pipe name" : "a file socket name",
                   &name) != 0)
        return -1;
    bool rx = v->id == VARIANT_PIPE_END_RX;
    if (entrypoint(ctx, ep)->trigger != TRIGGER_STARTUP && (rx || kind == CHANNEL_PIPE))
        return triggered_end(ctx, entrypoint(ctx, ep), kind, rx, name);
    if (kind == CHANNEL_PIPE)
        arg->kind = rx ? ARG_PIPE_RX : ARG_PIPE_TX;
    else
        arg->kind = rx ? ARG_SOCKET_RX : ARG_SOCKET_TX;
    arg->value = spec_xstrdup(name);
    return spec_channel_use(ctx, kind, name, ep, rx ? ROLE_RX_ARG : ROLE_TX_ARG,
                            &arg->channel);
}

static int store_file(struct spec_ctx *ctx, const char *path, bool writable,
                      struct spec_arg *arg)
{
    char canonical[PATH_MAX];
    bool is_dir = false;
    if (host_check_path("File", path, SYMLINKS_SYSTEM_ONLY, canonical, &is_dir, ctx->err) != 0)
        return ctx_rethrow(ctx);
    if (writable && is_dir)
        return ctx_fail(ctx, "File %s: a directory cannot be opened for writing", path);
    arg->value = spec_xstrdup(canonical);
    arg->writable = writable;
    return 0;
}

/* {"File": PATH}, or the extension {"File": {"path": PATH, "write": BOOL}}. */
static int parse_file(struct spec_ctx *ctx, json_t *value, struct spec_arg *arg)
{
    static const char *const keys[] = {"path", "write"};
    const char *path;
    if (json_is_string(value))
        return ctx_string(ctx, value, "a host path", &path) ? -1
               : store_file(ctx, path, false, arg);
    if (!json_is_object(value))
        return ctx_fail(ctx, "expected a host path (a string) or {\"path\": PATH, \"write\": "
                        "BOOL}, got %s", json_kind(value));
    if (ctx_check_keys(ctx, value, keys, COUNT(keys), "File") != 0)
        return -1;
    json_t *path_json = json_object_get(value, "path");
    json_t *write_json = json_object_get(value, "write");
    if (!path_json)
        return ctx_fail(ctx, "File needs \"path\"");
    size_t mark = ctx_push_key(ctx, "path");
    int r = ctx_string(ctx, path_json, "a host path", &path);
    ctx_pop(ctx, mark);
    if (r == 0 && write_json) {
        mark = ctx_push_key(ctx, "write");
        r = ctx_expect(ctx, write_json, JSON_TRUE);
        ctx_pop(ctx, mark);
    }
    return r ? -1 : store_file(ctx, path, write_json && json_is_true(write_json), arg);
}

static int store_address(struct spec_ctx *ctx, const char *text, struct spec_arg *arg)
{
    struct sockaddr_storage addr;
    socklen_t len;
    const char *why = spec_parse_address(text, &addr, &len);
    if (why)
        return ctx_fail(ctx, "TcpListener address \"%s\": %s; expected IPv4:PORT or "
                        "[IPv6]:PORT, PORT from 0 to 65535", text, why);
    arg->value = spec_xstrdup(text);
    return 0;
}

static int parse_legacy_port(struct spec_ctx *ctx, json_t *port, struct spec_arg *arg)
{
    if (!json_is_integer(port) || json_integer_value(port) < 0 ||
        json_integer_value(port) > 65535)
        return ctx_fail(ctx, "expected a port number from 0 to 65535, got %s",
                        json_kind(port));
    char text[sizeof legacy_listen_host + 8];
    snprintf(text, sizeof text, "%s:%d", legacy_listen_host, (int)json_integer_value(port));
    arg->value = spec_xstrdup(text);
    return 0;
}

/* {"addr": "IP:PORT"}, or the older {"port": N}. */
static int parse_tcp_listener(struct spec_ctx *ctx, json_t *value, struct spec_arg *arg)
{
    static const char *const keys[] = {"addr", "port"};
    if (ctx_expect(ctx, value, JSON_OBJECT) != 0 ||
        ctx_check_keys(ctx, value, keys, COUNT(keys), "TcpListener") != 0)
        return -1;
    json_t *addr = json_object_get(value, "addr");
    json_t *port = json_object_get(value, "port");
    if (!addr == !port)
        return ctx_fail(ctx, "TcpListener needs exactly one of \"addr\" (\"IP:PORT\") and "
                        "\"port\" (a number)");
    size_t mark = ctx_push_key(ctx, addr ? "addr" : "port");
    const char *text;
    int r;
    if (port)
        r = parse_legacy_port(ctx, port, arg);
    else
        r = ctx_string(ctx, addr, "an address IP:PORT", &text) ? -1
            : store_address(ctx, text, arg);
    ctx_pop(ctx, mark);
    return r;
}

static int check_trigger_arg(struct spec_ctx *ctx, const struct spec_entrypoint *e,
                             const char *spelling)
{
    if (e->trigger != TRIGGER_STARTUP)
        return 0;
    return ctx_fail(ctx, "\"%s\" in entrypoint \"%s\" needs a Pipe or FileSocket trigger, "
                    "but the entrypoint's trigger is Startup", spelling, e->name);
}

static int parse_arg(struct spec_ctx *ctx, size_t ep, json_t *item, struct spec_arg *arg)
{
    struct spec_entrypoint *e = entrypoint(ctx, ep);
    const struct spec_variant *v;
    json_t *value;
    arg->channel = -1;
    if (ctx_variant(ctx, item, "argument", e->name, arg_variants, COUNT(arg_variants), &v,
                    &value) != 0)
        return -1;
    arg->kind = (enum arg_kind)v->id;
    switch (arg->kind) {
    case ARG_TRIGGER: return check_trigger_arg(ctx, e, v->name);
    case ARG_FILE: return parse_file(ctx, value, arg);
    case ARG_PIPE_RX: return parse_channel_end(ctx, ep, value, CHANNEL_PIPE, arg);
    case ARG_SOCKET_RX: return parse_channel_end(ctx, ep, value, CHANNEL_FILE_SOCKET, arg);
    case ARG_TCP_LISTENER: return parse_tcp_listener(ctx, value, arg);
    default: return 0;
    }
}

static void default_args(struct spec_entrypoint *e)
{
    e->args = spec_xrealloc(NULL, sizeof *e->args);
    e->args[0] = (struct spec_arg){.kind = ARG_BINARY_NAME, .channel = -1};
    e->n_args = 1;
}

int spec_parse_args(struct spec_ctx *ctx, size_t ep, json_t *args)
{
    struct spec_entrypoint *e = entrypoint(ctx, ep);
    if (!args) {
        default_args(e);
        return 0;
    }
    size_t mark = ctx_push_key(ctx, "args");
    if (ctx_expect(ctx, args, JSON_ARRAY) != 0)
        return -1;
    e->args = spec_xrealloc(NULL, json_array_size(args) * sizeof *e->args);
    size_t i;
    json_t *item;
    json_array_foreach(args, i, item) {
        struct spec_arg *arg = &e->args[e->n_args++];
        *arg = (struct spec_arg){0};
        size_t item_mark = ctx_push_index(ctx, i);
        if (parse_arg(ctx, ep, item, arg) != 0)
            return -1;
        ctx_pop(ctx, item_mark);
    }
    ctx_pop(ctx, mark);
    return 0;
}
