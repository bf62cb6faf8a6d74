/* Unit tests of the command-line front end: cli_parse turns argv into a validated plan
 * and touches nothing. Host fixtures (a file, a directory, a dangling symlink, a file
 * without execute permission) live in a temporary directory made by the group setup. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "plan.h"

struct fixture {
    char dir[PATH_MAX];       /* the temporary directory (canonical) */
    char file[PATH_MAX + 16];     /* dir/file.txt */
    char subdir[PATH_MAX + 16];   /* dir/sub */
    char dangling[PATH_MAX + 16]; /* dir/dangling -> dir/nowhere */
    char noexec[PATH_MAX + 16];   /* dir/noexec, mode 0644 */
    char missing[PATH_MAX + 16];  /* dir/missing (does not exist) */
};

static struct fixture fx;

static int group_setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/void-test-cli-XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, fx.dir))
        return -1;
    snprintf(fx.file, sizeof fx.file, "%s/file.txt", fx.dir);
    snprintf(fx.subdir, sizeof fx.subdir, "%s/sub", fx.dir);
    snprintf(fx.dangling, sizeof fx.dangling, "%s/dangling", fx.dir);
    snprintf(fx.noexec, sizeof fx.noexec, "%s/noexec", fx.dir);
    snprintf(fx.missing, sizeof fx.missing, "%s/missing", fx.dir);
    char nowhere[PATH_MAX + 16];
    snprintf(nowhere, sizeof nowhere, "%s/nowhere", fx.dir);
    int fd = open(fx.file, O_WRONLY | O_CREAT | O_EXCL, 0644);
    int fd2 = open(fx.noexec, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || fd2 < 0 || write(fd2, "#!/bin/sh\n", 10) != 10)
        return -1;
    close(fd);
    close(fd2);
    if (mkdir(fx.subdir, 0755) != 0 || symlink(nowhere, fx.dangling) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(fx.file);
    unlink(fx.noexec);
    unlink(fx.dangling);
    /* Links the symlink tests make, in case a failed assertion skipped their unlink. */
    static const char *const links[] = {"link-to-file", "link-to-dir", "bin-link"};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", fx.dir, links[i]);
        unlink(path);
    }
    rmdir(fx.subdir);
    return rmdir(fx.dir);
}

/* Each test gets a fresh plan and a fixed environment. */
struct t {
    struct plan plan;
    struct shim_error err;
};

static int setup(void **state)
{
    struct t *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    plan_init(&t->plan);
    unsetenv("TMPDIR");
    setenv("PATH", "/usr/bin:/bin", 1);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    plan_free(&t->plan);
    free(t);
    return 0;
}

#define ARGV(...) ((char *[]){"void-shim", __VA_ARGS__, NULL})

static enum cli_result parse(struct t *t, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return cli_parse(argc, argv, &t->plan, &t->err);
}

static const struct mount_op *find_op(const struct plan *plan, const char *dst)
{
    for (size_t i = 0; i < plan->n_ops; i++)
        if (strcmp(plan->ops[i].dst, dst) == 0)
            return &plan->ops[i];
    return NULL;
}

static size_t count_explicit_ops(const struct plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_ops; i++)
        if (!(plan->ops[i].flags & OP_IMPLICIT))
            n++;
    return n;
}

static bool has_loader(const struct plan *plan)
{
    for (size_t i = 0; i < plan->n_ops; i++)
        if (strstr(plan->ops[i].dst, "ld-linux") || strstr(plan->ops[i].dst, "/ld-"))
            return true;
    return false;
}

/* The error is the expected status and its message names every given string. */
static void expect_error(struct t *t, char **argv, int status, const char *a, const char *b)
{
    assert_int_equal(parse(t, argv), CLI_ERROR);
    assert_int_equal(t->err.status, status);
    if (a && !strstr(t->err.msg, a))
        fail_msg("message \"%s\" does not name \"%s\"", t->err.msg, a);
    if (b && !strstr(t->err.msg, b))
        fail_msg("message \"%s\" does not name \"%s\"", t->err.msg, b);
    assert_null(strchr(t->err.msg, '\n'));
}

/* ------------------------------------------------------------------ defaults */

