/* FS-09: a mount event reaching the host. My mountinfo's shared:/master: tags against the
 * host's shared peer groups (C-HOST), and, in a nested user+mount namespace, a tmpfs mounted
 * on C-DIR-RO, which the harness then looks for in its own mount table (ESCAPED only on
 * that evidence). LEAK if my mounts are peers or slaves of host peer groups. */
#include "probe_util.h"

#define ID "FS-09"
#define GROUP "mount"

struct peers {
    const char *host;       /* ",1,2,3," */
    struct detail shared;
    int tagged;
};

static bool host_peer(const char *host, int group)
{
    char needle[24];
    snprintf(needle, sizeof needle, ",%d,", group);
    return strstr(host, needle) != NULL;
}

static bool check_tags(const struct mount_entry *m, void *arg)
{
    struct peers *p = arg;
    const char *tags[] = { "shared:", "master:" };
    for (int i = 0; i < 2; i++) {
        const char *t = strstr(m->optional, tags[i]);
        if (!t)
            continue;
        p->tagged++;
        int group = atoi(t + strlen(tags[i]));
        if (host_peer(p->host, group))
            detail_add(&p->shared, "%.80s %s%d", m->point, tags[i], group);
    }
    return true;
}

static int mount_over(void *arg, char *text, size_t size)
{
    const char *dir = arg;
    int r = mount("none", dir, "tmpfs", 0, "size=4k");
    snprintf(text, size, "tmpfs on C-DIR-RO in a nested namespace: %s", r == 0 ? "mounted" : err_name(errno));
    return r == 0;
}

int main(int argc, char **argv)
{
    const char *dir = probe_arg(argc, argv, "dir-ro"), *host = probe_arg(argc, argv, "host-shared-peers");
    if (!dir || !host)
        probe_verdict(ID, GROUP, PROBE_SKIP, "no C-DIR-RO or host peer groups");
    char wrapped[300];
    snprintf(wrapped, sizeof wrapped, ",%.290s,", host);
    struct peers p = { .host = wrapped, .shared = { .len = 0 } };
    int n = for_each_mount(check_tags, &p);
    struct child_result r = run_in_child(CHILD_NESTED, mount_over, (void *)dir, 5);
    if (p.shared.len)
        probe_verdict(ID, GROUP, PROBE_LEAK, "mounts in host peer groups: %s; %s", p.shared.text, r.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%d mounts, %d with propagation tags, none in a host peer group "
                  "(host groups: %s); %s", n, p.tagged, host[0] ? host : "none", r.text);
}
