"""What a void observes about itself: namespaces, ids, capabilities, network, fds,
clocks, keyring, environment, limits. Each test runs as root and as uid 65534."""

import errno
import json
import os
import pty
import subprocess
import time

import pytest

from conftest import SECRET, describe, fd_at, set_ctty

NAMESPACES = ["user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"]


def test_every_namespace_differs_from_the_host(void):
    r = void.inspect(["--proc"])
    assert r["ns"] is not None, "no /proc/self/ns in the void although --proc was given"
    for name in NAMESPACES:
        host = os.stat(f"/proc/self/ns/{name}")
        inside = r["ns"][name]
        assert "ino" in inside, f"{name}: cannot stat /proc/self/ns/{name}: {inside}"
        assert (inside["dev"], inside["ino"]) != (host.st_dev, host.st_ino), \
            f"{name} namespace is the host's (ino {host.st_ino})"


def test_cgroup_paths_are_virtualised(void):
    """In a cgroup namespace every hierarchy's path reads "/" (the host's own
    /proc/self/cgroup shows where the void really is)."""
    r = void.inspect(["--proc"])
    lines = r["cgroup"].splitlines()
    assert lines, r["cgroup"]
    assert all(line.endswith(":/") for line in lines), r["cgroup"]


def test_ids_map_to_themselves_and_setgroups_denied(void):
    r = void.inspect(["--proc"])
    assert (r["uid"], r["euid"], r["gid"], r["egid"]) == (void.uid,) * 2 + (void.gid,) * 2
    for key, ident in (("uid_map", void.uid), ("gid_map", void.gid)):
        lines = r[key].splitlines()
        assert len(lines) == 1, f"{key} should be one line: {r[key]!r}"
        assert [int(x) for x in lines[0].split()] == [ident, ident, 1], \
            f"{key} should be '{ident} {ident} 1': {r[key]!r}"
    assert r["setgroups"].strip() == "deny"
    assert r["groups"] in ([], [void.gid]), r["groups"]


def test_all_capability_sets_empty_and_no_new_privs(void):
    r = void.inspect()
    caps = r["caps"]
    assert "errno" not in caps, f"capget failed: {caps}"
    for s in ("effective", "permitted", "inheritable", "bounding", "ambient"):
        assert caps[s] == 0, f"{s} capability set is {caps[s]:#x}, not empty"
    assert caps["last_cap"] >= 30, f"bounding set probed only up to {caps['last_cap']}"
    assert r["no_new_privs"] == 1


def test_hostname_is_void_by_default(void):
    r = void.inspect()
    assert r["hostname"] == "void"
    assert r["domainname"] == "(none)"


def test_hostname_option(void):
    r = void.inspect(["--hostname", "elsewhere"])
    assert r["hostname"] == "elsewhere"
    assert r["domainname"] == "(none)"


def test_no_network_interface_is_up(void):
    r = void.inspect()
    ifs = r["interfaces"]
    assert isinstance(ifs, list), f"if_nameindex failed: {ifs}"
    assert [i["name"] for i in ifs] == ["lo"], f"a fresh netns holds only lo: {ifs}"
    assert not any(i["up"] for i in ifs), f"an interface is up: {ifs}"


def test_loopback_option_brings_lo_up(void):
    r = void.inspect(["--loopback"])
    lo = [i for i in r["interfaces"] if i["name"] == "lo"]
    assert lo and lo[0]["up"], f"lo is not up with --loopback: {r['interfaces']}"
    others = [i for i in r["interfaces"] if i["name"] != "lo" and i["up"]]
    assert not others, others


