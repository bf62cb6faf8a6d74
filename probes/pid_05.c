/* PID-05: the host filesystem through other tasks' magic links: for every visible pid,
 * /proc/P/root/<C-FILE> and /proc/P/cwd/<C-FILE's name> (the harness launches with cwd
 * C-DIR), and /proc/P/environ for the C-ENV nonce. ESCAPED if C-FILE is read, LEAK if C-ENV. */
#include "probe_util.h"

#include <ctype.h>
#include <dirent.h>

#define ID "PID-05"
#define GROUP "pid"

static bool environ_has(int pid, const char *nonce)
{
    char path[64], env[16384];
    snprintf(path, sizeof path, "/proc/%d/environ", pid);
    ssize_t n = read_text(path, env, sizeof env);
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(env + i) + 1)
        if (strstr(env + i, nonce))
            return true;
    return false;
}

static bool reaches_file(int pid, const char *file, const char *nonce, struct detail *d)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "/proc/%d/root%s", pid, file);
    if (file_has(path, nonce) == 1) {
        detail_add(d, "C-FILE via /proc/%d/root", pid);
        return true;
    }
    const char *name = strrchr(file, '/');
    snprintf(path, sizeof path, "/proc/%d/cwd%s", pid, name ? name : "/");
    if (file_has(path, nonce) == 1) {
        detail_add(d, "C-FILE via /proc/%d/cwd", pid);
        return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *file = probe_arg(argc, argv, "file"), *nonce = probe_arg(argc, argv, "file-nonce");
    const char *env_nonce = probe_arg(argc, argv, "env-nonce");
    if (!file || !nonce || !env_nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-FILE or C-ENV canary");
    DIR *dir = opendir("/proc");
    if (!dir)
        probe_verdict(ID, GROUP, PROBE_CONTAINED, "opendir /proc: %s", err_name(errno));
    struct detail d = { .len = 0 };
    bool escaped = false, leaked = false;
    int tasks = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        tasks++;
        int pid = atoi(e->d_name);
        escaped |= !escaped && reaches_file(pid, file, nonce, &d);
        if (!leaked && pid != getpid() && environ_has(pid, env_nonce)) {
            leaked = true;
            detail_add(&d, "C-ENV in /proc/%d/environ", pid);
        }
    }
    closedir(dir);
    detail_add(&d, "%d tasks visible", tasks);
    probe_verdict(ID, GROUP, escaped ? PROBE_ESCAPED : leaked ? PROBE_LEAK : PROBE_CONTAINED, "%s", d.text);
}
