/* void-shim: parse, then execute. Nothing is opened, mounted or cloned before the
 * whole plan is valid. */
#include <stdio.h>
#include <time.h>

#include "app.h"
#include "cli.h"
#include "error.h"
#include "launch.h"
#include "plan.h"
#include "spec.h"
#include "spec_graph.h"

/* -s SPEC, --check SPEC, --graph SPEC: the spec front end builds the plans. */
static int run_spec(const struct plan *options)
{
    struct spec spec;
    struct shim_error err = {0};
    const char *binary = options->argv ? options->argv[0] : NULL;
    int status = 0;
    if (spec_load(options->spec_path, &spec, &err) != 0) {
        error_print(&err);
        return err.status;
    }
    if (binary && spec_bind_binary(&spec, binary, &err) != 0) {
        error_print(&err);
        status = err.status;
    } else if (options->mode == MODE_SPEC_CHECK) {
        spec_print(&spec, stdout);
    } else if (options->mode == MODE_SPEC_GRAPH) {
        spec_graph(&spec, stdout);
    } else {
        if (options->verbose)
            spec_print(&spec, stderr);
        status = app_run(&spec, options);
    }
    spec_free(&spec);
    return status;
}

int main(int argc, char **argv)
{
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);

    struct plan plan;
    struct shim_error err = {0};
    plan_init(&plan);
    enum cli_result parsed = cli_parse(argc, argv, &plan, &err);
    int status;
    if (parsed == CLI_ERROR) {
        error_print(&err);
        status = err.status;
    } else if (parsed == CLI_DONE) {
        status = 0;
    } else if (plan.mode != MODE_PROGRAM) {
        status = run_spec(&plan);
    } else if (plan.dry_run) {
        plan_print(&plan, stdout);
        status = 0;
    } else {
        if (plan.verbose)
            plan_print(&plan, stderr);
        status = void_run(&plan, &started);
    }
    plan_free(&plan);
    return status;
}
