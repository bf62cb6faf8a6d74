/* void-do: a scriptable little program for integration tests, run inside voids.
 *
 *   void-do OP [ARGS] [OP [ARGS]]...
 *
 * Ops run in order; each prints one JSON line on stdout (flushed at once):
 *   read PATH         read up to 64 bytes: {"op":"read","path":P,"ok":true,"hex":"..."}
 *   write PATH TEXT   open(O_WRONLY|O_CREAT|O_TRUNC) and write TEXT
 *   mkdir PATH        mkdir PATH
 *   echo TEXT         print {"op":"echo","text":TEXT}
 *   sleep LABEL       print {"op":"sleep","label":LABEL,"pid":N}, then sleep forever
 *   trap              handle SIGINT, SIGTERM and SIGHUP by printing {"op":"signal",...}
 *                     and carrying on (so a forwarded signal does not stop the program)
 *   exit N            exit with status N
 *   kill SIG          die of signal SIG. As pid 1 of a pid namespace a process cannot
 *                     signal itself, so for SIGKILL it falls back to the kernel's
 *                     RLIMIT_CPU hard limit (about 1 s of CPU); other signals print
 *                     {"op":"kill","ok":false} and exit 124
 *   segv              die of SIGSEGV (no core: not dumpable)
 * With no op left, exits 0. Statically linked. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void result(const char *op, const char *path, int ok, int err)
{
    printf("{\"op\": \"%s\", \"path\": ", op);
    json_str(path);
    printf(", \"ok\": %s, \"errno\": %d}\n", ok ? "true" : "false", ok ? 0 : err);
    fflush(stdout);
}

static void op_read(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        result("read", path, 0, errno);
        return;
    }
    unsigned char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    int err = errno;
    close(fd);
    if (n < 0) {
        result("read", path, 0, err);
        return;
    }
    printf("{\"op\": \"read\", \"path\": ");
    json_str(path);
    printf(", \"ok\": true, \"errno\": 0, \"hex\": \"");
    for (ssize_t i = 0; i < n; i++)
        printf("%02x", buf[i]);
    printf("\"}\n");
    fflush(stdout);
}

static void op_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        result("write", path, 0, errno);
        return;
    }
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int err = errno;
    if (close(fd) < 0 && n >= 0) {
        n = -1;
        err = errno;
    }
    result("write", path, n == (ssize_t)len, n < 0 ? err : EIO);
}

static void die_of(int sig)
{
    kill(getpid(), sig);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (sig == SIGKILL) {
        struct rlimit rl = {1, 1};
        setrlimit(RLIMIT_CPU, &rl);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    printf("{\"op\": \"kill\", \"signal\": %d, \"ok\": false}\n", sig);
    fflush(stdout);
    exit(124);
}

static void on_signal(int sig)
{
    char line[64];
    int n = snprintf(line, sizeof line, "{\"op\": \"signal\", \"signal\": %d}\n", sig);
    if (n > 0 && write(1, line, (size_t)n) < 0)
        _exit(3);
}

static void need(int argc, int i, int n, const char *op)
{
    if (i + n >= argc) {
        fprintf(stderr, "void-do: %s needs %d argument(s)\n", op, n);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *op = argv[i];
        if (strcmp(op, "read") == 0) {
            need(argc, i, 1, op);
            op_read(argv[++i]);
        } else if (strcmp(op, "write") == 0) {
            need(argc, i, 2, op);
            op_write(argv[i + 1], argv[i + 2]);
            i += 2;
        } else if (strcmp(op, "mkdir") == 0) {
            need(argc, i, 1, op);
            i++;
            int ok = mkdir(argv[i], 0755) == 0;
            result("mkdir", argv[i], ok, errno);
        } else if (strcmp(op, "echo") == 0) {
            need(argc, i, 1, op);
            printf("{\"op\": \"echo\", \"text\": ");
            json_str(argv[++i]);
            printf("}\n");
            fflush(stdout);
        } else if (strcmp(op, "sleep") == 0) {
            need(argc, i, 1, op);
            printf("{\"op\": \"sleep\", \"label\": ");
            json_str(argv[++i]);
            printf(", \"pid\": %d}\n", (int)getpid());
            fflush(stdout);
            for (;;)
                pause();
        } else if (strcmp(op, "trap") == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sa.sa_flags = SA_RESTART;
            sigaction(SIGINT, &sa, NULL);
            sigaction(SIGTERM, &sa, NULL);
            sigaction(SIGHUP, &sa, NULL);
            printf("{\"op\": \"trap\", \"ok\": true}\n");
            fflush(stdout);
        } else if (strcmp(op, "exit") == 0) {
            need(argc, i, 1, op);
            fflush(stdout);
            exit(atoi(argv[++i]));
        } else if (strcmp(op, "kill") == 0) {
            need(argc, i, 1, op);
            die_of(atoi(argv[++i]));
        } else if (strcmp(op, "segv") == 0) {
            fflush(stdout);
            prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
            signal(SIGSEGV, SIG_DFL);
            *(volatile int *)0 = 1;
        } else {
            fprintf(stderr, "void-do: unknown op '%s'\n", op);
            return 2;
        }
    }
    return 0;
}
