/* Internals of the spec front end, shared by spec.c, spec_args.c, spec_env.c and
 * spec_channels.c: the parse context (which knows where in the document it is, for
 * messages) and the readers of the format's building blocks. */
#ifndef VOID_SPEC_PARSE_H
#define VOID_SPEC_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "spec.h"
#include "strset.h"

/* What the parse remembers about a channel beyond struct spec_channel, for messages. */
struct channel_note {
    char *first_use;        /* owned; JSON pointer of the first mention */
    size_t first_user;      /* entrypoint of the first mention */
    size_t first_writer;    /* valid when the channel's n_writers > 0 */
};

struct spec_ctx {
    struct spec *spec;
    struct shim_error *err;
    char ptr[768];          /* JSON pointer of the value being read (may be truncated) */
    size_t ptr_len;
    struct strset channel_index;      /* name -> channel index + 1 */
    struct channel_note *notes;       /* one per spec->channels entry */
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* One variant of an externally tagged enum: "Name", or {"Name": VALUE}. */
struct spec_variant {
    const char *name;
    int id;
    bool has_value;         /* written {"Name": VALUE}, else the string "Name" */
    bool alias;             /* accepted, but not listed among the alternatives */
};

/* Pointer bookkeeping: push returns a mark that pop goes back to. */
size_t ctx_push_key(struct spec_ctx *ctx, const char *key);
size_t ctx_push_index(struct spec_ctx *ctx, size_t index);
void ctx_pop(struct spec_ctx *ctx, size_t mark);

/* Records "SPEC: POINTER: MESSAGE" (status EXIT_SHIM_ERROR); returns -1. */
int ctx_fail(struct spec_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes the message a shared helper left in ctx->err with "SPEC: POINTER: ". */
int ctx_rethrow(struct spec_ctx *ctx);

/* "a string", "an object", ...: for "expected X, got Y". */
const char *json_kind(const json_t *value);
/* Fails unless value has type want ("expected a string, got ..."). */
int ctx_expect(struct spec_ctx *ctx, const json_t *value, json_type want);
/* Reads a non-empty string without NUL bytes into *out (borrowed from value). */
int ctx_string(struct spec_ctx *ctx, const json_t *value, const char *what, const char **out);
/* Fails on a key of obj not in allowed[]; context names the object ("entrypoint \"x\""). */
int ctx_check_keys(struct spec_ctx *ctx, const json_t *obj, const char *const *allowed,
                   size_t n_allowed, const char *context);

/* Reads item as one of table's variants. what names the enum in messages ("argument"),
 * entrypoint the entrypoint. For {"Name": VALUE}, *value is VALUE and the pointer has
 * been pushed to /Name (the caller pops to its own mark); else *value is NULL. */
int ctx_variant(struct spec_ctx *ctx, json_t *item, const char *what, const char *entrypoint,
                const struct spec_variant *table, size_t n_table,
                const struct spec_variant **found, json_t **value);

void *spec_xrealloc(void *p, size_t size);
char *spec_xstrdup(const char *s);

/* spec_channels.c */
enum channel_role { ROLE_RX_ARG, ROLE_TRIGGER, ROLE_TX_ARG };
/* Records that entrypoint ep uses channel name in role; *index is the channel. Fails
 * on a second reader, a second pipe writer or a name used for both kinds. */
int spec_channel_use(struct spec_ctx *ctx, enum channel_kind kind, const char *name,
                     size_t ep, enum channel_role role, int *index);
/* After every entrypoint: each channel has its reader and its writer(s). */
int spec_check_channels(struct spec_ctx *ctx);
void spec_ctx_free_channels(struct spec_ctx *ctx);
/* "pipe" or "file socket". */
const char *channel_kind_name(enum channel_kind kind);

/* spec_args.c: the trigger first (the arguments depend on it), then the arguments. */
int spec_parse_trigger(struct spec_ctx *ctx, size_t ep, json_t *trigger);
int spec_parse_args(struct spec_ctx *ctx, size_t ep, json_t *args);

/* spec_env.c */
int spec_parse_environment(struct spec_ctx *ctx, size_t ep, json_t *environment);

#endif
