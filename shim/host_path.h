/* Host-side path checks shared by the front ends: finding the program to exec the way
 * execvp(3) would, and checking that a host path a void is to be given exists. Both
 * only look (stat, access, realpath): they open and create nothing. */
#ifndef VOID_HOST_PATH_H
#define VOID_HOST_PATH_H

#include <stdbool.h>

#include "error.h"

/* Finds program as execvp would (a name with a '/' is taken as it is, else each PATH
 * directory is tried; PATH unset or empty means /usr/local/bin:/usr/bin:/bin) and
 * writes its absolute path (PATH_MAX bytes). An absolute name is kept as given, only
 * normalised (its symlinks are recreated in the void); a relative one becomes
 * canonical. Errors are prefixed by `what` ("PROGRAM x", "BINARY x") and have status
 * EXIT_NOT_FOUND (127) or EXIT_NOT_EXECUTABLE (126). */
int host_find_program(const char *what, const char *program, char *path,
                      struct shim_error *err);

/* Checks that host path `path` exists and, if it is a symbolic link, does not dangle.
 * Writes its canonical path (PATH_MAX bytes) and whether it is a directory. Errors
 * (EXIT_SHIM_ERROR) are prefixed by `what`, followed by the path. */
int host_check_path(const char *what, const char *path, char *canonical, bool *is_dir,
                    struct shim_error *err);

#endif
