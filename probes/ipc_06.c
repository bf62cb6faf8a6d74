/* IPC-06: keyrings are not namespaced. Read the harness's "user" key through the
 * inherited session keyring, by serial, and in /proc/keys. No link, unlink or revoke. */
#include "probe.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "IPC-06"
#define GROUP "ipc"

static long keyctl4(int op, long a, long b, long c)
{
    return syscall(SYS_keyctl, op, a, b, c, 0L);
}

/* 1 if the key's payload equals nonce. */
static int payload_matches(long serial, const char *nonce)
{
    char buf[256];
    long n = keyctl4(KEYCTL_READ, serial, (long)buf, sizeof buf - 1);
    if (n < 0 || n >= (long)sizeof buf)
        return 0;
    buf[n] = '\0';
    return strcmp(buf, nonce) == 0;
}

static int can_describe(long serial)
{
    char buf[256];
    return keyctl4(KEYCTL_DESCRIBE, serial, (long)buf, sizeof buf) >= 0;
}

static int listed_in_proc_keys(long serial)
{
    FILE *f = fopen("/proc/keys", "r");
    if (!f)
        return 0;
    char line[512];
    int found = 0;
    unsigned long id;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%lx", &id) == 1 && (long)id == serial;
    fclose(f);
    return found;
}

static void describe_session(char *out, size_t size)
{
    long n = keyctl4(KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, (long)out, (long)size);
    if (n < 0)
        snprintf(out, size, "session keyring: %s", strerror(errno));
    else
        out[n < (long)size ? n : (long)size - 1] = '\0';
}

int main(int argc, char **argv)
{
    const char *nonce = probe_arg(argc, argv, "key-nonce");
    const char *key_arg = probe_arg(argc, argv, "key");
    const char *user_key_arg = probe_arg(argc, argv, "user-key");
    if (!nonce || (!key_arg && !user_key_arg))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-KEY canary (--key/--user-key/--key-nonce absent)");
    char session[256];
    describe_session(session, sizeof session);
    long found = keyctl4(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"void-canary");
    int search_errno = errno;
    if (found >= 0 && payload_matches(found, nonce))
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "session search found key %ld, payload read; session: %s",
                      found, session);
    long serials[2] = { key_arg ? strtol(key_arg, NULL, 10) : 0,
                        user_key_arg ? strtol(user_key_arg, NULL, 10) : 0 };
    char seen[256] = "";
    for (int i = 0; i < 2; i++) {
        if (!serials[i])
            continue;
        if (payload_matches(serials[i], nonce))
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "read payload of key %ld by serial", serials[i]);
        size_t len = strlen(seen);
        if (can_describe(serials[i]))
            snprintf(seen + len, sizeof seen - len, " %ld:described", serials[i]);
        else if (listed_in_proc_keys(serials[i]))
            snprintf(seen + len, sizeof seen - len, " %ld:in /proc/keys", serials[i]);
    }
    if (seen[0])
        probe_verdict(ID, GROUP, PROBE_LEAK, "payload unreadable, but%s; session: %s", seen, session);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "search: %s; keys neither readable nor visible; session: %s",
                  found < 0 ? strerror(search_errno) : "found, payload differs", session);
}
