/* INFO-04: the host name: uname() and /proc/sys/kernel/{hostname,domainname} against C-HOST.
 * sethostname("p-NONCE") is only ever called when my UTS namespace is not the host's; in
 * the host's, sethostname() with an over-long name tests the capability (EPERM before
 * EINVAL) without changing anything. The harness re-reads the host name: a change is ESCAPED. */
#include "probe_util.h"

#include <sys/utsname.h>

#define ID "INFO-04"
#define GROUP "info"

static const char *try_sethostname(int argc, char **argv, int host_uts)
{
    static char result[96];
    const char *nonce = probe_arg(argc, argv, "nonce");
    if (host_uts != 0) {
        char too_long[80];
        memset(too_long, 'x', sizeof too_long);
        int r = sethostname(too_long, sizeof too_long);
        snprintf(result, sizeof result, "host utsns: sethostname(80 bytes) %s%s", r == 0 ? "ok?!" : err_name(errno),
                 r < 0 && errno == EINVAL ? " (could rename the host)" : "");
        return result;
    }
    char name[64];
    snprintf(name, sizeof name, "p-%.16s", nonce ? nonce : "probe");
    int r = sethostname(name, strlen(name));
    snprintf(result, sizeof result, "own utsns: sethostname(%s) %s", name, r == 0 ? "ok" : err_name(errno));
    return result;
}

int main(int argc, char **argv)
{
    const char *host = probe_arg(argc, argv, "host-hostname");
    if (!host)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-HOST host name");
    struct utsname u;
    uname(&u);
    char proc_name[128] = "";
    ssize_t n = read_text("/proc/sys/kernel/hostname", proc_name, sizeof proc_name);
    proc_name[strcspn(proc_name, "\n")] = '\0';
    bool same = strcmp(u.nodename, host) == 0 || (n > 0 && strcmp(proc_name, host) == 0);
    char before[80];
    snprintf(before, sizeof before, "%.64s", u.nodename);
    const char *attempt = try_sethostname(argc, argv, in_host_ns(argc, argv, "uts"));
    probe_verdict(ID, GROUP, same ? PROBE_LEAK : PROBE_CONTAINED, "nodename '%s' (host '%.64s'), domain '%.64s'; %s",
                  before, host, u.domainname, attempt);
}
