/* void-canary serve: the command loop between the harness and the canaries.
 *
 * Protocol (line-based, on stdin/stdout):
 *   helper -> harness, once:  {"ready":true, "nonce":..., "dir":..., ..., "args":[...]}
 *   harness -> helper:        RUN <timeout_ms> <argc>\n then argc lines, one argument each
 *   helper -> harness:        {"status":..., "exit":..., "signal":..., "timed_out":...,
 *                              "ms":..., "stdout":..., "stderr":..., "evidence":[...]}
 *   harness -> helper:        QUIT\n (or EOF)
 *   helper -> harness:        {"cleaned":true|false}
 */
#include "canary.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUN_ARGS 96

static void print_string_field(const char *name, const char *value, bool comma)
{
    printf("\"%s\":", name);
    json_string(stdout, value);
    if (comma)
        putchar(',');
}

static void print_ready(const struct canaries *c)
{
    char *args[96];
    int n = canary_args(c, args, 96);
    printf("{\"ready\":true,");
    print_string_field("nonce", c->nonce, true);
    print_string_field("base", c->base, true);
    print_string_field("dir", c->dir, true);
    print_string_field("file", c->file, true);
    print_string_field("dir_ro", c->dir_ro, true);
    print_string_field("masked", c->secret, true);
    print_string_field("state", c->state_dir, true);
    print_string_field("pty", c->pty_reader >= 0 ? c->pty_path : "", true);
    print_string_field("mq", c->mq, true);
    print_string_field("pshm", c->pshm, true);
    printf("\"sentinel\":%d,\"args\":[", (int)c->sentinel);
    for (int i = 0; i < n; i++) {
        json_string(stdout, args[i]);
        if (i + 1 < n)
            putchar(',');
    }
    printf("]}\n");
    fflush(stdout);
}

static void print_result(const struct launch_result *r)
{
    int exit_code = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
    int sig = WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0;
    printf("{\"exit\":%d,\"signal\":%d,\"timed_out\":%s,\"ms\":%ld,", exit_code, sig,
           r->timed_out ? "true" : "false", r->ms);
    print_string_field("stdout", r->out, true);
    print_string_field("stderr", r->err, true);
    printf("\"evidence\":[");
    for (int i = 0; i < r->ev.n; i++) {
        json_string(stdout, r->ev.items[i]);
        if (i + 1 < r->ev.n)
            putchar(',');
    }
    printf("]}\n");
    fflush(stdout);
}

static char *read_line(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin))
        return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static int run_command(struct canaries *c, int timeout_ms, int argc)
{
    static char store[MAX_RUN_ARGS][PATH_MAX];
    char *argv[MAX_RUN_ARGS + 1];
    if (argc < 1 || argc > MAX_RUN_ARGS)
        return -1;
    for (int i = 0; i < argc; i++)
        if (!read_line(store[i], sizeof store[i]))
            return -1;
        else
            argv[i] = store[i];
    argv[argc] = NULL;
    struct launch_result r;
    launch(c, argv, timeout_ms, &r);
    print_result(&r);
    free(r.out);
    free(r.err);
    return 0;
}

static void command_loop(struct canaries *c)
{
    char line[256];
    while (read_line(line, sizeof line)) {
        int timeout_ms, argc;
        if (strcmp(line, "QUIT") == 0)
            return;
        if (sscanf(line, "RUN %d %d", &timeout_ms, &argc) == 2 && run_command(c, timeout_ms, argc) == 0)
            continue;
        printf("{\"error\":\"bad command\"}\n");
        fflush(stdout);
    }
}

static const char *option(int argc, char **argv, const char *name, const char *fallback)
{
    size_t n = strlen(name);
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    return fallback;
}

static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int serve(int argc, char **argv)
{
    static struct canaries c;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        return 125;
    self[n] = '\0';
    signal(SIGPIPE, SIG_IGN);
    canaries_init(&c);
    pid_t janitor;
    int janitor_pipe = janitor_start(&janitor);
    if (janitor_pipe < 0) {
        fprintf(stderr, "void-canary: starting the janitor: %s\n", strerror(errno));
        return 125;
    }
    if (canaries_create(&c, option(argc, argv, "--base", "/tmp"), !flag(argc, argv, "--no-pty"), self,
                        janitor_pipe) < 0) {
        fprintf(stderr, "void-canary: creating the canaries: %s\n", strerror(errno));
        janitor_finish(janitor_pipe, janitor);     /* removes what was made */
        return 125;
    }
    struct evidence setup = { .n = 0 };
    listeners_serve(&c, &setup, 0);        /* the leaked C-TCP connection */
    print_ready(&c);
    command_loop(&c);
    int clean = janitor_finish(janitor_pipe, janitor);
    printf("{\"cleaned\":%s}\n", clean == 0 ? "true" : "false");
    return clean == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (strcmp(name, "void-canary-sentinel") == 0)
        return sentinel_main(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "serve") == 0)
        return serve(argc, argv);
    fprintf(stderr, "usage: void-canary serve [--base=DIR] [--no-pty]\n");
    return 2;
}
