/* e2e_interleave: end-to-end start latency of several command lines, sample by sample.
 *
 * hyperfine runs all the runs of one command before the next, so on a machine shared
 * with other people's builds a burst of load lands on whichever command was running.
 * Here every round runs each command once, in an order shuffled per round (a fixed
 * order would make one command always pay the asynchronous teardown, e.g. of a network
 * namespace, left by the one before it), so load spreads evenly and the ratios between
 * commands hold up. A sample: posix_spawn (stdout/stderr to /dev/null, as hyperfine -N)
 * -> reaped. Output: CSV variant,round,ns.
 *
 *   e2e_interleave [-n ROUNDS] [-w WARMUP] [-o OUT] NAME=COMMAND_LINE...
 * (COMMAND_LINE is split at spaces: the paths used here contain none) */
#include "common.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

struct command { const char *name; char **argv; };

static char **split(char *line)
{
    size_t n = 0, cap = 8;
    char **argv = malloc(cap * sizeof *argv);

    for (char *tok = strtok(line, " "); argv && tok; tok = strtok(NULL, " ")) {
        if (n + 2 > cap)
            argv = realloc(argv, (cap *= 2) * sizeof *argv);
        if (argv)
            argv[n++] = tok;
    }
    if (!argv || n == 0)
        return NULL;
    argv[n] = NULL;
    return argv;
}

static void parse_command(char *arg, struct command *c)
{
    char *eq = strchr(arg, '=');

    if (!eq || !(c->argv = split(eq + 1))) {
        fprintf(stderr, "e2e_interleave: expected NAME=COMMAND, got %.60s\n", arg);
        exit(2);
    }
    *eq = '\0';
    c->name = arg;
}

static uint64_t run_once(const struct command *c, const posix_spawn_file_actions_t *fa)
{
    uint64_t t0 = now_ns();
    pid_t pid;
    int status;

    if (posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ) != 0)
        die(c->argv[0]);
    status = reap(pid);
    if (status != 0) {
        fprintf(stderr, "e2e_interleave: %s failed (wait status %d)\n", c->name, status);
        exit(1);
    }
    return now_ns() - t0;
}

/* xorshift64*: a fixed seed, so that a run's order can be repeated. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void shuffle(int *order, int n, uint64_t *seed)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(next_random(seed) % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    posix_spawn_file_actions_t fa;
    uint64_t seed = 20261201;
    struct command *cmds;
    int *order;
    FILE *out;

    bench_parse(argc, argv, &o, "NAME=COMMAND_LINE...");
    if (o.argc < 1)
        return 2;
    cmds = calloc((size_t)o.argc, sizeof *cmds);
    order = calloc((size_t)o.argc, sizeof *order);
    if (!cmds || !order)
        die("calloc");
    for (int i = 0; i < o.argc; i++) {
        parse_command(o.argv[i], &cmds[i]);
        order[i] = i;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    out = csv_open(o.out, "variant,round,ns");
    for (long r = -o.warmup; r < o.iters; r++) {
        shuffle(order, o.argc, &seed);
        for (int k = 0; k < o.argc; k++) {
            uint64_t t = run_once(&cmds[order[k]], &fa);
            if (r >= 0)
                fprintf(out, "%s,%ld,%llu\n", cmds[order[k]].name, r, (unsigned long long)t);
        }
    }
    csv_close(out);
    return 0;
}
