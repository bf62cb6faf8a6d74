/* void-shim: parse, then execute. Nothing is opened, mounted or cloned before the
 * whole plan is valid. */
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "error.h"
#include "launch.h"
#include "plan.h"

static int run_spec(const struct plan *options)
{
    fprintf(stderr, "void-shim: -s %s: specification mode is not built yet\n",
            options->spec_path);
    return EXIT_SHIM_ERROR;
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
