#include "ld_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"

/* Sizes and offsets of the on-disk structures (glibc's sysdeps/generic/dl-cache.h). */
enum {
    OLD_HEADER_SIZE = 16,       /* magic[12], nlibs */
    OLD_ENTRY_SIZE = 12,        /* flags, key, value */
    NEW_HEADER_SIZE = 48,       /* magic[20], nlibs, len_strings, flags, pad, ext, unused */
    NEW_ENTRY_SIZE = 24,        /* flags, key, value, osversion, hwcap */
    NEW_ALIGN = 8,
    NEW_NLIBS_AT = 20,
    NEW_ENDIAN_AT = 28,
    ENDIAN_UNSET = 0, ENDIAN_LITTLE = 2, ENDIAN_BIG = 3,
};

enum { READ_LIMIT = 1 << 20 };   /* larger caches are mapped instead */

static uint32_t load_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t load_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* Offset of the new-format header: at 0, or after the old format's table. */
static size_t new_header_offset(const unsigned char *map, size_t size)
{
    if (size < OLD_HEADER_SIZE || memcmp(map, OLD_MAGIC, sizeof OLD_MAGIC - 1) != 0)
        return 0;
    size_t old_end = OLD_HEADER_SIZE + (size_t)load_u32(map + 12) * OLD_ENTRY_SIZE;
    return (old_end + NEW_ALIGN - 1) & ~(size_t)(NEW_ALIGN - 1);
}

static bool endian_matches(unsigned char flag)
{
    if (flag == ENDIAN_UNSET)
        return true;
    return flag == (host_is_little_endian() ? ENDIAN_LITTLE : ENDIAN_BIG);
}

static void parse_map(struct ld_cache *cache)
{
    const unsigned char *map = cache->map;
    size_t at = new_header_offset(map, cache->map_size);
    if (at > cache->map_size || cache->map_size - at < NEW_HEADER_SIZE ||
        memcmp(map + at, NEW_MAGIC, sizeof NEW_MAGIC - 1) != 0 ||
        !endian_matches(map[at + NEW_ENDIAN_AT]))
        return;
    uint32_t n = load_u32(map + at + NEW_NLIBS_AT);
    if ((cache->map_size - at - NEW_HEADER_SIZE) / NEW_ENTRY_SIZE < n)
        return;
    cache->entries = map + at + NEW_HEADER_SIZE;
    cache->n_entries = n;
    cache->strings = (const char *)map + at;
    cache->strings_size = cache->map_size - at;
}

static bool read_whole(int fd, void *buf, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = pread(fd, (char *)buf + done, size - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* A typical cache (tens of KiB) is copied: measured, one pread costs half of what
 * mmap, its page faults and munmap cost together. */
static void load(struct ld_cache *cache, int fd, size_t size)
{
    if (size <= READ_LIMIT) {
        void *buf = malloc(size);
        if (!buf || !read_whole(fd, buf, size)) {
            free(buf);
            return;
        }
        cache->map = buf;
        cache->mapped = false;
    } else {
        void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
            return;
        cache->map = map;
        cache->mapped = true;
    }
    cache->map_size = size;
    parse_map(cache);
}

int ld_cache_open(struct ld_cache *cache, const char *path)
{
    memset(cache, 0, sizeof *cache);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (st.st_size > 0)
        load(cache, fd, (size_t)st.st_size);
    close(fd);
    return 0;
}

void ld_cache_close(struct ld_cache *cache)
{
    if (cache->map && cache->mapped)
        munmap(cache->map, cache->map_size);
    else
        free(cache->map);
    memset(cache, 0, sizeof *cache);
}

static const char *string_at(const struct ld_cache *cache, uint32_t offset)
{
    if (offset >= cache->strings_size)
        return NULL;
    const char *s = cache->strings + offset;
    return memchr(s, '\0', cache->strings_size - offset) ? s : NULL;
}

bool ld_cache_entry(const struct ld_cache *cache, size_t i, struct ld_cache_entry *out)
{
    const unsigned char *e = cache->entries + i * NEW_ENTRY_SIZE;
    out->flags = load_u32(e);
    out->name = string_at(cache, load_u32(e + 4));
    out->path = string_at(cache, load_u32(e + 8));
    out->hwcap = load_u64(e + 16);
    return out->name && out->path;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static unsigned long long take_number(const char **p)
{
    unsigned long long v = 0;
    for (; is_digit(**p); (*p)++)
        v = v * 10 + (unsigned)(**p - '0');
    return v;
}

int ld_cache_name_cmp(const char *a, const char *b)
{
    while (*a) {
        if (is_digit(*a) && is_digit(*b)) {
            unsigned long long va = take_number(&a), vb = take_number(&b);
            if (va != vb)
                return va < vb ? -1 : 1;
        } else if (is_digit(*a)) {
            return 1;
        } else if (is_digit(*b)) {
            return -1;
        } else if (*a != *b) {
            return (unsigned char)*a - (unsigned char)*b;
        } else {
            a++;
            b++;
        }
    }
    return -(unsigned char)*b;
}

static int compare_at(const struct ld_cache *cache, size_t i, const char *name)
{
    struct ld_cache_entry e;
    if (!ld_cache_entry(cache, i, &e))
        return -1;
    return ld_cache_name_cmp(name, e.name);
}

/* ldconfig sorts the entries by name in descending order: binary search, then widen to
 * the whole run of equal names. */
size_t ld_cache_find(const struct ld_cache *cache, const char *name, size_t *first)
{
    size_t lo = 0, hi = cache->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = compare_at(cache, mid, name);
        if (cmp == 0) {
            size_t start = mid, end = mid + 1;
            while (start > 0 && compare_at(cache, start - 1, name) == 0)
                start--;
            while (end < cache->n_entries && compare_at(cache, end, name) == 0)
                end++;
            *first = start;
            return end - start;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = 0;
    return 0;
}
