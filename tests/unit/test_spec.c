/* Unit tests of the spec front end: spec_load reads a void-orchestrator specification
 * into a validated struct spec, and every rule it enforces has its exact message here.
 * Specs are written into a temporary directory made by the group setup, with ' for "
 * and @ for that directory, so that they stay readable. The five specifications of the
 * original void orchestrator are read from their committed copies in the fuzz corpus. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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

#include "spec.h"
#include "spec_addr.h"

#define CORPUS "tests/fuzz/corpus/spec/"
#define ORIGINALS "../shared/compat/void-orchestrator/"

struct fixture {
    char dir[256];            /* the temporary directory (canonical) */
    char spec[512];           /* dir/spec.json: where each test writes its spec */
};

static struct fixture fx;

static const char *const fixture_files[] = {"data.txt", "cert.pem", "key.pem", "noexec"};

static void path_in_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", fx.dir, name);
}

static int make_file(const char *name, mode_t mode)
{
    char path[PATH_MAX];
    path_in_dir(path, sizeof path, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/void-test-spec-XXXXXX";
    char canonical[PATH_MAX];
    if (!mkdtemp(tmpl) || !realpath(tmpl, canonical) || strlen(canonical) >= sizeof fx.dir)
        return -1;
    strcpy(fx.dir, canonical);
    path_in_dir(fx.spec, sizeof fx.spec, "spec.json");
    for (size_t i = 0; i < sizeof fixture_files / sizeof fixture_files[0]; i++)
        if (make_file(fixture_files[i], 0644) != 0)
            return -1;
    char path[PATH_MAX], nowhere[PATH_MAX];
    path_in_dir(path, sizeof path, "html");
    path_in_dir(nowhere, sizeof nowhere, "nowhere");
    if (mkdir(path, 0755) != 0)
        return -1;
    path_in_dir(path, sizeof path, "dangling");
    return symlink(nowhere, path);
}

static void remove_in_dir(const char *name)
{
    char path[PATH_MAX];
    path_in_dir(path, sizeof path, name);
    unlink(path);
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fixture_files / sizeof fixture_files[0]; i++)
        remove_in_dir(fixture_files[i]);
    remove_in_dir("dangling");
    remove_in_dir("spec.json");
    remove_in_dir("tls.json");
    char path[PATH_MAX];
    path_in_dir(path, sizeof path, "html");
    rmdir(path);
    return rmdir(fx.dir);
}

/* Each test gets a fresh spec and error. */
struct t {
    struct spec spec;
    struct shim_error err;
};

static int setup(void **state)
{
    struct t *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    spec_free(&t->spec);
    free(t);
    return 0;
}

