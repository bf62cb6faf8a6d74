/* static_dynamic: what a dynamically linked program costs against a static one, on the
 * host and in a void that must bind its interpreter and libraries.
 *
 * Each positional argument names one program and what it needs bound:
 *   NAME=PROGRAM[:LIB...]   (absolute paths; the driver lists the ELF interpreter and
 *                            libraries, which is what automatic library binding binds)
 * Each sample starts one program and reaps it, in two modes:
 *   host   vfork + execve, no namespaces: libc start-up and dynamic loading alone
 *   void   the floor sequence (clone3 with 7 namespaces, tmpfs root, a bind of the
 *          program and of each LIB, pivot_root, detach) + execve
 * Programs and modes are interleaved. Output: CSV program,mode,nbinds,iter,roundtrip_ns. */
#include "common.h"
#include "voidlib.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct program {
    const char *name;
    char *argv[2];
    struct void_bind_spec *libs;
    size_t nlibs;
};

static void parse_program(char *arg, struct program *p)
{
    char *eq = strchr(arg, '=');
    char *tok;

    if (!eq) {
        fprintf(stderr, "static_dynamic: expected NAME=PROGRAM[:LIB...], got %s\n", arg);
        exit(2);
    }
    *eq = '\0';
    p->name = arg;
    p->argv[0] = strtok(eq + 1, ":");
    p->argv[1] = NULL;
    p->libs = NULL;
    p->nlibs = 0;
    while ((tok = strtok(NULL, ":")) != NULL) {
        p->libs = realloc(p->libs, (p->nlibs + 1) * sizeof *p->libs);
        if (!p->libs)
            die("realloc");
        /* Bind the file itself at the path the loader asks for: a symlink such as
         * /lib64/ld-linux-x86-64.so.2 -> /lib/... would not resolve in the void. */
        p->libs[p->nlibs].src = realpath(tok, NULL);
        if (!p->libs[p->nlibs].src)
            die(tok);
        p->libs[p->nlibs++].dst = tok;
    }
}

static pid_t start_host(const struct program *p)
{
    static char *const envp[] = { NULL };
    pid_t pid = vfork();

    if (pid == 0) {
        execve(p->argv[0], p->argv, envp);
        _exit(127);
    }
    return pid;
}

static uint64_t one(const struct program *p, int in_void)
{
    uint64_t t0 = now_ns();
    const struct void_spec v = { NS_ALL7, "/tmp", p->argv, p->libs, p->nlibs, getuid(),
                           getgid(), -1, 0, NULL };
    pid_t pid = in_void ? void_spawn(&v) : start_host(p);

    if (pid < 0)
        die("start");
    if (reap(pid) != 0) {
        fprintf(stderr, "static_dynamic: %s failed (%s)\n", p->name, in_void ? "void" : "host");
        exit(1);
    }
    return now_ns() - t0;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    struct program *progs;
    FILE *out;

    bench_parse(argc, argv, &o, "NAME=PROGRAM[:LIB...]...");
    if (o.argc < 1)
        return 2;
    progs = calloc((size_t)o.argc, sizeof *progs);
    if (!progs)
        die("calloc");
    for (int a = 0; a < o.argc; a++)
        parse_program(o.argv[a], &progs[a]);
    out = csv_open(o.out, "program,mode,nbinds,iter,roundtrip_ns");
    for (long i = -o.warmup; i < o.iters; i++)
        for (int a = 0; a < o.argc; a++)
            for (int in_void = 0; in_void <= 1; in_void++) {
                uint64_t t = one(&progs[a], in_void);
                if (i >= 0)
                    fprintf(out, "%s,%s,%zu,%ld,%llu\n", progs[a].name,
                            in_void ? "void" : "host", in_void ? progs[a].nlibs + 1 : 0,
                            i, (unsigned long long)t);
            }
    csv_close(out);
    return 0;
}
