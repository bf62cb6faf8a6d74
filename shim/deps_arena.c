#include "deps_arena.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK_SIZE = 16384 };

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

static struct arena_chunk *chunk_new(size_t size)
{
    struct arena_chunk *chunk = malloc(sizeof *chunk + size);
    if (!chunk) {
        fputs("void-shim: out of memory\n", stderr);
        abort();
    }
    chunk->next = NULL;
    chunk->used = 0;
    chunk->size = size;
    return chunk;
}

void *arena_alloc(struct arena *arena, size_t size)
{
    size_t rounded = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct arena_chunk *chunk = arena->head;
    if (!chunk || chunk->size - chunk->used < rounded) {
        chunk = chunk_new(rounded > ARENA_CHUNK_SIZE ? rounded : ARENA_CHUNK_SIZE);
        /* An oversized chunk goes behind the head so the head's free space is kept. */
        if (arena->head && rounded > ARENA_CHUNK_SIZE) {
            chunk->next = arena->head->next;
            arena->head->next = chunk;
        } else {
            chunk->next = arena->head;
            arena->head = chunk;
        }
    }
    void *p = chunk->data + chunk->used;
    chunk->used += rounded;
    return memset(p, 0, size);
}

char *arena_strndup(struct arena *arena, const char *s, size_t len)
{
    char *copy = arena_alloc(arena, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *arena_strdup(struct arena *arena, const char *s)
{
    return arena_strndup(arena, s, strlen(s));
}

void arena_free(struct arena *arena)
{
    while (arena->head) {
        struct arena_chunk *next = arena->head->next;
        free(arena->head);
        arena->head = next;
    }
}
