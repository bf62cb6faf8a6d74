/* KERN-13: LSM and seccomp posture, for information: the label in
 * /proc/self/attr/current and the Seccomp lines of /proc/self/status. */
#include "probe.h"

#define ID "KERN-13"
#define GROUP "kernel"
/* Not in probe.h's verdict list: the catalogue (3.8) gives this probe INFO. */
#define PROBE_INFO "INFO"

static void read_first_line(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    snprintf(out, size, "%s", f ? "" : "unreadable");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

static void status_fields(char *out, size_t size)
{
    static const char *const fields[] = { "Seccomp:", "Seccomp_filters:", "NoNewPrivs:", NULL };
    FILE *f = fopen("/proc/self/status", "r");
    out[0] = '\0';
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f))
        for (int i = 0; fields[i]; i++)
            if (strncmp(line, fields[i], strlen(fields[i])) == 0) {
                line[strcspn(line, "\n")] = '\0';
                char *value = line + strlen(fields[i]);
                value += strspn(value, " \t");
                size_t len = strlen(out);
                snprintf(out + len, size - len, "%s%.*s %s", len ? ", " : "", (int)strlen(fields[i]) - 1,
                         fields[i], value);
            }
    fclose(f);
}

int main(void)
{
    char label[256], lsms[256], status[256];
    read_first_line("/proc/self/attr/current", label, sizeof label);
    read_first_line("/sys/kernel/security/lsm", lsms, sizeof lsms);
    status_fields(status, sizeof status);
    probe_verdict(ID, GROUP, PROBE_INFO, "LSM label '%s'; active LSMs '%s'; %s", label, lsms, status);
}
