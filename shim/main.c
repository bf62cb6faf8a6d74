/* void-shim: parse, then execute. Nothing is opened, mounted or cloned before the
 * whole plan is valid. */
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "error.h"
#include "launch.h"
#include "plan.h"

int main(int argc, char **argv)
{
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);

    struct plan plan;
    struct shim_error err = {0};
    plan_init(&plan);
    enum cli_result parsed = cli_parse(argc, argv, &plan, &err);
    if (parsed != CLI_RUN) {
        if (parsed == CLI_ERROR)
            error_print(&err);
        plan_free(&plan);
        return parsed == CLI_ERROR ? err.status : 0;
    }
    if (plan.verbose)
        plan_print(&plan, stderr);
    int status = void_run(&plan, &started);
    plan_free(&plan);
    return status;
}
