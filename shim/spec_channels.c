/* Named pipes and file sockets: who reads and who writes each one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_parse.h"

const char *channel_kind_name(enum channel_kind kind)
{
    return kind == CHANNEL_PIPE ? "pipe" : "file socket";
}

/* The JSON spelling of a channel end, for suggestions: "Pipe" or "FileSocket". */
static const char *channel_key(enum channel_kind kind)
{
    return kind == CHANNEL_PIPE ? "Pipe" : "FileSocket";
}

static const char *ep_name(const struct spec_ctx *ctx, size_t ep)
{
    return ctx->spec->entrypoints[ep].name;
}

static int add_channel(struct spec_ctx *ctx, enum channel_kind kind, const char *name,
                       size_t ep)
{
    struct spec *spec = ctx->spec;
    size_t i = spec->n_channels++;
    spec->channels = spec_xrealloc(spec->channels, spec->n_channels * sizeof *spec->channels);
    ctx->notes = spec_xrealloc(ctx->notes, spec->n_channels * sizeof *ctx->notes);
    spec->channels[i] = (struct spec_channel){
        .kind = kind, .name = spec_xstrdup(name), .reader = -1,
    };
    ctx->notes[i] = (struct channel_note){
        .first_use = spec_xstrdup(ctx->ptr), .first_user = ep,
    };
    strset_add(&ctx->channel_index, spec->channels[i].name, (const void *)(uintptr_t)(i + 1));
    return (int)i;
}

static const char *reader_role(const struct spec_channel *ch)
{
    return ch->reader_is_trigger ? "trigger" : "Rx argument";
}

static int add_reader(struct spec_ctx *ctx, struct spec_channel *ch, size_t ep,
                      enum channel_role role)
{
    if (ch->reader >= 0)
        return ctx_fail(ctx, "%s \"%s\" has two readers: entrypoint \"%s\" (%s) and "
                        "entrypoint \"%s\" (%s); a %s has exactly one reader",
                        channel_kind_name(ch->kind), ch->name, ep_name(ctx, (size_t)ch->reader),
                        reader_role(ch), ep_name(ctx, ep),
                        role == ROLE_TRIGGER ? "trigger" : "Rx argument",
                        channel_kind_name(ch->kind));
    ch->reader = (int)ep;
    ch->reader_is_trigger = role == ROLE_TRIGGER;
    return 0;
}

static int add_writer(struct spec_ctx *ctx, struct spec_channel *ch,
                      struct channel_note *note, size_t ep)
{
    if (ch->kind == CHANNEL_PIPE && ch->n_writers > 0)
        return ctx_fail(ctx, "pipe \"%s\" has two writers: entrypoint \"%s\" and entrypoint "
                        "\"%s\"; a pipe has exactly one writer (use a file socket for "
                        "many writers)", ch->name, ep_name(ctx, note->first_writer),
                        ep_name(ctx, ep));
    if (ch->n_writers++ == 0)
        note->first_writer = ep;
    return 0;
}

int spec_channel_use(struct spec_ctx *ctx, enum channel_kind kind, const char *name,
                     size_t ep, enum channel_role role, int *index)
{
    bool found = false;
    uintptr_t slot = (uintptr_t)strset_get(&ctx->channel_index, name, &found);
    int i = found ? (int)(slot - 1) : add_channel(ctx, kind, name, ep);
    struct spec_channel *ch = &ctx->spec->channels[i];
    struct channel_note *note = &ctx->notes[i];
    if (ch->kind != kind)
        return ctx_fail(ctx, "\"%s\" is used as a %s by entrypoint \"%s\" and as a %s by "
                        "entrypoint \"%s\"; a name names one pipe or one file socket", name,
                        channel_kind_name(ch->kind), ep_name(ctx, note->first_user),
                        channel_kind_name(kind), ep_name(ctx, ep));
    *index = i;
    if (role == ROLE_TX_ARG)
        return add_writer(ctx, ch, note, ep);
    return add_reader(ctx, ch, ep, role);
}

static int missing_reader(struct spec_ctx *ctx, const struct spec_channel *ch,
                          const struct channel_note *note)
{
    const char *key = channel_key(ch->kind);
    return ctx_fail(ctx, "%s \"%s\" has no reader: entrypoint \"%s\" writes to it, but no "
                    "entrypoint has {\"%s\": {\"Rx\": \"%s\"}} or the trigger {\"%s\": \"%s\"}",
                    channel_kind_name(ch->kind), ch->name, ep_name(ctx, note->first_writer),
                    key, ch->name, key, ch->name);
}

static int missing_writer(struct spec_ctx *ctx, const struct spec_channel *ch)
{
    return ctx_fail(ctx, "%s \"%s\" has no writer: entrypoint \"%s\" reads it, but no "
                    "entrypoint has {\"%s\": {\"Tx\": \"%s\"}}", channel_kind_name(ch->kind),
                    ch->name, ep_name(ctx, (size_t)ch->reader), channel_key(ch->kind),
                    ch->name);
}

int spec_check_channels(struct spec_ctx *ctx)
{
    for (size_t i = 0; i < ctx->spec->n_channels; i++) {
        const struct spec_channel *ch = &ctx->spec->channels[i];
        /* The message points at the channel's first mention. */
        ctx_pop(ctx, 0);
        snprintf(ctx->ptr, sizeof ctx->ptr, "%s", ctx->notes[i].first_use);
        ctx->ptr_len = strlen(ctx->ptr);
        if (ch->reader < 0)
            return missing_reader(ctx, ch, &ctx->notes[i]);
        if (ch->n_writers == 0)
            return missing_writer(ctx, ch);
    }
    ctx_pop(ctx, 0);
    return 0;
}

void spec_ctx_free_channels(struct spec_ctx *ctx)
{
    for (size_t i = 0; ctx->notes && i < ctx->spec->n_channels; i++)
        free(ctx->notes[i].first_use);
    free(ctx->notes);
    ctx->notes = NULL;
    strset_free(&ctx->channel_index);
}
