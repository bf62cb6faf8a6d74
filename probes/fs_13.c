/* FS-13: symlinks planted in a persisted read-write bind, so that the next launch binds a
 * host path. Launched by the harness in phases: phase 1 (state dir bound read-write) plants
 * STATE/src -> C-DIR and STATE/up -> C-DIR's parent; phase 2 is launched with STATE/src, or
 * STATE/up/<C-DIR's name>, as a bind source and looks for C-FILE where the bind should be
 * (--fs13-view). ESCAPED if C-FILE is there. */
#include "probe_util.h"

#define ID "FS-13"
#define GROUP "mount"

static int plant_one(const char *state, const char *name, const char *target)
{
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/%s", state, name);
    unlink(link);
    return symlink(target, link) < 0 ? -errno : 0;
}

static void plant(const char *state, const char *dir)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        probe_verdict(ID, GROUP, PROBE_SKIP, "phase 1: C-DIR has no parent to point at");
    *slash = '\0';
    int a = plant_one(state, "src", dir), b = plant_one(state, "up", parent);
    if (a < 0 || b < 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "phase 1: symlink in the state dir: %s", err_name(a < 0 ? -a : -b));
    probe_verdict(ID, GROUP, PROBE_SKIP, "phase 1: planted STATE/src -> C-DIR, STATE/up -> its parent");
}

static void look(const char *view, const char *nonce)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/canary.txt", view);
    int r = file_has(path, nonce);
    if (r == 1)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "phase 2: C-FILE visible through the planted bind source at %s", view);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "phase 2: %s/canary.txt: %s", view, r == 0 ? "no nonce" : err_name(-r));
}

int main(int argc, char **argv)
{
    const char *phase = probe_arg(argc, argv, "fs13-phase"), *state = probe_arg(argc, argv, "state-dir");
    const char *dir = probe_arg(argc, argv, "dir"), *view = probe_arg(argc, argv, "fs13-view");
    const char *nonce = probe_arg(argc, argv, "file-nonce");
    if (!phase || !state || !dir || !nonce)
        probe_verdict(ID, GROUP, PROBE_SKIP, "needs the harness's two-phase launch (--fs13-phase, --state-dir)");
    if (strcmp(phase, "1") == 0)
        plant(state, dir);
    if (!view)
        probe_verdict(ID, GROUP, PROBE_SKIP, "phase 2 without --fs13-view");
    look(view, nonce);
}
