/* Reading just what the dynamic loader reads from an ELF file: the identity, PT_INTERP
 * and the dynamic section's DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH and DT_FLAGS_1.
 * ELF32 and ELF64, either byte order; a few preads, never the whole file. */
#ifndef VOID_ELF_READ_H
#define VOID_ELF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deps_arena.h"

/* How much of a file's start to read at once: the ELF header, the program headers of
 * ordinary files, PT_INTERP, and a "#!" line (the kernel reads 256 bytes). */
enum { ELF_HEAD_SIZE = 1024 };

struct elf_ident {
    unsigned char cls, data;  /* ELFCLASS32/ELFCLASS64, ELFDATA2LSB/ELFDATA2MSB */
    uint16_t type, machine;   /* ET_EXEC/ET_DYN, EM_X86_64... */
};

struct elf_object {
    struct elf_ident id;
    const char *interp;       /* PT_INTERP; NULL when none (static) */
    bool dynamic;             /* has a PT_DYNAMIC */
    const char **needed;
    size_t n_needed;
    const char *soname;
    const char *rpath;        /* NULL when absent, and when DT_RUNPATH is present */
    const char *runpath;
    bool nodeflib;            /* DF_1_NODEFLIB: no ld.so.cache, no default directories */
};

/* Parses the ELF header at the start of head. False when head is not a supported ELF. */
bool elf_ident_parse(const unsigned char *head, size_t head_len, struct elf_ident *id);

/* Reads the rest of obj from fd (head: its first head_len bytes, a supported ELF).
 * Strings live in arena. Returns -1 with *why (a static string) on a malformed file or
 * a read error (errno then set, else 0). */
int elf_object_read(int fd, const unsigned char *head, size_t head_len,
                    struct arena *arena, struct elf_object *obj, const char **why);

#endif
