/* The last step before exec: a new session, a fresh keyring, no core dumps,
 * no_new_privs, the seccomp filter, and every capability set emptied (capabilities go last: the steps
 * before need them). */
#include <errno.h>
#include <linux/keyctl.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "void.h"

int void_drop_capabilities(cap_t no_caps, struct shim_error *err)
{
    /* The bounding set first: dropping from it needs CAP_SETPCAP, still held. */
    for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
        if (cap_drop_bound(cap) != 0 && errno != EINVAL)
            return error_set(err, EXIT_SHIM_ERROR, errno, "caps: drop %d from bounding set",
                             cap);
    /* One call, where libcap's cap_reset_ambient() first asks about each capability. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "caps: clear ambient set");
    if (cap_set_proc(no_caps) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "caps: clear effective, permitted, "
                         "inheritable");
    return 0;
}

int void_new_session(struct shim_error *err)
{
    if (setsid() < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: setsid");
    /* A fresh anonymous session keyring: the caller's keys are no longer possessed. */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: join a new session keyring");
    const struct rlimit no_core = {0, 0};
    if (setrlimit(RLIMIT_CORE, &no_core) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: RLIMIT_CORE 0");
    return 0;
}

int void_last(const struct void_context *ctx, struct shim_error *err)
{
    if (void_new_session(err) != 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: PR_SET_NO_NEW_PRIVS");
    if (ctx->seccomp && void_seccomp(ctx->seccomp, err) != 0)
        return -1;
    return void_drop_capabilities(ctx->no_caps, err);
}
