"""Fixtures for the void-shim integration tests.

Every test that takes the `void` fixture runs twice: as root and as uid 65534 (through
`setpriv --reuid=65534 --regid=65534 --clear-groups`). The shim, the static checkers
and the example binaries (build/examples/*, into examples/) are copied into a fresh
world-readable directory first, because CI may clone the
repository where uid 65534 cannot enter. After every test, passed or failed, the
`host_safety` fixture checks that the host is as it was: the test process's mountinfo,
the entries of /tmp, the cgroup v2 tree, and no process left running a staged binary.

Only the standard library and Debian's python3-pytest are used. Environment:
  VOID_TEST_BUILD       build directory to take the shim and checkers from (default build/)
  VOID_TEST_TMP_IGNORE  regex of /tmp entry names not to compare: only for a machine where
                        other work writes to /tmp while the suite runs (never in CI)
"""

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("VOID_TEST_BUILD", REPO / "build"))
NOBODY = 65534
TIMEOUT = 15          # seconds, for every subprocess
GRACE = 2.0           # seconds a void may take to disappear after its shim exited
SECRET = "host-secret-5d1f"
SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


# ---------------------------------------------------------------- staging

class Staged:
    def __init__(self, root):
        self.root = root
        self.shim = os.path.join(root, "void-shim")
        self.inspect = os.path.join(root, "void-inspect")
        self.do = os.path.join(root, "void-do")
        self.examples = os.path.join(root, "examples")   # build/examples/*, if built


def stage_executables(src, dst):
    """Copies the executable regular files directly in src (not its subdirectories:
    examples with folders of their own stage themselves) into dst, world-readable."""
    os.mkdir(dst, 0o755)
    os.chmod(dst, 0o755)
    for p in sorted(src.iterdir()):
        if p.is_file() and not p.is_symlink() and os.access(p, os.X_OK):
            shutil.copyfile(p, os.path.join(dst, p.name))
            os.chmod(os.path.join(dst, p.name), 0o755)


