#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "void.h"

int void_uts(const struct plan *plan, struct shim_error *err)
{
    if (sethostname(plan->hostname, strlen(plan->hostname)) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "uts: sethostname %s", plan->hostname);
    /* A new UTS namespace copies the host's domain name: replace it too. */
    const char *domain = plan->domainname ? plan->domainname : "(none)";
    if (setdomainname(domain, strlen(domain)) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "uts: setdomainname");
    return 0;
}