def test_only_declared_fds_are_open_and_stdio_is_dev_null(void):
    """--fd 5 (a pipe) is kept and carries the report; fd 9, inherited but not
    declared, is closed; 0, 1 and 2 are /dev/null."""
    r_end, w_end = os.pipe()
    leak = os.open("/dev/zero", os.O_RDONLY)
    try:
        with fd_at(w_end, 5), fd_at(leak, 9):
            os.close(w_end)
            p = void.run(["--fd", "5", "--", void.inspect_path, "-o", "5"],
                         pass_fds=(5, 9))
        data = b""
        while chunk := os.read(r_end, 65536):
            data += chunk
    finally:
        os.close(r_end)
        os.close(leak)
    assert p.returncode == 0, describe(p)
    assert p.stdout == b"", "stdout should be /dev/null in the void"
    report = json.loads(data)
    fds = {f["fd"]: f for f in report["fds"]}
    assert sorted(fds) == [0, 1, 2, 5], f"open fds in the void: {report['fds']}"
    null = os.stat("/dev/null")
    for n in (0, 1, 2):
        assert fds[n]["type"] == "chr" and fds[n]["rdev"] == \
            f"{os.major(null.st_rdev)}:{os.minor(null.st_rdev)}", \
            f"fd {n} is not /dev/null: {fds[n]}"
    assert fds[5]["type"] == "fifo"


def test_stdio_kept_with_stdin_stdout_stderr(void):
    p = void.spawn(["--stdin", "--stdout", "--stderr", "--", void.inspect_path],
                   stdin=subprocess.PIPE)
    ids = {n: os.fstat(f.fileno()).st_ino for n, f in
           ((0, p.stdin), (1, p.stdout), (2, p.stderr))}
    try:
        out, err = p.communicate(timeout=15)
    finally:
        p.kill()
    assert p.returncode == 0, (p.returncode, out, err)
    fds = {f["fd"]: f for f in json.loads(out)["fds"]}
    assert sorted(fds) == [0, 1, 2], fds
    for n in (0, 1, 2):
        assert fds[n]["type"] == "fifo" and fds[n]["ino"] == ids[n], \
            f"fd {n} is not the shim's: {fds[n]}"


def test_output_does_not_appear_without_stdout_or_stderr(void):
    p = void.run(["--", void.do_path, "echo", "should-not-appear", "bogus-op"])
    assert p.returncode == 2, describe(p)  # void-do's status for an unknown op
    assert p.stdout == b"" and p.stderr == b"", describe(p)


def test_stdout_option_passes_stdout_only(void):
    p = void.run(["--stdout", "--", void.do_path, "echo", "visible", "bogus-op"])
    assert p.returncode == 2, describe(p)
    assert p.stdout == b'{"op": "echo", "text": "visible"}\n' and p.stderr == b"", describe(p)
    p = void.run(["--stderr", "--", void.do_path, "echo", "invisible", "bogus-op"])
    assert p.returncode == 2, describe(p)
    assert p.stdout == b"" and b"unknown op 'bogus-op'" in p.stderr, describe(p)


def test_boottime_and_monotonic_start_near_zero(void):
    r = void.inspect()
    host_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
    host_mono = time.clock_gettime(time.CLOCK_MONOTONIC)
    boot = r["clock_boottime_ns"] / 1e9
    mono = r["clock_monotonic_ns"] / 1e9
    assert 0 <= boot < 60, f"void CLOCK_BOOTTIME {boot:.1f} s (host {host_boot:.1f} s)"
    assert 0 <= mono < 60, f"void CLOCK_MONOTONIC {mono:.1f} s (host {host_mono:.1f} s)"
    if host_boot > 65:
        assert host_boot - boot > 5
        assert host_mono - mono > 5


def test_host_session_keyring_key_readable_without_void(void, host_key):
    """Positive control: the same checker, same user, no void, reads the key."""
    serial, payload, _ = host_key
    cmd = void.command([], shim=void.inspect_path) + ["-k", str(serial)]
    p = subprocess.run(cmd, capture_output=True, timeout=15, cwd=void.staged.root)
    assert p.returncode == 0, describe(p)
    key = json.loads(p.stdout)["key"]
    assert key["ok"] and key["data"] == payload, key


def test_host_session_keyring_key_unreadable_in_void(void, host_key):
    serial, _, host_session = host_key
    r = void.inspect([], ["-k", str(serial)])
    assert r["key"]["ok"] is False, f"host key readable in the void: {r['key']}"
    # EPERM too: the seccomp filter takes the keyring calls away altogether.
    assert r["key"]["errno"] in (errno.EACCES, errno.ENOKEY, errno.EPERM), r["key"]
    assert r["session_keyring"] != host_session, "the void shares the host's session keyring"


def test_environment_is_empty(void):
    r = void.inspect()
    assert r["environ"] == [], f"environment leaked into the void: {r['environ']}"