@pytest.fixture(scope="session")
def staged():
    shim = BUILD / "bin" / "void-shim"
    checkers = BUILD / "tests" / "checkers"
    missing = [str(p) for p in (shim, checkers / "void-inspect", checkers / "void-do")
               if not p.is_file()]
    if missing:
        pytest.exit("not built (run `make integration-test`): " + ", ".join(missing),
                    returncode=1)
    root = os.path.realpath(tempfile.mkdtemp(prefix="void-tests-"))
    os.chmod(root, 0o755)
    try:
        for src in [shim] + sorted(p for p in checkers.iterdir() if p.is_file()):
            dst = os.path.join(root, src.name)
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o755)
        if (BUILD / "examples").is_dir():
            stage_executables(BUILD / "examples", os.path.join(root, "examples"))
        yield Staged(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def work(staged, request):
    """A fresh world-writable directory under the staging directory, removed after."""
    d = tempfile.mkdtemp(prefix="work-", dir=staged.root)
    os.chmod(d, 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- host safety

def parse_mountinfo(text):
    """[{id, parent, dev, root, mountpoint, opts, fstype, source, super}] of mountinfo."""
    mounts = []
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        f = left.split()
        r = right.split()
        unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
        mounts.append({
            "line": line, "id": f[0], "parent": f[1], "dev": f[2],
            "root": unesc(f[3]), "mountpoint": unesc(f[4]), "opts": f[5].split(","),
            "fstype": r[0] if r else "", "source": r[1] if len(r) > 1 else "",
            "super": r[2].split(",") if len(r) > 2 else [],
        })
    return mounts


def host_mountinfo():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def cgroup2_root():
    for m in parse_mountinfo(host_mountinfo()):
        if m["fstype"] == "cgroup2":
            return m["mountpoint"]
    return None


# Host pids of every shim this session started: a cgroup leaf "void-shim-PID[-N]" of
# another PID belongs to a shim someone else runs on this machine, not to these tests.
_our_shim_pids = set()
_LEAF = re.compile(r"void-shim-(\d+)(-\d+)?")


def cgroup_tree(root):
    if root is None:
        return set()
    dirs = set()
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            m = _LEAF.fullmatch(d)
            if m and int(m.group(1)) not in _our_shim_pids:
                continue
            dirs.add(os.path.relpath(os.path.join(dirpath, d), root))
    return dirs


def tmp_entries(staged):
    ignore = os.environ.get("VOID_TEST_TMP_IGNORE")  # for shared dev machines only
    names = set(os.listdir("/tmp")) - {os.path.basename(staged.root)}
    if ignore:
        names = {n for n in names if not re.fullmatch(ignore, n)}
    return names


def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        return data[data.rindex(")") + 2]
    except (OSError, ValueError, IndexError):
        return None


def staged_processes(staged):
    """{pid: description} of live processes running a binary from the staging dir."""
    found = {}
    prefix = staged.root + "/"
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        pid = int(entry)
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            exe = ""
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        except OSError:
            argv0 = ""
        if exe.startswith(prefix) or argv0.startswith(prefix):
            if proc_state(pid) not in (None, "Z", "X"):
                found[pid] = f"pid {pid} exe={exe!r} argv0={argv0!r}"
    return found


def wait_no_staged_processes(staged, grace=GRACE):
    deadline = time.monotonic() + grace
    while True:
        left = staged_processes(staged)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


# What an earlier test already reported as leaked: its later removal (by a later run
# cleaning up) is not blamed on the test that happens to run then.
_reported_leaks = {"tmp": set(), "cgroup": set()}


@pytest.fixture(autouse=True)
def host_safety(staged):
    cg_root = cgroup2_root()
    before = (host_mountinfo(), tmp_entries(staged), cgroup_tree(cg_root))
    yield
    problems = []
    left = wait_no_staged_processes(staged)
    if left:
        problems.append("processes left running: " + "; ".join(left.values()))
        for pid in left:  # clean up so one failure does not cascade
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    mi = host_mountinfo()
    if mi != before[0]:
        old, new = set(before[0].splitlines()), set(mi.splitlines())
        problems.append("host mountinfo changed: removed %r, added %r"
                        % (sorted(old - new), sorted(new - old)))
    for kind, old, new, what in (("tmp", before[1], tmp_entries(staged), "/tmp"),
                                 ("cgroup", before[2], cgroup_tree(cg_root),
                                  f"cgroup tree {cg_root}")):
        added, removed = new - old, old - new - _reported_leaks[kind]
        _reported_leaks[kind] |= added
        if added or removed:
            problems.append(f"{what} changed: removed {sorted(removed)!r}, "
                            f"added {sorted(added)!r}")
    assert not problems, "host safety: " + " | ".join(problems)


# ---------------------------------------------------------------- running the shim

@contextlib.contextmanager
def fd_at(src, num):
    """Makes `num` (inheritable) refer to `src` for the duration; restores it after."""
    try:
        saved = os.dup(num)
    except OSError:
        saved = None
    os.dup2(src, num, inheritable=True)
    try:
        yield num
    finally:
        if saved is None:
            os.close(num)
        else:
            os.dup2(saved, num, inheritable=True)
            os.close(saved)


class Void:
    """Runs the staged shim as one user (`root` or `nobody`)."""

    def __init__(self, staged, user):
        self.staged = staged
        self.user = user
        self.uid = 0 if user == "root" else NOBODY
        self.gid = 0 if user == "root" else NOBODY
        self.shim = staged.shim
        self.inspect_path = staged.inspect
        self.do_path = staged.do

    def env(self, extra=None):
        env = {"PATH": "/usr/bin:/bin", "VOID_TEST_SECRET": SECRET, "LC_ALL": "C"}
        env.update(extra or {})
        return env

    def command(self, args, shim=None):
        prefix = SETPRIV if self.user == "nobody" else []
        return prefix + [shim or self.shim] + [str(a) for a in args]

    def run(self, args, *, stdin=subprocess.DEVNULL, input=None, env=None, pass_fds=(),
            timeout=TIMEOUT, **kw):
        if input is not None:
            stdin = subprocess.PIPE
        p = self.spawn(args, stdin=stdin, env=env, pass_fds=pass_fds, **kw)
        try:
            out, err = p.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            raise AssertionError(f"timed out after {timeout} s: {p.args} "
                                 f"stdout={out[:2000]!r} stderr={err[:2000]!r}")
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)

    def spawn(self, args, *, env=None, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.Popen(self.command(args), env=self.env(env),
                             cwd=self.staged.root, **kw)
        _our_shim_pids.add(p.pid)
        return p

    def inspect(self, opts=(), args=(), *, expect_rc=0, **kw):
        """Runs void-inspect in a void with --stdout; returns its parsed report."""
        p = self.run(list(opts) + ["--stdout", "--", self.inspect_path] + list(args), **kw)
        assert p.returncode == expect_rc, describe(p)
        try:
            return json.loads(p.stdout)
        except ValueError:
            raise AssertionError("void-inspect printed no JSON report: " + describe(p))

    def do(self, opts, ops, **kw):
        """Runs void-do OPS in a void with --stdout; returns (process, [json lines])."""
        p = self.run(list(opts) + ["--stdout", "--", self.do_path] + list(ops), **kw)
        lines = []
        for line in p.stdout.decode(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
        return p, lines


def describe(p):
    args = p.args if isinstance(p.args, list) else [p.args]
    return ("command %s exited %s\nstdout: %r\nstderr: %r"
            % (" ".join(map(str, args)), p.returncode,
               (p.stdout or b"")[:3000], (p.stderr or b"")[:3000]))


@pytest.fixture(scope="session")
def userns_for_nobody():
    """(ok, reason): can uid 65534 create a user namespace here?"""
    try:
        p = subprocess.run(SETPRIV + ["unshare", "--user", "true"], capture_output=True,
                           timeout=TIMEOUT, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"cannot run setpriv/unshare: {e}"
    if p.returncode != 0:
        return False, ("unprivileged user namespaces do not work here "
                       f"(`unshare --user true` as uid {NOBODY}: "
                       f"{p.stderr.decode(errors='replace').strip()})")
    return True, ""


@pytest.fixture(params=["root", "nobody"])
def void(request, staged, userns_for_nobody):
    if request.param == "nobody" and not userns_for_nobody[0]:
        pytest.skip(userns_for_nobody[1])
    return Void(staged, request.param)


# ---------------------------------------------------------------- a host keyring key

SYS_ADD_KEY = 248   # x86_64
SYS_KEYCTL = 250
KEY_SPEC_SESSION_KEYRING = -3
KEYCTL_GET_KEYRING_ID = 0
KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL_REVOKE = 3
KEYCTL_UNLINK = 9


@pytest.fixture
def host_key():
    """(serial, payload, session keyring id) of a "user" key in the test process's
    session keyring."""
    if os.uname().machine != "x86_64":
        pytest.skip("keyring syscall numbers are x86_64 only here")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # A keyring of our own, so that the root user's session keyring is not touched.
    if libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING),
                    ctypes.c_char_p(None)) < 0:
        pytest.fail("keyctl(JOIN_SESSION_KEYRING): " + os.strerror(ctypes.get_errno()))
    payload = b"void-test-key-payload"
    serial = libc.syscall(ctypes.c_long(SYS_ADD_KEY), ctypes.c_char_p(b"user"),
                          ctypes.c_char_p(b"void-test-key"), ctypes.c_char_p(payload),
                          ctypes.c_size_t(len(payload)),
                          ctypes.c_long(KEY_SPEC_SESSION_KEYRING))
    if serial < 0:
        pytest.fail("add_key: " + os.strerror(ctypes.get_errno()))
    session = libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_GET_KEYRING_ID),
                           ctypes.c_long(KEY_SPEC_SESSION_KEYRING), ctypes.c_long(0))
    try:
        yield serial, payload.decode(), session
    finally:
        libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_REVOKE),
                     ctypes.c_long(serial))
        libc.syscall(ctypes.c_long(SYS_KEYCTL), ctypes.c_long(KEYCTL_UNLINK),
                     ctypes.c_long(serial), ctypes.c_long(KEY_SPEC_SESSION_KEYRING))


