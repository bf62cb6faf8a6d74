/* The spec front end: loading SPEC.json into a validated struct spec. */
#include "spec.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec_parse.h"

/* Duplicate keys would make a spec mean what the last one says: refuse them. */
static const size_t json_flags = JSON_REJECT_DUPLICATES;

static json_t *load_json(const char *path, struct shim_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        error_set(err, EXIT_SHIM_ERROR, errno, "%s", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        error_set(err, EXIT_SHIM_ERROR, EISDIR, "%s", path);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadf(f, json_flags, &jerr);
    fclose(f);
    if (!root)
        error_set(err, EXIT_SHIM_ERROR, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                  jerr.text);
    return root;
}

static int parse_entrypoint(struct spec_ctx *ctx, const char *name, json_t *obj)
{
    static const char *const keys[] = {"trigger", "args", "environment"};
    struct spec *spec = ctx->spec;
    size_t ep = spec->n_entrypoints++;
    struct spec_entrypoint *e = &spec->entrypoints[ep];
    *e = (struct spec_entrypoint){.name = spec_xstrdup(name), .trigger_channel = -1};
    plan_init(&e->plan);
    size_t mark = ctx_push_key(ctx, name);
    char context[64 + 32];
    snprintf(context, sizeof context, "entrypoint \"%.64s\"", name);
    if (name[0] == '\0')
        return ctx_fail(ctx, "an entrypoint name must not be empty");
    if (ctx_expect(ctx, obj, JSON_OBJECT) != 0 ||
        ctx_check_keys(ctx, obj, keys, COUNT(keys), context) != 0 ||
        spec_parse_trigger(ctx, ep, json_object_get(obj, "trigger")) != 0 ||
        spec_parse_args(ctx, ep, json_object_get(obj, "args")) != 0 ||
        spec_parse_environment(ctx, ep, json_object_get(obj, "environment")) != 0)
        return -1;
    ctx_pop(ctx, mark);
    return 0;
}

static int parse_entrypoints(struct spec_ctx *ctx, json_t *entrypoints)
{
    size_t mark = ctx_push_key(ctx, "entrypoints");
    if (ctx_expect(ctx, entrypoints, JSON_OBJECT) != 0)
        return -1;
    if (json_object_size(entrypoints) == 0)
        return ctx_fail(ctx, "no entrypoints; expected at least one");
    ctx->spec->entrypoints = spec_xrealloc(NULL, json_object_size(entrypoints) *
                                                 sizeof *ctx->spec->entrypoints);
    const char *name;
    json_t *obj;
    json_object_foreach(entrypoints, name, obj)
        if (parse_entrypoint(ctx, name, obj) != 0)
            return -1;
    ctx_pop(ctx, mark);
    return 0;
}

static int parse_root(struct spec_ctx *ctx, json_t *root)
{
    static const char *const keys[] = {"entrypoints"};
    if (ctx_expect(ctx, root, JSON_OBJECT) != 0 ||
        ctx_check_keys(ctx, root, keys, COUNT(keys), "the specification") != 0)
        return -1;
    json_t *entrypoints = json_object_get(root, "entrypoints");
    if (!entrypoints)
        return ctx_fail(ctx, "missing key \"entrypoints\"");
    if (parse_entrypoints(ctx, entrypoints) != 0)
        return -1;
    return spec_check_channels(ctx);
}

int spec_load(const char *path, struct spec *spec, struct shim_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->path = spec_xstrdup(path);
    json_t *root = load_json(path, err);
    if (!root) {
        spec_free(spec);
        return -1;
    }
    struct spec_ctx ctx = {.spec = spec, .err = err};
    int r = parse_root(&ctx, root);
    spec_ctx_free_channels(&ctx);
    json_decref(root);
    if (r != 0)
        spec_free(spec);
    return r;
}

static void free_entrypoint(struct spec_entrypoint *e)
{
    free(e->name);
    for (size_t i = 0; i < e->n_args; i++)
        free(e->args[i].value);
    free(e->args);
    plan_free(&e->plan);
    free(e->domainname);
    for (size_t i = 0; i < e->n_cgroup_limits; i++) {
        free(e->cgroup_limits[i].file);
        free(e->cgroup_limits[i].value);
    }
    free(e->cgroup_limits);
}

void spec_free(struct spec *spec)
{
    for (size_t i = 0; i < spec->n_entrypoints; i++)
        free_entrypoint(&spec->entrypoints[i]);
    free(spec->entrypoints);
    for (size_t i = 0; i < spec->n_channels; i++)
        free(spec->channels[i].name);
    free(spec->channels);
    free(spec->path);
    memset(spec, 0, sizeof *spec);
}