/* text with @ turned into the fixture directory and, for a spec, ' into ". */
static char *expand(const char *text, bool quotes)
{
    size_t size = strlen(text) * (strlen(fx.dir) + 1) + 1;
    char *out = malloc(size), *o = out;
    assert_non_null(out);
    for (const char *p = text; *p; p++) {
        if (*p == '@')
            o = stpcpy(o, fx.dir);
        else
            *o++ = quotes && *p == '\'' ? '"' : *p;
    }
    *o = '\0';
    return out;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int load(struct t *t, const char *json)
{
    char *text = expand(json, true);
    write_text(fx.spec, text);
    free(text);
    return spec_load(fx.spec, &t->spec, &t->err);
}

static void load_ok(struct t *t, const char *json)
{
    int r = load(t, json);
    if (r != 0)
        print_error("unexpected error: %s\n", t->err.msg);
    assert_int_equal(r, 0);
}

/* The message must be exactly SPEC then suffix (expanded like the spec). */
static void load_fails(struct t *t, const char *json, const char *suffix)
{
    assert_int_equal(load(t, json), -1);
    assert_int_equal(t->err.status, EXIT_SHIM_ERROR);
    char *tail = expand(suffix, false);
    char expected[sizeof fx.spec + 2048];
    snprintf(expected, sizeof expected, "%s%s", fx.spec, tail);
    free(tail);
    assert_string_equal(t->err.msg, expected);
}

/* ---- the original void orchestrator's specifications ---- */

static void test_corpus_copies_match_originals(void **state)
{
    (void)state;
    static const char *const names[] = {"basic", "echo", "fib", "pipes", "tls"};
    if (access(ORIGINALS, R_OK) != 0)
        skip();  /* shared/ is not beside this checkout */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char a[PATH_MAX], b[PATH_MAX], cmd[3 * PATH_MAX];
        snprintf(a, sizeof a, ORIGINALS "%s.json", names[i]);
        snprintf(b, sizeof b, CORPUS "compat-%s.json", names[i]);
        snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_compat_basic(void **state)
{
    struct t *t = *state;
    assert_int_equal(spec_load(CORPUS "compat-basic.json", &t->spec, &t->err), 0);
    assert_int_equal(t->spec.n_entrypoints, 2);
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_string_equal(ep->name, "main1");
    assert_int_equal(ep->trigger, TRIGGER_STARTUP);
    assert_int_equal(ep->n_args, 2);
    assert_int_equal(ep->args[0].kind, ARG_BINARY_NAME);
    assert_int_equal(ep->args[1].kind, ARG_ENTRYPOINT);
    assert_int_equal(ep->plan.n_ops, 3);
    assert_int_equal(ep->plan.ops[1].kind, OP_BIND);
    assert_string_equal(ep->plan.ops[1].dst, "/lib/libc.so.6");
    assert_int_equal(ep->plan.ops[1].flags, 0);
    assert_string_equal(ep->plan.ops[2].dst, "/lib64/ld-linux-x86-64.so.2");
    assert_null(ep->plan.exec_path);
    assert_null(ep->plan.argv);
    assert_string_equal(t->spec.entrypoints[1].name, "main2");
}

static void test_compat_fib(void **state)
{
    struct t *t = *state;
    assert_int_equal(spec_load(CORPUS "compat-fib.json", &t->spec, &t->err), 0);
    assert_int_equal(t->spec.n_entrypoints, 1);
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_int_equal(ep->n_args, 1);
    assert_int_equal(ep->args[0].kind, ARG_BINARY_NAME);
    assert_true(ep->plan.keep_stdout);
    assert_false(ep->plan.keep_stdin);
    assert_int_equal(ep->plan.n_ops, 3);
}

static void test_compat_pipes_via_alias(void **state)
{
    struct t *t = *state;
    assert_int_equal(spec_load(CORPUS "compat-pipes.json", &t->spec, &t->err), 0);
    assert_int_equal(t->spec.n_channels, 1);
    struct spec_channel *ch = &t->spec.channels[0];
    assert_string_equal(ch->name, "messages");
    assert_int_equal(ch->kind, CHANNEL_PIPE);
    assert_int_equal(ch->reader, 1);
    assert_true(ch->reader_is_trigger);
    assert_int_equal(ch->n_writers, 1);
    struct spec_entrypoint *sender = &t->spec.entrypoints[0];
    struct spec_entrypoint *receiver = &t->spec.entrypoints[1];
    assert_int_equal(sender->args[2].kind, ARG_PIPE_TX);
    assert_int_equal(sender->args[2].channel, 0);
    assert_string_equal(sender->args[2].value, "messages");
    assert_int_equal(receiver->trigger, TRIGGER_PIPE);
    assert_int_equal(receiver->trigger_channel, 0);
    assert_int_equal(receiver->args[2].kind, ARG_TRIGGER);
}

static void test_compat_echo_legacy_port(void **state)
{
    struct t *t = *state;
    assert_int_equal(spec_load(CORPUS "compat-echo.json", &t->spec, &t->err), 0);
    struct spec_entrypoint *listener = &t->spec.entrypoints[0];
    assert_int_equal(listener->args[2].kind, ARG_TCP_LISTENER);
    assert_string_equal(listener->args[2].value, "0.0.0.0:8080");
    assert_int_equal(listener->args[3].kind, ARG_PIPE_TX);
    assert_int_equal(t->spec.entrypoints[1].args[2].kind, ARG_TRIGGER);
}

static void test_compat_tls_names_missing_certificate(void **state)
{
    struct t *t = *state;
    if (access("/etc/ssl/certs/example.com.pem", F_OK) == 0)
        skip();  /* this host really has the certificate */
    assert_int_equal(spec_load(CORPUS "compat-tls.json", &t->spec, &t->err), -1);
    assert_int_equal(t->err.status, EXIT_SHIM_ERROR);
    assert_string_equal(t->err.msg,
                        CORPUS "compat-tls.json: /entrypoints/tls_handler/args/2/File: "
                        "File /etc/ssl/certs/example.com.pem: No such file or directory");
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    assert_true(n > 0);
    fclose(f);
    return text;
}

/* Replaces every from in *text by to. */
static void replace_all(char **text, const char *from, const char *to)
{
    char *out = calloc(1, strlen(*text) * (strlen(to) + 1) + 1), *o = out;
    assert_non_null(out);
    for (const char *p = *text; *p;) {
        if (strncmp(p, from, strlen(from)) == 0) {
            o = stpcpy(o, to);
            p += strlen(from);
        } else {
            *o++ = *p++;
        }
    }
    free(*text);
    *text = out;
}

static void test_compat_tls_with_generated_files(void **state)
{
    struct t *t = *state;
    char *text = read_text(CORPUS "compat-tls.json");
    char cert[PATH_MAX], key[PATH_MAX], html[PATH_MAX], copy[PATH_MAX];
    path_in_dir(cert, sizeof cert, "cert.pem");
    path_in_dir(key, sizeof key, "key.pem");
    path_in_dir(html, sizeof html, "html");
    path_in_dir(copy, sizeof copy, "tls.json");
    replace_all(&text, "/etc/ssl/certs/example.com.pem", cert);
    replace_all(&text, "/etc/ssl/private/example.com.key", key);
    replace_all(&text, "\"host_path\": \"/var/www/html\"", "\"host_path\": \"@\"");
    replace_all(&text, "@", html);
    write_text(copy, text);
    free(text);
    int r = spec_load(copy, &t->spec, &t->err);
    if (r != 0)
        print_error("%s\n", t->err.msg);
    assert_int_equal(r, 0);
    assert_int_equal(t->spec.n_entrypoints, 3);
    assert_int_equal(t->spec.n_channels, 2);
    assert_string_equal(t->spec.channels[0].name, "tls");
    assert_int_equal(t->spec.channels[0].kind, CHANNEL_FILE_SOCKET);
    assert_int_equal(t->spec.channels[0].reader, 1);
    assert_string_equal(t->spec.channels[1].name, "http");
    assert_int_equal(t->spec.channels[1].reader, 2);
    struct spec_entrypoint *listener = &t->spec.entrypoints[0];
    assert_int_equal(listener->args[1].kind, ARG_SOCKET_TX);
    assert_string_equal(listener->args[2].value, "0.0.0.0:8443");
    struct spec_entrypoint *handler = &t->spec.entrypoints[1];
    assert_int_equal(handler->trigger, TRIGGER_FILE_SOCKET);
    assert_string_equal(handler->args[2].value, cert);
    assert_string_equal(handler->args[3].value, key);
    assert_int_equal(handler->args[4].kind, ARG_TRIGGER);
    struct spec_entrypoint *http = &t->spec.entrypoints[2];
    assert_string_equal(http->plan.ops[0].src, html);
    assert_string_equal(http->plan.ops[0].dst, "/var/www/html");
    assert_true(http->plan.ops[0].src_is_dir);
}

/* ---- the file and its syntax ---- */

static void test_missing_file(void **state)
{
    struct t *t = *state;
    char path[PATH_MAX];
    path_in_dir(path, sizeof path, "absent.json");
    assert_int_equal(spec_load(path, &t->spec, &t->err), -1);
    char expected[PATH_MAX + 64];
    snprintf(expected, sizeof expected, "%s: No such file or directory", path);
    assert_string_equal(t->err.msg, expected);
}

static void test_syntax_error_line_column(void **state)
{
    load_fails(*state, "{\n  'entrypoints': {\n    'a': {,}\n  }\n}\n",
               ":3:11: string or '}' expected near ','");
}

static void test_duplicate_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'a': {}, 'a': {}}}",
               ":1:29: duplicate object key near '\"a\"'");
}

