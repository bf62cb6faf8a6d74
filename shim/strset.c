#include "strset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t find_slot(const struct strset *set, const char *s)
{
    size_t mask = set->cap - 1;
    size_t i = hash(s) & mask;
    while (set->slots[i] && strcmp(set->slots[i], s) != 0)
        i = (i + 1) & mask;
    return i;
}

static void grow(struct strset *set)
{
    struct strset bigger = { .cap = set->cap ? set->cap * 2 : 16 };
    bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
    bigger.values = calloc(bigger.cap, sizeof *bigger.values);
    if (!bigger.slots || !bigger.values) {
        fputs("void-shim: out of memory\n", stderr);
        abort();
    }
    for (size_t i = 0; i < set->cap; i++) {
        if (!set->slots[i])
            continue;
        size_t j = find_slot(&bigger, set->slots[i]);
        bigger.slots[j] = set->slots[i];
        bigger.values[j] = set->values[i];
    }
    bigger.len = set->len;
    strset_free(set);
    *set = bigger;
}

bool strset_add(struct strset *set, const char *s, const void *v)
{
    if ((set->len + 1) * 2 > set->cap)
        grow(set);
    size_t i = find_slot(set, s);
    if (set->slots[i])
        return false;
    set->slots[i] = s;
    set->values[i] = v;
    set->len++;
    return true;
}

const void *strset_get(const struct strset *set, const char *s, bool *found)
{
    bool present = false;
    const void *v = NULL;
    if (set->cap) {
        size_t i = find_slot(set, s);
        present = set->slots[i] != NULL;
        v = present ? set->values[i] : NULL;
    }
    if (found)
        *found = present;
    return v;
}

bool strset_contains(const struct strset *set, const char *s)
{
    bool found;
    strset_get(set, s, &found);
    return found;
}

void strset_free(struct strset *set)
{
    free(set->slots);
    free(set->values);
    set->slots = NULL;
    set->values = NULL;
    set->cap = set->len = 0;
}
