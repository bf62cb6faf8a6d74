"""Spec mode (void-shim -s SPEC.json BINARY [ARGS...], --check, --graph, --daemon).

The examples (examples/*, built into build/examples/) run as root and as uid 65534 and
their output is checked; the void orchestrator's five specifications (committed copies
in tests/fuzz/corpus/spec/compat-*.json) validate as their README says; a few
validation rules end to end (tests/unit/test_spec.c has every rule's exact message); and
the runtime: every triggered run is a fresh void, the application ends when the writers
close, Ctrl-C stops everything, a failing void's status is the shim's, --graph prints
DOT, --daemon returns at once while the application completes. Every spec a test runs is
written into the test's world-readable work directory, so that uid 65534 can read it."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (REPO, TIMEOUT, _line_buffers, describe, read_json_line, wait_gone,
                      wait_no_staged_processes)

EXAMPLES = REPO / "examples"
CORPUS = REPO / "tests" / "fuzz" / "corpus" / "spec"
FIB_10 = "0 1 1 2 3 5 8 13 21 34\n"
NS_TYPES = ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts")


# ---------------------------------------------------------------- helpers

def example(void, name):
    path = os.path.join(void.staged.examples, name)
    if not os.path.isfile(path):
        pytest.fail(f"example {name} not built (run `make examples`): {path}")
    return path


def write_spec(work, name, spec):
    """Writes spec (a dict, or JSON text) as work/name, readable by everyone."""
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(spec if isinstance(spec, str) else json.dumps(spec, indent=2))
    os.chmod(path, 0o644)
    return path


def example_spec(work, name, edit=None):
    """A copy of examples/NAME/spec.json in work (edit(dict) may change it first)."""
    spec = json.loads((EXAMPLES / name / "spec.json").read_text())
    if edit:
        edit(spec)
    return write_spec(work, f"{name}.json", spec)


def compat_spec(work, name):
    return write_spec(work, f"{name}.json", (CORPUS / f"compat-{name}.json").read_text())


def lines(p):
    return p.stdout.decode(errors="replace").splitlines()


def error_of(p):
    return p.stderr.decode(errors="replace")


START = re.compile(r"void-shim: start (\S+) #(\d+), pid (\d+): (.*) \(fds:([\d ]*)\)$")
EXIT = re.compile(r"void-shim: (\S+) #(\d+), pid (\d+), exited with status (\d+)$")


def verbose_log(p):
    """([(entrypoint, argv words, fds)], [(entrypoint, status)]) from -v's log."""
    starts, exits = [], []
    for line in error_of(p).splitlines():
        if m := START.match(line):
            starts.append((m.group(1), m.group(4).split(" "), m.group(5).split()))
        elif m := EXIT.match(line):
            exits.append((m.group(1), int(m.group(4))))
    return starts, exits


# ---------------------------------------------------------------- the examples

def test_example_fib(void, work):
    spec, fib = example_spec(work, "fib"), example(void, "fib")
    p = void.run(["-s", spec, fib])
    assert p.returncode == 0 and p.stdout.decode() == FIB_10, describe(p)
    p = void.run(["-s", spec, fib, "15"])
    assert p.returncode == 0, describe(p)
    assert p.stdout.decode().split()[-3:] == ["144", "233", "377"], describe(p)


def test_example_fib_void_holds_only_the_binary(void, work):
    # --check shows the plan: with NoLibs the only bind is the program itself.
    spec, fib = example_spec(work, "fib"), example(void, "fib")
    p = void.run(["--check", spec, fib])
    assert p.returncode == 0, describe(p)
    binds = [l for l in lines(p) if l.strip().startswith(("bind", "symlink", "tmpfs", "proc"))]
    assert len(binds) == 1 and binds[0].strip().endswith("(ro, program)"), describe(p)
    assert "stdin=/dev/null stdout=inherited stderr=/dev/null" in p.stdout.decode()


def test_example_basic(void, work):
    p = void.run(["-s", example_spec(work, "basic"), example(void, "basic")])
    assert p.returncode == 0, describe(p)
    assert sorted(lines(p)) == [
        "main1: hello from the first void (pid 1 on host void)",
        "main2: hello from the second void (pid 1 on host void)"], describe(p)


def test_example_pipes(void, work):
    spec, pipes = example_spec(work, "pipes"), example(void, "pipes")
    p = void.run(["-s", spec, pipes])
    assert p.returncode == 0, describe(p)
    assert sorted(lines(p)) == ['pipe_receiver: got "hello" (pid 1)',
                                'pipe_receiver: got "world" (pid 1)'], describe(p)
    p = void.run(["-s", spec, pipes, "one", "two words", "three"])
    assert p.returncode == 0, describe(p)
    assert sorted(lines(p)) == ['pipe_receiver: got "one" (pid 1)',
                                'pipe_receiver: got "three" (pid 1)',
                                'pipe_receiver: got "two words" (pid 1)'], describe(p)