static void test_top_level_not_object(void **state)
{
    load_fails(*state, "[]", ": expected an object, got an array");
}

static void test_missing_entrypoints(void **state)
{
    load_fails(*state, "{}", ": missing key \"entrypoints\"");
}

static void test_unknown_top_level_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'a': {}}, 'network': 1}",
               ": /network: unknown key \"network\" in the specification; expected "
               "entrypoints");
}

static void test_no_entrypoints(void **state)
{
    load_fails(*state, "{'entrypoints': {}}",
               ": /entrypoints: no entrypoints; expected at least one");
}

static void test_entrypoints_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': []}",
               ": /entrypoints: expected an object, got an array");
}

static void test_empty_entrypoint_name(void **state)
{
    load_fails(*state, "{'entrypoints': {'': {}}}",
               ": /entrypoints/: an entrypoint name must not be empty");
}

static void test_unknown_entrypoint_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'a': {'argv': []}}}",
               ": /entrypoints/a/argv: unknown key \"argv\" in entrypoint \"a\"; expected one "
               "of trigger, args, environment");
}

static void test_pointer_escapes_names(void **state)
{
    load_fails(*state, "{'entrypoints': {'a/b~c': {'args': ['X']}}}",
               ": /entrypoints/a~1b~0c/args/0: unknown argument \"X\" in entrypoint "
               "\"a/b~c\"; expected one of BinaryName, Entrypoint, Trigger, Trailing, File, "
               "Pipe, FileSocket, TcpListener");
}

/* ---- arguments ---- */

static void test_default_trigger_and_args(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'a': {}}}");
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_int_equal(ep->trigger, TRIGGER_STARTUP);
    assert_int_equal(ep->trigger_channel, -1);
    assert_int_equal(ep->n_args, 1);
    assert_int_equal(ep->args[0].kind, ARG_BINARY_NAME);
    assert_string_equal(ep->plan.hostname, "void");
    assert_null(ep->domainname);
}

static void test_unknown_argument(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': ['BinaryName', 'Entrypoint', 'Foo']}}}",
               ": /entrypoints/e/args/2: unknown argument \"Foo\" in entrypoint \"e\"; "
               "expected one of BinaryName, Entrypoint, Trigger, Trailing, File, Pipe, "
               "FileSocket, TcpListener");
}

static void test_unknown_argument_object(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'Socket': 'x'}]}}}",
               ": /entrypoints/e/args/0: unknown argument \"Socket\" in entrypoint \"e\"; "
               "expected one of BinaryName, Entrypoint, Trigger, Trailing, File, Pipe, "
               "FileSocket, TcpListener");
}

static void test_argument_needs_value(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': ['File']}}}",
               ": /entrypoints/e/args/0: argument \"File\" in entrypoint \"e\" needs a "
               "value: write {\"File\": ...}");
}

static void test_argument_takes_no_value(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'Entrypoint': 1}]}}}",
               ": /entrypoints/e/args/0: argument \"Entrypoint\" in entrypoint \"e\" takes "
               "no value: write the string \"Entrypoint\"");
}

static void test_argument_two_keys(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'File': '/', 'Pipe': 1}]}}}",
               ": /entrypoints/e/args/0: expected argument: a string or an object with "
               "one key, got an object with more than one key");
}

static void test_args_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': {'BinaryName': 1}}}}",
               ": /entrypoints/e/args: expected an array, got an object");
}

static void test_argument_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [7]}}}",
               ": /entrypoints/e/args/0: expected argument: a string or an object with one "
               "key, got an integer");
}

static void test_file_argument(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'e': {'args': [{'File': '@/html/../data.txt'}, "
               "{'File': {'path': '@/key.pem', 'write': true}}]}}}");
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    char data[PATH_MAX], key[PATH_MAX];
    path_in_dir(data, sizeof data, "data.txt");
    path_in_dir(key, sizeof key, "key.pem");
    assert_int_equal(ep->args[0].kind, ARG_FILE);
    assert_string_equal(ep->args[0].value, data);
    assert_false(ep->args[0].writable);
    assert_string_equal(ep->args[1].value, key);
    assert_true(ep->args[1].writable);
}

static void test_file_missing(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'File': '@/absent'}]}}}",
               ": /entrypoints/e/args/0/File: File @/absent: No such file or directory");
}

