/* ELF dependency resolution: the ops deps_add_program and deps_add_path add to a plan,
 * checked against the host (every symlink op is the host's link, every bind is a
 * canonical path) and, for the fixtures, against what the real loader does with them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "elf_deps.h"
#include "elf_deps_options.h"
#include "elf_read.h"
#include "ld_cache.h"

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory tests/elf_fixtures.mk builds"
#endif

extern char **environ;

struct ctx {
    struct plan plan;
    struct shim_error err;
    char tmp[64];
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof *c);
    plan_init(&c->plan);
    snprintf(c->tmp, sizeof c->tmp, "/tmp/test_elf_deps.XXXXXX");
    if (!mkdtemp(c->tmp))
        return -1;
    *state = c;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    plan_free(&c->plan);
    nftw(c->tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(c);
    return 0;
}

static const struct mount_op *find_op(const struct plan *plan, enum op_kind kind,
                                      const char *dst)
{
    for (size_t i = 0; i < plan->n_ops; i++)
        if (plan->ops[i].kind == kind && strcmp(plan->ops[i].dst, dst) == 0)
            return &plan->ops[i];
    return NULL;
}

static const struct mount_op *find_bind_ending(const struct plan *plan, const char *suffix)
{
    size_t n = strlen(suffix);
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        size_t len = strlen(op->dst);
        if (op->kind == OP_BIND && len >= n && strcmp(op->dst + len - n, suffix) == 0)
            return op;
    }
    return NULL;
}

static size_t count_origin(const struct plan *plan, const char *origin)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_ops; i++)
        n += strcmp(plan->ops[i].origin, origin) == 0;
    return n;
}

static void expect_bind_of_realpath(const struct plan *plan, const char *path)
{
    char real[PATH_MAX];
    assert_non_null(realpath(path, real));
    const struct mount_op *op = find_op(plan, OP_BIND, real);
    if (!op)
        fail_msg("no bind of %s (realpath of %s)", real, path);
    assert_string_equal(op->src, real);
    assert_int_equal(op->flags, 0);
}

/* Every op agrees with the host: symlink ops are the host's links at canonical
 * parents, binds are canonical paths. */
static void expect_ops_match_host(const struct plan *plan)
{
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        if (op->kind == OP_SYMLINK) {
            char text[PATH_MAX];
            ssize_t n = readlink(op->dst, text, sizeof text - 1);
            assert_true(n > 0);
            text[n] = '\0';
            assert_string_equal(text, op->src);
            char parent[PATH_MAX], real[PATH_MAX];
            snprintf(parent, sizeof parent, "%s", op->dst);
            *strrchr(parent, '/') = '\0';
            if (parent[0]) {
                assert_non_null(realpath(parent, real));
                assert_string_equal(real, parent);
            }
        } else if (op->kind == OP_BIND) {
            char real[PATH_MAX];
            assert_non_null(realpath(op->dst, real));
            assert_string_equal(real, op->dst);
            struct stat st;
            assert_int_equal(stat(op->dst, &st), 0);
            assert_int_equal(op->src_is_dir, S_ISDIR(st.st_mode));
        }
    }
}

static int run_status(const char *path)
{
    char *argv[] = { (char *)path, NULL };
    pid_t pid;
    int fd_null = open("/dev/null", O_WRONLY);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd_null, 2);
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd_null);
    if (rc != 0)
        return -1;
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

#define FIX(rel) FIXTURE_DIR "/" rel

/* ---- the host's own programs ---- */

