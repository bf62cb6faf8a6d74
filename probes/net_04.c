/* NET-04: reach a resolver on loopback (127.0.0.53, loopback nameservers of
 * /etc/resolv.conf, the harness's fake resolver on --dns-port) with a query for
 * void-probe.invalid., a name that never resolves. Loopback only. */
#include "probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ID "NET-04"
#define GROUP "net"
#define MAX_SERVERS 8

struct server { char ip[64]; int port; };

/* A DNS query, id 0x7670, RD set, one question: void-probe.invalid. IN A. */
static size_t build_query(unsigned char *q)
{
    static const unsigned char header[] = { 0x76, 0x70, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
    static const unsigned char name[] = "\x0avoid-probe\x07invalid";
    memcpy(q, header, sizeof header);
    memcpy(q + sizeof header, name, sizeof name); /* with the terminating root label */
    size_t n = sizeof header + sizeof name;
    static const unsigned char type_class[] = { 0, 1, 0, 1 };
    memcpy(q + n, type_class, sizeof type_class);
    return n + sizeof type_class;
}

static int is_loopback(const char *ip)
{
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

static int add_server(struct server *list, int n, const char *ip, int port)
{
    if (n >= MAX_SERVERS || !is_loopback(ip))
        return n;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].ip, ip) == 0 && list[i].port == port)
            return n;
    snprintf(list[n].ip, sizeof list[n].ip, "%s", ip);
    list[n].port = port;
    return n + 1;
}

static int add_resolv_conf(struct server *list, int n, int *seen_file)
{
    FILE *f = fopen("/etc/resolv.conf", "r");
    *seen_file = f != NULL;
    if (!f)
        return n;
    char line[256], ip[64];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, " nameserver %63s", ip) == 1)
            n = add_server(list, n, ip, 53);
    fclose(f);
    return n;
}

/* 1 if anything answered the query (errno set otherwise). */
static int resolver_answers(const struct server *s)
{
    struct sockaddr_storage ss = { 0 };
    socklen_t len;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, s->ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET, v4->sin_port = htons((uint16_t)s->port), len = sizeof *v4;
    } else if (inet_pton(AF_INET6, s->ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6, v6->sin6_port = htons((uint16_t)s->port), len = sizeof *v6;
    } else {
        errno = EINVAL;
        return 0;
    }
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct timeval timeout = { .tv_sec = 2 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    unsigned char query[64], reply[512];
    size_t qlen = build_query(query);
    int answered = connect(fd, (struct sockaddr *)&ss, len) == 0 &&
                   send(fd, query, qlen, 0) == (ssize_t)qlen && recv(fd, reply, sizeof reply, 0) > 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return answered;
}

int main(int argc, char **argv)
{
    struct server servers[MAX_SERVERS];
    int n = 0, have_resolv_conf;
    const char *harness_port = probe_arg(argc, argv, "dns-port");
    if (harness_port)
        n = add_server(servers, n, "127.0.0.1", atoi(harness_port));
    n = add_server(servers, n, "127.0.0.53", 53);
    n = add_resolv_conf(servers, n, &have_resolv_conf);
    char results[512] = "";
    for (int i = 0; i < n; i++) {
        if (resolver_answers(&servers[i]))
            probe_verdict(ID, GROUP, PROBE_ESCAPED, "resolver %s:%d answered", servers[i].ip,
                          servers[i].port);
        size_t len = strlen(results);
        snprintf(results + len, sizeof results - len, "%s%.40s:%d %s", len ? "; " : "", servers[i].ip,
                 servers[i].port, strerror(errno));
    }
    if (!harness_port)
        probe_verdict(ID, GROUP, PROBE_SKIP,
                      "no harness resolver (--dns-port) and no loopback resolver answered (%s); "
                      "/etc/resolv.conf %s", results, have_resolv_conf ? "readable" : "absent");
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "%s; /etc/resolv.conf %s", results,
                  have_resolv_conf ? "readable" : "absent");
}