def test_pipe_message_trailing_newline_is_dropped(void, work):
    p = void.run(["-s", example_spec(work, "pipes"), example(void, "pipes"), "line\n"])
    assert p.returncode == 0 and lines(p) == ['pipe_receiver: got "line" (pid 1)'], \
        describe(p)


def test_example_fdpass(void, work):
    p = void.run(["-s", example_spec(work, "fdpass"), example(void, "fdpass")])
    assert p.returncode == 0, describe(p)
    with open("/etc/os-release") as f:
        first = f.readline().rstrip("\n")
    out = lines(p)
    assert out[0] == "file_reader: /etc: No such file or directory here", describe(p)
    assert re.fullmatch(r"file_reader: fd \d+, first line: (.*)", out[1]).group(1) == first
    assert len(out) == 2, describe(p)


def test_example_fdpass_generated_file(void, work):
    """The reader reads a file it could not name: one made for this test."""
    data = os.path.join(work, "secret.txt")
    with open(data, "w") as f:
        f.write("nonce-7f3a91 for this run\nsecond line\n")
    os.chmod(data, 0o644)

    def point_at_data(spec):
        spec["entrypoints"]["file_opener"]["args"][3] = {"File": data}
    p = void.run(["-v", "-s", example_spec(work, "fdpass", point_at_data),
                  example(void, "fdpass")])
    assert p.returncode == 0, describe(p)
    assert lines(p)[1].endswith(", first line: nonce-7f3a91 for this run"), describe(p)
    # The received fd's number is the reader's argument, and the only fd it is given.
    starts, exits = verbose_log(p)
    reader = [s for s in starts if s[0] == "file_reader"]
    assert len(reader) == 1, describe(p)
    argv, fds = reader[0][1], reader[0][2]
    assert argv[1:] == ["file_reader"] + fds and len(fds) == 1, describe(p)
    assert f"fd {fds[0]}," in lines(p)[1], describe(p)
    assert sorted(exits) == [("file_opener", 0), ("file_reader", 0)], describe(p)


def test_fds_relayed_through_a_triggered_void(void, work):
    """The TLS application's shape: a triggered void that holds the write end of a
    second file socket passes the fds it was started with on to a third void. Two
    files in one message: the reader gets both, one argv entry each, and the
    application ends once the opener and the relay have exited."""
    data = []
    for i in (1, 2):
        data.append(os.path.join(work, f"file{i}.txt"))
        Path(data[-1]).write_text(f"content of file {i}\n")
        os.chmod(data[-1], 0o644)

    def relay(spec):
        eps = spec["entrypoints"]
        eps["file_opener"]["args"][3:] = [{"File": data[0]}, {"File": data[1]}]
        eps["file_relay"] = {"trigger": {"FileSocket": "files"},
                             "args": ["BinaryName", "Entrypoint",
                                      {"FileSocket": {"Tx": "relayed"}}, "Trigger"]}
        eps["file_reader"]["trigger"] = {"FileSocket": "relayed"}
    p = void.run(["-v", "-s", example_spec(work, "fdpass", relay), example(void, "fdpass")])
    assert p.returncode == 0, describe(p)
    out = lines(p)
    assert len(out) == 3 and out[0] == "file_reader: /etc: No such file or directory here"
    assert re.fullmatch(r"file_reader: fd \d+, first line: content of file 1", out[1]), out
    assert re.fullmatch(r"file_reader: fd \d+, first line: content of file 2", out[2]), out
    starts, exits = verbose_log(p)
    reader = [s for s in starts if s[0] == "file_reader"]
    assert len(reader) == 1 and len(reader[0][2]) == 2, describe(p)
    assert reader[0][1][2:] == reader[0][2], describe(p)
    assert sorted(exits) == [("file_opener", 0), ("file_reader", 0), ("file_relay", 0)]


def test_fd_arguments_are_decimal_numbers_in_argv(void, work):
    p = void.run(["-v", "-s", example_spec(work, "pipes"), example(void, "pipes")])
    assert p.returncode == 0, describe(p)
    starts, exits = verbose_log(p)
    sender = [s for s in starts if s[0] == "pipe_sender"]
    assert len(sender) == 1, describe(p)
    argv, fds = sender[0][1], sender[0][2]
    assert argv[1] == "pipe_sender" and len(fds) == 1 and argv[2] == fds[0], describe(p)
    assert argv[2].isdigit() and int(argv[2]) > 2, describe(p)
    receivers = sorted(s[1][2] for s in starts if s[0] == "pipe_receiver")
    assert receivers == ["hello", "world"], describe(p)
    # -v logs every start and every exit.
    assert sorted(exits) == [("pipe_receiver", 0)] * 2 + [("pipe_sender", 0)], describe(p)


