/* TIME-03: change the host clock: adjtimex({ADJ_TICK, tick=0}). The capability check comes
 * before the argument check, so EINVAL means CAP_SYS_TIME in the initial namespace (ESCAPED)
 * and EPERM means refused; tick=0 is invalid and never applied (catalogue §2 rule 2). */
#include "probe_util.h"

#include <sys/timex.h>

#define ID "TIME-03"
#define GROUP "time"

int main(void)
{
    struct timex tx = { .modes = ADJ_TICK, .tick = 0 };
    int r = adjtimex(&tx);
    int e = errno;
    if (r >= 0)
        probe_verdict(ID, GROUP, PROBE_ERROR, "adjtimex accepted tick=0 (returned %d)", r);
    if (e == EINVAL)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "adjtimex(ADJ_TICK, 0): EINVAL: the CAP_SYS_TIME check passed");
    probe_verdict(ID, GROUP, e == EPERM ? PROBE_CONTAINED : PROBE_ERROR, "adjtimex(ADJ_TICK, 0): %s", err_name(e));
}