static void test_defaults(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("/bin/true")), CLI_RUN);
    struct plan *p = &t->plan;
    assert_string_equal(p->hostname, "void");
    assert_false(p->loopback);
    assert_false(p->no_libs);
    assert_false(p->timings);
    assert_false(p->verbose);
    assert_false(p->keep_stdin);
    assert_false(p->keep_stdout);
    assert_false(p->keep_stderr);
    assert_int_equal(p->n_keep_fds, 0);
    assert_int_equal(p->n_env, 0);
    assert_null(p->envp[0]);
    assert_string_equal(p->tmpdir, "/tmp");
    assert_non_null(p->exec_path);
    assert_string_equal(p->exec_path, "/bin/true");
    assert_string_equal(p->argv[0], "/bin/true");
    assert_null(p->argv[1]);
    /* Only the program and what it needs: nothing declared. */
    assert_int_equal(count_explicit_ops(p), 0);
    char canonical[PATH_MAX];
    assert_non_null(realpath("/bin/true", canonical));
    const struct mount_op *op = find_op(p, canonical);
    assert_non_null(op);
    assert_int_equal(op->kind, OP_BIND);
    assert_false(op->flags & OP_RW);
    assert_true(has_loader(p));
    assert_null(find_op(p, "/proc"));
    assert_null(find_op(p, "/dev/null"));
}

static void test_tmpdir_from_environment(void **state)
{
    struct t *t = *state;
    setenv("TMPDIR", fx.dir, 1);
    assert_int_equal(parse(t, ARGV("/bin/true")), CLI_RUN);
    assert_string_equal(t->plan.tmpdir, fx.dir);
}

static void test_tmpdir_option(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--tmpdir", fx.subdir, "/bin/true")), CLI_RUN);
    assert_string_equal(t->plan.tmpdir, fx.subdir);
}

static void test_program_found_in_path(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("true")), CLI_RUN);
    assert_true(t->plan.exec_path[0] == '/');
    assert_string_equal(t->plan.exec_path, "/usr/bin/true");
    assert_string_equal(t->plan.argv[0], "true");
}

/* ------------------------------------------------------------------ binds */

static void test_bind_without_dst(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--bind", fx.subdir, "/bin/true")), CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, fx.subdir);
    assert_non_null(op);
    assert_int_equal(op->kind, OP_BIND);
    assert_string_equal(op->src, fx.subdir);
    assert_true(op->src_is_dir);
    assert_false(op->flags & (OP_RW | OP_DEVICES | OP_IMPLICIT));
    assert_int_equal(count_explicit_ops(&t->plan), 1);
}

static void test_bind_with_dst(void **state)
{
    struct t *t = *state;
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s:/data/file", fx.file);
    assert_int_equal(parse(t, ARGV("-b", arg, "/bin/true")), CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, "/data/file");
    assert_non_null(op);
    assert_int_equal(op->kind, OP_BIND);
    assert_string_equal(op->src, fx.file);
    assert_false(op->src_is_dir);
    assert_false(op->flags & OP_RW);
    assert_null(find_op(&t->plan, fx.file));
}

static void test_bind_relative_src(void **state)
{
    struct t *t = *state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fx.dir), 0);
    enum cli_result r = parse(t, ARGV("--bind", "file.txt", "--bind", "sub:/s", "/bin/true"));
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(r, CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, fx.file);
    assert_non_null(op);
    assert_string_equal(op->src, fx.file);
    op = find_op(&t->plan, "/s");
    assert_non_null(op);
    assert_string_equal(op->src, fx.subdir);
}

static void test_bind_dst_normalised(void **state)
{
    struct t *t = *state;
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s://a//b/", fx.subdir);
    assert_int_equal(parse(t, ARGV("--bind", arg, "/bin/true")), CLI_RUN);
    assert_non_null(find_op(&t->plan, "/a/b"));
}

static void test_bind_rw_flag(void **state)
{
    struct t *t = *state;
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s:/rw", fx.subdir);
    assert_int_equal(parse(t, ARGV("--bind-rw", arg, "-B", fx.file, "/bin/true")), CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, "/rw");
    assert_non_null(op);
    assert_int_equal(op->kind, OP_BIND);
    assert_true(op->flags & OP_RW);
    op = find_op(&t->plan, fx.file);
    assert_non_null(op);
    assert_true(op->flags & OP_RW);
}

static void test_tmpfs(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--tmpfs", "/scratch", "-t", "/other/", "/bin/true")),
                     CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, "/scratch");
    assert_non_null(op);
    assert_int_equal(op->kind, OP_TMPFS);
    assert_true(op->flags & OP_RW);
    assert_non_null(find_op(&t->plan, "/other"));
}

