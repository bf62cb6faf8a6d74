#include "elf_read.h"

#include <byteswap.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

enum {
    MAX_DYNAMIC_SIZE = 1 << 20,   /* far beyond any real dynamic section */
    MAX_STRING_SIZE = 4096,
    STRING_SLACK = 256,           /* read past the last referenced string's start */
};

struct elf_format {
    bool is64, swap;
};

struct segment {
    uint32_t type;
    uint64_t offset, vaddr, filesz;
};

/* The dynamic entries that matter, with string-table offsets still unresolved. */
struct dynamic_info {
    uint64_t *needed;
    size_t n_needed;
    uint64_t strtab, strsz;
    uint64_t soname, rpath, runpath;   /* UINT64_MAX when absent */
    bool has_strtab;
};

static uint64_t load_field(const struct elf_format *f, const unsigned char *p, size_t width)
{
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    switch (width) {
    case 2: memcpy(&v16, p, 2); return f->swap ? bswap_16(v16) : v16;
    case 4: memcpy(&v32, p, 4); return f->swap ? bswap_32(v32) : v32;
    default: memcpy(&v64, p, 8); return f->swap ? bswap_64(v64) : v64;
    }
}

#define FIELD(f, base, type, member) \
    load_field((f), (base) + offsetof(type, member), sizeof(((type *)0)->member))
#define FIELD_BY_CLASS(f, base, type32, type64, member)                 \
    ((f)->is64 ? FIELD((f), (base), type64, member) : FIELD((f), (base), type32, member))

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static struct elf_format format_of(const unsigned char *head)
{
    bool little = head[EI_DATA] == ELFDATA2LSB;
    return (struct elf_format){
        .is64 = head[EI_CLASS] == ELFCLASS64,
        .swap = little != host_is_little_endian(),
    };
}

bool elf_ident_parse(const unsigned char *head, size_t head_len, struct elf_ident *id)
{
    if (head_len < sizeof(Elf32_Ehdr) || memcmp(head, ELFMAG, SELFMAG) != 0)
        return false;
    if ((head[EI_CLASS] != ELFCLASS32 && head[EI_CLASS] != ELFCLASS64) ||
        (head[EI_DATA] != ELFDATA2LSB && head[EI_DATA] != ELFDATA2MSB) ||
        head[EI_VERSION] != EV_CURRENT)
        return false;
    if (head[EI_CLASS] == ELFCLASS64 && head_len < sizeof(Elf64_Ehdr))
        return false;
    struct elf_format f = format_of(head);
    id->cls = head[EI_CLASS];
    id->data = head[EI_DATA];
    id->type = (uint16_t)FIELD_BY_CLASS(&f, head, Elf32_Ehdr, Elf64_Ehdr, e_type);
    id->machine = (uint16_t)FIELD_BY_CLASS(&f, head, Elf32_Ehdr, Elf64_Ehdr, e_machine);
    return true;
}

