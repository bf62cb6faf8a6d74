/* INFO-05: secrets in the environment: environ, /proc/self/environ and /proc/1/environ for
 * the C-ENV nonce (LEAK) and the usual names (SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS,
 * DISPLAY, XDG_RUNTIME_DIR, DOCKER_HOST, GITHUB_TOKEN, ACTIONS_*, AWS_*). */
#include "probe_util.h"

#define ID "INFO-05"
#define GROUP "info"

extern char **environ;

static bool block_has(const char *block, ssize_t n, const char *needle)
{
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(block + i) + 1)
        if (strstr(block + i, needle))
            return true;
    return false;
}

static void sensitive_names(struct detail *d)
{
    const char *names[] = { "SSH_AUTH_SOCK=", "DBUS_SESSION_BUS_ADDRESS=", "DISPLAY=", "XDG_RUNTIME_DIR=",
                            "DOCKER_HOST=", "GITHUB_TOKEN=", "ACTIONS_", "AWS_" };
    for (char **e = environ; *e; e++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strncmp(*e, names[i], strlen(names[i])) == 0)
                detail_add(d, "%.40s", names[i]);
}

int main(int argc, char **argv)
{
    const char *nonce = probe_arg(argc, argv, "env-nonce");
    if (!nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-ENV canary");
    struct detail d = { .len = 0 };
    bool leaked = false;
    for (char **e = environ; *e; e++)
        if (strstr(*e, nonce)) {
            leaked = true;
            detail_add(&d, "C-ENV in environ");
        }
    const char *files[] = { "/proc/self/environ", "/proc/1/environ" };
    for (int i = 0; i < 2; i++) {
        static char block[65536];
        ssize_t n = read_text(files[i], block, sizeof block);
        if (n > 0 && block_has(block, n, nonce)) {
            leaked = true;
            detail_add(&d, "C-ENV in %s", files[i]);
        }
    }
    sensitive_names(&d);
    int count = 0;
    for (char **e = environ; *e; e++)
        count++;
    probe_verdict(ID, GROUP, leaked ? PROBE_LEAK : PROBE_CONTAINED, "%d variables; %s", count,
                  d.len ? d.text : "no secrets");
}
