/* FS-13: symlinks planted in a persisted read-write bind, so that the next launch binds a
 * host path. Two launches by the harness: phase 1 (state dir bound read-write) replaces
 * STATE/src with a symlink to C-DIR; phase 2 is launched with STATE/src as a bind source
 * and looks for C-FILE where the bind should be (--fs13-view). ESCAPED if C-FILE is there. */
#include "probe_util.h"

#define ID "FS-13"
#define GROUP "mount"

static void plant(const char *state, const char *dir)
{
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/src", state);
    unlink(link);
    if (symlink(dir, link) < 0)
        probe_verdict(ID, GROUP, PROBE_SKIP, "phase 1: symlink in the state dir: %s", err_name(errno));
    probe_verdict(ID, GROUP, PROBE_SKIP, "phase 1: planted STATE/src -> C-DIR");
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
