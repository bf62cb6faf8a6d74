/* Giving every entrypoint of a validated spec the one binary they all exec. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elf_deps.h"
#include "host_path.h"
#include "spec.h"

static long microseconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000000L + (now.tv_nsec - start->tv_nsec) / 1000;
}

static int bind_entrypoint(struct spec_entrypoint *ep, const char *path,
                           struct shim_error *err)
{
    struct plan *plan = &ep->plan;
    free(plan->exec_path);
    plan->exec_path = strdup(path);
    if (!plan->exec_path)
        return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "entrypoint \"%s\"", ep->name);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t first = plan->n_ops;
    int r = deps_add_program(plan, path, !plan->no_libs, err);
    plan->resolve_us = microseconds_since(&start);
    /* The program's own files give way to what the spec binds at the same place. */
    for (size_t i = first; i < plan->n_ops; i++)
        plan->ops[i].flags |= OP_IMPLICIT;
    if (r != 0) {
        char message[sizeof err->msg];
        snprintf(message, sizeof message, "%s", err->msg);
        error_set(err, err->status ? err->status : EXIT_SHIM_ERROR, 0,
                  "entrypoint \"%s\": %s", ep->name, message);
    }
    return r;
}

int spec_bind_binary(struct spec *spec, const char *binary, struct shim_error *err)
{
    char what[PATH_MAX + 16];
    char path[PATH_MAX];
    snprintf(what, sizeof what, "BINARY %s", binary);
    if (host_find_program(what, binary, path, err) != 0)
        return -1;
    for (size_t i = 0; i < spec->n_entrypoints; i++)
        if (bind_entrypoint(&spec->entrypoints[i], path, err) != 0)
            return -1;
    return 0;
}
