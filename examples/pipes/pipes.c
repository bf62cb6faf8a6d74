/* pipes: a sender writes messages to a pipe; each message starts a fresh receiver void
 * that prints it.
 *
 *   pipes pipe_sender FD [MESSAGE...]   write each MESSAGE (default: "hello", "world")
 *                                      to FD with one write(2) each, then exit
 *   pipes pipe_receiver MESSAGE         print MESSAGE
 *
 * The shim creates the pipe in packet mode, so one write is one message and starts one
 * receiver. A receiver also shows that it is fresh: given /proc (the spec's "Procfs"),
 * it prints its namespaces' ids, which differ from run to run; given a tmpfs at
 * /scratch, it says whether an earlier run left a file there (it never has), then
 * leaves one. With PIPES_LINGER_MS=N in its environment (the spec's {"Env": ...}) it
 * stays alive N ms after printing, so that receivers overlap and can be looked at from
 * the host. Dynamically linked. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int parse_fd(const char *s)
{
    char *end;
    errno = 0;
    long fd = strtol(s, &end, 10);
    return errno == 0 && *end == '\0' && fd >= 0 && fd <= INT_MAX ? (int)fd : -1;
}

static int send_messages(int argc, char **argv)
{
    static char *defaults[] = {"hello", "world"};
    int fd = argc > 2 ? parse_fd(argv[2]) : -1;
    if (fd < 0) {
        fprintf(stderr, "pipes: pipe_sender needs the pipe's fd\n");
        return 2;
    }
    char **messages = argc > 3 ? argv + 3 : defaults;
    int n = argc > 3 ? argc - 3 : 2;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(messages[i]);
        if (len > PIPE_BUF || write(fd, messages[i], len) != (ssize_t)len) {
            perror("pipes: write");
            return 1;
        }
    }
    return close(fd) == 0 ? 0 : 1;
}

static void print_namespaces(void)
{
    static const char *const names[] = {"cgroup", "ipc", "mnt", "net", "pid", "time",
                                        "user", "uts"};
    char line[1024] = "", link[64], path[64];
    size_t used = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n < 0)
            return;
        link[n] = '\0';
        used += (size_t)snprintf(line + used, sizeof line - used, " %s", link);
    }
    printf("pipe_receiver: namespaces%s\n", line);
}

static void check_scratch(const char *message)
{
    struct stat st;
    if (stat("/scratch", &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    char earlier[256] = "";
    FILE *f = fopen("/scratch/left-by-a-receiver", "r");
    if (f) {
        if (!fgets(earlier, sizeof earlier, f))
            earlier[0] = '\0';
        fclose(f);
        printf("pipe_receiver: /scratch holds \"%s\", left by an earlier run\n", earlier);
    } else {
        printf("pipe_receiver: /scratch is empty\n");
    }
    f = fopen("/scratch/left-by-a-receiver", "w");
    if (f) {
        fputs(message, f);
        fclose(f);
    }
}

static int receive_message(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "pipes: pipe_receiver needs exactly one message\n");
        return 2;
    }
    printf("pipe_receiver: got \"%s\" (pid %d)\n", argv[2], (int)getpid());
    print_namespaces();
    check_scratch(argv[2]);
    if (fflush(stdout) != 0)
        return 1;
    const char *linger = getenv("PIPES_LINGER_MS");
    long ms = linger ? strtol(linger, NULL, 10) : 0;
    if (ms > 0 && ms <= 60000) {
        struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L};
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            ;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "";
    if (strcmp(role, "pipe_sender") == 0)
        return send_messages(argc, argv);
    if (strcmp(role, "pipe_receiver") == 0)
        return receive_message(argc, argv);
    fprintf(stderr, "pipes: unknown entrypoint \"%s\" (expected pipe_sender or "
                    "pipe_receiver)\n", role);
    return 2;
}