static void test_proc_and_dev(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--proc", "-d", "/bin/true")), CLI_RUN);
    const struct mount_op *op = find_op(&t->plan, "/proc");
    assert_non_null(op);
    assert_int_equal(op->kind, OP_PROC);
    static const char *const devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                       "/dev/urandom"};
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        op = find_op(&t->plan, devs[i]);
        if (!op)
            fail_msg("--dev did not add %s", devs[i]);
        assert_true(op->flags & OP_DEVICES);
    }
}

/* ------------------------------------------------------------------ other options */

static void test_env(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--env", "A=1", "-e", "B=two words", "-e", "C=",
                                   "/bin/true")),
                     CLI_RUN);
    assert_int_equal(t->plan.n_env, 3);
    assert_string_equal(t->plan.envp[0], "A=1");
    assert_string_equal(t->plan.envp[1], "B=two words");
    assert_string_equal(t->plan.envp[2], "C=");
    assert_null(t->plan.envp[3]);
}

static void test_env_without_equals(void **state)
{
    expect_error(*state, ARGV("--env", "NOVALUE", "/bin/true"), 125, "--env", "NOVALUE");
}

static void test_fd_kept(void **state)
{
    struct t *t = *state;
    int fd = fcntl(0, F_DUPFD, 40);
    if (fd < 0)
        fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 3);
    char num[16];
    snprintf(num, sizeof num, "%d", fd);
    enum cli_result r = parse(t, ARGV("--fd", num, "--fd", num, "/bin/true"));
    close(fd);
    assert_int_equal(r, CLI_RUN);
    assert_int_equal(t->plan.n_keep_fds, 1);
    assert_int_equal(t->plan.keep_fds[0], fd);
}

static void test_flags(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--stdin", "--stdout", "--stderr", "--loopback",
                                   "--timings", "-v", "--no-libs", "--hostname", "box",
                                   "/bin/true")),
                     CLI_RUN);
    struct plan *p = &t->plan;
    assert_true(p->keep_stdin && p->keep_stdout && p->keep_stderr);
    assert_true(p->loopback && p->timings && p->verbose && p->no_libs);
    assert_string_equal(p->hostname, "box");
}

static void test_no_libs_binds_only_the_program(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--no-libs", "/bin/true")), CLI_RUN);
    assert_false(has_loader(&t->plan));
    char canonical[PATH_MAX];
    assert_non_null(realpath("/bin/true", canonical));
    assert_non_null(find_op(&t->plan, canonical));
    for (size_t i = 0; i < t->plan.n_ops; i++)
        assert_true(t->plan.ops[i].kind == OP_SYMLINK ||
                    strcmp(t->plan.ops[i].dst, canonical) == 0);
}

static void test_help_and_version(void **state)
{
    struct t *t = *state;
    /* The text goes to stdout; keep it out of the test log. */
    fflush(stdout);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    assert_true(saved >= 0 && null >= 0);
    dup2(null, 1);
    enum cli_result help = parse(t, ARGV("--help"));
    enum cli_result version = parse(t, ARGV("-V"));
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(null);
    assert_int_equal(help, CLI_DONE);
    assert_int_equal(version, CLI_DONE);
}

/* ------------------------------------------------------------------ -- and PROGRAM */

static void test_double_dash(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--", "/bin/echo", "--bind", "x", "--")), CLI_RUN);
    char **a = t->plan.argv;
    assert_string_equal(a[0], "/bin/echo");
    assert_string_equal(a[1], "--bind");
    assert_string_equal(a[2], "x");
    assert_string_equal(a[3], "--");
    assert_null(a[4]);
    assert_int_equal(count_explicit_ops(&t->plan), 0);
}

static void test_options_after_program_belong_to_it(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--proc", "/bin/echo", "-b", "/nonexistent", "--help",
                                   "--fd", "abc")),
                     CLI_RUN);
    char **a = t->plan.argv;
    assert_string_equal(a[0], "/bin/echo");
    assert_string_equal(a[1], "-b");
    assert_string_equal(a[2], "/nonexistent");
    assert_string_equal(a[3], "--help");
    assert_string_equal(a[4], "--fd");
    assert_string_equal(a[5], "abc");
    assert_null(a[6]);
    assert_int_equal(count_explicit_ops(&t->plan), 1);   /* --proc only */
}

