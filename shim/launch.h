/* Ambient phase, clone3 and supervision: runs a validated plan, returns the exit status
 * for the shim (the program's status, 128+signal, or 125/126/127). */
#ifndef VOID_LAUNCH_H
#define VOID_LAUNCH_H

#include <time.h>

#include "plan.h"

int void_run(const struct plan *plan, const struct timespec *started);

#endif
