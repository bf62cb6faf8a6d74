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

/* Which symbolic links a host path handed to a void may pass through. A void with a
 * writable bind can plant a symlink there so that the next launch hands it a host path
 * of its choosing (probe FS-13), so sources are not resolved through symlinks a caller
 * or a void could have made. */
enum symlink_policy {
    SYMLINKS_REFUSE,        /* none at all (the command line: name the target) */
    SYMLINKS_SYSTEM_ONLY,   /* only root's, in directories only root can write, such as
                               Debian's /lib -> usr/lib (the orchestrator's spec files
                               name libraries that way) */
};

/* Checks that host path `path` exists and that resolving it meets `policy` (a dangling
 * symlink is always an error). Writes its canonical path (PATH_MAX bytes) and whether
 * it is a directory. Errors (EXIT_SHIM_ERROR) are prefixed by `what` and the path. */
int host_check_path(const char *what, const char *path, enum symlink_policy policy,
                    char *canonical, bool *is_dir, struct shim_error *err);

#endif