static ssize_t read_fully(int fd, void *buf, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* Bytes [offset, offset+len) of the file: from head when they are there, else read. */
static const unsigned char *file_bytes(int fd, const unsigned char *head, size_t head_len,
                                       uint64_t offset, size_t len, struct arena *arena)
{
    if (offset <= head_len && len <= head_len - offset)
        return head + offset;
    unsigned char *buf = arena_alloc(arena, len);
    ssize_t got = read_fully(fd, buf, len, offset);
    if (got < 0 || (size_t)got != len) {
        if (got >= 0)
            errno = 0;
        return NULL;
    }
    return buf;
}

static void decode_segment(const struct elf_format *f, const unsigned char *p,
                           struct segment *s)
{
    s->type = (uint32_t)FIELD_BY_CLASS(f, p, Elf32_Phdr, Elf64_Phdr, p_type);
    s->offset = FIELD_BY_CLASS(f, p, Elf32_Phdr, Elf64_Phdr, p_offset);
    s->vaddr = FIELD_BY_CLASS(f, p, Elf32_Phdr, Elf64_Phdr, p_vaddr);
    s->filesz = FIELD_BY_CLASS(f, p, Elf32_Phdr, Elf64_Phdr, p_filesz);
}

static int read_segments(int fd, const unsigned char *head, size_t head_len,
                         struct arena *arena, struct segment **out, size_t *n_out,
                         const char **why)
{
    struct elf_format f = format_of(head);
    uint64_t phoff = FIELD_BY_CLASS(&f, head, Elf32_Ehdr, Elf64_Ehdr, e_phoff);
    size_t entsize = FIELD_BY_CLASS(&f, head, Elf32_Ehdr, Elf64_Ehdr, e_phentsize);
    size_t n = FIELD_BY_CLASS(&f, head, Elf32_Ehdr, Elf64_Ehdr, e_phnum);
    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return 0;
    if (entsize != (f.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || n == PN_XNUM) {
        *why = "unsupported program header table";
        errno = 0;
        return -1;
    }
    const unsigned char *table = file_bytes(fd, head, head_len, phoff, n * entsize, arena);
    if (!table) {
        *why = "cannot read the program headers";
        return -1;
    }
    struct segment *segs = arena_alloc(arena, n * sizeof *segs);
    for (size_t i = 0; i < n; i++)
        decode_segment(&f, table + i * entsize, &segs[i]);
    *out = segs;
    *n_out = n;
    return 0;
}

static const char *read_interp(int fd, const unsigned char *head, size_t head_len,
                               const struct segment *s, struct arena *arena)
{
    if (s->filesz == 0 || s->filesz > PATH_MAX) {
        errno = 0;
        return NULL;
    }
    const unsigned char *bytes = file_bytes(fd, head, head_len, s->offset, s->filesz, arena);
    if (!bytes)
        return NULL;
    return arena_strndup(arena, (const char *)bytes, strnlen((const char *)bytes, s->filesz));
}

static void note_dynamic_entry(struct dynamic_info *d, int64_t tag, uint64_t val,
                               struct elf_object *obj)
{
    switch (tag) {
    case DT_NEEDED: d->needed[d->n_needed++] = val; break;
    case DT_STRTAB: d->strtab = val; d->has_strtab = true; break;
    case DT_STRSZ: d->strsz = val; break;
    case DT_SONAME: d->soname = val; break;
    case DT_RPATH: d->rpath = val; break;
    case DT_RUNPATH: d->runpath = val; break;
    case DT_FLAGS_1: obj->nodeflib = (val & DF_1_NODEFLIB) != 0; break;
    default: break;
    }
}

static void decode_dynamic(const struct elf_format *f, const unsigned char *dyn, size_t size,
                           struct arena *arena, struct dynamic_info *d, struct elf_object *obj)
{
    size_t entsize = f->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
    size_t n = size / entsize, n_needed = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const unsigned char *e = dyn + i * entsize;
            int64_t tag = (int64_t)FIELD_BY_CLASS(f, e, Elf32_Dyn, Elf64_Dyn, d_tag);
            if (!f->is64)
                tag = (int32_t)tag;
            if (tag == DT_NULL)
                break;
            if (pass == 0) {
                n_needed += tag == DT_NEEDED;
                continue;
            }
            uint64_t val = FIELD_BY_CLASS(f, e, Elf32_Dyn, Elf64_Dyn, d_un.d_val);
            note_dynamic_entry(d, tag, val, obj);
        }
        if (pass == 0)
            d->needed = arena_alloc(arena, (n_needed ? n_needed : 1) * sizeof *d->needed);
    }
}

/* The file offset of virtual address vaddr, through the PT_LOAD that maps it. */
static bool vaddr_to_offset(const struct segment *segs, size_t n, uint64_t vaddr,
                            uint64_t *offset)
{
    for (size_t i = 0; i < n; i++) {
        if (segs[i].type == PT_LOAD && vaddr >= segs[i].vaddr &&
            vaddr - segs[i].vaddr < segs[i].filesz) {
            *offset = vaddr - segs[i].vaddr + segs[i].offset;
            return true;
        }
    }
    return false;
}

/* The strings a table read in one go, [start, start+len). */
struct string_window {
    const char *bytes;
    uint64_t start;
    size_t len;
};

static const char *string_from(int fd, const struct string_window *w, uint64_t table,
                               uint64_t offset, struct arena *arena)
{
    if (offset == UINT64_MAX)
        return NULL;
    if (offset >= w->start && offset - w->start < w->len) {
        const char *s = w->bytes + (offset - w->start);
        if (memchr(s, '\0', w->len - (offset - w->start)))
            return s;
    }
    char *buf = arena_alloc(arena, MAX_STRING_SIZE + 1);
    ssize_t got = read_fully(fd, buf, MAX_STRING_SIZE, table + offset);
    if (got <= 0 || !memchr(buf, '\0', (size_t)got))
        return NULL;
    return buf;
}

static void string_span(const struct dynamic_info *d, uint64_t *lo, uint64_t *hi)
{
    const uint64_t singles[] = { d->soname, d->rpath, d->runpath };
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < d->n_needed + 3; i++) {
        uint64_t v = i < d->n_needed ? d->needed[i] : singles[i - d->n_needed];
        if (v == UINT64_MAX)
            continue;
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
}

