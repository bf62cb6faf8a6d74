#include "elf_deps.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "deps_arena.h"
#include "elf_deps_options.h"
#include "elf_read.h"
#include "ld_cache.h"
#include "path_walk.h"

#define NO_LOADER SIZE_MAX

enum {
    MAX_SCRIPT_DEPTH = 4,      /* the kernel's BINPRM_MAX_RECURSION */
    SCRIPT_HEAD_SIZE = 256,    /* the kernel's BINPRM_BUF_SIZE: all of "#!" it reads */
    MAX_DEFAULT_DIRS = 4,
    DEFAULT_DIR_SIZE = 64,     /* "/usr/lib/" and a multiarch triplet */
    CACHE_FLAG_TYPE_MASK = 0x00ff,
    CACHE_FLAG_ELF = 0x0001,
    CACHE_FLAG_ELF_LIBC6 = 0x0003,
    CACHE_FLAG_ABI_MASK = 0xff00,
    CACHE_ABI_UNKNOWN = -1,
};

/* One ELF object of the process being prepared, as the loader's link map holds it. */
struct object {
    const char *path;     /* as named in messages (the loader's l_name) */
    const char *origin;   /* what $ORIGIN expands to in its paths */
    struct elf_object elf;
    size_t loader;        /* the object whose DT_NEEDED brought it in, or NO_LOADER */
};

struct resolver {
    struct plan *plan;
    struct shim_error *err;
    const struct deps_options *options;
    struct arena arena;
    struct walk_cache walk;
    struct ld_cache cache;
    bool cache_opened, cache_bound;
    struct strset loaded_names;   /* DT_NEEDED names and sonames already provided */
    struct strset loaded_files;   /* canonical paths of the objects already read */
    struct object *objs;
    size_t n_objs, cap_objs;
    struct utsname uts;
    bool have_uts;
    const char *loader_path;      /* PT_INTERP, canonical; its soname is read lazily */
    const char *loader_program;
    bool loader_read;
    bool program_origin_used;     /* a library was found through the program's $ORIGIN */
};

enum searched {
    SEARCHED_RPATH = 1u << 0,
    SEARCHED_RUNPATH = 1u << 1,
    SEARCHED_DEFAULTS = 1u << 2,   /* ld.so.cache and the default directories */
};

enum found_via { VIA_PATH, VIA_CACHE };

/* One DT_NEEDED lookup. */
struct search {
    size_t requester;
    struct elf_ident want;        /* the requester's class, byte order and machine */
    const char *name;
    unsigned searched;            /* enum searched */
    const char *other_class;      /* a candidate skipped for its class or machine */
};

static void resolver_init(struct resolver *r, struct plan *plan,
                          const struct deps_options *options, struct shim_error *err)
{
    memset(r, 0, sizeof *r);
    r->plan = plan;
    r->err = err;
    r->options = options;
    r->walk.arena = &r->arena;
}

static void resolver_free(struct resolver *r)
{
    if (r->cache_opened)
        ld_cache_close(&r->cache);
    strset_free(&r->walk.seen);
    strset_free(&r->loaded_names);
    strset_free(&r->loaded_files);
    free(r->objs);
    arena_free(&r->arena);
}

/* path names it in messages; $ORIGIN is the directory of origin_of (the path the
 * loader opened, or for the program the canonical path that /proc/self/exe gives). */
static size_t new_object(struct resolver *r, const char *path, const char *origin_of,
                         const char *canonical, size_t loader)
{
    if (r->n_objs == r->cap_objs) {
        r->cap_objs = r->cap_objs ? r->cap_objs * 2 : 16;
        r->objs = realloc(r->objs, r->cap_objs * sizeof *r->objs);
        if (!r->objs) {
            fputs("void-shim: out of memory\n", stderr);
            abort();
        }
    }
    struct object *o = &r->objs[r->n_objs];
    memset(o, 0, sizeof *o);
    o->path = arena_strdup(&r->arena, path);
    const char *slash = strrchr(origin_of, '/');
    size_t dir_len = !slash ? 0 : slash == origin_of ? 1 : (size_t)(slash - origin_of);
    o->origin = arena_strndup(&r->arena, origin_of, dir_len);
    o->loader = loader;
    strset_add(&r->loaded_files, arena_strdup(&r->arena, canonical), NULL);
    return r->n_objs++;
}

