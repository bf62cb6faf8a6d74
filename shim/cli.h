/* The command-line front end: void-shim [OPTIONS] [--] PROGRAM [ARGS...] -> plan. */
#ifndef VOID_CLI_H
#define VOID_CLI_H

#include "error.h"
#include "plan.h"

enum cli_result {
    CLI_RUN,       /* plan is complete and valid: run it */
    CLI_DONE,      /* --help or --version was printed: exit 0 */
    CLI_ERROR,     /* err holds the message and exit status (125, 126 or 127) */
};

/* Parses argv into plan (initialised by the caller with plan_init), checks every value
 * that can be checked before a side effect (sources exist and are not dangling symlinks,
 * destinations absolute with no "..", no two ops on one destination, --fd open, numbers
 * numeric, PROGRAM found and executable, the staging directory usable), and adds the
 * program and, unless --no-libs, its ELF dependencies. Touches nothing. */
enum cli_result cli_parse(int argc, char **argv, struct plan *plan, struct shim_error *err);

#endif