static bool offsets_in_table(const struct dynamic_info *d, uint64_t hi)
{
    return d->strsz == 0 || hi < d->strsz;
}

static int read_window(int fd, const struct dynamic_info *d, uint64_t table, uint64_t lo,
                       uint64_t hi, struct arena *arena, struct string_window *w)
{
    uint64_t len = hi - lo + STRING_SLACK;
    if (d->strsz && len > d->strsz - lo)
        len = d->strsz - lo;
    if (len > MAX_DYNAMIC_SIZE)
        len = STRING_SLACK;   /* far-apart strings: read them one by one */
    char *buf = arena_alloc(arena, len + 1);
    ssize_t got = read_fully(fd, buf, len, table + lo);
    if (got < 0)
        return -1;
    *w = (struct string_window){ .bytes = buf, .start = lo, .len = (size_t)got };
    return 0;
}

static int resolve_strings(int fd, const struct dynamic_info *d, uint64_t table,
                           struct arena *arena, struct elf_object *obj, const char **why)
{
    uint64_t lo, hi;
    string_span(d, &lo, &hi);
    if (lo == UINT64_MAX)
        return 0;
    struct string_window w;
    if (!offsets_in_table(d, hi) || read_window(fd, d, table, lo, hi, arena, &w) < 0) {
        *why = "cannot read the dynamic string table";
        return -1;
    }
    obj->needed = arena_alloc(arena, (d->n_needed ? d->n_needed : 1) * sizeof *obj->needed);
    for (size_t i = 0; i < d->n_needed; i++) {
        obj->needed[i] = string_from(fd, &w, table, d->needed[i], arena);
        if (!obj->needed[i]) {
            *why = "unterminated DT_NEEDED string";
            return -1;
        }
    }
    obj->n_needed = d->n_needed;
    obj->soname = string_from(fd, &w, table, d->soname, arena);
    obj->runpath = string_from(fd, &w, table, d->runpath, arena);
    obj->rpath = obj->runpath ? NULL : string_from(fd, &w, table, d->rpath, arena);
    return 0;
}

static int read_dynamic(int fd, const unsigned char *head, size_t head_len,
                        const struct segment *segs, size_t n_segs, const struct segment *dyn,
                        struct arena *arena, struct elf_object *obj, const char **why)
{
    struct elf_format f = format_of(head);
    errno = 0;
    if (dyn->filesz > MAX_DYNAMIC_SIZE) {
        *why = "oversized dynamic section";
        return -1;
    }
    const unsigned char *bytes = file_bytes(fd, head, head_len, dyn->offset, dyn->filesz, arena);
    if (!bytes) {
        *why = "cannot read the dynamic section";
        return -1;
    }
    struct dynamic_info d = { .soname = UINT64_MAX, .rpath = UINT64_MAX,
                              .runpath = UINT64_MAX };
    decode_dynamic(&f, bytes, dyn->filesz, arena, &d, obj);
    if (d.n_needed == 0 && d.soname == UINT64_MAX && d.rpath == UINT64_MAX &&
        d.runpath == UINT64_MAX)
        return 0;
    uint64_t table;
    if (!d.has_strtab || !vaddr_to_offset(segs, n_segs, d.strtab, &table)) {
        *why = "DT_STRTAB is not in any PT_LOAD segment";
        return -1;
    }
    return resolve_strings(fd, &d, table, arena, obj, why);
}

int elf_object_read(int fd, const unsigned char *head, size_t head_len,
                    struct arena *arena, struct elf_object *obj, const char **why)
{
    memset(obj, 0, sizeof *obj);
    if (!elf_ident_parse(head, head_len, &obj->id)) {
        *why = "not a supported ELF file";
        errno = 0;
        return -1;
    }
    struct segment *segs;
    size_t n_segs;
    if (read_segments(fd, head, head_len, arena, &segs, &n_segs, why) < 0)
        return -1;
    const struct segment *dyn = NULL;
    for (size_t i = 0; i < n_segs; i++) {
        if (segs[i].type == PT_INTERP && !obj->interp) {
            obj->interp = read_interp(fd, head, head_len, &segs[i], arena);
            if (!obj->interp) {
                *why = "cannot read PT_INTERP";
                return -1;
            }
        } else if (segs[i].type == PT_DYNAMIC && !dyn) {
            dyn = &segs[i];
        }
    }
    obj->dynamic = dyn != NULL;
    if (!dyn)
        return 0;
    return read_dynamic(fd, head, head_len, segs, n_segs, dyn, arena, obj, why);
}