/* ------------------------------------------------------------------ bad input */

static void test_fd_not_numeric(void **state)
{
    expect_error(*state, ARGV("--fd", "abc", "/bin/true"), 125, "--fd", "abc");
}

static void test_fd_trailing_junk(void **state)
{
    expect_error(*state, ARGV("--fd", "5x", "/bin/true"), 125, "--fd", "5x");
}

static void test_fd_negative(void **state)
{
    expect_error(*state, ARGV("--fd", "-1", "/bin/true"), 125, "--fd", "-1");
}

static void test_fd_empty(void **state)
{
    expect_error(*state, ARGV("--fd", "", "/bin/true"), 125, "--fd", NULL);
}

static void test_fd_closed(void **state)
{
    close(777);
    expect_error(*state, ARGV("--fd", "777", "/bin/true"), 125, "--fd", "777");
}

static void test_dst_relative(void **state)
{
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s:rel/x", fx.file);
    expect_error(*state, ARGV("--bind", arg, "/bin/true"), 125, "--bind", "rel/x");
}

static void test_dst_dotdot(void **state)
{
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s:/a/../etc", fx.file);
    expect_error(*state, ARGV("--bind", arg, "/bin/true"), 125, "--bind", "/a/../etc");
}

static void test_dst_dot(void **state)
{
    char arg[2 * PATH_MAX];
    snprintf(arg, sizeof arg, "%s:/a/./b", fx.file);
    expect_error(*state, ARGV("-B", arg, "/bin/true"), 125, "--bind-rw", "/a/./b");
}

static void test_tmpfs_relative(void **state)
{
    expect_error(*state, ARGV("--tmpfs", "scratch", "/bin/true"), 125, "--tmpfs", "scratch");
}

static void test_tmpfs_dotdot(void **state)
{
    expect_error(*state, ARGV("--tmpfs", "/x/..", "/bin/true"), 125, "--tmpfs", "/x/..");
}

static void test_duplicate_dst(void **state)
{
    char a[2 * PATH_MAX], b[2 * PATH_MAX];
    snprintf(a, sizeof a, "%s:/same", fx.file);
    snprintf(b, sizeof b, "%s:/same/", fx.subdir);
    expect_error(*state, ARGV("--bind", a, "--bind", b, "/bin/true"), 125, "--bind", "/same");
}

static void test_duplicate_dst_bind_and_tmpfs(void **state)
{
    char a[2 * PATH_MAX];
    snprintf(a, sizeof a, "%s:/same", fx.subdir);
    expect_error(*state, ARGV("--bind", a, "--tmpfs", "/same", "/bin/true"), 125, "--tmpfs",
                 "/same");
}

static void test_missing_src(void **state)
{
    expect_error(*state, ARGV("--bind", fx.missing, "/bin/true"), 125, "--bind", fx.missing);
}

static void test_empty_src(void **state)
{
    expect_error(*state, ARGV("--bind", ":/x", "/bin/true"), 125, "--bind", ":/x");
}

static void test_dangling_symlink_src(void **state)
{
    expect_error(*state, ARGV("--bind-rw", fx.dangling, "/bin/true"), 125, "--bind-rw",
                 fx.dangling);
}

/* FS-13: a void with a writable bind could have planted the link; the command line
 * never resolves a source through one, and names the target instead. */
static void test_symlink_src_refused(void **state)
{
    char link[PATH_MAX + 32];
    snprintf(link, sizeof link, "%s/link-to-file", fx.dir);
    assert_int_equal(symlink(fx.file, link), 0);
    expect_error(*state, ARGV("--bind", link, "/bin/true"), 125, "is a symbolic link",
                 fx.file);
    unlink(link);
}

static void test_symlinked_parent_of_src_refused(void **state)
{
    char link[PATH_MAX + 32], through[PATH_MAX + 64];
    snprintf(link, sizeof link, "%s/link-to-dir", fx.dir);
    snprintf(through, sizeof through, "%s/link-to-dir", fx.dir);
    assert_int_equal(symlink(fx.dir, link), 0);
    snprintf(through, sizeof through, "%s/file.txt", link);
    expect_error(*state, ARGV("--bind", through, "/bin/true"), 125, link,
                 "is a symbolic link");
    unlink(link);
}

