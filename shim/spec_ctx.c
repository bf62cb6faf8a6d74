/* The parse context's helpers: JSON pointers, messages, type checks and enum variants. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_parse.h"

void *spec_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        fputs("void-shim: out of memory\n", stderr);
        abort();
    }
    return p;
}

char *spec_xstrdup(const char *s)
{
    return strcpy(spec_xrealloc(NULL, strlen(s) + 1), s);
}

static void ptr_append(struct spec_ctx *ctx, const char *text, size_t len)
{
    size_t room = sizeof ctx->ptr - 1 - ctx->ptr_len;
    if (len > room)
        len = room;
    memcpy(ctx->ptr + ctx->ptr_len, text, len);
    ctx->ptr_len += len;
    ctx->ptr[ctx->ptr_len] = '\0';
}

/* RFC 6901: '~' is written "~0" and '/' is written "~1" inside a reference token. */
size_t ctx_push_key(struct spec_ctx *ctx, const char *key)
{
    size_t mark = ctx->ptr_len;
    ptr_append(ctx, "/", 1);
    for (const char *k = key; *k; k++) {
        if (*k == '~')
            ptr_append(ctx, "~0", 2);
        else if (*k == '/')
            ptr_append(ctx, "~1", 2);
        else
            ptr_append(ctx, k, 1);
    }
    return mark;
}

size_t ctx_push_index(struct spec_ctx *ctx, size_t index)
{
    char buf[32];
    size_t mark = ctx->ptr_len;
    int n = snprintf(buf, sizeof buf, "/%zu", index);
    ptr_append(ctx, buf, (size_t)n);
    return mark;
}

void ctx_pop(struct spec_ctx *ctx, size_t mark)
{
    ctx->ptr_len = mark;
    ctx->ptr[mark] = '\0';
}

static int fail_with(struct spec_ctx *ctx, const char *message)
{
    if (ctx->ptr_len == 0)
        return error_set(ctx->err, EXIT_SHIM_ERROR, 0, "%s: %s", ctx->spec->path, message);
    return error_set(ctx->err, EXIT_SHIM_ERROR, 0, "%s: %s: %s", ctx->spec->path, ctx->ptr,
                     message);
}

int ctx_fail(struct spec_ctx *ctx, const char *fmt, ...)
{
    char message[sizeof ctx->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return fail_with(ctx, message);
}

int ctx_rethrow(struct spec_ctx *ctx)
{
    char message[sizeof ctx->err->msg];
    snprintf(message, sizeof message, "%s", ctx->err->msg);
    return fail_with(ctx, message);
}

static const char *type_name(json_type type)
{
    switch (type) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

const char *json_kind(const json_t *value)
{
    return type_name(json_typeof(value));
}

int ctx_expect(struct spec_ctx *ctx, const json_t *value, json_type want)
{
    json_type got = json_typeof(value);
    if (got == want || (want == JSON_TRUE && got == JSON_FALSE))
        return 0;
    return ctx_fail(ctx, "expected %s, got %s", type_name(want), json_kind(value));
}

int ctx_string(struct spec_ctx *ctx, const json_t *value, const char *what, const char **out)
{
    if (!json_is_string(value))
        return ctx_fail(ctx, "expected a string (%s), got %s", what, json_kind(value));
    if (json_string_length(value) == 0)
        return ctx_fail(ctx, "expected a non-empty string (%s)", what);
    if (strlen(json_string_value(value)) != json_string_length(value))
        return ctx_fail(ctx, "%s must not contain a NUL character", what);
    *out = json_string_value(value);
    return 0;
}

static void list_names(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int ctx_check_keys(struct spec_ctx *ctx, const json_t *obj, const char *const *allowed,
                   size_t n_allowed, const char *context)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        bool known = false;
        for (size_t i = 0; i < n_allowed && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (known)
            continue;
        char names[512];
        list_names(names, sizeof names, allowed, n_allowed);
        size_t mark = ctx_push_key(ctx, key);
        ctx_fail(ctx, "unknown key \"%s\" in %s; expected %s%s", key, context,
                 n_allowed > 1 ? "one of " : "", names);
        ctx_pop(ctx, mark);
        return -1;
    }
    return 0;
}

static int unknown_variant(struct spec_ctx *ctx, const char *name, const char *what,
                           const char *entrypoint, const struct spec_variant *table,
                           size_t n_table)
{
    const char *names[32];
    size_t n = 0;
    for (size_t i = 0; i < n_table && n < sizeof names / sizeof names[0]; i++)
        if (!table[i].alias)
            names[n++] = table[i].name;
    char list[512];
    list_names(list, sizeof list, names, n);
    return ctx_fail(ctx, "unknown %s \"%s\" in entrypoint \"%s\"; expected one of %s", what,
                    name, entrypoint, list);
}

static const struct spec_variant *find_variant(const char *name,
                                               const struct spec_variant *table,
                                               size_t n_table)
{
    for (size_t i = 0; i < n_table; i++)
        if (strcmp(name, table[i].name) == 0)
            return &table[i];
    return NULL;
}

int ctx_variant(struct spec_ctx *ctx, json_t *item, const char *what, const char *entrypoint,
                const struct spec_variant *table, size_t n_table,
                const struct spec_variant **found, json_t **value)
{
    *value = NULL;
    if (json_is_string(item)) {
        const char *name = json_string_value(item);
        *found = find_variant(name, table, n_table);
        if (!*found)
            return unknown_variant(ctx, name, what, entrypoint, table, n_table);
        if ((*found)->has_value)
            return ctx_fail(ctx, "%s \"%s\" in entrypoint \"%s\" needs a value: write "
                            "{\"%s\": ...}", what, name, entrypoint, name);
        return 0;
    }
    if (!json_is_object(item) || json_object_size(item) != 1)
        return ctx_fail(ctx, "expected %s: a string or an object with one key, got %s%s",
                        what, json_kind(item),
                        json_is_object(item) ? (json_object_size(item) ? " with more than "
                                                "one key" : " with no key") : "");
    void *iter = json_object_iter(item);
    const char *name = json_object_iter_key(iter);
    *found = find_variant(name, table, n_table);
    if (!*found)
        return unknown_variant(ctx, name, what, entrypoint, table, n_table);
    if (!(*found)->has_value)
        return ctx_fail(ctx, "%s \"%s\" in entrypoint \"%s\" takes no value: write the "
                        "string \"%s\"", what, name, entrypoint, name);
    ctx_push_key(ctx, name);
    *value = json_object_iter_value(iter);
    return 0;
}