# ---------------------------------------------------------------- the original specs

LIBS = ("/lib/x86_64-linux-gnu/libgcc_s.so.1", "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/ld-linux-x86-64.so.2")


@pytest.mark.parametrize("name,entrypoints,channels",
                         [("basic", 2, 0), ("fib", 1, 0), ("pipes", 2, 1), ("echo", 2, 1)])
def test_compat_spec_checks(void, work, name, entrypoints, channels):
    if name in ("basic", "fib") and not all(os.path.exists(l) for l in LIBS):
        pytest.skip("the original spec binds " + ", ".join(LIBS) + ": not all here")
    spec = compat_spec(work, name)
    p = void.run(["--check", spec])
    assert p.returncode == 0, describe(p)
    first = lines(p)[0]
    plural = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")
    assert first == (f"spec {spec}: {plural(entrypoints, 'entrypoint')}, "
                     f"{plural(channels, 'channel')}"), describe(p)


def test_compat_tls_names_missing_certificate(void, work):
    if os.path.exists("/etc/ssl/certs/example.com.pem"):
        pytest.skip("this host really has /etc/ssl/certs/example.com.pem")
    spec = compat_spec(work, "tls")
    p = void.run(["--check", spec])
    assert p.returncode == 125, describe(p)
    assert error_of(p) == (f"void-shim: {spec}: /entrypoints/tls_handler/args/2/File: File "
                           "/etc/ssl/certs/example.com.pem: No such file or directory\n")
    assert p.stdout == b""


def test_compat_tls_with_generated_files_validates(void, work):
    cert, key, html = (os.path.join(work, n) for n in ("cert.pem", "key.pem", "html"))
    for path in (cert, key):
        with open(path, "w") as f:
            f.write("generated for the test\n")
        os.chmod(path, 0o644)
    os.mkdir(html, 0o755)
    text = (CORPUS / "compat-tls.json").read_text()
    text = (text.replace("/etc/ssl/certs/example.com.pem", cert)
                .replace("/etc/ssl/private/example.com.key", key)
                .replace('"host_path": "/var/www/html"', f'"host_path": "{html}"'))
    spec = write_spec(work, "tls.json", text)
    p = void.run(["--check", spec])
    assert p.returncode == 0, describe(p)
    out = p.stdout.decode()
    assert out.startswith(f"spec {spec}: 3 entrypoints, 2 channels\n"), describe(p)
    assert f"File({cert})" in out or cert in out, describe(p)
    assert "file socket tls: reader tls_handler (trigger), writers connection_listener" \
        in out, describe(p)


def test_compat_fib_and_basic_run_the_examples(void, work):
    """The original fib.json and basic.json run our fib and basic unchanged (basic.json
    gives no Stdout: its voids print nowhere, and succeed)."""
    if not all(os.path.exists(l) for l in LIBS):
        pytest.skip("the original specs bind " + ", ".join(LIBS) + ": not all here")
    p = void.run(["-s", compat_spec(work, "fib"), example(void, "fib")])
    assert p.returncode == 0 and p.stdout.decode() == FIB_10, describe(p)
    p = void.run(["-v", "-s", compat_spec(work, "basic"), example(void, "basic")])
    assert p.returncode == 0 and p.stdout == b"", describe(p)
    assert sorted(verbose_log(p)[1]) == [("main1", 0), ("main2", 0)], describe(p)


def test_compat_pipes_runs_with_the_pipe_trigger_alias(void, work):
    """pipes.json says "PipeTrigger" (the argument's old name): an alias of "Trigger".
    Its receiver has no Stdout, so -v's log shows what each run was given."""
    p = void.run(["-v", "-s", compat_spec(work, "pipes"), example(void, "pipes")])
    assert p.returncode == 0, describe(p)
    starts, exits = verbose_log(p)
    assert sorted(s[1][2] for s in starts if s[0] == "pipe_receiver") == ["hello", "world"]
    assert sorted(exits) == [("pipe_receiver", 0)] * 2 + [("pipe_sender", 0)], describe(p)


# ---------------------------------------------------------------- validation

def with_tokens(text, work, quotes=True):
    return (text.replace("'", '"') if quotes else text).replace("@", work)


