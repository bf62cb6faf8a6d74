/* A set of strings (open addressing), so that checks over N binds stay O(N). */
#ifndef VOID_STRSET_H
#define VOID_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
    const char **slots;  /* borrowed pointers; the set never frees the strings */
    const void **values; /* one value per slot, for callers that map strings to data */
    size_t cap, len;
};

/* Adds s (borrowed) with value v. Returns false when s was already present (and leaves
 * the old value), true when added. Aborts on allocation failure. */
bool strset_add(struct strset *set, const char *s, const void *v);
/* The value stored with s, or NULL. found (may be NULL) tells whether s is present. */
const void *strset_get(const struct strset *set, const char *s, bool *found);
bool strset_contains(const struct strset *set, const char *s);
void strset_free(struct strset *set);

#endif
