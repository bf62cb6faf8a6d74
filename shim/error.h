/* One way to report a failure: a message naming the step and the value, and the
 * exit status the shim should leave with (125 for its own errors, 126/127 for exec). */
#ifndef VOID_ERROR_H
#define VOID_ERROR_H

#include <stddef.h>

enum {
    EXIT_SHIM_ERROR = 125,
    EXIT_NOT_EXECUTABLE = 126,
    EXIT_NOT_FOUND = 127,
};

struct shim_error {
    int status;          /* exit status to use; 0 while no error is recorded */
    char msg[1024];      /* "mount: bind /a -> /b: No such file or directory" (no prefix) */
};

/* Records an error and returns -1, so callers can `return error_set(...)`.
 * errnum != 0 appends ": strerror(errnum)". */
int error_set(struct shim_error *err, int status, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prints "void-shim: MSG" on stderr. */
void error_print(const struct shim_error *err);

#endif