static void add_loaded_name(struct resolver *r, const char *name)
{
    if (name && !strset_contains(&r->loaded_names, name))
        strset_add(&r->loaded_names, arena_strdup(&r->arena, name), NULL);
}

static ssize_t read_head(int fd, unsigned char *head, size_t size)
{
    ssize_t n;
    do
        n = pread(fd, head, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

/* ---- what the loader of a given ELF class and machine looks at ---- */

static const char *multiarch_of(const struct elf_ident *id)
{
    bool is64 = id->cls == ELFCLASS64, little = id->data == ELFDATA2LSB;
    switch (id->machine) {
    case EM_X86_64: return is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
    case EM_386: return "i386-linux-gnu";
    case EM_AARCH64: return little ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu";
    case EM_ARM: return "arm-linux-gnueabihf";
    case EM_RISCV: return is64 ? "riscv64-linux-gnu" : NULL;
    case EM_PPC64: return little ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
    case EM_PPC: return "powerpc-linux-gnu";
    case EM_S390: return is64 ? "s390x-linux-gnu" : NULL;
    case EM_SPARCV9: return "sparc64-linux-gnu";
#ifdef EM_LOONGARCH
    case EM_LOONGARCH: return "loongarch64-linux-gnu";
#endif
    default: return NULL;
    }
}

/* ld.so.cache's ABI flag for the loader of this class and machine. */
static int cache_abi_of(const struct elf_ident *id)
{
    switch (id->machine) {
    case EM_X86_64: return id->cls == ELFCLASS64 ? 0x0300 : 0x0800;
    case EM_386: return 0x0000;
    case EM_AARCH64: return 0x0a00;
    default: return CACHE_ABI_UNKNOWN;
    }
}

static bool cache_flags_match(uint32_t flags, const struct elf_ident *want)
{
    uint32_t type = flags & CACHE_FLAG_TYPE_MASK;
    if (type != CACHE_FLAG_ELF_LIBC6 && type != CACHE_FLAG_ELF)
        return false;
    int abi = cache_abi_of(want);
    return abi == CACHE_ABI_UNKNOWN || (int)(flags & CACHE_FLAG_ABI_MASK) == abi;
}

/* The "system search path" of ld.so --help: Debian's multiarch directories first. */
static size_t default_dirs(const struct elf_ident *id, char dirs[][DEFAULT_DIR_SIZE])
{
    const char *arch = multiarch_of(id);
    size_t n = 0;
    if (arch) {
        snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/lib/%s", arch);
        snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/usr/lib/%s", arch);
    } else if (id->cls == ELFCLASS64) {
        snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/lib64");
        snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/usr/lib64");
    }
    snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/lib");
    snprintf(dirs[n++], DEFAULT_DIR_SIZE, "/usr/lib");
    return n;
}

/* True when the loader in the void would find path without ld.so.cache: in a default
 * directory or one of its glibc-hwcaps subdirectories. */
static bool in_default_dir(const char *path, const struct elf_ident *id)
{
    char dirs[MAX_DEFAULT_DIRS][DEFAULT_DIR_SIZE];
    size_t n = default_dirs(id, dirs);
    const char *base = strrchr(path, '/');
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dirs[i]);
        if (strncmp(path, dirs[i], len) != 0 || path[len] != '/')
            continue;
        const char *rest = path + len;
        if (rest == base)
            return true;
        static const char hwcaps[] = "/glibc-hwcaps/";
        if (strncmp(rest, hwcaps, sizeof hwcaps - 1) == 0 &&
            strchr(rest + sizeof hwcaps - 1, '/') == base)
            return true;
    }
    return false;
}

/* ---- dynamic string tokens ---- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Debian's loader expands $LIB to its multiarch directory (lib/x86_64-linux-gnu); other
 * distributions' to lib64 or lib. */
static void lib_value(const struct elf_ident *id, char *out, size_t size)
{
    const char *arch = multiarch_of(id);
    if (arch) {
        snprintf(out, size, "/lib/%s", arch);
        if (is_dir(out)) {
            snprintf(out, size, "lib/%s", arch);
            return;
        }
    }
    snprintf(out, size, "%s", id->cls == ELFCLASS64 ? "lib64" : "lib");
}

