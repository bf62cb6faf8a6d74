#include "host_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"

static const char default_search_path[] = "/usr/local/bin:/usr/bin:/bin";

/* A symlink only root could have made: root's, in a directory of root's that neither
 * group nor others may write. */
static bool is_system_symlink(const char *link, const struct stat *st)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", link);
    char *slash = strrchr(parent, '/');
    if (slash)
        slash[slash == parent ? 1 : 0] = '\0';
    struct stat dir;
    return st->st_uid == 0 && slash && stat(parent, &dir) == 0 && dir.st_uid == 0 &&
           !(dir.st_mode & (S_IWGRP | S_IWOTH));
}

/* Looks at every symlink met while resolving path, one component at a time. */
static int check_symlinks(const char *what, const char *path, enum symlink_policy policy,
                          struct shim_error *err)
{
    char walked[PATH_MAX];
    for (const char *p = path; *p;) {
        const char *end = strchrnul(p + 1, '/');
        int n = snprintf(walked, sizeof walked, "%.*s", (int)(end - path), path);
        struct stat st;
        if (n >= (int)sizeof walked || lstat(walked, &st) != 0)
            return 0;   /* reported by the caller's stat/realpath */
        if (S_ISLNK(st.st_mode) &&
            (policy == SYMLINKS_REFUSE || !is_system_symlink(walked, &st))) {
            char target[PATH_MAX], resolved[PATH_MAX];
            ssize_t len = readlink(walked, target, sizeof target - 1);
            target[len > 0 ? len : 0] = '\0';
            return error_set(err, EXIT_SHIM_ERROR, 0, "%s %s: %s is a symbolic link (-> %s)"
                             "; a source is not resolved through %s symlinks, since a void "
                             "could have planted one: name its target%s%s", what, path,
                             walked, target, policy == SYMLINKS_REFUSE ? "any" : "non-system",
                             realpath(path, resolved) ? ", " : "",
                             realpath(path, resolved) ? resolved : "");
        }
        if (S_ISLNK(st.st_mode)) {
            /* A trusted link: go on from where it leads. */
            char rest[PATH_MAX], resolved[PATH_MAX];
            if (!realpath(walked, resolved))
                return 0;
            snprintf(rest, sizeof rest, "%s%s", resolved, end);
            return check_symlinks(what, rest, policy, err);
        }
        p = end;
    }
    return 0;
}

int host_check_path(const char *what, const char *path, enum symlink_policy policy,
                    char *canonical, bool *is_dir, struct shim_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "%s %s", what, path);
    if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
        return error_set(err, EXIT_SHIM_ERROR, 0, "%s %s: dangling symbolic link", what,
                         path);
    if (!realpath(path, canonical))
        return error_set(err, EXIT_SHIM_ERROR, errno, "%s %s", what, path);
    char absolute[2 * PATH_MAX + 2];
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return error_set(err, EXIT_SHIM_ERROR, errno, "%s %s: getcwd", what, path);
        if (snprintf(absolute, sizeof absolute, "%s/%s", cwd, path) >= PATH_MAX)
            return error_set(err, EXIT_SHIM_ERROR, ENAMETOOLONG, "%s %s", what, path);
        path = absolute;
    }
    if (check_symlinks(what, path, policy, err) != 0)
        return -1;
    *is_dir = S_ISDIR(st.st_mode);
    return 0;
}

/* 0 when execve could run path, else the errno it would fail with. */
static int exec_errno(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return EACCES;
    return access(path, X_OK) == 0 ? 0 : errno;
}

static int find_with_slash(const char *what, const char *program, char *path,
                           struct shim_error *err)
{
    int e = exec_errno(program);
    if (e == ENOENT || e == ENOTDIR)
        return error_set(err, EXIT_NOT_FOUND, e, "%s", what);
    if (e != 0)
        return error_set(err, EXIT_NOT_EXECUTABLE, e, "%s: not executable", what);
    if (program[0] == '/') {
        struct shim_error ignored = {0};
        if (path_normalise(what, program, program, path, &ignored) == 0)
            return 0;
    }
    if (!realpath(program, path))
        return error_set(err, EXIT_NOT_FOUND, errno, "%s", what);
    return 0;
}

static int search_path(const char *what, const char *program, char *path,
                       struct shim_error *err)
{
    const char *search = getenv("PATH");
    if (!search || !*search)
        search = default_search_path;
    int denied = 0;
    for (const char *dir = search; *dir;) {
        const char *end = strchrnul(dir, ':');
        int n = snprintf(path, PATH_MAX, "%.*s/%s", (int)(end - dir), dir, program);
        dir = *end ? end + 1 : end;
        if (path[0] != '/' || n >= PATH_MAX)
            continue;   /* execvp would try relative entries; a void has no cwd to match */
        int e = exec_errno(path);
        if (e == 0)
            return 0;
        if (e != ENOENT && e != ENOTDIR && !denied)
            denied = e;
    }
    if (denied)
        return error_set(err, EXIT_NOT_EXECUTABLE, denied,
                         "%s: found in PATH but not executable", what);
    return error_set(err, EXIT_NOT_FOUND, 0, "%s: not found in PATH (%s)", what, search);
}

int host_find_program(const char *what, const char *program, char *path,
                      struct shim_error *err)
{
    if (program[0] == '\0')
        return error_set(err, EXIT_NOT_FOUND, ENOENT, "%s", what);
    if (strchr(program, '/'))
        return find_with_slash(what, program, path, err);
    return search_path(what, program, path, err);
}
