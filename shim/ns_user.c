/* The user namespace: the caller's uid and gid mapped to themselves, one line each,
 * setgroups denied; and no nested user namespaces. The child writes its own maps:
 * a single line mapping its own ids needs no help from the parent. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "void.h"
#include "write_file.h"

const char *userns_hint(void)
{
    char buf[32];
    if (read_file("/proc/sys/kernel/unprivileged_userns_clone", buf, sizeof buf) > 0 &&
        buf[0] == '0')
        return "; unprivileged user namespaces are disabled: enable them with "
               "'sysctl kernel.unprivileged_userns_clone=1'";
    if (read_file("/proc/sys/user/max_user_namespaces", buf, sizeof buf) > 0 &&
        buf[0] == '0')
        return "; user namespaces are disabled: enable them with "
               "'sysctl user.max_user_namespaces=15000'";
    if (read_file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", buf,
                  sizeof buf) > 0 && buf[0] == '1')
        return "; AppArmor restricts unprivileged user namespaces: allow them with "
               "'sysctl kernel.apparmor_restrict_unprivileged_userns=0' or an AppArmor "
               "profile for void-shim";
    return "";
}

static int write_map(const char *path, unsigned id, struct shim_error *err)
{
    char line[64];
    snprintf(line, sizeof line, "%u %u 1\n", id, id);
    if (write_file(path, line) != 0) {
        int e = errno;
        return error_set(err, EXIT_SHIM_ERROR, 0, "user: write %s: %s%s", path,
                         strerror(e), userns_hint());
    }
    return 0;
}

int void_user(const struct void_context *ctx, struct shim_error *err)
{
    if (write_file("/proc/self/setgroups", "deny") != 0) {
        int e = errno;
        return error_set(err, EXIT_SHIM_ERROR, 0, "user: write /proc/self/setgroups: %s%s",
                         strerror(e), userns_hint());
    }
    if (write_map("/proc/self/uid_map", ctx->uid, err) != 0)
        return -1;
    return write_map("/proc/self/gid_map", ctx->gid, err);
}

/* The limit is per user namespace: with 0 here nothing in the void can create one, and
 * with every capability gone nothing can raise it again. */
int void_nested_userns_off(struct shim_error *err)
{
    if (write_file("/proc/sys/user/max_user_namespaces", "0") != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno,
                         "user: disable nested user namespaces: write "
                         "/proc/sys/user/max_user_namespaces");
    return 0;
}
