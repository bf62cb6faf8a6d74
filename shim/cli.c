#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elf_deps.h"
#include "host_path.h"
#include "version.h"

static const char usage_text[] =
    "Usage: void-shim [OPTIONS] [--] PROGRAM [ARGS...]\n"
    "Run PROGRAM in a void: new user, mount, pid, net, ipc, uts, cgroup and time\n"
    "namespaces, an empty read-only tmpfs root, no inherited fds, no capabilities,\n"
    "an empty environment. Only what the options name is handed back.\n"
    "\n"
    "  -b, --bind SRC[:DST]     bind host SRC at DST (default: SRC), read-only, nosuid, nodev\n"
    "  -B, --bind-rw SRC[:DST]  the same, writable\n"
    "  -t, --tmpfs DST          a fresh, empty, writable tmpfs at DST\n"
    "  -p, --proc               the void's own procfs at /proc (subset=pid, hidepid=invisible)\n"
    "  -d, --dev                a minimal /dev: null, zero, full, random, urandom\n"
    "      --stdin, --stdout, --stderr\n"
    "                           pass the shim's stdin/stdout/stderr (else /dev/null)\n"
    "      --fd N               keep file descriptor N open, at the same number\n"
    "      --hostname NAME      hostname inside the void (default: void)\n"
    "      --loopback           bring the loopback interface up (down otherwise)\n"
    "  -e, --env NAME=VALUE     add to the (otherwise empty) environment\n"
    "      --no-libs            do not bind PROGRAM's ELF interpreter and libraries\n"
    "      --no-seccomp         leave out the filter that takes perf events, BPF,\n"
    "                           userfaultfd, io_uring and the keyring calls away\n"
    "      --tmpdir DIR         staging mount point (default: $TMPDIR, else /tmp)\n"
    "      --timings            print per-step durations (JSON, microseconds) on stderr\n"
    "  -v, --verbose            print the plan and the steps on stderr\n"
    "  -n, --dry-run            print the plan on stdout and exit; run nothing\n"
    "\n"
    "Specification mode: void-shim -s SPEC.json [--daemon] [-v] BINARY [ARGS...]\n"
    "  -s, --spec SPEC          run the application SPEC describes; every entrypoint\n"
    "                           execs BINARY in a void of its own\n"
    "      --check SPEC         validate SPEC and print its plan; run nothing\n"
    "      --graph SPEC         print SPEC as a Graphviz DOT graph; run nothing\n"
    "      --daemon             with -s: detach once the application has started\n"
    "  -h, --help               print this help and exit\n"
    "  -V, --version            print the version and exit\n"
    "\n"
    "Exit status: PROGRAM's own; 128+N if it died of signal N; 125 if void-shim\n"
    "failed; 126 if PROGRAM is not executable; 127 if it was not found.\n"
    "See void-shim(1).\n";

enum long_only {
    OPT_STDIN = 256, OPT_STDOUT, OPT_STDERR, OPT_FD, OPT_HOSTNAME, OPT_LOOPBACK,
    OPT_NO_LIBS, OPT_NO_SECCOMP, OPT_TMPDIR, OPT_TIMINGS, OPT_CHECK, OPT_GRAPH, OPT_DAEMON,
};

static const struct option long_options[] = {
    {"bind", required_argument, NULL, 'b'},
    {"bind-rw", required_argument, NULL, 'B'},
    {"tmpfs", required_argument, NULL, 't'},
    {"proc", no_argument, NULL, 'p'},
    {"dev", no_argument, NULL, 'd'},
    {"stdin", no_argument, NULL, OPT_STDIN},
    {"stdout", no_argument, NULL, OPT_STDOUT},
    {"stderr", no_argument, NULL, OPT_STDERR},
    {"fd", required_argument, NULL, OPT_FD},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"loopback", no_argument, NULL, OPT_LOOPBACK},
    {"env", required_argument, NULL, 'e'},
    {"no-libs", no_argument, NULL, OPT_NO_LIBS},
    {"no-seccomp", no_argument, NULL, OPT_NO_SECCOMP},
    {"tmpdir", required_argument, NULL, OPT_TMPDIR},
    {"timings", no_argument, NULL, OPT_TIMINGS},
    {"verbose", no_argument, NULL, 'v'},
    {"dry-run", no_argument, NULL, 'n'},
    {"spec", required_argument, NULL, 's'},
    {"check", required_argument, NULL, OPT_CHECK},
    {"graph", required_argument, NULL, OPT_GRAPH},
    {"daemon", no_argument, NULL, OPT_DAEMON},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};