# (spec with ' for " and @ for the work directory, message after "SPEC: "; a message
# ending in ... is a prefix: the list of environment items grows with the extensions)
VALIDATION = {
    "syntax": ("{\n  'entrypoints': {\n    'a': {,}\n  }\n}\n",
               "3:11: string or '}' expected near ','"),
    "unknown-argument": ("{'entrypoints': {'pipe_receiver': {'args': ['Entrypoint', "
                         "'PipeTriger']}}}",
                         "/entrypoints/pipe_receiver/args/1: unknown argument "
                         "\"PipeTriger\" in entrypoint \"pipe_receiver\"; expected one of "
                         "BinaryName, Entrypoint, Trigger, Trailing, File, Pipe, FileSocket, "
                         "TcpListener"),
    "unknown-environment": ("{'entrypoints': {'e': {'environment': ['Network']}}}",
                            "/entrypoints/e/environment/0: unknown environment item "
                            "\"Network\" in entrypoint \"e\"; expected one of Stdin, Stdout, "
                            "Stderr, Procfs, Hostname, DomainName, Filesystem, Loopback, "
                            "Tmpfs, Dev, Env, NoLibs, CgroupLimits..."),
    "pipe-two-writers": ("{'entrypoints': {'w1': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                         "'w2': {'args': [{'Pipe': {'Tx': 'p'}}]}, "
                         "'r': {'trigger': {'Pipe': 'p'}}}}",
                         "/entrypoints/w2/args/0/Pipe/Tx: pipe \"p\" has two writers: "
                         "entrypoint \"w1\" and entrypoint \"w2\"; a pipe has exactly one "
                         "writer (use a file socket for many writers)"),
    "pipe-no-reader": ("{'entrypoints': {'w': {'args': [{'Pipe': {'Tx': 'p'}}]}}}",
                       "/entrypoints/w/args/0/Pipe/Tx: pipe \"p\" has no reader: entrypoint "
                       "\"w\" writes to it, but no entrypoint has {\"Pipe\": {\"Rx\": "
                       "\"p\"}} or the trigger {\"Pipe\": \"p\"}"),
    "socket-no-writer": ("{'entrypoints': {'r': {'trigger': {'FileSocket': 's'}, "
                         "'args': ['Trigger']}}}",
                         "/entrypoints/r/trigger/FileSocket: file socket \"s\" has no "
                         "writer: entrypoint \"r\" reads it, but no entrypoint has "
                         "{\"FileSocket\": {\"Tx\": \"s\"}}"),
    "trigger-without-trigger": ("{'entrypoints': {'e': {'args': ['Entrypoint', 'Trigger']}}}",
                                "/entrypoints/e/args/1: \"Trigger\" in entrypoint \"e\" "
                                "needs a Pipe or FileSocket trigger, but the entrypoint's "
                                "trigger is Startup"),
    "bad-address": ("{'entrypoints': {'e': {'args': [{'TcpListener': "
                    "{'addr': '127.0.0.1:65536'}}]}}}",
                    "/entrypoints/e/args/0/TcpListener/addr: TcpListener address "
                    "\"127.0.0.1:65536\": the port is not a number from 0 to 65535; "
                    "expected IPv4:PORT or [IPv6]:PORT, PORT from 0 to 65535"),
    "missing-host-path": ("{'entrypoints': {'e': {'environment': [{'Filesystem': "
                          "{'host_path': '@/absent', 'environment_path': '/w'}}]}}}",
                          "/entrypoints/e/environment/0/Filesystem/host_path: host_path "
                          "@/absent: No such file or directory"),
    "triggered-pipe-end": ("{'entrypoints': {"
                           "'w': {'args': [{'FileSocket': {'Tx': 's'}}]}, "
                           "'h': {'trigger': {'FileSocket': 's'}, "
                           "'args': [{'Pipe': {'Tx': 'p'}}]}, "
                           "'r': {'args': [{'Pipe': {'Rx': 'p'}}]}}}",
                           "/entrypoints/h/args/0/Pipe/Tx: {\"Pipe\": {\"Tx\": \"p\"}} "
                           "cannot be given to entrypoint \"h\": it runs once per trigger, "
                           "in a fresh void each time, and a pipe end can be given only "
                           "once (a triggered entrypoint may hold {\"FileSocket\": "
                           "{\"Tx\": ...}} ends)"),
}


