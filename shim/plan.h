/* The plan: everything a void will be given, as pure data, fully validated before any
 * side effect. Both front ends (the command line, later the JSON spec) build one. */
#ifndef VOID_PLAN_H
#define VOID_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "strset.h"

enum op_kind {
    OP_BIND,     /* host path src bound at dst */
    OP_TMPFS,    /* a fresh, empty tmpfs at dst */
    OP_SYMLINK,  /* a symlink at dst whose text is src */
    OP_PROC,     /* the void's own procfs (subset=pid, hidepid=invisible) at dst */
};

enum op_flag {
    OP_RW      = 1u << 0,  /* writable (binds are read-only by default) */
    OP_DEVICES = 1u << 1,  /* device nodes usable (binds are nodev by default) */
    OP_NOEXEC  = 1u << 2,  /* noexec */
    OP_IMPLICIT = 1u << 3, /* added for the program (itself, its loader, its libraries):
                              skipped when the file is already visible there */
};

struct mount_op {
    enum op_kind kind;
    unsigned flags;       /* enum op_flag */
    char *src;            /* owned; host path (OP_BIND) or link text (OP_SYMLINK) */
    char *dst;            /* owned; absolute, normalised path inside the void */
    bool src_is_dir;      /* OP_BIND: directory (else a file, device, socket...) */
    const char *origin;   /* who asked, for messages: "--bind", "--dev", "library", ... */
};

/* A cgroup v2 interface file of the void's leaf and the value to write there. */
struct cgroup_limit {
    char *file;             /* owned; "controller.knob", never "cgroup.*", no '/' */
    char *value;            /* owned; one line */
};

#define PLAN_MAX_FDS 64

struct plan {
    struct mount_op *ops;
    size_t n_ops, cap_ops;
    struct strset dsts;          /* dst -> struct mount_op index + 1 (as a pointer value) */

    char *exec_path;             /* owned; absolute path of the program (same in the void) */
    char **argv;                 /* owned, NULL-terminated; argv[0] as the user gave it */
    char **envp;                 /* owned, NULL-terminated; only what was declared */
    size_t n_env;

    int keep_fds[PLAN_MAX_FDS];  /* --fd N: kept open, at the same number */
    size_t n_keep_fds;
    bool keep_stdin, keep_stdout, keep_stderr;

    char *hostname;              /* owned; "void" by default */
    char *domainname;            /* owned; NULL: "(none)" */
    bool loopback;               /* bring lo up */
    bool no_libs;                /* do not bind the program's ELF dependencies */
    bool no_seccomp;             /* leave out the attack-surface seccomp filter */
    bool timings;                /* print per-step durations on stderr */
    bool verbose;
    bool dry_run;                /* print the plan, run nothing */
    char *tmpdir;                /* owned; staging mount point (never written to) */

    const char *entrypoint;      /* borrowed (spec mode): the entrypoint's name */
    const struct cgroup_limit *cgroup_limits;   /* borrowed (spec mode) */
    size_t n_cgroup_limits;

    long resolve_us;             /* measured while building: ELF dependency resolution */

    /* Specification mode (-s SPEC, --check SPEC, --graph SPEC): the CLI front end stops
     * after its options; argv then holds BINARY and its trailing ARGS, unresolved. */
    enum plan_mode { MODE_PROGRAM, MODE_SPEC_RUN, MODE_SPEC_CHECK, MODE_SPEC_GRAPH } mode;
    char *spec_path;             /* owned */
    bool daemon;                 /* -s: detach once the application has started */
};

void plan_init(struct plan *plan);
void plan_free(struct plan *plan);

/* Appends an op. dst must be absolute and normalised (see path_normalise).
 * A second op for a dst already in the plan is an error naming both origins. */
int plan_add_op(struct plan *plan, enum op_kind kind, unsigned flags, const char *src,
                const char *dst, bool src_is_dir, const char *origin,
                struct shim_error *err);
/* True when some op already provides dst. */
bool plan_has_dst(const struct plan *plan, const char *dst);
/* The minimal /dev (null, zero, full, random, urandom), each bound from the host, usable
 * as a device, not executable. Does nothing when /dev/null is in the plan already. */
int plan_add_dev(struct plan *plan, const char *origin, struct shim_error *err);
/* Appends NAME=VALUE (copied) to the environment. */
void plan_add_env(struct plan *plan, const char *assignment);

/* Checks a destination path: absolute, no "." or ".." component. Writes the normalised
 * form (duplicate slashes and a trailing slash removed) into out (PATH_MAX bytes). */
int path_normalise(const char *option, const char *value, const char *path, char *out,
                   struct shim_error *err);

/* Refuses a declared destination that passes through a symlink the program's own path
 * needs: the mount point would replace that symlink with a directory and the program
 * would not be found in the void. Call once the program's ops are in the plan. */
int plan_check_program_path(const struct plan *plan, struct shim_error *err);

/* Writes the plan, one line per item, for --verbose and --check. */
void plan_print(const struct plan *plan, FILE *out);

#endif