static int add_bind(struct plan *plan, const char *option, const char *value,
                    unsigned flags, struct shim_error *err)
{
    char src[PATH_MAX], canonical[PATH_MAX], dst[PATH_MAX];
    const char *colon = strchr(value, ':');
    size_t src_len = colon ? (size_t)(colon - value) : strlen(value);
    if (src_len == 0 || src_len >= sizeof src)
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "%s %s: expected SRC[:DST] with a non-empty SRC", option, value);
    memcpy(src, value, src_len);
    src[src_len] = '\0';
    bool is_dir = false;
    if (host_check_path(option, src, SYMLINKS_REFUSE, canonical, &is_dir, err) != 0)
        return -1;
    /* Without DST the source appears where the user named it, or at its canonical
     * path when the name was relative. */
    const char *want = colon ? colon + 1 : (src[0] == '/' ? src : canonical);
    if (path_normalise(option, value, want, dst, err) != 0)
        return -1;
    return plan_add_op(plan, OP_BIND, flags, canonical, dst, is_dir, option, err);
}

static int add_tmpfs(struct plan *plan, const char *value, struct shim_error *err)
{
    char dst[PATH_MAX];
    if (path_normalise("--tmpfs", value, value, dst, err) != 0)
        return -1;
    return plan_add_op(plan, OP_TMPFS, OP_RW, NULL, dst, true, "--tmpfs", err);
}

static int parse_fd(struct plan *plan, const char *value, struct shim_error *err)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || n > INT_MAX)
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "--fd %s: expected a file descriptor number (a non-negative "
                         "integer)", value);
    if (fcntl((int)n, F_GETFD) == -1)
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "--fd %s: file descriptor %ld is not open", value, n);
    if (n <= 2) {
        bool *keep[] = {&plan->keep_stdin, &plan->keep_stdout, &plan->keep_stderr};
        *keep[n] = true;
        return 0;
    }
    for (size_t i = 0; i < plan->n_keep_fds; i++)
        if (plan->keep_fds[i] == n)
            return 0;
    if (plan->n_keep_fds == PLAN_MAX_FDS)
        return error_set(err, EXIT_SHIM_ERROR, 0, "--fd %s: at most %d descriptors",
                         value, PLAN_MAX_FDS);
    plan->keep_fds[plan->n_keep_fds++] = (int)n;
    return 0;
}

static int parse_env(struct plan *plan, const char *value, struct shim_error *err)
{
    const char *eq = strchr(value, '=');
    if (!eq || eq == value)
        return error_set(err, EXIT_SHIM_ERROR, 0, "--env %s: expected NAME=VALUE", value);
    plan_add_env(plan, value);
    return 0;
}

static int set_string(char **field, const char *value)
{
    free(*field);
    *field = strdup(value);
    return *field ? 0 : -1;
}

static int parse_hostname(struct plan *plan, const char *value, struct shim_error *err)
{
    size_t len = strlen(value);
    if (len == 0 || len > 64)
        return error_set(err, EXIT_SHIM_ERROR, 0,
                         "--hostname %s: expected 1 to 64 characters", value);
    return set_string(&plan->hostname, value);
}

static int check_tmpdir(struct plan *plan, const char *option, const char *value,
                        struct shim_error *err)
{
    struct stat st;
    if (value[0] != '/')
        return error_set(err, EXIT_SHIM_ERROR, 0, "%s %s: expected an absolute path",
                         option, value);
    if (stat(value, &st) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "%s %s", option, value);
    if (!S_ISDIR(st.st_mode))
        return error_set(err, EXIT_SHIM_ERROR, ENOTDIR, "%s %s", option, value);
    return set_string(&plan->tmpdir, value);
}

