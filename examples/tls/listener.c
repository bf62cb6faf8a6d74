/* The connection listener: accepts connections on the listening socket it was given and
 * hands each one on. It never reads a byte of a connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "void_tls.h"

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* SIGTERM or SIGINT end the accept loop: the listener exits 0 and the application
 * winds down as its connections finish. No SA_RESTART, so accept() returns EINTR. */
static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* One line on standard output, so that a caller that listened on port 0 learns the
 * port (standard output is /dev/null unless the spec gives it). */
static void announce(int listen_fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (getsockname(listen_fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
    }
    printf("listening on %s:%d\n", host, port);
    fflush(stdout);
}

/* accept() errors that concern one connection, not the listener. */
static bool transient_accept_error(int e)
{
    return e == EINTR || e == ECONNABORTED || e == EPROTO || e == EMFILE || e == ENFILE ||
           e == ENOBUFS || e == ENOMEM || e == EPERM;
}

int run_listener(int listen_fd, const struct tls_options *o, connection_sink sink,
                 void *context)
{
    install_stop_handlers();
    announce(listen_fd);
    for (long accepted = 0; !stop_requested;) {
        if (o->max_connections > 0 && accepted >= o->max_connections)
            break;
        int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0 && transient_accept_error(errno)) {
            if (errno == EMFILE || errno == ENFILE)
                usleep(10000);
            continue;
        }
        if (conn < 0)
            break;  /* the listener was closed or shut down: end cleanly */
        accepted++;
        if (sink(context, conn) != 0) {
            perror("void-tls: connection_listener: hand on a connection");
            return 1;
        }
    }
    close(listen_fd);
    return 0;
}
