/* New network, UTS and IPC namespaces: a hostname of its own, and a network
 * holding only a loopback interface that is down, so not even 127.0.0.1
 * answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) != 0) {
        perror("unshare");
        return 1;
    }
    char name[64] = "";
    if (sethostname("void", 4) != 0 || gethostname(name, sizeof name) != 0) {
        perror("hostname");
        return 1;
    }
    int n = 0;
    struct if_nameindex *ifs = if_nameindex();
    for (struct if_nameindex *i = ifs; i && i->if_index; i++, n++)
        printf("interface %s\n", i->if_name);
    if_freenameindex(ifs);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons(9) };
    lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(s, (struct sockaddr *)&lo, sizeof lo);
    printf("hostname %s; %d interface(s); connect 127.0.0.1: %s\n", name, n,
           rc == 0 ? "connected" : strerror(errno));
    int unreachable = rc != 0 && errno == ENETUNREACH;
    return strcmp(name, "void") == 0 && n == 1 && unreachable ? 0 : 1;
}
