/* A bump allocator for one dependency resolution: many small strings and arrays that
 * all die together, so they are freed in one call instead of tracked one by one. */
#ifndef VOID_DEPS_ARENA_H
#define VOID_DEPS_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
};

/* Zero-filled, aligned for any type. Aborts on allocation failure. */
void *arena_alloc(struct arena *arena, size_t size);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_strndup(struct arena *arena, const char *s, size_t len);
void arena_free(struct arena *arena);

#endif
