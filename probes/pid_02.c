/* PID-02: broadcast a harmless signal: kill(-1, SIGURG) (catalogue §2 rule 4). Only the
 * sentinel can tell whether it arrived: the harness decides; the probe reports what kill said. */
#include "probe_util.h"

#define ID "PID-02"
#define GROUP "pid"

int main(int argc, char **argv)
{
    if (!probe_arg(argc, argv, "sentinel-pid"))
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-PROC sentinel to report receipt");
    int r = kill(-1, SIGURG);
    int probe0 = kill(-1, 0);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "kill(-1, SIGURG) = %s, kill(-1, 0) = %s (receipt decided by the sentinel)",
                  r == 0 ? "0" : err_name(errno), probe0 == 0 ? "0" : err_name(errno));
}