static const char *platform_value(struct resolver *r, const struct elf_ident *id)
{
    if (id->machine == EM_386)
        return "i686";
    if (!r->have_uts)
        r->have_uts = uname(&r->uts) == 0;
    return r->have_uts ? r->uts.machine : "";
}

/* Length of the token `name` at s ("$NAME" or "${NAME}", s just past the '$'), or 0. */
static size_t token_length(const char *s, const char *name)
{
    size_t len = strlen(name);
    if (s[0] == '{')
        return strncmp(s + 1, name, len) == 0 && s[1 + len] == '}' ? len + 2 : 0;
    if (strncmp(s, name, len) != 0)
        return 0;
    char next = s[len];
    bool ident = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                 (next >= '0' && next <= '9') || next == '_';
    return ident ? 0 : len;
}

static bool append(char *out, size_t size, size_t *used, const char *s, size_t len)
{
    if (*used + len >= size)
        return false;
    memcpy(out + *used, s, len);
    *used += len;
    out[*used] = '\0';
    return true;
}

/* Expands $ORIGIN, $LIB and $PLATFORM in s[0..len) for object `owner`; *used_origin
 * tells whether $ORIGIN was among them. */
static bool expand_tokens(struct resolver *r, size_t owner, const char *s, size_t len,
                          char *out, size_t size, bool *used_origin)
{
    *used_origin = false;
    const struct elf_ident *id = &r->objs[owner].elf.id;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        if (s[i] != '$') {
            size_t run = strcspn(s + i, "$");
            run = run < len - i ? run : len - i;
            if (!append(out, size, &used, s + i, run))
                return false;
            i += run;
            continue;
        }
        const char *t = s + i + 1;
        char lib[PATH_MAX];
        const char *value = NULL;
        size_t n;
        if ((n = token_length(t, "ORIGIN")) != 0) {
            value = r->objs[owner].origin;
            *used_origin = true;
        } else if ((n = token_length(t, "PLATFORM")) != 0) {
            value = platform_value(r, id);
        } else if ((n = token_length(t, "LIB")) != 0) {
            lib_value(id, lib, sizeof lib);
            value = lib;
        }
        if (!value) {
            value = "$";
            n = 0;
        }
        if (!append(out, size, &used, value, strlen(value)))
            return false;
        i += 1 + n;
    }
    return true;
}

/* ---- looking a DT_NEEDED name up ---- */

static int bind_ld_cache(struct resolver *r)
{
    if (r->cache_bound)
        return 0;
    r->cache_bound = true;
    return path_walk_add(r->plan, &r->walk, r->options->ld_cache_path, "ld.so.cache", NULL,
                         r->err);
}

static int read_library(struct resolver *r, const struct search *s, int fd,
                        const unsigned char *head, size_t head_len, const char *path,
                        const char *canonical)
{
    size_t i = new_object(r, path, path, canonical, s->requester);
    const char *why;
    if (elf_object_read(fd, head, head_len, &r->arena, &r->objs[i].elf, &why) < 0)
        return error_set(r->err, EXIT_SHIM_ERROR, errno, "library %s needed by %s: %s: %s",
                         s->name, r->objs[s->requester].path, canonical, why);
    add_loaded_name(r, r->objs[i].elf.soname);
    return 0;
}

/* Binds the library found at path and queues it for its own dependencies. */
static int add_library(struct resolver *r, const struct search *s, int fd,
                       const unsigned char *head, size_t head_len, const char *path,
                       enum found_via via)
{
    char canonical[PATH_MAX];
    if (path_walk_add(r->plan, &r->walk, path, "library", canonical, r->err) < 0)
        return -1;
    add_loaded_name(r, s->name);
    if (via == VIA_CACHE && !in_default_dir(path, &s->want) && bind_ld_cache(r) < 0)
        return -1;
    if (strset_contains(&r->loaded_files, canonical))
        return 0;
    return read_library(r, s, fd, head, head_len, path, canonical);
}

static bool same_abi(const struct elf_ident *a, const struct elf_ident *b)
{
    return a->cls == b->cls && a->data == b->data && a->machine == b->machine;
}

/* 1 when path is the library (now added), 0 when the loader would pass it by, -1 on
 * error. */