static int set_mode(struct plan *plan, enum plan_mode mode, const char *option,
                    const char *spec, struct shim_error *err)
{
    if (plan->mode != MODE_PROGRAM)
        return error_set(err, EXIT_SHIM_ERROR, 0, "%s %s: only one of -s, --check and "
                         "--graph may be given", option, spec);
    plan->mode = mode;
    return set_string(&plan->spec_path, spec);
}

/* Options that shape one void; in specification mode the spec says these per
 * entrypoint. */
static bool is_per_void_option(int opt)
{
    return opt != 'v' && opt != 'n' && opt != 's' && opt != OPT_CHECK && opt != OPT_GRAPH &&
           opt != OPT_DAEMON && opt != OPT_TMPDIR && opt != OPT_TIMINGS;
}

static int apply_option(struct plan *plan, int opt, const char *arg, struct shim_error *err)
{
    switch (opt) {
    case 'b': return add_bind(plan, "--bind", arg, 0, err);
    case 'B': return add_bind(plan, "--bind-rw", arg, OP_RW, err);
    case 't': return add_tmpfs(plan, arg, err);
    case 'p': return plan_has_dst(plan, "/proc") ? 0
                     : plan_add_op(plan, OP_PROC, 0, NULL, "/proc", true, "--proc", err);
    case 'd': return plan_add_dev(plan, "--dev", err);
    case OPT_STDIN: plan->keep_stdin = true; return 0;
    case OPT_STDOUT: plan->keep_stdout = true; return 0;
    case OPT_STDERR: plan->keep_stderr = true; return 0;
    case OPT_FD: return parse_fd(plan, arg, err);
    case OPT_HOSTNAME: return parse_hostname(plan, arg, err);
    case OPT_LOOPBACK: plan->loopback = true; return 0;
    case 'e': return parse_env(plan, arg, err);
    case OPT_NO_LIBS: plan->no_libs = true; return 0;
    case OPT_NO_SECCOMP: plan->no_seccomp = true; return 0;
    case OPT_TMPDIR: return check_tmpdir(plan, "--tmpdir", arg, err);
    case OPT_TIMINGS: plan->timings = true; return 0;
    case 'v': plan->verbose = true; return 0;
    case 'n': plan->dry_run = true; return 0;
    case 's': return set_mode(plan, MODE_SPEC_RUN, "-s", arg, err);
    case OPT_CHECK: return set_mode(plan, MODE_SPEC_CHECK, "--check", arg, err);
    case OPT_GRAPH: return set_mode(plan, MODE_SPEC_GRAPH, "--graph", arg, err);
    case OPT_DAEMON: plan->daemon = true; return 0;
    }
    return error_set(err, EXIT_SHIM_ERROR, 0, "internal: unhandled option %d", opt);
}

static long elapsed_us(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000L + (now.tv_nsec - since->tv_nsec) / 1000;
}

static int add_program(struct plan *plan, int argc, char **argv, struct shim_error *err)
{
    char path[PATH_MAX], what[PATH_MAX + 16];
    snprintf(what, sizeof what, "PROGRAM %s", argv[0]);
    if (host_find_program(what, argv[0], path, err) != 0)
        return -1;
    plan->exec_path = strdup(path);
    plan->argv = calloc((size_t)argc + 1, sizeof *plan->argv);
    if (!plan->exec_path || !plan->argv)
        return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "PROGRAM %s", argv[0]);
    for (int i = 0; i < argc; i++)
        if (!(plan->argv[i] = strdup(argv[i])))
            return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "PROGRAM %s", argv[0]);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t first = plan->n_ops;
    int r = deps_add_program(plan, plan->exec_path, !plan->no_libs, err);
    plan->resolve_us = elapsed_us(&start);
    for (size_t i = first; i < plan->n_ops; i++)
        plan->ops[i].flags |= OP_IMPLICIT;
    return r == 0 ? plan_check_program_path(plan, err) : r;
}