/* A destination through a symlink on PROGRAM's own path would hide the program. */
static void test_dst_through_program_symlink(void **state)
{
    char link[PATH_MAX + 32], program[PATH_MAX + 64], dst[PATH_MAX + 64];
    snprintf(link, sizeof link, "%s/bin-link", fx.dir);
    assert_int_equal(symlink("/usr/bin", link), 0);
    snprintf(program, sizeof program, "%s/true", link);
    snprintf(dst, sizeof dst, "%s/x", link);
    char bind[2 * PATH_MAX + 160];
    snprintf(bind, sizeof bind, "%s:%s", fx.file, dst);
    expect_error(*state, ARGV("--bind", bind, program), 125, "passes through", link);
    unlink(link);
}

static void test_program_not_found(void **state)
{
    expect_error(*state, ARGV("no-such-program-void-test"), 127,
                 "no-such-program-void-test", NULL);
}

static void test_program_path_not_found(void **state)
{
    expect_error(*state, ARGV(fx.missing), 127, fx.missing, NULL);
}

static void test_program_not_executable(void **state)
{
    expect_error(*state, ARGV(fx.noexec), 126, fx.noexec, NULL);
}

static void test_program_is_a_directory(void **state)
{
    expect_error(*state, ARGV(fx.subdir), 126, fx.subdir, NULL);
}

static void test_program_in_path_not_executable(void **state)
{
    setenv("PATH", fx.dir, 1);
    expect_error(*state, ARGV("noexec"), 126, "noexec", NULL);
}

static void test_no_program(void **state)
{
    struct t *t = *state;
    assert_int_equal(parse(t, ARGV("--proc")), CLI_ERROR);
    assert_int_equal(t->err.status, 125);
}

static void test_unknown_option(void **state)
{
    expect_error(*state, ARGV("--bogus", "/bin/true"), 125, "--bogus", NULL);
}

static void test_option_missing_value(void **state)
{
    expect_error(*state, ARGV("--hostname"), 125, "--hostname", NULL);
}

static void test_tmpdir_missing(void **state)
{
    expect_error(*state, ARGV("--tmpdir", fx.missing, "/bin/true"), 125, "--tmpdir",
                 fx.missing);
}

static void test_tmpdir_is_a_file(void **state)
{
    expect_error(*state, ARGV("--tmpdir", fx.file, "/bin/true"), 125, "--tmpdir", fx.file);
}

static void test_tmpdir_env_missing(void **state)
{
    setenv("TMPDIR", fx.missing, 1);
    expect_error(*state, ARGV("/bin/true"), 125, "TMPDIR", fx.missing);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_tmpdir_from_environment),
        T(test_tmpdir_option),
        T(test_program_found_in_path),
        T(test_bind_without_dst),
        T(test_bind_with_dst),
        T(test_bind_relative_src),
        T(test_bind_dst_normalised),
        T(test_bind_rw_flag),
        T(test_tmpfs),
        T(test_proc_and_dev),
        T(test_env),
        T(test_env_without_equals),
        T(test_fd_kept),
        T(test_flags),
        T(test_no_libs_binds_only_the_program),
        T(test_help_and_version),
        T(test_double_dash),
        T(test_options_after_program_belong_to_it),
        T(test_fd_not_numeric),
        T(test_fd_trailing_junk),
        T(test_fd_negative),
        T(test_fd_empty),
        T(test_fd_closed),
        T(test_dst_relative),
        T(test_dst_dotdot),
        T(test_dst_dot),
        T(test_tmpfs_relative),
        T(test_tmpfs_dotdot),
        T(test_duplicate_dst),
        T(test_duplicate_dst_bind_and_tmpfs),
        T(test_missing_src),
        T(test_empty_src),
        T(test_dangling_symlink_src),
        T(test_symlink_src_refused),
        T(test_symlinked_parent_of_src_refused),
        T(test_dst_through_program_symlink),
        T(test_program_not_found),
        T(test_program_path_not_found),
        T(test_program_not_executable),
        T(test_program_is_a_directory),
        T(test_program_in_path_not_executable),
        T(test_no_program),
        T(test_unknown_option),
        T(test_option_missing_value),
        T(test_tmpdir_missing),
        T(test_tmpdir_is_a_file),
        T(test_tmpdir_env_missing),
    };
#undef T
    return cmocka_run_group_tests_name("cli", tests, group_setup, group_teardown);
}