static int try_candidate(struct resolver *r, struct search *s, const char *path,
                         enum found_via via)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    unsigned char head[ELF_HEAD_SIZE];
    ssize_t got = read_head(fd, head, sizeof head);
    struct elf_ident id;
    if (got < 0 || !elf_ident_parse(head, (size_t)got, &id) || id.type != ET_DYN ||
        !same_abi(&id, &s->want)) {
        if (got > 0 && elf_ident_parse(head, (size_t)got, &id) && !s->other_class)
            s->other_class = arena_strdup(&r->arena, path);
        close(fd);
        return 0;
    }
    int rc = add_library(r, s, fd, head, (size_t)got, path, via);
    close(fd);
    return rc < 0 ? -1 : 1;
}

static int try_in_dir(struct resolver *r, struct search *s, const char *dir,
                      enum found_via via)
{
    char path[PATH_MAX];
    if (dir[0] != '/')   /* relative to the void's working directory: unknowable here */
        return 0;
    int n = snprintf(path, sizeof path, "%s%s%s", dir,
                     dir[strlen(dir) - 1] == '/' ? "" : "/", s->name);
    if (n < 0 || (size_t)n >= sizeof path)
        return 0;
    return try_candidate(r, s, path, via);
}

/* Searches a DT_RPATH or DT_RUNPATH list of object owner. */
static int search_list(struct resolver *r, struct search *s, const char *list, size_t owner)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ":");
        char dir[PATH_MAX];
        bool used_origin;
        if (len > 0 && expand_tokens(r, owner, p, len, dir, sizeof dir, &used_origin) &&
            dir[0]) {
            int rc = try_in_dir(r, s, dir, VIA_PATH);
            r->program_origin_used |= rc > 0 && used_origin && owner == 0;
            if (rc != 0)
                return rc;
        }
        p += len;
        if (*p == ':')
            p++;
    }
    return 0;
}

static int open_cache(struct resolver *r)
{
    if (r->cache_opened)
        return 0;
    /* An unreadable cache is no cache, for the loader as here. */
    if (ld_cache_open(&r->cache, r->options->ld_cache_path) < 0)
        memset(&r->cache, 0, sizeof r->cache);
    r->cache_opened = true;
    return 0;
}

/* Adds the first usable baseline entry and every glibc-hwcaps variant: which variant
 * the loader picks depends on the CPU, so all of them are made available. */
static int search_cache(struct resolver *r, struct search *s)
{
    open_cache(r);
    size_t first, n = ld_cache_find(&r->cache, s->name, &first);
    bool have_baseline = false;
    int found = 0;
    for (size_t i = first; i < first + n; i++) {
        struct ld_cache_entry e;
        if (!ld_cache_entry(&r->cache, i, &e) || !cache_flags_match(e.flags, &s->want))
            continue;
        if (e.hwcap == 0 && have_baseline)
            continue;
        int rc = try_candidate(r, s, e.path, VIA_CACHE);
        if (rc < 0)
            return -1;
        if (rc > 0 && e.hwcap == 0)
            have_baseline = true;
        found |= rc;
    }
    return found;
}