def test_env_option_and_host_variable_absent(void):
    r = void.inspect(["--env", "VOID_A=1", "-e", "VOID_B=two words"])
    assert r["environ"] == ["VOID_A=1", "VOID_B=two words"]
    assert not any(e.startswith("VOID_TEST_SECRET=") or SECRET in e for e in r["environ"])


def test_nested_user_namespaces_refused(void):
    """The seccomp filter refuses CLONE_NEWUSER (EPERM)..."""
    r = void.inspect()
    n = r["nested_userns"]
    assert n["ok"] is False, "unshare(CLONE_NEWUSER) succeeded inside the void"
    assert n["errno"] == errno.EPERM, \
        f"expected EPERM (the seccomp filter), got errno {n['errno']}"


def test_nested_user_namespaces_refused_without_seccomp(void):
    """...and without the filter, user.max_user_namespaces = 0 does (ENOSPC)."""
    r = void.inspect(["--no-seccomp"])
    n = r["nested_userns"]
    assert n["ok"] is False, "unshare(CLONE_NEWUSER) succeeded inside the void"
    assert n["errno"] == errno.ENOSPC, \
        f"expected ENOSPC (max_user_namespaces=0), got errno {n['errno']}"


def test_rlimit_core_hard_zero(void):
    r = void.inspect()
    assert r["rlimit_core"] == {"soft": 0, "hard": 0}, r["rlimit_core"]


def test_pid_1_and_session_leader(void):
    r = void.inspect(["--proc"])
    assert r["pid"] == 1
    assert r["sid"] == 1, f"getsid(0) = {r['sid']}: not a session leader"
    assert r["pgid"] == 1
    assert r["tty_nr"] == 0


def test_no_controlling_tty_even_when_shim_has_one(void):
    """The shim runs on a pty that is its controlling terminal; the void's setsid
    leaves the program without one (stdin is still the pty, as declared)."""
    master, slave = pty.openpty()
    try:
        p = void.spawn(["--proc", "--stdin", "--stdout", "--", void.inspect_path],
                       stdin=slave, start_new_session=True, preexec_fn=set_ctty)
        out, err = p.communicate(timeout=15)
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode == 0, (p.returncode, out, err)
    r = json.loads(out)
    assert r["tty_nr"] == 0, f"the void has a controlling terminal (tty_nr {r['tty_nr']})"
    assert r["sid"] == 1


def test_root_is_read_only(void):
    r = void.inspect()
    assert r["root_writable"]["ok"] is False, "created a directory in the void's /"
    assert r["root_writable"]["errno"] == errno.EROFS, r["root_writable"]


def test_program_arguments_are_passed_verbatim(void):
    args = ["-p", "/x y", "-p", "", "-p", "--bind", "-p", "--"]
    r = void.inspect([], args)
    assert r["argv"] == [void.inspect_path] + args


def test_stdin_reaches_the_program_with_stdin_option(void):
    p = void.run(["--stdin", "--stdout", "--", "/bin/sh", "-c", 'read x; echo "got $x"'],
                 input=b"abc\n")
    assert p.returncode == 0, describe(p)
    assert p.stdout == b"got abc\n"


# ------------------------------------------------------------------ seccomp

def syscalls(void, opts=()):
    path = os.path.join(os.path.dirname(void.inspect_path), "void-syscalls")
    p = void.run(list(opts) + ["--stdout", "--", path])
    assert p.returncode == 0, describe(p)
    return json.loads(p.stdout)


def test_attack_surface_calls_fail_with_eperm(void):
    r = syscalls(void)
    for name in ("io_uring_setup", "perf_event_open", "userfaultfd", "keyctl"):
        assert r[name] == errno.EPERM, f"{name} not filtered: errno {r[name]}"
    assert r["getppid"] == 0, "an ordinary call was filtered"


def test_no_seccomp_leaves_them_to_the_kernel(void):
    r = syscalls(void, ["--no-seccomp"])
    if r["io_uring_setup"] in (errno.ENOSYS, errno.EPERM):
        pytest.skip("this kernel has io_uring disabled: nothing to compare with")
    # KEYCTL_GET_KEYRING_ID of the session keyring works for anyone.
    assert r["io_uring_setup"] == 0 and r["keyctl"] == 0, r
