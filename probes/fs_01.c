/* FS-01: read a host file outside the configuration: open(C-FILE); stat() on /home, /root,
 * /var/run/docker.sock and /run/user/UID for the detail. ESCAPED if the nonce is read. */
#include "probe_util.h"

#define ID "FS-01"
#define GROUP "mount"

int main(int argc, char **argv)
{
    if (!probe_arg(argc, argv, "file"))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-FILE canary");
    char run_user[64];
    snprintf(run_user, sizeof run_user, "/run/user/%u", (unsigned)getuid());
    const char *paths[] = { "/home", "/root", "/var/run/docker.sock", run_user };
    struct detail visible = { .len = 0 };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0)
            detail_add(&visible, "%s", paths[i]);
    }
    int r = canary_file_read(argc, argv);
    if (r == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "C-FILE read (nonce); host paths visible: %s", visible.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "C-FILE: %s; host paths visible: %s",
                  r == 0 ? "read without the nonce" : err_name(-r), visible.len ? visible.text : "none");
}