static int search_default_dirs(struct resolver *r, struct search *s)
{
    char dirs[MAX_DEFAULT_DIRS][DEFAULT_DIR_SIZE];
    size_t n = default_dirs(&s->want, dirs);
    for (size_t i = 0; i < n; i++) {
        int rc = try_in_dir(r, s, dirs[i], VIA_PATH);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* DT_RPATH of the requester and of each object that brought it in, unless the
 * requester has a DT_RUNPATH (ld.so(8)). */
static int search_rpaths(struct resolver *r, struct search *s)
{
    for (size_t l = s->requester; l != NO_LOADER; l = r->objs[l].loader) {
        const char *rpath = r->objs[l].elf.rpath;
        if (!rpath)
            continue;
        s->searched |= SEARCHED_RPATH;
        int rc = search_list(r, s, rpath, l);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int search_library(struct resolver *r, struct search *s)
{
    const char *runpath = r->objs[s->requester].elf.runpath;
    bool nodeflib = r->objs[s->requester].elf.nodeflib;
    int rc = runpath ? 0 : search_rpaths(r, s);
    if (rc == 0 && runpath) {
        s->searched |= SEARCHED_RUNPATH;
        rc = search_list(r, s, runpath, s->requester);
    }
    if (rc == 0 && !nodeflib) {
        s->searched |= SEARCHED_DEFAULTS;
        rc = search_cache(r, s);
        if (rc == 0)
            rc = search_default_dirs(r, s);
    }
    return rc;
}

/* A DT_NEEDED with a slash is a path, opened as it is (after token expansion). */
static int open_needed_path(struct resolver *r, struct search *s)
{
    char path[PATH_MAX];
    bool used_origin;
    if (!expand_tokens(r, s->requester, s->name, strlen(s->name), path, sizeof path,
                       &used_origin) ||
        path[0] != '/')
        return 0;
    int rc = try_candidate(r, s, path, VIA_PATH);
    r->program_origin_used |= rc > 0 && used_origin && s->requester == 0;
    return rc;
}

static int not_found(struct resolver *r, const struct search *s)
{
    char where[96] = "";
    size_t used = 0;
    if (s->searched & SEARCHED_RPATH)
        append(where, sizeof where, &used, "RPATH, ", 7);
    if (s->searched & SEARCHED_RUNPATH)
        append(where, sizeof where, &used, "RUNPATH, ", 9);
    if (s->searched & SEARCHED_DEFAULTS)
        append(where, sizeof where, &used, "ld.so.cache, default directories, ", 34);
    if (used >= 2)
        where[used - 2] = '\0';
    const char *needer = r->objs[s->requester].path;
    if (strchr(s->name, '/'))
        return error_set(r->err, EXIT_SHIM_ERROR, 0, "library %s needed by %s: not found",
                         s->name, needer);
    if (s->other_class)
        return error_set(r->err, EXIT_SHIM_ERROR, 0,
                         "library %s needed by %s: not found (searched %s; skipped %s: "
                         "another ELF class or machine)",
                         s->name, needer, used ? where : "nothing", s->other_class);
    return error_set(r->err, EXIT_SHIM_ERROR, 0,
                     "library %s needed by %s: not found (searched %s)", s->name, needer,
                     used ? where : "nothing: DF_1_NODEFLIB and no RPATH or RUNPATH");
}

/* The loader answers DT_NEEDED entries naming its soname (libc.so.6 needs
 * ld-linux-x86-64.so.2). Its file name is its soname for glibc, so the file is read
 * only when a name could not be found otherwise (musl's is "libc.so"). */
static int read_loader_soname(struct resolver *r)
{
    r->loader_read = true;
    int fd = open(r->loader_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(r->err, EXIT_SHIM_ERROR, errno, "loader %s of %s", r->loader_path,
                         r->loader_program);
    unsigned char head[ELF_HEAD_SIZE];
    ssize_t got = read_head(fd, head, sizeof head);
    struct elf_object elf;
    const char *why = "read failed";
    int rc = got < 0 ? -1 : elf_object_read(fd, head, (size_t)got, &r->arena, &elf, &why);
    int saved = errno;
    close(fd);
    if (rc < 0)
        return error_set(r->err, EXIT_SHIM_ERROR, saved, "loader %s of %s: %s",
                         r->loader_path, r->loader_program, why);
    add_loaded_name(r, elf.soname);
    return 0;
}

static int find_needed(struct resolver *r, size_t requester, const char *name)
{
    if (strset_contains(&r->loaded_names, name))
        return 0;
    struct search s = { .requester = requester, .want = r->objs[requester].elf.id,
                        .name = name };
    int rc = strchr(name, '/') ? open_needed_path(r, &s) : search_library(r, &s);
    if (rc < 0)
        return -1;
    if (rc == 0 && r->loader_path && !r->loader_read) {
        if (read_loader_soname(r) < 0)
            return -1;
        if (strset_contains(&r->loaded_names, name))
            return 0;
    }
    return rc == 0 ? not_found(r, &s) : 0;
}

/* Breadth first, as the loader maps them, so that each object's loader chain (for
 * DT_RPATH) is the one ld.so sees. */
static int resolve_needed(struct resolver *r)
{
    for (size_t i = 0; i < r->n_objs; i++) {
        for (size_t k = 0; k < r->objs[i].elf.n_needed; k++) {
            if (find_needed(r, i, r->objs[i].elf.needed[k]) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- the program, its "#!" interpreter and its PT_INTERP loader ---- */

static int add_loader(struct resolver *r, const char *interp, const char *program)
{
    char canonical[PATH_MAX];
    if (path_walk_add(r->plan, &r->walk, interp, "loader", canonical, r->err) < 0)
        return -1;
    add_loaded_name(r, interp);
    const char *base = strrchr(interp, '/');
    add_loaded_name(r, base ? base + 1 : interp);
    r->loader_path = arena_strdup(&r->arena, canonical);
    r->loader_program = arena_strdup(&r->arena, program);
    strset_add(&r->loaded_files, r->loader_path, NULL);
    return 0;
}

/* Each ELF program is a process of its own ("#!/usr/bin/env python3" makes two): what
 * the previous one loaded says nothing about what this one finds. */
static void start_process(struct resolver *r)
{
    strset_free(&r->loaded_names);
    strset_free(&r->loaded_files);
    r->n_objs = 0;
    r->loader_path = r->loader_program = NULL;
    r->loader_read = false;
    r->program_origin_used = false;
}

static bool plan_has_env(const struct plan *plan, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < plan->n_env; i++)
        if (strncmp(plan->envp[i], name, len) == 0 && plan->envp[i][len] == '=')
            return true;
    return false;
}

/* ld.so learns the program's $ORIGIN from /proc/self/exe, and a void may have no /proc;
 * without it, it falls back to LD_ORIGIN_PATH (ignored when /proc is there). */
static void provide_program_origin(struct resolver *r)
{
    if (!r->program_origin_used || plan_has_env(r->plan, "LD_ORIGIN_PATH"))
        return;
    char assignment[PATH_MAX + 32];
    snprintf(assignment, sizeof assignment, "LD_ORIGIN_PATH=%s", r->objs[0].origin);
    plan_add_env(r->plan, assignment);
}

static int add_elf_program(struct resolver *r, const char *program, const char *canonical,
                           int fd, const unsigned char *head, size_t head_len)
{
    start_process(r);
    size_t prog = new_object(r, program, canonical, canonical, NO_LOADER);
    struct elf_object *elf = &r->objs[prog].elf;   /* valid until the next new_object */
    const char *why;
    if (elf_object_read(fd, head, head_len, &r->arena, elf, &why) < 0)
        return error_set(r->err, EXIT_SHIM_ERROR, errno, "program %s: %s", program, why);
    if (!elf->interp)
        return 0;   /* static: the kernel starts it without a loader */
    add_loaded_name(r, elf->soname);
    if (add_loader(r, elf->interp, program) < 0 || resolve_needed(r) < 0)
        return -1;
    provide_program_origin(r);
    return 0;
}

static int add_program(struct resolver *r, const char *program, int depth);

/* The void's PATH, as env(1) will search it: the plan's, else execvp's default. */
static const char *void_search_path(const struct plan *plan)
{
    for (size_t i = 0; i < plan->n_env; i++)
        if (strncmp(plan->envp[i], "PATH=", 5) == 0)
            return plan->envp[i] + 5;
    return "/bin:/usr/bin";
}

/* "#!/usr/bin/env NAME": env looks NAME up in PATH once in the void, so what it will
 * find on the host is added too. Options, assignments and "-S" lines are left alone. */
static int add_env_target(struct resolver *r, const char *name, int depth)
{
    if (!name[0] || name[0] == '-' || strpbrk(name, " \t="))
        return 0;
    if (strchr(name, '/'))
        return name[0] == '/' ? add_program(r, name, depth + 1) : 0;
    const char *search = void_search_path(r->plan);
    for (const char *dir = search; *dir;) {
        size_t len = strcspn(dir, ":");
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%.*s/%s", (int)len, dir, name);
        struct stat st;
        if (dir[0] == '/' && n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 &&
            S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return add_program(r, path, depth + 1);
        dir += len;
        if (*dir == ':')
            dir++;
    }
    /* Not an error: a PATH directory may be a bind destination, not a host path. */
    return 0;
}

/* The interpreter and the one optional argument of a "#!" line, as the kernel splits it. */
static int parse_shebang(const char *script, const unsigned char *head, size_t len,
                         char *interp, char *arg, struct shim_error *err)
{
    if (len > SCRIPT_HEAD_SIZE)
        len = SCRIPT_HEAD_SIZE;
    size_t line = 2;
    while (line < len && head[line] != '\n' && head[line] != '\0')
        line++;
    if (line == len && len == SCRIPT_HEAD_SIZE)
        return error_set(err, EXIT_SHIM_ERROR, ENAMETOOLONG, "program %s: #! line", script);
    size_t start = 2;
    while (start < line && (head[start] == ' ' || head[start] == '\t'))
        start++;
    size_t end = start;
    while (end < line && head[end] != ' ' && head[end] != '\t')
        end++;
    if (end == start)
        return error_set(err, EXIT_SHIM_ERROR, ENOEXEC,
                         "program %s: the #! line names no interpreter", script);
    memcpy(interp, head + start, end - start);
    interp[end - start] = '\0';
    while (end < line && (head[end] == ' ' || head[end] == '\t'))
        end++;
    while (line > end && (head[line - 1] == ' ' || head[line - 1] == '\t'))
        line--;
    memcpy(arg, head + end, line - end);
    arg[line - end] = '\0';
    return 0;
}

static int add_script_interpreter(struct resolver *r, const char *script,
                                  const unsigned char *head, size_t len, int depth)
{
    char interp[SCRIPT_HEAD_SIZE], arg[SCRIPT_HEAD_SIZE];
    if (parse_shebang(script, head, len, interp, arg, r->err) < 0)
        return -1;
    if (interp[0] != '/')
        return error_set(r->err, EXIT_SHIM_ERROR, 0,
                         "program %s: #! interpreter %s is not an absolute path", script,
                         interp);
    if (depth + 1 >= MAX_SCRIPT_DEPTH)
        return error_set(r->err, EXIT_SHIM_ERROR, ELOOP,
                         "program %s: #! interpreter %s", script, interp);
    if (add_program(r, interp, depth + 1) < 0)
        return -1;
    const char *base = strrchr(interp, '/') + 1;
    return strcmp(base, "env") == 0 ? add_env_target(r, arg, depth + 1) : 0;
}

static int add_program(struct resolver *r, const char *program, int depth)
{
    const char *origin = depth == 0 ? "program" : "interpreter";
    char canonical[PATH_MAX];
    if (path_walk_add(r->plan, &r->walk, program, origin, canonical, r->err) < 0)
        return -1;
    int fd = open(canonical, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(r->err, EXIT_SHIM_ERROR, errno, "%s %s", origin, program);
    unsigned char head[ELF_HEAD_SIZE];
    ssize_t got = read_head(fd, head, sizeof head);
    int rc;
    struct elf_ident id;
    if (got < 0)
        rc = error_set(r->err, EXIT_SHIM_ERROR, errno, "%s %s: read", origin, program);
    else if (got >= 2 && head[0] == '#' && head[1] == '!')
        rc = add_script_interpreter(r, program, head, (size_t)got, depth);
    else if (elf_ident_parse(head, (size_t)got, &id))
        rc = add_elf_program(r, program, canonical, fd, head, (size_t)got);
    else
        rc = 0;   /* neither: exec will say so in the void */
    close(fd);
    return rc;
}

int deps_add_program_with(struct plan *plan, const char *program, bool with_libs,
                          const struct deps_options *options, struct shim_error *err)
{
    struct resolver r;
    resolver_init(&r, plan, options, err);
    int rc = with_libs ? add_program(&r, program, 0)
                       : path_walk_add(plan, &r.walk, program, "program", NULL, err);
    resolver_free(&r);
    return rc;
}

int deps_add_program(struct plan *plan, const char *program, bool with_libs,
                     struct shim_error *err)
{
    const struct deps_options options = { .ld_cache_path = "/etc/ld.so.cache" };
    return deps_add_program_with(plan, program, with_libs, &options, err);
}

int deps_add_path(struct plan *plan, const char *path, const char *origin,
                  char *canonical, struct shim_error *err)
{
    struct arena arena = { 0 };
    struct walk_cache cache = { .arena = &arena };
    int rc = path_walk_add(plan, &cache, path, origin, canonical, err);
    strset_free(&cache.seen);
    arena_free(&arena);
    return rc;
}
