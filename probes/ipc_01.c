/* IPC-01: reach the harness's SysV shm, sem and msg canaries (C-SYSV). */
#include "probe.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define ID "IPC-01"
#define GROUP "ipc"

enum sysv_kind { SYSV_SHM, SYSV_SEM, SYSV_MSG, SYSV_KINDS };

static const char *const kind_name[SYSV_KINDS] = { "shm", "sem", "msg" };
static const char *const kind_arg[SYSV_KINDS] = { "sysv-shm-key", "sysv-sem-key", "sysv-msg-key" };

static int get_by_key(enum sysv_kind kind, key_t key)
{
    switch (kind) {
    case SYSV_SHM: return shmget(key, 0, 0);
    case SYSV_SEM: return semget(key, 0, 0);
    default:       return msgget(key, 0);
    }
}

/* Returns the key of the object at index idx, or -1 when the slot is empty or hidden. */
static long key_at_index(enum sysv_kind kind, int idx)
{
    if (kind == SYSV_SHM) {
        struct shmid_ds ds;
        return shmctl(idx, SHM_STAT_ANY, &ds) < 0 ? -1 : (long)ds.shm_perm.__key;
    }
    if (kind == SYSV_SEM) {
        struct semid_ds ds;
        union { int val; struct semid_ds *buf; } arg = { .buf = &ds };
        return semctl(idx, 0, SEM_STAT_ANY, arg) < 0 ? -1 : (long)ds.sem_perm.__key;
    }
    struct msqid_ds ds;
    return msgctl(idx, MSG_STAT_ANY, &ds) < 0 ? -1 : (long)ds.msg_perm.__key;
}

/* The highest used index, from the *_INFO calls; -1 when none or unsupported. */
static int max_index(enum sysv_kind kind)
{
    if (kind == SYSV_SHM) {
        struct shm_info info;
        return shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
    }
    if (kind == SYSV_SEM) {
        struct seminfo info;
        union { int val; struct seminfo *__buf; } arg = { .__buf = &info };
        return semctl(0, 0, SEM_INFO, arg);
    }
    struct msginfo info;
    return msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&info);
}

static int found_by_sweep(enum sysv_kind kind, key_t key)
{
    int top = max_index(kind);
    for (int idx = 0; idx <= top; idx++)
        if (key_at_index(kind, idx) == (long)key)
            return 1;
    return 0;
}

static int found_in_proc(enum sysv_kind kind, key_t key)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind_name[kind]);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int found = 0;
    long k;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%ld", &k) == 1 && k == (long)key;
    fclose(f);
    return found;
}

/* How the canary of this kind was found ("get", "stat_any", "/proc/sysvipc"), or NULL
 * with *err set to the errno of the plain lookup. */
static const char *find_canary(enum sysv_kind kind, key_t key, int *err)
{
    if (get_by_key(kind, key) >= 0)
        return "get";
    *err = errno;
    if (found_by_sweep(kind, key))
        return "stat_any";
    return found_in_proc(kind, key) ? "/proc/sysvipc" : NULL;
}

/* Appends "A JOINB" to a comma-separated list. */
static void append(char *out, size_t size, const char *a, const char *join, const char *b)
{
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s%s%s", len ? ", " : "", a, join, b);
}

int main(int argc, char **argv)
{
    char seen[512] = "", missed[512] = "";
    int have_canary = 0;
    for (int kind = 0; kind < SYSV_KINDS; kind++) {
        const char *value = probe_arg(argc, argv, kind_arg[kind]);
        if (!value)
            continue;
        have_canary = 1;
        int err = 0;
        const char *how = find_canary(kind, (key_t)strtol(value, NULL, 10), &err);
        if (how)
            append(seen, sizeof seen, kind_name[kind], " via ", how);
        else
            append(missed, sizeof missed, kind_name[kind], " get: ", strerror(err));
    }
    if (!have_canary)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-SYSV canary (--sysv-*-key absent)");
    if (seen[0])
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "found %s", seen);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s; not in STAT_ANY sweep or /proc/sysvipc", missed);
}
