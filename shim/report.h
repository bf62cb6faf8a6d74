/* The narrow channel from a void's setup to the supervisor: a pipe, CLOEXEC, so that
 * end-of-file means the exec succeeded (or the child died). One message per write,
 * smaller than PIPE_BUF, so each arrives whole. */
#ifndef VOID_REPORT_H
#define VOID_REPORT_H

#include <stdint.h>

#include "error.h"
#include "void.h"

enum report_kind { REPORT_ERROR = 1, REPORT_TIMINGS = 2 };

struct report {
    int32_t kind;
    int32_t status;                  /* REPORT_ERROR: exit status (125, 126, 127) */
    int64_t step_us[STEP_COUNT];     /* REPORT_TIMINGS */
    /* REPORT_TIMINGS: when the child began and when it was about to exec, on the
     * shim's CLOCK_MONOTONIC in us (the parent sleeps from clone3 to exec, so only
     * the child can say when its setup began and ended) */
    int64_t started_us, sent_us;
    char msg[sizeof ((struct shim_error *)0)->msg];
};

void report_send(int fd, const struct report *r);
/* Reads one message: 1 if read, 0 at end of file, -1 on error. */
int report_receive(int fd, struct report *r);

#endif
