/* Specification mode at run time: the ambient phase for a whole application (pipes,
 * file sockets, TCP listeners), a void per Startup entrypoint, a fresh void per trigger,
 * and supervision of them all. */
#ifndef VOID_APP_H
#define VOID_APP_H

#include "plan.h"
#include "spec.h"

/* Runs the application; returns the shim's exit status: the first non-zero exit of any
 * void, 128+N after signal N, 125 for the shim's own errors, else 0.
 * options: the command line's plan (BINARY and ARGS in argv, tmpdir, verbose, daemon). */
int app_run(const struct spec *spec, const struct plan *options);

#endif