static void test_file_dangling(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'File': '@/dangling'}]}}}",
               ": /entrypoints/e/args/0/File: File @/dangling: dangling symbolic link");
}

/* FS-13: a symlink in a directory others may write could have been planted by a void;
 * spec sources follow only root's links in directories only root can write. */
static void test_file_through_writable_symlink(void **state)
{
    char shared[PATH_MAX], link[PATH_MAX + 8], target[PATH_MAX];
    path_in_dir(shared, sizeof shared, "shared");
    path_in_dir(target, sizeof target, "data.txt");
    snprintf(link, sizeof link, "%s/ln", shared);
    assert_int_equal(mkdir(shared, 0777), 0);
    assert_int_equal(chmod(shared, 0777), 0);
    assert_int_equal(symlink(target, link), 0);
    int r = load(*state, "{'entrypoints': {'e': {'args': [{'File': '@/shared/ln'}]}}}");
    struct t *t = *state;
    bool refused = r == -1 && strstr(t->err.msg, "is a symbolic link") &&
                   strstr(t->err.msg, "non-system");
    unlink(link);
    rmdir(shared);
    assert_true(refused);
}

static void test_file_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'File': 3}]}}}",
               ": /entrypoints/e/args/0/File: expected a host path (a string) or "
               "{\"path\": PATH, \"write\": BOOL}, got an integer");
}

static void test_file_write_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'File': {'path': '@/data.txt', "
                       "'write': 'yes'}}]}}}",
               ": /entrypoints/e/args/0/File/write: expected a boolean, got a string");
}

static void test_trigger_arg_without_trigger(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': ['Entrypoint', 'Trigger']}}}",
               ": /entrypoints/e/args/1: \"Trigger\" in entrypoint \"e\" needs a Pipe or "
               "FileSocket trigger, but the entrypoint's trigger is Startup");
}

static void test_pipe_trigger_alias_without_trigger(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'trigger': 'Startup', 'args': ['PipeTrigger']}}}",
               ": /entrypoints/e/args/0: \"PipeTrigger\" in entrypoint \"e\" needs a Pipe or "
               "FileSocket trigger, but the entrypoint's trigger is Startup");
}

static void test_unknown_pipe_end(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'Pipe': {'Rw': 'x'}}]}}}",
               ": /entrypoints/e/args/0/Pipe: unknown pipe end \"Rw\" in entrypoint \"e\"; "
               "expected one of Rx, Tx");
}

static void test_pipe_name_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'Pipe': {'Tx': 1}}]}}}",
               ": /entrypoints/e/args/0/Pipe/Tx: expected a string (a pipe name), got an "
               "integer");
}

/* ---- TCP listeners ---- */

static void test_tcp_addresses_accepted(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'e': {'args': [{'TcpListener': {'addr': '127.0.0.1:0'}}, "
               "{'TcpListener': {'addr': '[::1]:65535'}}, {'TcpListener': {'port': 0}}]}}}");
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_string_equal(ep->args[0].value, "127.0.0.1:0");
    assert_string_equal(ep->args[1].value, "[::1]:65535");
    assert_string_equal(ep->args[2].value, "0.0.0.0:0");
}

static void bad_address(struct t *t, const char *addr, const char *why)
{
    char json[512], suffix[512];
    snprintf(json, sizeof json, "{'entrypoints': {'e': {'args': [{'TcpListener': "
             "{'addr': '%s'}}]}}}", addr);
    snprintf(suffix, sizeof suffix, ": /entrypoints/e/args/0/TcpListener/addr: TcpListener "
             "address \"%s\": %s; expected IPv4:PORT or [IPv6]:PORT, PORT from 0 to 65535",
             addr, why);
    load_fails(t, json, suffix);
    spec_free(&t->spec);
}

static void test_bad_addresses(void **state)
{
    struct t *t = *state;
    static const char v4[] = "not an IPv4 address (an IPv6 address is written "
                             "[ADDRESS]:PORT)";
    static const char port[] = "the port is not a number from 0 to 65535";
    bad_address(t, "1.2.3:80", v4);
    bad_address(t, "::1:80", v4);
    bad_address(t, "localhost:80", v4);
    bad_address(t, "1.2.3.4", "missing :PORT");
    bad_address(t, "1.2.3.4:65536", port);
    bad_address(t, "1.2.3.4:-1", port);
    bad_address(t, "1.2.3.4:", port);
    bad_address(t, "1.2.3.4:80x", port);
    bad_address(t, "[::1]80", "missing :PORT after the IPv6 address");
    bad_address(t, "[::1:80", "an IPv6 address needs a closing ']'");
    bad_address(t, "[zz]:80", "not an IPv6 address");
}

static void test_address_parser_gives_sockaddr(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    socklen_t len;
    assert_null(spec_parse_address("10.0.0.1:8443", &ss, &len));
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8443);
    assert_null(spec_parse_address("[::]:80", &ss, &len));
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 80);
}

static void test_legacy_port_out_of_range(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'TcpListener': {'port': 70000}}]}}}",
               ": /entrypoints/e/args/0/TcpListener/port: expected a port number from 0 to "
               "65535, got an integer");
}

static void test_tcp_listener_both_forms(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'TcpListener': {'port': 1, "
                       "'addr': '0.0.0.0:1'}}]}}}",
               ": /entrypoints/e/args/0/TcpListener: TcpListener needs exactly one of "
               "\"addr\" (\"IP:PORT\") and \"port\" (a number)");
}