/* Specification mode: BINARY and ARGS are kept as given; the spec front end resolves
 * BINARY once it knows each entrypoint's environment. */
static int keep_trailing(struct plan *plan, int argc, char **argv, struct shim_error *err)
{
    if (argc == 0 && plan->mode == MODE_SPEC_RUN)
        return error_set(err, EXIT_SHIM_ERROR, 0, "-s %s: no BINARY given; usage: void-shim "
                         "-s SPEC.json BINARY [ARGS...]", plan->spec_path);
    plan->argv = calloc((size_t)argc + 1, sizeof *plan->argv);
    if (!plan->argv)
        return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "-s");
    for (int i = 0; i < argc; i++)
        if (!(plan->argv[i] = strdup(argv[i])))
            return error_set(err, EXIT_SHIM_ERROR, ENOMEM, "-s");
    return 0;
}

static int option_error(int opt, int argc, char **argv, struct shim_error *err)
{
    const char *arg = optind - 1 < argc ? argv[optind - 1] : "";
    char name[64];
    if (optopt && optopt < 256 && strncmp(arg, "--", 2) != 0)
        snprintf(name, sizeof name, "-%c", optopt);
    else
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    if (opt == ':')
        return error_set(err, EXIT_SHIM_ERROR, 0, "option %s needs a value; see void-shim "
                         "--help", name);
    return error_set(err, EXIT_SHIM_ERROR, 0, "unknown option %s; see void-shim --help",
                     name);
}

enum cli_result cli_parse(int argc, char **argv, struct plan *plan, struct shim_error *err)
{
    optind = 0;   /* full reinitialisation, so that tests may call this repeatedly */
    opterr = 0;
    int opt;
    const char *per_void_option = NULL;
    while ((opt = getopt_long(argc, argv, "+:b:B:t:pde:vnhVs:", long_options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return CLI_DONE;
        }
        if (opt == 'V') {
            printf("void-shim %s\n", VOID_SHIM_VERSION);
            return CLI_DONE;
        }
        if (opt == '?' || opt == ':')
            return option_error(opt, argc, argv, err), CLI_ERROR;
        if (!per_void_option && is_per_void_option(opt))
            per_void_option = argv[optind - 1];
        if (apply_option(plan, opt, optarg, err) != 0)
            return CLI_ERROR;
    }
    if (plan->mode != MODE_PROGRAM && per_void_option) {
        error_set(err, EXIT_SHIM_ERROR, 0, "option %s: not with a specification; declare "
                  "it in the entrypoint's \"environment\" instead", per_void_option);
        return CLI_ERROR;
    }
    if (plan->mode != MODE_PROGRAM && (plan->dry_run || plan->timings)) {
        error_set(err, EXIT_SHIM_ERROR, 0, "option %s: not with a specification%s",
                  plan->dry_run ? "--dry-run" : "--timings",
                  plan->dry_run ? "; --check SPEC [BINARY] prints its plan" : "");
        return CLI_ERROR;
    }
    if (plan->daemon && plan->mode != MODE_SPEC_RUN) {
        error_set(err, EXIT_SHIM_ERROR, 0, "option --daemon: only with -s SPEC");
        return CLI_ERROR;
    }
    if (optind >= argc && plan->mode == MODE_PROGRAM) {
        error_set(err, EXIT_SHIM_ERROR, 0, "no PROGRAM given; see void-shim --help");
        return CLI_ERROR;
    }
    if (!plan->tmpdir) {
        const char *tmpdir = getenv("TMPDIR");
        const char *option = tmpdir && *tmpdir ? "TMPDIR" : "--tmpdir";
        if (check_tmpdir(plan, option, tmpdir && *tmpdir ? tmpdir : "/tmp", err) != 0)
            return CLI_ERROR;
    }
    if (plan->mode != MODE_PROGRAM)
        return keep_trailing(plan, argc - optind, argv + optind, err) == 0 ? CLI_RUN
                                                                         : CLI_ERROR;
    if (add_program(plan, argc - optind, argv + optind, err) != 0)
        return CLI_ERROR;
    return CLI_RUN;
}
