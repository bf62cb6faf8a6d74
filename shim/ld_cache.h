/* Reading glibc's /etc/ld.so.cache ("glibc-ld.so.cache1.1", alone or after the old
 * "ld.so-1.7.0" table), the way ld.so looks a library name up in it. */
#ifndef VOID_LD_CACHE_H
#define VOID_LD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ld_cache {
    void *map;                 /* the whole file (read or mapped); NULL if absent */
    size_t map_size;
    bool mapped;
    const unsigned char *entries;
    uint32_t n_entries;
    const char *strings;       /* entry keys and values are offsets from here */
    size_t strings_size;
};

struct ld_cache_entry {
    uint32_t flags;            /* FLAG_ELF_LIBC6 | an ABI flag such as FLAG_X8664_LIB64 */
    uint64_t hwcap;            /* 0 for the baseline library, else a hwcaps variant */
    const char *name, *path;
};

/* Loads the cache at path. A missing or malformed cache is an empty one (as for ld.so):
 * returns 0 either way, -1 only when the file exists but cannot be read (errno set). */
int ld_cache_open(struct ld_cache *cache, const char *path);
void ld_cache_close(struct ld_cache *cache);

/* Finds the entries named name: returns how many, the first at index *first. */
size_t ld_cache_find(const struct ld_cache *cache, const char *name, size_t *first);
/* Entry i (i < n_entries); false when it points outside the file. */
bool ld_cache_entry(const struct ld_cache *cache, size_t i, struct ld_cache_entry *out);

/* The order ldconfig sorts names in (runs of digits compared as numbers). */
int ld_cache_name_cmp(const char *a, const char *b);

#endif