static void test_tcp_listener_unknown_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'args': [{'TcpListener': {'host': 'x'}}]}}}",
               ": /entrypoints/e/args/0/TcpListener/host: unknown key \"host\" in "
               "TcpListener; expected one of addr, port");
}

/* ---- triggers and channels ---- */

static void test_unknown_trigger(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'trigger': 'Timer'}}}",
               ": /entrypoints/e/trigger: unknown trigger \"Timer\" in entrypoint \"e\"; "
               "expected one of Startup, Pipe, FileSocket");
}

static void test_trigger_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'trigger': {'Pipe': ['x']}}}}",
               ": /entrypoints/e/trigger/Pipe: expected a string (a pipe name), got an array");
}

static void test_pipe_two_readers(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'w': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                       "'r1': {'trigger': {'Pipe': 'p'}}, "
                       "'r2': {'args': [{'Pipe': {'Rx': 'p'}}]}}}",
               ": /entrypoints/r2/args/0/Pipe/Rx: pipe \"p\" has two readers: entrypoint "
               "\"r1\" (trigger) and entrypoint \"r2\" (Rx argument); a pipe has exactly one "
               "reader");
}

static void test_pipe_two_writers(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'w1': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                       "'w2': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                       "'r': {'trigger': {'Pipe': 'p'}}}}",
               ": /entrypoints/w2/args/0/Pipe/Tx: pipe \"p\" has two writers: entrypoint "
               "\"w1\" and entrypoint \"w2\"; a pipe has exactly one writer (use a file "
               "socket for many writers)");
}

static void test_pipe_no_writer(void **state)
{
    load_fails(*state, "{'entrypoints': {'r': {'trigger': {'Pipe': 'p'}, "
                       "'args': ['Trigger']}}}",
               ": /entrypoints/r/trigger/Pipe: pipe \"p\" has no writer: entrypoint \"r\" "
               "reads it, but no entrypoint has {\"Pipe\": {\"Tx\": \"p\"}}");
}

static void test_pipe_no_reader(void **state)
{
    load_fails(*state, "{'entrypoints': {'w': {'args': [{'Pipe': {'Tx': 'p'}}]}}}",
               ": /entrypoints/w/args/0/Pipe/Tx: pipe \"p\" has no reader: entrypoint \"w\" "
               "writes to it, but no entrypoint has {\"Pipe\": {\"Rx\": \"p\"}} or the "
               "trigger {\"Pipe\": \"p\"}");
}

static void test_pipe_rx_argument_reader(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'w': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
               "'r': {'args': [{'Pipe': {'Rx': 'p'}}]}}}");
    assert_int_equal(t->spec.channels[0].reader, 1);
    assert_false(t->spec.channels[0].reader_is_trigger);
    assert_int_equal(t->spec.entrypoints[1].args[0].kind, ARG_PIPE_RX);
}

static void test_file_socket_many_writers(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {"
               "'w1': {'args': [{'FileSocket': {'Tx': 's'}}]}, "
               "'w2': {'args': [{'FileSocket': {'Tx': 's'}}]}, "
               "'r': {'trigger': {'FileSocket': 's'}, 'args': ['Trigger']}}}");
    assert_int_equal(t->spec.n_channels, 1);
    assert_int_equal(t->spec.channels[0].kind, CHANNEL_FILE_SOCKET);
    assert_int_equal(t->spec.channels[0].n_writers, 2);
    assert_int_equal(t->spec.channels[0].reader, 2);
}

static void test_file_socket_no_reader(void **state)
{
    load_fails(*state, "{'entrypoints': {'w': {'args': [{'FileSocket': {'Tx': 's'}}]}}}",
               ": /entrypoints/w/args/0/FileSocket/Tx: file socket \"s\" has no reader: "
               "entrypoint \"w\" writes to it, but no entrypoint has {\"FileSocket\": "
               "{\"Rx\": \"s\"}} or the trigger {\"FileSocket\": \"s\"}");
}

static void test_file_socket_no_writer(void **state)
{
    load_fails(*state, "{'entrypoints': {'r': {'args': [{'FileSocket': {'Rx': 's'}}]}}}",
               ": /entrypoints/r/args/0/FileSocket/Rx: file socket \"s\" has no writer: "
               "entrypoint \"r\" reads it, but no entrypoint has {\"FileSocket\": {\"Tx\": "
               "\"s\"}}");
}

static void test_file_socket_two_readers(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'r1': {'args': [{'FileSocket': {'Rx': 's'}}]}, "
                       "'r2': {'args': [{'FileSocket': {'Rx': 's'}}]}}}",
               ": /entrypoints/r2/args/0/FileSocket/Rx: file socket \"s\" has two readers: "
               "entrypoint \"r1\" (Rx argument) and entrypoint \"r2\" (Rx argument); a file "
               "socket has exactly one reader");
}

static void test_channel_both_kinds(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'a': {'args': [{'Pipe': {'Tx': 'c'}}]}, "
                       "'b': {'trigger': {'FileSocket': 'c'}}}}",
               ": /entrypoints/b/trigger/FileSocket: \"c\" is used as a pipe by entrypoint "
               "\"a\" and as a file socket by entrypoint \"b\"; a name names one pipe or one "
               "file socket");
}

