/* CRED-01: residual privilege. Any capability in the effective, permitted,
 * inheritable or ambient set is exposed; the bounding set and NNP are reported. */
#include "probe.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "CRED-01"
#define GROUP "cred"

static unsigned long long status_mask(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long long mask = 0;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0 && line[len] == ':')
            mask = strtoull(line + len + 1, NULL, 16);
    fclose(f);
    return mask;
}

static int last_cap(void)
{
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
    int last = 40;
    if (f) {
        if (fscanf(f, "%d", &last) != 1)
            last = 40;
        fclose(f);
    }
    return last;
}

static unsigned long long bounding_set(void)
{
    unsigned long long mask = 0;
    for (int cap = 0; cap <= last_cap() && cap < 64; cap++)
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
            mask |= 1ULL << cap;
    return mask;
}

int main(void)
{
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) < 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "capget: %s", strerror(errno));
    unsigned long long eff = data[0].effective | (unsigned long long)data[1].effective << 32;
    unsigned long long prm = data[0].permitted | (unsigned long long)data[1].permitted << 32;
    unsigned long long inh = data[0].inheritable | (unsigned long long)data[1].inheritable << 32;
    unsigned long long amb = status_mask("CapAmb");
    unsigned long long bnd = bounding_set();
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    int securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
    const char *verdict = eff | prm | inh | amb ? PROBE_EXPOSED : PROBE_CONTAINED;
    probe_verdict(ID, GROUP, verdict, "eff %llx prm %llx inh %llx amb %llx bnd %llx nnp %d securebits %#x uid %u",
                  eff, prm, inh, amb, bnd, nnp, (unsigned)securebits, (unsigned)geteuid());
}