static void test_ls_has_loader_symlinks_and_libc(void **state)
{
    struct ctx *c = *state;
    const char *ls = access("/bin/ls", X_OK) == 0 ? "/bin/ls" : "/usr/bin/ls";
    assert_int_equal(deps_add_program(&c->plan, ls, true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, ls);
    expect_bind_of_realpath(&c->plan, "/lib64/ld-linux-x86-64.so.2");
    assert_non_null(find_bind_ending(&c->plan, "/libc.so.6"));
    assert_int_equal(count_origin(&c->plan, "loader") >= 1, 1);
    struct stat st;
    if (lstat("/lib64", &st) == 0 && S_ISLNK(st.st_mode)) {
        const struct mount_op *op = find_op(&c->plan, OP_SYMLINK, "/lib64");
        assert_non_null(op);
        char text[PATH_MAX];
        ssize_t n = readlink("/lib64", text, sizeof text - 1);
        text[n > 0 ? n : 0] = '\0';
        assert_string_equal(op->src, text);
    }
    expect_ops_match_host(&c->plan);
    /* Every library of ls is in a default directory: the cache is not needed. */
    assert_null(find_op(&c->plan, OP_BIND, "/etc/ld.so.cache"));
    assert_int_equal(c->plan.n_env, 0);
}

static void test_debian_loader_chain(void **state)
{
    struct ctx *c = *state;
    char text[PATH_MAX];
    ssize_t n = readlink("/lib64/ld-linux-x86-64.so.2", text, sizeof text - 1);
    struct stat st;
    if (n <= 0 || lstat("/lib", &st) != 0 || !S_ISLNK(st.st_mode))
        skip();   /* not the merged-/usr Debian layout */
    text[n] = '\0';
    assert_int_equal(deps_add_path(&c->plan, "/lib64/ld-linux-x86-64.so.2", "loader", NULL,
                                   &c->err), 0);
    assert_int_equal(c->plan.n_ops, 4);
    assert_int_equal(c->plan.ops[0].kind, OP_SYMLINK);
    assert_string_equal(c->plan.ops[0].dst, "/lib64");
    assert_int_equal(c->plan.ops[1].kind, OP_SYMLINK);
    assert_string_equal(c->plan.ops[1].src, text);
    assert_int_equal(c->plan.ops[2].kind, OP_SYMLINK);
    assert_string_equal(c->plan.ops[2].dst, "/lib");
    assert_int_equal(c->plan.ops[3].kind, OP_BIND);
    expect_ops_match_host(&c->plan);
}

static void test_twice_skips_existing_destinations(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(deps_add_program(&c->plan, "/bin/ls", true, &c->err), 0);
    size_t n = c->plan.n_ops;
    assert_int_equal(deps_add_program(&c->plan, "/bin/ls", true, &c->err), 0);
    assert_int_equal(c->plan.n_ops, n);
    assert_int_equal(deps_add_program(&c->plan, "/bin/cat", true, &c->err), 0);
    expect_ops_match_host(&c->plan);
}

static void test_without_libs_only_the_program(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(deps_add_program(&c->plan, "/bin/ls", false, &c->err), 0);
    assert_int_equal(count_origin(&c->plan, "library"), 0);
    assert_int_equal(count_origin(&c->plan, "loader"), 0);
    expect_bind_of_realpath(&c->plan, "/bin/ls");
}

static void test_script_pulls_in_its_interpreter(void **state)
{
    struct ctx *c = *state;
    char script[PATH_MAX];
    snprintf(script, sizeof script, "%s/hello.sh", c->tmp);
    write_file(script, "#!/bin/sh -e\necho hello\n", 0755);
    assert_int_equal(deps_add_program(&c->plan, script, true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, script);
    expect_bind_of_realpath(&c->plan, "/bin/sh");
    assert_non_null(find_bind_ending(&c->plan, "/libc.so.6"));
    assert_int_equal(count_origin(&c->plan, "interpreter") >= 1, 1);
    expect_ops_match_host(&c->plan);
}

static void test_env_script_pulls_in_the_named_program(void **state)
{
    struct ctx *c = *state;
    if (access("/usr/bin/env", X_OK) != 0 || access("/bin/cat", X_OK) != 0)
        skip();
    char script[PATH_MAX];
    snprintf(script, sizeof script, "%s/env.sh", c->tmp);
    write_file(script, "#!/usr/bin/env cat\n", 0755);
    plan_add_env(&c->plan, "PATH=/nowhere:/bin");
    assert_int_equal(deps_add_program(&c->plan, script, true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, "/usr/bin/env");
    expect_bind_of_realpath(&c->plan, "/bin/cat");
    assert_non_null(find_op(&c->plan, OP_SYMLINK, "/bin"));
    expect_ops_match_host(&c->plan);
}

static void test_shebang_without_interpreter_is_an_error(void **state)
{
    struct ctx *c = *state;
    char script[PATH_MAX];
    snprintf(script, sizeof script, "%s/empty.sh", c->tmp);
    write_file(script, "#!   \necho\n", 0755);
    assert_int_equal(deps_add_program(&c->plan, script, true, &c->err), -1);
    assert_non_null(strstr(c->err.msg, "names no interpreter"));
}

static void test_script_loop_is_an_error(void **state)
{
    struct ctx *c = *state;
    char a[PATH_MAX], b[PATH_MAX], text[PATH_MAX + 8];
    snprintf(a, sizeof a, "%s/a.sh", c->tmp);
    snprintf(b, sizeof b, "%s/b.sh", c->tmp);
    snprintf(text, sizeof text, "#!%s\n", b);
    write_file(a, text, 0755);
    snprintf(text, sizeof text, "#!%s\n", a);
    write_file(b, text, 0755);
    assert_int_equal(deps_add_program(&c->plan, a, true, &c->err), -1);
    assert_int_equal(c->err.status, EXIT_SHIM_ERROR);
    assert_non_null(strstr(c->err.msg, strerror(ELOOP)));
}

/* ---- fixtures ---- */

static void test_static_program_has_no_deps(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/static_prog")), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/static_prog"), true, &c->err), 0);
    assert_int_equal(count_origin(&c->plan, "library"), 0);
    assert_int_equal(count_origin(&c->plan, "loader"), 0);
    expect_bind_of_realpath(&c->plan, FIX("bin/static_prog"));
}