static void test_triggered_entrypoint_pipe_end(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'w': {'args': [{'FileSocket': {'Tx': 's'}}]}, "
                       "'h': {'trigger': {'FileSocket': 's'}, 'args': [{'Pipe': {'Tx': 'p'}}]}, "
                       "'r': {'args': [{'Pipe': {'Rx': 'p'}}]}}}",
               ": /entrypoints/h/args/0/Pipe/Tx: {\"Pipe\": {\"Tx\": \"p\"}} cannot be given to "
               "entrypoint \"h\": it runs once per trigger, in a fresh void each time, and a "
               "pipe end can be given only once (a triggered entrypoint may hold "
               "{\"FileSocket\": {\"Tx\": ...}} ends)");
}

static void test_triggered_entrypoint_socket_rx(void **state)
{
    load_fails(*state, "{'entrypoints': {"
                       "'w': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                       "'h': {'trigger': {'Pipe': 'p'}, 'args': [{'FileSocket': {'Rx': 's'}}]}}}",
               ": /entrypoints/h/args/0/FileSocket/Rx: {\"FileSocket\": {\"Rx\": \"s\"}} "
               "cannot be given to entrypoint \"h\": it runs once per trigger, in a fresh void "
               "each time, and a file socket end can be given only once (a triggered "
               "entrypoint may hold {\"FileSocket\": {\"Tx\": ...}} ends)");
}

/* ---- environment ---- */

static void test_unknown_environment_item(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': ['Stdout', 'Network']}}}",
               ": /entrypoints/e/environment/1: unknown environment item \"Network\" in "
               "entrypoint \"e\"; expected one of Stdin, Stdout, Stderr, Procfs, Hostname, "
               "DomainName, Filesystem, Loopback, Tmpfs, Dev, Env, NoLibs, CgroupLimits, NoSeccomp");
}

static void test_environment_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': 'Stdout'}}}",
               ": /entrypoints/e/environment: expected an array, got a string");
}

static void test_original_environment(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'e': {'environment': ['Stdin', 'Stdout', 'Stderr', "
               "'Procfs', {'Hostname': 'box'}, {'DomainName': 'example.org'}, "
               "{'Filesystem': {'host_path': '@/html/', 'environment_path': '//srv//www/'}}]}}}");
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_true(ep->plan.keep_stdin && ep->plan.keep_stdout && ep->plan.keep_stderr);
    assert_string_equal(ep->plan.hostname, "box");
    assert_string_equal(ep->domainname, "example.org");
    assert_int_equal(ep->plan.n_ops, 2);
    assert_int_equal(ep->plan.ops[0].kind, OP_PROC);
    assert_string_equal(ep->plan.ops[0].dst, "/proc");
    char html[PATH_MAX];
    path_in_dir(html, sizeof html, "html");
    assert_int_equal(ep->plan.ops[1].kind, OP_BIND);
    assert_string_equal(ep->plan.ops[1].src, html);
    assert_string_equal(ep->plan.ops[1].dst, "/srv/www");
    assert_int_equal(ep->plan.ops[1].flags, 0);
    assert_true(ep->plan.ops[1].src_is_dir);
}

static void test_filesystem_missing_host_path(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '/var/www/nonexistent', 'environment_path': '/w'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/host_path: host_path "
               "/var/www/nonexistent: No such file or directory");
}

static void test_filesystem_dangling_host_path(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '@/dangling', 'environment_path': '/w'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/host_path: host_path @/dangling: "
               "dangling symbolic link");
}

static void test_filesystem_relative_destination(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '@/data.txt', 'environment_path': 'data.txt'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/environment_path: "
               "environment_path data.txt: destination 'data.txt' is not an absolute path");
}

static void test_filesystem_dotdot_destination(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '@/data.txt', 'environment_path': '/a/../etc'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/environment_path: "
               "environment_path /a/../etc: destination '/a/../etc' must not contain '.' or "
               "'..'");
}

static void test_filesystem_duplicate_destination(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': ["
                       "{'Filesystem': {'host_path': '@/cert.pem', 'environment_path': '/x'}}, "
                       "{'Filesystem': {'host_path': '@/key.pem', 'environment_path': '/x/'}}"
                       "]}}}",
               ": /entrypoints/e/environment/1/Filesystem: Filesystem @/key.pem:/x: "
               "destination /x is "
               "already used by Filesystem @/cert.pem:/x");
}

static void test_procfs_over_filesystem(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '@/html', 'environment_path': '/proc'}}, 'Procfs']}}}",
               ": /entrypoints/e/environment/1: Procfs /proc: destination /proc is already "
               "used by Filesystem @/html:/proc");
}

static void test_filesystem_missing_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '/'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem: Filesystem needs \"host_path\" "
               "and \"environment_path\"");
}

static void test_filesystem_unknown_key(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '/', 'environment_path': '/r', 'mode': 'rw'}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/mode: unknown key \"mode\" in "
               "Filesystem; expected one of host_path, environment_path, read_only");
}

static void test_filesystem_read_only_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Filesystem': "
                       "{'host_path': '/', 'environment_path': '/r', 'read_only': 0}}]}}}",
               ": /entrypoints/e/environment/0/Filesystem/read_only: expected a boolean, got "
               "an integer");
}

static void test_hostname_wrong_type(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Hostname': 5}]}}}",
               ": /entrypoints/e/environment/0/Hostname: expected a string (a host name), got "
               "an integer");
}

static void test_hostname_too_long(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Hostname': "
                       "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}]}}}",
               ": /entrypoints/e/environment/0/Hostname: a host name "
               "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": at most "
               "64 characters");
}

static void test_hostname_twice(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Hostname': 'a'}, "
                       "{'Hostname': 'b'}]}}}",
               ": /entrypoints/e/environment/1/Hostname: Hostname is given twice in "
               "entrypoint \"e\"");
}