# ---------------------------------------------------------------- helpers for tests

_line_buffers = {}  # fd -> bytes read past the last line returned


def read_json_line(stream, timeout):
    """Reads one line from a pipe within timeout seconds and parses it as JSON."""
    fd = stream.fileno()
    buf = _line_buffers.get(fd, b"")
    deadline = time.monotonic() + timeout
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError(f"no line within {timeout} s (got {buf!r})")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError(f"EOF before a full line (got {buf!r})")
        buf += chunk
    line, _line_buffers[fd] = buf.split(b"\n", 1)
    return json.loads(line)


def find_pids_by_argv(argv):
    """Host pids of live processes whose argv is exactly argv."""
    want = b"\0".join(a.encode() for a in argv) + b"\0"
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if f.read() == want and proc_state(entry) not in (None, "Z", "X"):
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def wait_gone(pid, timeout):
    """True when pid is gone (or a zombie) within timeout seconds."""
    deadline = time.monotonic() + timeout
    while proc_state(pid) not in (None, "Z", "X"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def set_ctty():
    """preexec_fn: make stdin (a pty slave) the controlling terminal of the new session."""
    import termios
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


__all__ = ["Void", "describe", "fd_at", "parse_mountinfo", "host_mountinfo",
           "read_json_line", "find_pids_by_argv", "wait_gone", "set_ctty", "errno",
           "SECRET", "TIMEOUT", "NOBODY"]