static void test_runpath_origin(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/runpath_prog")), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/runpath_prog"), true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, FIX("lib/libfix.so.1"));
    expect_bind_of_realpath(&c->plan, FIX("lib/libfixdep.so.1"));
    assert_non_null(find_bind_ending(&c->plan, "/libc.so.6"));
    expect_ops_match_host(&c->plan);
    /* The void may have no /proc/self/exe for ld.so to learn $ORIGIN from. */
    char bin[PATH_MAX], expected[PATH_MAX + 32];
    assert_non_null(realpath(FIX("bin"), bin));
    snprintf(expected, sizeof expected, "LD_ORIGIN_PATH=%s", bin);
    assert_int_equal(c->plan.n_env, 1);
    assert_string_equal(c->plan.envp[0], expected);
}

static void test_rpath_is_inherited(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/rpath_prog")), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/rpath_prog"), true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, FIX("lib/libchain.so.1"));
    expect_bind_of_realpath(&c->plan, FIX("lib/libfixdep.so.1"));
}

static void test_runpath_is_not_inherited(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/runpath_chain_prog")), 127);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/runpath_chain_prog"), true,
                                      &c->err), -1);
    assert_int_equal(c->err.status, EXIT_SHIM_ERROR);
    assert_non_null(strstr(c->err.msg, "library libfixdep.so.1 needed by"));
    assert_non_null(strstr(c->err.msg, "libchain.so.1: not found"));
}

static void test_missing_library_is_named(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/missing_prog")), 127);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/missing_prog"), true, &c->err), -1);
    assert_int_equal(c->err.status, EXIT_SHIM_ERROR);
    assert_string_equal(c->err.msg,
                        "library libgone.so.1 needed by " FIX("bin/missing_prog")
                        ": not found (searched ld.so.cache, default directories)");
}