/* ---- extensions ---- */

static void test_extensions(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'e': {'environment': ["
               "{'Filesystem': {'host_path': '@/html', 'environment_path': '/data', "
               "'read_only': false}}, 'Loopback', {'Tmpfs': '/tmp'}, 'Dev', 'Dev', "
               "{'Env': {'LANG': 'C', 'HOME': '/tmp'}}, {'Env': 'TERM=dumb=x'}, 'NoLibs', "
               "{'CgroupLimits': {'memory.max': '64M', 'pids.max': 16}}]}}}");
    struct plan *plan = &t->spec.entrypoints[0].plan;
    assert_int_equal(plan->ops[0].flags, OP_RW);
    assert_true(plan->loopback);
    assert_int_equal(plan->ops[1].kind, OP_TMPFS);
    assert_string_equal(plan->ops[1].dst, "/tmp");
    assert_int_equal(plan->ops[1].flags, OP_RW);
    assert_int_equal(plan->n_ops, 2 + 5);
    for (size_t i = 2; i < 7; i++) {
        assert_int_equal(plan->ops[i].kind, OP_BIND);
        assert_int_equal(plan->ops[i].flags, OP_RW | OP_DEVICES | OP_NOEXEC);
        assert_string_equal(plan->ops[i].src, plan->ops[i].dst);
    }
    assert_string_equal(plan->ops[2].dst, "/dev/null");
    assert_string_equal(plan->ops[6].dst, "/dev/urandom");
    assert_int_equal(plan->n_env, 3);
    assert_string_equal(plan->envp[0], "LANG=C");
    assert_string_equal(plan->envp[1], "HOME=/tmp");
    assert_string_equal(plan->envp[2], "TERM=dumb=x");
    assert_null(plan->envp[3]);
    assert_true(plan->no_libs);
    struct spec_entrypoint *ep = &t->spec.entrypoints[0];
    assert_int_equal(ep->n_cgroup_limits, 2);
    assert_string_equal(ep->cgroup_limits[0].file, "memory.max");
    assert_string_equal(ep->cgroup_limits[0].value, "64M");
    assert_string_equal(ep->cgroup_limits[1].file, "pids.max");
    assert_string_equal(ep->cgroup_limits[1].value, "16");
}

static void test_env_twice(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Env': 'A=1'}, "
                       "{'Env': {'A': '2'}}]}}}",
               ": /entrypoints/e/environment/1/Env/A: environment variable A is set twice "
               "in entrypoint \"e\"");
}

static void test_env_without_equals(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Env': 'A'}]}}}",
               ": /entrypoints/e/environment/0/Env: expected NAME=VALUE, got \"A\"");
}

static void test_env_empty_name(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Env': '=x'}]}}}",
               ": /entrypoints/e/environment/0/Env: environment variable name \"\" must be "
               "non-empty and contain no '='");
}

static void test_tmpfs_relative(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'Tmpfs': 'tmp'}]}}}",
               ": /entrypoints/e/environment/0/Tmpfs: Tmpfs tmp: destination 'tmp' is not "
               "an absolute path");
}

static void test_cgroup_limit_refused_files(void **state)
{
    struct t *t = *state;
    load_fails(t, "{'entrypoints': {'e': {'environment': [{'CgroupLimits': "
                  "{'cgroup.procs': '1'}}]}}}",
               ": /entrypoints/e/environment/0/CgroupLimits/cgroup.procs: \"cgroup.procs\" "
               "is not a cgroup limit; expected a controller file such as memory.max or "
               "pids.max");
    spec_free(&t->spec);
    load_fails(t, "{'entrypoints': {'e': {'environment': [{'CgroupLimits': "
                  "{'../memory.max': '1'}}]}}}",
               ": /entrypoints/e/environment/0/CgroupLimits/..~1memory.max: "
               "\"../memory.max\" is not a cgroup limit; expected a controller file such as "
               "memory.max or pids.max");
}

static void test_cgroup_limit_bad_value(void **state)
{
    load_fails(*state, "{'entrypoints': {'e': {'environment': [{'CgroupLimits': "
                       "{'memory.max': 'max\\n'}}]}}}",
               ": /entrypoints/e/environment/0/CgroupLimits/memory.max: expected a one-line "
               "value of 1 to 255 characters");
}

/* ---- binding the binary, printing ---- */

static void test_bind_binary(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'a': {}, 'b': {'environment': ['NoLibs', "
               "{'Filesystem': {'host_path': '@/data.txt', 'environment_path': '/d'}}]}}}");
    setenv("PATH", "/usr/bin:/bin", 1);
    int r = spec_bind_binary(&t->spec, "true", &t->err);
    if (r != 0)
        print_error("%s\n", t->err.msg);
    assert_int_equal(r, 0);
    for (size_t e = 0; e < 2; e++) {
        struct plan *plan = &t->spec.entrypoints[e].plan;
        assert_string_equal(plan->exec_path, "/usr/bin/true");
        assert_null(plan->argv);
        size_t first = e == 0 ? 0 : 1;
        assert_true(plan->n_ops > first);
        for (size_t i = first; i < plan->n_ops; i++)
            assert_true(plan->ops[i].flags & OP_IMPLICIT);
    }
    struct plan *no_libs = &t->spec.entrypoints[1].plan;
    assert_false(no_libs->ops[0].flags & OP_IMPLICIT);
    size_t program_only = no_libs->n_ops - 1;
    assert_true(t->spec.entrypoints[0].plan.n_ops > program_only);
}

static void test_bind_binary_not_found(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'a': {}}}");
    setenv("PATH", "/usr/bin:/bin", 1);
    assert_int_equal(spec_bind_binary(&t->spec, "no-such-program-xyz", &t->err), -1);
    assert_int_equal(t->err.status, EXIT_NOT_FOUND);
    assert_string_equal(t->err.msg, "BINARY no-such-program-xyz: not found in PATH "
                                    "(/usr/bin:/bin)");
}