@pytest.mark.parametrize("rule", sorted(VALIDATION))
@pytest.mark.parametrize("mode", ["-s", "--check"])
def test_validation_rule(void, work, rule, mode):
    text, message = VALIDATION[rule]
    spec = write_spec(work, "spec.json", with_tokens(text, work))
    p = void.run([mode, spec, void.do_path])
    assert p.returncode == 125, describe(p)
    sep = ":" if rule == "syntax" else ": "
    expected = f"void-shim: {spec}{sep}{with_tokens(message, work, quotes=False)}"
    if expected.endswith("..."):
        assert error_of(p).startswith(expected[:-3]), describe(p)
        assert error_of(p).count("\n") == 1 and error_of(p).endswith("\n"), describe(p)
    else:
        assert error_of(p) == expected + "\n", describe(p)
    assert p.stdout == b""


def test_invalid_spec_runs_nothing(void, work):
    """A valid entrypoint that would write a file does not run when another is invalid."""
    out = os.path.join(work, "out")
    os.mkdir(out)
    os.chmod(out, 0o777)
    spec = write_spec(work, "spec.json", {"entrypoints": {
        "writer": {"args": ["BinaryName", "Trailing"],
                   "environment": [{"Filesystem": {"host_path": out, "environment_path": "/out",
                                                   "read_only": False}}]},
        "bad": {"args": [{"File": os.path.join(work, "absent")}]}}})
    p = void.run(["-s", spec, void.do_path, "write", "/out/ran", "yes"])
    assert p.returncode == 125, describe(p)
    assert "/entrypoints/bad/args/0/File: File" in error_of(p), describe(p)
    assert os.listdir(out) == []
    # ... and the same spec without the bad entrypoint does write it.
    spec = write_spec(work, "spec.json", {"entrypoints": {
        "writer": json.loads(Path(spec).read_text())["entrypoints"]["writer"]}})
    p = void.run(["-s", spec, void.do_path, "write", "/out/ran", "yes"])
    assert p.returncode == 0 and os.listdir(out) == ["ran"], describe(p)


@pytest.mark.parametrize("args,message", [
    (["-s", "%SPEC%"], "void-shim: -s %SPEC%: no BINARY given; usage: void-shim -s "
                       "SPEC.json BINARY [ARGS...]"),
    (["--daemon", "--", "/bin/true"], "void-shim: option --daemon: only with -s SPEC"),
    (["-s", "%SPEC%", "--proc", "%BIN%"],
     "void-shim: option --proc: not with a specification; declare it in the entrypoint's "
     "\"environment\" instead"),
    (["-s", "%SPEC%", "--check", "%SPEC%"],
     "void-shim: --check %SPEC%: only one of -s, --check and --graph may be given"),
], ids=["no-binary", "daemon-without-spec", "per-void-option", "two-modes"])
def test_command_line_errors(void, work, args, message):
    spec = example_spec(work, "basic")
    binary = example(void, "basic")
    sub = lambda s: s.replace("%SPEC%", spec).replace("%BIN%", binary)
    p = void.run([sub(a) for a in args])
    assert p.returncode == 125 and error_of(p) == sub(message) + "\n", describe(p)


def test_binary_not_found_is_127(void, work):
    p = void.run(["-s", example_spec(work, "basic"), "/nonexistent/program"])
    assert p.returncode == 127, describe(p)
    assert error_of(p) == ("void-shim: BINARY /nonexistent/program: No such file or "
                           "directory\n"), describe(p)


# ---------------------------------------------------------------- the runtime

def test_each_triggered_run_is_a_fresh_void(void, work):
    """Three messages, three receivers: each in namespaces of its own (all eight kinds
    differ from run to run and from the host's), and a file one run leaves in its tmpfs
    is not there for the next. The receivers linger so that they overlap: the kernel
    reuses a freed namespace's inode number, so only live namespaces' ids must differ."""
    def fresh(spec):
        spec["entrypoints"]["pipe_receiver"]["environment"] += [
            "Procfs", {"Tmpfs": "/scratch"}, {"Env": {"PIPES_LINGER_MS": "1000"}}]
    p = void.run(["-s", example_spec(work, "pipes", fresh), example(void, "pipes"),
                  "m1", "m2", "m3"])
    assert p.returncode == 0, describe(p)
    out = lines(p)
    assert out.count("pipe_receiver: /scratch is empty") == 3, describe(p)
    assert not [l for l in out if "left by an earlier run" in l], describe(p)
    ns_lines = [l.split()[2:] for l in out if l.startswith("pipe_receiver: namespaces ")]
    assert len(ns_lines) == 3, describe(p)
    host = {t: os.readlink(f"/proc/self/ns/{t}") for t in NS_TYPES}
    for i, t in enumerate(NS_TYPES):
        ids = [words[i] for words in ns_lines]
        assert all(w.startswith(f"{t}:[") for w in ids), (t, ids)
        assert len(set(ids)) == 3, f"{t} namespace shared between runs: {ids}"
        assert host[t] not in ids, f"a run is in the host's {t} namespace: {ids}"