static void test_other_class_is_skipped(void **state)
{
    struct ctx *c = *state;
    struct stat st;
    if (stat(FIX("lib32/libfix.so.1"), &st) != 0 || st.st_size == 0)
        skip();   /* no 32-bit toolchain: no impostor was built */
    assert_int_equal(run_status(FIX("bin/mismatch_prog")), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/mismatch_prog"), true, &c->err), 0);
    expect_bind_of_realpath(&c->plan, FIX("lib/libfix.so.1"));
    char impostor[PATH_MAX];
    assert_non_null(realpath(FIX("lib32/libfix.so.1"), impostor));
    assert_null(find_op(&c->plan, OP_BIND, impostor));
}

static void test_lib_and_platform_tokens(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(run_status(FIX("bin/lib_token_prog")), 0);
    assert_int_equal(run_status(FIX("bin/platform_token_prog")), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/lib_token_prog"), true, &c->err), 0);
    assert_int_equal(deps_add_program(&c->plan, FIX("bin/platform_token_prog"), true,
                                      &c->err), 0);
    const struct mount_op *lib = NULL, *platform = NULL;
    for (size_t i = 0; i < c->plan.n_ops; i++) {
        const char *dst = c->plan.ops[i].dst;
        if (strstr(dst, "/libdst/lib/") && strstr(dst, "/libfix.so.1"))
            lib = &c->plan.ops[i];
        if (strstr(dst, "/platform/") && strstr(dst, "/libfix.so.1"))
            platform = &c->plan.ops[i];
    }
    assert_non_null(lib);
    assert_non_null(platform);
}

static void test_cache_outside_default_dirs_binds_the_cache(void **state)
{
    struct ctx *c = *state;
    const struct deps_options options = { .ld_cache_path = FIX("ld.so.cache") };
    assert_int_equal(deps_add_program_with(&c->plan, FIX("bin/cache_prog"), true, &options,
                                           &c->err), 0);
    expect_bind_of_realpath(&c->plan, FIX("cachelib/libcached.so.1"));
    expect_bind_of_realpath(&c->plan, FIX("ld.so.cache"));
    assert_int_equal(count_origin(&c->plan, "ld.so.cache"), 1);
}

static void test_elf32_object_is_read(void **state)
{
    (void)state;
    struct stat st;
    if (stat(FIX("lib32/libfix.so.1"), &st) != 0 || st.st_size == 0)
        skip();
    int fd = open(FIX("lib32/libfix.so.1"), O_RDONLY);
    assert_true(fd >= 0);
    unsigned char head[ELF_HEAD_SIZE];
    ssize_t got = pread(fd, head, sizeof head, 0);
    struct arena arena = { 0 };
    struct elf_object obj;
    const char *why = NULL;
    assert_int_equal(elf_object_read(fd, head, (size_t)got, &arena, &obj, &why), 0);
    close(fd);
    assert_int_equal(obj.id.cls, ELFCLASS32);
    assert_int_equal(obj.id.machine, EM_386);
    assert_true(obj.dynamic);
    assert_null(obj.interp);
    assert_int_equal(obj.n_needed, 0);
    assert_non_null(obj.soname);
    assert_string_equal(obj.soname, "libfix.so.1");
    arena_free(&arena);
}

static void test_elf64_object_is_read(void **state)
{
    (void)state;
    int fd = open(FIX("lib/libfix.so.1"), O_RDONLY);
    assert_true(fd >= 0);
    unsigned char head[ELF_HEAD_SIZE];
    ssize_t got = pread(fd, head, sizeof head, 0);
    struct arena arena = { 0 };
    struct elf_object obj;
    const char *why = NULL;
    assert_int_equal(elf_object_read(fd, head, (size_t)got, &arena, &obj, &why), 0);
    close(fd);
    assert_int_equal(obj.id.cls, ELFCLASS64);
    assert_string_equal(obj.soname, "libfix.so.1");
    assert_string_equal(obj.runpath, "$ORIGIN");
    assert_null(obj.rpath);
    assert_true(obj.n_needed >= 1);   /* libc.so.6 too, unless linked --as-needed */
    assert_string_equal(obj.needed[0], "libfixdep.so.1");
    arena_free(&arena);
}

/* ---- the cache reader ---- */

static void test_every_cache_entry_is_found(void **state)
{
    (void)state;
    struct ld_cache cache;
    assert_int_equal(ld_cache_open(&cache, "/etc/ld.so.cache"), 0);
    if (!cache.n_entries) {
        ld_cache_close(&cache);
        skip();
    }
    for (size_t i = 0; i < cache.n_entries; i++) {
        struct ld_cache_entry e;
        assert_true(ld_cache_entry(&cache, i, &e));
        size_t first, n = ld_cache_find(&cache, e.name, &first);
        if (!(first <= i && i < first + n))
            fail_msg("cache entry %zu (%s) not found by name", i, e.name);
    }
    size_t first;
    assert_int_equal(ld_cache_find(&cache, "libsurely-not-here.so.42", &first), 0);
    ld_cache_close(&cache);
}

static void test_cache_name_order(void **state)
{
    (void)state;
    assert_true(ld_cache_name_cmp("libfoo.so.10", "libfoo.so.9") > 0);
    assert_true(ld_cache_name_cmp("libfoo.so.1", "libfoo.so.1.2") < 0);
    assert_true(ld_cache_name_cmp("liba.so", "libb.so") < 0);
    assert_int_equal(ld_cache_name_cmp("libc.so.6", "libc.so.6"), 0);
}

/* ---- symlinks ---- */

static void test_symlink_chain(void **state)
{
    struct ctx *c = *state;
    char path[PATH_MAX + 16], real_tmp[PATH_MAX], dst[PATH_MAX + 16];
    assert_non_null(realpath(c->tmp, real_tmp));
    snprintf(path, sizeof path, "%s/dir", c->tmp);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/dir/file", c->tmp);
    write_file(path, "x", 0644);
    snprintf(path, sizeof path, "%s/sub", c->tmp);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/b", c->tmp);
    assert_int_equal(symlink("sub/../dir/file", path), 0);
    snprintf(path, sizeof path, "%s/sub/a", c->tmp);
    assert_int_equal(symlink("../b", path), 0);
    snprintf(path, sizeof path, "%s/sub/a", real_tmp);
    char canonical[PATH_MAX];
    assert_int_equal(deps_add_path(&c->plan, path, "--test", canonical, &c->err), 0);
    assert_int_equal(c->plan.n_ops, 3);
    snprintf(dst, sizeof dst, "%s/sub/a", real_tmp);
    assert_string_equal(c->plan.ops[0].dst, dst);
    assert_string_equal(c->plan.ops[0].src, "../b");
    snprintf(dst, sizeof dst, "%s/b", real_tmp);
    assert_string_equal(c->plan.ops[1].dst, dst);
    assert_string_equal(c->plan.ops[1].src, "sub/../dir/file");
    snprintf(dst, sizeof dst, "%s/dir/file", real_tmp);
    assert_int_equal(c->plan.ops[2].kind, OP_BIND);
    assert_string_equal(c->plan.ops[2].dst, dst);
    assert_false(c->plan.ops[2].src_is_dir);
    assert_string_equal(canonical, dst);
    assert_string_equal(c->plan.ops[2].origin, "--test");
}

static void test_relative_path_from_cwd(void **state)
{
    struct ctx *c = *state;
    char old[PATH_MAX], real_tmp[PATH_MAX], path[PATH_MAX], dst[PATH_MAX + 16];
    assert_non_null(getcwd(old, sizeof old));
    assert_non_null(realpath(c->tmp, real_tmp));
    snprintf(path, sizeof path, "%s/rel", c->tmp);
    write_file(path, "x", 0644);
    assert_int_equal(chdir(c->tmp), 0);
    int rc = deps_add_path(&c->plan, "./sub/../rel", "--test", NULL, &c->err);
    assert_int_equal(chdir(old), 0);
    assert_int_equal(rc, -1);   /* sub does not exist: the kernel says ENOENT too */
    assert_int_equal(chdir(c->tmp), 0);
    rc = deps_add_path(&c->plan, "./rel", "--test", NULL, &c->err);
    assert_int_equal(chdir(old), 0);
    assert_int_equal(rc, 0);
    snprintf(dst, sizeof dst, "%s/rel", real_tmp);
    assert_non_null(find_op(&c->plan, OP_BIND, dst));
}

static void test_directory_bind(void **state)
{
    struct ctx *c = *state;
    char real_tmp[PATH_MAX];
    assert_non_null(realpath(c->tmp, real_tmp));
    assert_int_equal(deps_add_path(&c->plan, c->tmp, "--test", NULL, &c->err), 0);
    const struct mount_op *op = find_op(&c->plan, OP_BIND, real_tmp);
    assert_non_null(op);
    assert_true(op->src_is_dir);
}

static void test_dangling_symlink_is_an_error(void **state)
{
    struct ctx *c = *state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/dangling", c->tmp);
    assert_int_equal(symlink("no/such/target", path), 0);
    assert_int_equal(deps_add_path(&c->plan, path, "--test", NULL, &c->err), -1);
    assert_int_equal(c->err.status, EXIT_SHIM_ERROR);
    assert_non_null(strstr(c->err.msg, "--test "));
    assert_non_null(strstr(c->err.msg, path));
    assert_non_null(strstr(c->err.msg, "-> no/such/target"));
    assert_non_null(strstr(c->err.msg, strerror(ENOENT)));
}

static void test_symlink_loop_is_eloop(void **state)
{
    struct ctx *c = *state;
    char x[PATH_MAX], y[PATH_MAX];
    snprintf(x, sizeof x, "%s/x", c->tmp);
    snprintf(y, sizeof y, "%s/y", c->tmp);
    assert_int_equal(symlink("y", x), 0);
    assert_int_equal(symlink("x", y), 0);
    assert_int_equal(deps_add_path(&c->plan, x, "--test", NULL, &c->err), -1);
    assert_int_equal(c->err.status, EXIT_SHIM_ERROR);
    assert_non_null(strstr(c->err.msg, strerror(ELOOP)));
}

static void test_file_as_directory_is_enotdir(void **state)
{
    struct ctx *c = *state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/plain", c->tmp);
    write_file(path, "x", 0644);
    snprintf(path, sizeof path, "%s/plain/more", c->tmp);
    assert_int_equal(deps_add_path(&c->plan, path, "--test", NULL, &c->err), -1);
    assert_non_null(strstr(c->err.msg, strerror(ENOTDIR)));
}

static void test_missing_path_is_an_error(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(deps_add_program(&c->plan, "/no/such/program", true, &c->err), -1);
    assert_string_equal(c->err.msg, "program /no/such/program: /no: No such file or directory");
}

/* Not a test of speed (benchmarks are not tests): it reports the cost on this machine. */
static void test_report_time_for_ls(void **state)
{
    (void)state;
    enum { ROUNDS = 2000 };
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < ROUNDS; i++) {
        struct plan plan;
        struct shim_error err;
        plan_init(&plan);
        assert_int_equal(deps_add_program(&plan, "/bin/ls", true, &err), 0);
        plan_free(&plan);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) /
                1e3 / ROUNDS;
    print_message("deps_add_program(/bin/ls): %.1f us per call (mean of %d)\n", us, ROUNDS);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ls_has_loader_symlinks_and_libc),
        T(test_debian_loader_chain),
        T(test_twice_skips_existing_destinations),
        T(test_without_libs_only_the_program),
        T(test_script_pulls_in_its_interpreter),
        T(test_env_script_pulls_in_the_named_program),
        T(test_shebang_without_interpreter_is_an_error),
        T(test_script_loop_is_an_error),
        T(test_static_program_has_no_deps),
        T(test_runpath_origin),
        T(test_rpath_is_inherited),
        T(test_runpath_is_not_inherited),
        T(test_missing_library_is_named),
        T(test_other_class_is_skipped),
        T(test_lib_and_platform_tokens),
        T(test_cache_outside_default_dirs_binds_the_cache),
        T(test_elf32_object_is_read),
        T(test_elf64_object_is_read),
        T(test_every_cache_entry_is_found),
        T(test_cache_name_order),
        T(test_symlink_chain),
        T(test_relative_path_from_cwd),
        T(test_directory_bind),
        T(test_dangling_symlink_is_an_error),
        T(test_symlink_loop_is_eloop),
        T(test_file_as_directory_is_enotdir),
        T(test_missing_path_is_an_error),
        T(test_report_time_for_ls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