static void test_bind_binary_not_executable(void **state)
{
    struct t *t = *state;
    load_ok(t, "{'entrypoints': {'a': {}}}");
    char noexec[PATH_MAX], expected[PATH_MAX + 64];
    path_in_dir(noexec, sizeof noexec, "noexec");
    if (geteuid() == 0 && access(noexec, X_OK) == 0)
        skip();  /* root passes X_OK checks only if some x bit is set: it is not */
    assert_int_equal(spec_bind_binary(&t->spec, noexec, &t->err), -1);
    assert_int_equal(t->err.status, EXIT_NOT_EXECUTABLE);
    snprintf(expected, sizeof expected, "BINARY %s: not executable: Permission denied",
             noexec);
    assert_string_equal(t->err.msg, expected);
}

static char *print_to_string(const struct spec *spec)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    spec_print(spec, f);
    fclose(f);
    return text;
}

static void test_print(void **state)
{
    struct t *t = *state;
    assert_int_equal(spec_load(CORPUS "compat-pipes.json", &t->spec, &t->err), 0);
    char *text = print_to_string(&t->spec);
    assert_non_null(strstr(text, "spec " CORPUS "compat-pipes.json: 2 entrypoints, 1 channel\n"));
    assert_non_null(strstr(text, "entrypoint pipe_sender\n  trigger Startup\n"
                                 "  args    BinaryName Entrypoint Pipe.Tx(messages)\n"
                                 "  exec (none)\n"));
    assert_non_null(strstr(text, "entrypoint pipe_receiver\n  trigger Pipe messages\n"
                                 "  args    BinaryName Entrypoint Trigger\n"));
    assert_non_null(strstr(text, "  uts     domainname=(none)\n"));
    assert_non_null(strstr(text, "pipe messages: reader pipe_receiver (trigger), writers "
                                 "pipe_sender\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_corpus_copies_match_originals),
        T(test_compat_basic),
        T(test_compat_fib),
        T(test_compat_pipes_via_alias),
        T(test_compat_echo_legacy_port),
        T(test_compat_tls_names_missing_certificate),
        T(test_compat_tls_with_generated_files),
        T(test_missing_file),
        T(test_syntax_error_line_column),
        T(test_duplicate_key),
        T(test_top_level_not_object),
        T(test_missing_entrypoints),
        T(test_unknown_top_level_key),
        T(test_no_entrypoints),
        T(test_entrypoints_wrong_type),
        T(test_empty_entrypoint_name),
        T(test_unknown_entrypoint_key),
        T(test_pointer_escapes_names),
        T(test_default_trigger_and_args),
        T(test_unknown_argument),
        T(test_unknown_argument_object),
        T(test_argument_needs_value),
        T(test_argument_takes_no_value),
        T(test_argument_two_keys),
        T(test_args_wrong_type),
        T(test_argument_wrong_type),
        T(test_file_argument),
        T(test_file_missing),
        T(test_file_dangling),
        T(test_file_through_writable_symlink),
        T(test_file_wrong_type),
        T(test_file_write_wrong_type),
        T(test_trigger_arg_without_trigger),
        T(test_pipe_trigger_alias_without_trigger),
        T(test_unknown_pipe_end),
        T(test_pipe_name_wrong_type),
        T(test_tcp_addresses_accepted),
        T(test_bad_addresses),
        T(test_address_parser_gives_sockaddr),
        T(test_legacy_port_out_of_range),
        T(test_tcp_listener_both_forms),
        T(test_tcp_listener_unknown_key),
        T(test_unknown_trigger),
        T(test_trigger_wrong_type),
        T(test_pipe_two_readers),
        T(test_pipe_two_writers),
        T(test_pipe_no_writer),
        T(test_pipe_no_reader),
        T(test_pipe_rx_argument_reader),
        T(test_file_socket_many_writers),
        T(test_file_socket_no_reader),
        T(test_file_socket_no_writer),
        T(test_file_socket_two_readers),
        T(test_channel_both_kinds),
        T(test_triggered_entrypoint_pipe_end),
        T(test_triggered_entrypoint_socket_rx),
        T(test_unknown_environment_item),
        T(test_environment_wrong_type),
        T(test_original_environment),
        T(test_filesystem_missing_host_path),
        T(test_filesystem_dangling_host_path),
        T(test_filesystem_relative_destination),
        T(test_filesystem_dotdot_destination),
        T(test_filesystem_duplicate_destination),
        T(test_procfs_over_filesystem),
        T(test_filesystem_missing_key),
        T(test_filesystem_unknown_key),
        T(test_filesystem_read_only_wrong_type),
        T(test_hostname_wrong_type),
        T(test_hostname_too_long),
        T(test_hostname_twice),
        T(test_extensions),
        T(test_env_twice),
        T(test_env_without_equals),
        T(test_env_empty_name),
        T(test_tmpfs_relative),
        T(test_cgroup_limit_refused_files),
        T(test_cgroup_limit_bad_value),
        T(test_bind_binary),
        T(test_bind_binary_not_found),
        T(test_bind_binary_not_executable),
        T(test_print),
#undef T
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