def do_spec(work, entrypoints):
    return write_spec(work, "spec.json", {"entrypoints": entrypoints})


def test_application_ends_when_the_pipe_writer_closes(void, work):
    """The writer exits without writing: no receiver ever runs, and the shim ends."""
    spec = do_spec(work, {
        "w": {"args": ["BinaryName", "Trailing", {"Pipe": {"Tx": "p"}}]},
        "r": {"trigger": {"Pipe": "p"}, "args": ["BinaryName", "Trailing"]}})
    t0 = time.monotonic()
    p = void.run(["-v", "-s", spec, void.do_path, "exit", "0"], timeout=10)
    assert p.returncode == 0, describe(p)
    assert time.monotonic() - t0 < 5, describe(p)
    starts, exits = verbose_log(p)
    assert [s[0] for s in starts] == ["w"] and exits == [("w", 0)], describe(p)


def test_application_ends_when_every_file_socket_writer_closes(void, work):
    """Two writers of one file socket exit without sending: SOCK_SEQPACKET gives the
    shim end of file once both are gone."""
    spec = do_spec(work, {
        "w1": {"args": ["BinaryName", "Trailing", {"FileSocket": {"Tx": "s"}}]},
        "w2": {"args": ["BinaryName", "Trailing", {"FileSocket": {"Tx": "s"}}]},
        "r": {"trigger": {"FileSocket": "s"}, "args": ["BinaryName", "Trailing", "Trigger"]}})
    p = void.run(["-v", "-s", spec, void.do_path, "exit", "0"], timeout=10)
    assert p.returncode == 0, describe(p)
    starts, exits = verbose_log(p)
    assert sorted(s[0] for s in starts) == ["w1", "w2"], describe(p)
    assert sorted(exits) == [("w1", 0), ("w2", 0)], describe(p)


def test_application_waits_for_a_live_writer(void, work):
    """While the writer lives the application runs (a receiver could still be started);
    killing the writer from the host ends it."""
    spec = do_spec(work, {
        "w": {"args": ["BinaryName", "Trailing", {"Pipe": {"Tx": "p"}}],
              "environment": ["Stdout"]},
        "r": {"trigger": {"Pipe": "p"}, "args": ["BinaryName", "Trailing"]}})
    p = void.spawn(["-s", spec, void.do_path, "sleep", "writer"])
    try:
        _line_buffers.pop(p.stdout.fileno(), None)
        assert read_json_line(p.stdout, 10)["label"] == "writer"
        time.sleep(0.3)
        assert p.poll() is None, "the shim ended while a writer was alive"
        shim_and_voids = wait_no_staged_processes(void.staged, grace=0)
        voids = [pid for pid, d in shim_and_voids.items() if "void-do" in d]
        assert len(voids) == 1, shim_and_voids
        os.kill(voids[0], signal.SIGKILL)
        assert p.wait(timeout=10) == 128 + signal.SIGKILL
    finally:
        p.kill()
        p.communicate(timeout=5)


def test_ctrl_c_stops_everything(void, work):
    """SIGINT to the shim: every void is stopped (two sleeping Startup voids, one of
    which holds a pipe whose trigger is live), the status is 130, nothing is left."""
    spec = do_spec(work, {
        "a": {"args": ["BinaryName", "Trailing", {"Pipe": {"Tx": "p"}}],
              "environment": ["Stdout"]},
        "b": {"args": ["BinaryName", "Trailing"], "environment": ["Stdout"]},
        "r": {"trigger": {"Pipe": "p"}, "args": ["BinaryName", "Trailing"]}})
    p = void.spawn(["-s", spec, void.do_path, "sleep", "x"])
    try:
        _line_buffers.pop(p.stdout.fileno(), None)
        for _ in range(2):
            assert read_json_line(p.stdout, 10)["label"] == "x"
        running = wait_no_staged_processes(void.staged, grace=0)
        assert len(running) == 3, running   # the shim and two voids
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=10) == 130
        left = wait_no_staged_processes(void.staged)
        assert not left, left
    finally:
        p.kill()
        p.communicate(timeout=5)


@pytest.mark.parametrize("ops,status", [(["exit", "3"], 3), (["segv"], 139)],
                         ids=["exit-3", "SIGSEGV"])
