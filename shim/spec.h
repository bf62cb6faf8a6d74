/* The spec front end: a void-orchestrator JSON specification -> an application plan,
 * fully validated before any side effect. Format and extensions: void-shim(1),
 * "SPECIFICATION MODE". */
#ifndef VOID_SPEC_H
#define VOID_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "plan.h"

enum trigger_kind {
    TRIGGER_STARTUP,        /* "Startup": runs once when the application starts */
    TRIGGER_PIPE,           /* {"Pipe": NAME}: a fresh void per message read from NAME */
    TRIGGER_FILE_SOCKET,    /* {"FileSocket": NAME}: a fresh void per set of fds received */
};

enum arg_kind {
    ARG_BINARY_NAME,        /* "BinaryName": BINARY as given on the command line */
    ARG_ENTRYPOINT,         /* "Entrypoint": this entrypoint's name */
    ARG_TRIGGER,            /* "Trigger" (alias "PipeTrigger"): the message, or fd numbers */
    ARG_TRAILING,           /* "Trailing": the shim's trailing ARGS, one argv entry each */
    ARG_FILE,               /* {"File": PATH}: an fd opened by the shim on host PATH */
    ARG_PIPE_RX,            /* {"Pipe": {"Rx": NAME}} */
    ARG_PIPE_TX,            /* {"Pipe": {"Tx": NAME}} */
    ARG_SOCKET_RX,          /* {"FileSocket": {"Rx": NAME}} */
    ARG_SOCKET_TX,          /* {"FileSocket": {"Tx": NAME}} */
    ARG_TCP_LISTENER,       /* {"TcpListener": {"addr": "IP:PORT"}} (or {"port": N}) */
};

struct spec_arg {
    enum arg_kind kind;
    char *value;            /* owned: PATH (canonical), pipe/socket NAME, or "IP:PORT" */
    bool writable;          /* ARG_FILE extension {"File": {"path": P, "write": true}} */
    int channel;            /* ARG_PIPE_* / ARG_SOCKET_*: index into spec->channels */
};

enum channel_kind { CHANNEL_PIPE, CHANNEL_FILE_SOCKET };

/* A named pipe or file socket: created by the shim, ends handed out as fds. */
struct spec_channel {
    enum channel_kind kind;
    char *name;             /* owned */
    int reader;             /* entrypoint index holding the Rx end or the trigger */
    bool reader_is_trigger; /* read by the shim, which spawns the reader per message */
    size_t n_writers;       /* entrypoints holding a Tx end */
};

/* Extension {"CgroupLimits": {"memory.max": "64M", ...}}: struct cgroup_limit (plan.h),
 * one interface file of the void's cgroup leaf and the text to write into it. */

struct spec_entrypoint {
    char *name;                     /* owned */
    enum trigger_kind trigger;
    int trigger_channel;            /* TRIGGER_PIPE / TRIGGER_FILE_SOCKET: channel index */
    struct spec_arg *args;          /* owned; in order; default: one ARG_BINARY_NAME */
    size_t n_args;
    /* The environment: mount ops, stdio, hostname, loopback, env vars... exactly as
     * the CLI front end fills them (plan.exec_path, plan.argv and the program's ops
     * are filled in by spec_bind_binary). */
    struct plan plan;
    char *domainname;               /* owned; NULL: "(none)" */
    struct cgroup_limit *cgroup_limits;   /* owned; applied where a controller is */
    size_t n_cgroup_limits;
};

struct spec {
    char *path;                     /* owned; the file, for messages */
    struct spec_entrypoint *entrypoints;   /* owned; in the file's order */
    size_t n_entrypoints;
    struct spec_channel *channels;  /* owned */
    size_t n_channels;
};

/* Reads and validates SPEC.json. Every error names the file, the position (line and
 * column for syntax errors; the JSON pointer, e.g. /entrypoints/pipe_receiver/args/2,
 * for the rest) and the entrypoint, lists the valid alternatives for an unknown key or
 * variant, and has status EXIT_SHIM_ERROR. Checks: JSON syntax; unknown keys and
 * variants; each pipe exactly one reader (an Rx argument or a Pipe trigger) and exactly
 * one writer; each file socket exactly one reader and at least one writer; "Trigger"
 * only with a Pipe or FileSocket trigger; addresses parse; host paths exist. Opens,
 * creates and mounts nothing. On failure spec holds nothing (spec_free is still safe). */
int spec_load(const char *path, struct spec *spec, struct shim_error *err);

/* Sets every entrypoint's exec_path to BINARY (looked up like the CLI's PROGRAM) and
 * adds the binary and, unless its plan has no_libs, its ELF dependencies to each plan. */
int spec_bind_binary(struct spec *spec, const char *binary, struct shim_error *err);

/* Prints the validated plan of every entrypoint (for --check and --verbose). */
void spec_print(const struct spec *spec, FILE *out);

void spec_free(struct spec *spec);

#endif