def test_a_failing_void_sets_the_status(void, work, ops, status):
    """One void fails, the other succeeds: the shim's status is the failure's."""
    spec = do_spec(work, {
        "fails": {"args": ["BinaryName", "Trailing"]},
        "succeeds": {"args": ["BinaryName"]}})
    p = void.run(["-v", "-s", spec, void.do_path] + ops)
    assert p.returncode == status, describe(p)
    assert sorted(verbose_log(p)[1]) == [("fails", status), ("succeeds", 0)], describe(p)


def test_a_failing_triggered_void_sets_the_status(void, work):
    def fail(spec):   # the receiver gets two arguments: it refuses them with status 2
        spec["entrypoints"]["pipe_receiver"]["args"] += ["Trigger"]
    p = void.run(["-s", example_spec(work, "pipes", fail), example(void, "pipes"), "x"])
    assert p.returncode == 2 and p.stdout == b"", describe(p)


def test_tcp_listener_is_bound_by_the_shim(void, work):
    """The shim binds 127.0.0.1:PORT before any void starts; a client connects while the
    void holding it sleeps (the kernel completes the handshake into the backlog)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = do_spec(work, {"l": {"args": ["BinaryName", "Trailing",
                                         {"TcpListener": {"addr": f"127.0.0.1:{port}"}}],
                                "environment": ["Stdout"]}})
    p = void.spawn(["-s", spec, void.do_path, "sleep", "listener"])
    try:
        _line_buffers.pop(p.stdout.fileno(), None)
        assert read_json_line(p.stdout, 10)["label"] == "listener"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        p.kill()
        p.communicate(timeout=5)


def test_tcp_listener_address_in_use_starts_nothing(void, work):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        spec = do_spec(work, {"l": {"args": ["BinaryName", "Trailing",
                                             {"TcpListener": {"addr": f"127.0.0.1:{port}"}}]}})
        p = void.run(["-v", "-s", spec, void.do_path, "exit", "0"])
    assert p.returncode == 125, describe(p)
    assert (f'void-shim: entrypoint "l": TcpListener 127.0.0.1:{port}: Address already '
            'in use\n') in error_of(p), describe(p)
    assert verbose_log(p) == ([], []), describe(p)


# ---------------------------------------------------------------- --graph, --daemon

DOT_STATEMENT = re.compile(
    r'\s*(?:rankdir=\w+|node \[.*\]|(?P<a>\w+)(?: -> (?P<b>\w+))?(?: \[(?P<attrs>.*)\])?);')
DOT_ATTR = re.compile(r'\s*\w+=(?:"(?:[^"\\]|\\.)*"|[\w.]+)\s*(?:,|$)')


def check_dot(text):
    """A small structural check of the DOT the shim prints; dot(1) too, if installed."""
    rows = text.splitlines()
    assert rows[0] == "digraph void_application {" and rows[-1] == "}", text
    nodes, edges = set(), []
    for row in rows[1:-1]:
        m = DOT_STATEMENT.fullmatch(row)
        assert m, f"not a DOT statement: {row!r}"
        if m.group("attrs") is not None:
            attrs = m.group("attrs")
            pos = 0
            while pos < len(attrs):
                a = DOT_ATTR.match(attrs, pos)
                assert a and a.end() > pos, f"bad attribute list in {row!r}"
                pos = a.end()
        if m.group("b"):
            edges.append((m.group("a"), m.group("b")))
        elif m.group("a"):
            nodes.add(m.group("a"))
    assert all(a in nodes and b in nodes for a, b in edges), (nodes, edges)
    if shutil.which("dot"):
        d = subprocess.run(["dot", "-Tcanon"], input=text.encode(), capture_output=True,
                           timeout=TIMEOUT)
        assert d.returncode == 0, d.stderr
    return nodes, edges


def test_graph_prints_dot(void, work):
    p = void.run(["--graph", example_spec(work, "pipes")])
    assert p.returncode == 0, describe(p)
    nodes, edges = check_dot(p.stdout.decode())
    assert len(nodes) == 3 and len(edges) == 2, p.stdout
    assert 'label="pipe_receiver\\n(per message on messages)"' in p.stdout.decode()


def test_graph_of_the_tls_application(void, work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    for path in (cert, key):
        Path(path).write_text("x\n")
        os.chmod(path, 0o644)
    text = ((CORPUS / "compat-tls.json").read_text()
            .replace("/etc/ssl/certs/example.com.pem", cert)
            .replace("/etc/ssl/private/example.com.key", key)
            .replace('"host_path": "/var/www/html"', f'"host_path": "{work}"'))
    p = void.run(["--graph", write_spec(work, "tls.json", text)])
    assert p.returncode == 0, describe(p)
    nodes, edges = check_dot(p.stdout.decode())
    assert {"ep0", "ep1", "ep2", "ch0", "ch1"} <= nodes, nodes
    assert ("ep0", "ch0") in edges and ("ch0", "ep1") in edges and ("ch1", "ep2") in edges


def test_daemon_returns_at_once_and_the_application_completes(void, work):
    out_path, err_path = os.path.join(work, "out"), os.path.join(work, "err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.monotonic()
        p = void.spawn(["--daemon", "-s", example_spec(work, "pipes"),
                        example(void, "pipes"), "d1", "d2"], stdout=out, stderr=err)
        rc = p.wait(timeout=10)
        returned = time.monotonic() - t0
    assert rc == 0, Path(err_path).read_text()
    assert returned < 2, f"--daemon took {returned:.2f} s to return"
    m = re.search(r"void-shim: running in the background as pid (\d+)",
                  Path(err_path).read_text())
    assert m, Path(err_path).read_text()
    assert wait_gone(int(m.group(1)), 10), "the detached shim did not finish"
    assert sorted(Path(out_path).read_text().splitlines()) == [
        'pipe_receiver: got "d1" (pid 1)', 'pipe_receiver: got "d2" (pid 1)']


# ---------------------------------------------------------------- extensions, end to end

def test_extensions_reach_the_void(void, work):
    """Hostname, Env, a writable Filesystem, Tmpfs and Dev, as the voids see them."""
    out = os.path.join(work, "out")
    os.mkdir(out)
    os.chmod(out, 0o777)
    spec = do_spec(work, {"e": {
        "args": ["BinaryName", "Trailing"],
        "environment": ["Stdout", {"Hostname": "box"}, "Dev", {"Tmpfs": "/scratch"},
                        {"Env": {"A": "1"}}, {"Env": "B=2"},
                        {"Filesystem": {"host_path": out, "environment_path": "/out",
                                        "read_only": False}}]}})
    p = void.run(["-s", spec, void.do_path, "write", "/out/f", "rw", "write",
                  "/scratch/t", "tmp", "read", "/dev/zero", "write", "/f", "root"])
    assert p.returncode == 0, describe(p)
    results = [json.loads(l) for l in lines(p)]
    assert [r["ok"] for r in results] == [True, True, True, False], describe(p)
    assert results[2]["hex"].startswith("0000"), describe(p)
    assert Path(out, "f").read_text() == "rw"
    p = void.run(["--check", spec, void.do_path])
    text = p.stdout.decode()
    assert "hostname=box" in text and "A=1" in text and "B=2" in text, describe(p)


def test_read_only_filesystem_is_the_default(void, work):
    out = os.path.join(work, "out")
    os.mkdir(out)
    os.chmod(out, 0o777)
    spec = do_spec(work, {"e": {
        "args": ["BinaryName", "Trailing"],
        "environment": ["Stdout", {"Filesystem": {"host_path": out,
                                                  "environment_path": "/out"}}]}})
    p = void.run(["-s", spec, void.do_path, "write", "/out/f", "x"])
    assert p.returncode == 0, describe(p)
    assert json.loads(lines(p)[0])["errno"] == 30   # EROFS
    assert os.listdir(out) == []


# ---------------------------------------------------------------- shim bugs found here

def test_dry_run_with_spec_runs_nothing(void, work):
    out = os.path.join(work, "out")
    os.mkdir(out)
    os.chmod(out, 0o777)
    spec = do_spec(work, {"e": {
        "args": ["BinaryName", "Trailing"],
        "environment": [{"Filesystem": {"host_path": out, "environment_path": "/out",
                                        "read_only": False}}]}})
    p = void.run(["-n", "-s", spec, void.do_path, "write", "/out/ran", "yes"])
    assert os.listdir(out) == [], "-n -s ran the application: " + describe(p)
    assert p.returncode in (0, 125), describe(p)


def test_application_ends_with_a_self_feeding_trigger(void, work):
    spec = do_spec(work, {
        "w": {"args": ["BinaryName", "Trailing", {"FileSocket": {"Tx": "s"}}]},
        "r": {"trigger": {"FileSocket": "s"},
              "args": ["BinaryName", "Trailing", {"FileSocket": {"Tx": "s"}}, "Trigger"]}})
    p = void.spawn(["-s", spec, void.do_path, "exit", "0"])
    try:
        rc = p.wait(timeout=3)
    except subprocess.TimeoutExpired:
        rc = None
        p.send_signal(signal.SIGTERM)   # not SIGKILL: the shim removes its cgroup leaf
        p.wait(timeout=5)
    finally:
        p.kill()
        p.communicate(timeout=5)
    assert rc == 0, "the shim did not end although no void runs and no writer is left"
