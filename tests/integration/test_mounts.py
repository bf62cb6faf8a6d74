"""The void's file system: only declared mounts, an empty read-only root, binds,
tmpfs, /dev, programs and their libraries. Each test runs as root and as uid 65534."""

import collections
import errno
import os
import shutil
import subprocess

import pytest

from conftest import describe, host_mountinfo, parse_mountinfo


def host_root_dev():
    for m in parse_mountinfo(host_mountinfo()):
        if m["mountpoint"] == "/":
            root = m["dev"]
    return root


def test_mount_table_holds_only_declared_mounts(void, work):
    data = os.path.join(work, "data")
    os.mkdir(data)
    r = void.inspect(["--proc", "--bind", f"{data}:/data", "--tmpfs", "/scratch"])
    assert r["mountinfo"], "no /proc/self/mountinfo in the void although --proc was given"
    mounts = parse_mountinfo("\n".join(r["mountinfo"]))
    got = collections.Counter(m["mountpoint"] for m in mounts)
    want = collections.Counter(["/", "/proc", "/data", "/scratch",
                                os.path.realpath(void.inspect_path)])
    assert got == want, "void mounts %r, declared %r\n%s" % (
        sorted(got.elements()), sorted(want.elements()), "\n".join(r["mountinfo"]))

    hostdev = host_root_dev()
    for m in mounts:
        assert "oldroot" not in m["mountpoint"] and "old_root" not in m["mountpoint"], m
        assert not (m["dev"] == hostdev and m["root"] == "/"), \
            f"the host's root file system is mounted in the void: {m['line']}"
    by = {m["mountpoint"]: m for m in mounts}
    assert by["/"]["fstype"] == "tmpfs" and "ro" in by["/"]["opts"], by["/"]["line"]
    for point in ("/data", os.path.realpath(void.inspect_path)):
        for opt in ("ro", "nosuid", "nodev"):
            assert opt in by[point]["opts"], f"{point} lacks {opt}: {by[point]['line']}"
    assert by["/scratch"]["fstype"] == "tmpfs" and "rw" in by["/scratch"]["opts"]
    assert by["/proc"]["fstype"] == "proc"
    assert "subset=pid" in by["/proc"]["super"], by["/proc"]["line"]
    assert "hidepid=invisible" in by["/proc"]["super"], by["/proc"]["line"]


def test_root_holds_only_what_was_declared(void, work):
    """The root tmpfs holds the parents of the declared paths and nothing else (no
    old-root directory left behind); the program's directory holds only the program."""
    data = os.path.join(work, "data")
    os.mkdir(data)
    stage = os.path.dirname(os.path.realpath(void.inspect_path))
    r = void.inspect(["--proc", "--bind", f"{data}:/data", "--tmpfs", "/scratch"],
                     ["-l", "/", "-l", stage, "-l", "/scratch"])
    top = stage.strip("/").split("/")[0]
    assert sorted(r["listings"]["/"]) == sorted([top, "proc", "data", "scratch"]), \
        r["listings"]["/"]
    assert r["listings"][stage] == ["void-inspect"], r["listings"][stage]
    assert r["listings"]["/scratch"] == []


def test_proc_shows_only_the_voids_processes(void):
    r = void.inspect(["--proc"], ["-l", "/proc"])
    pids = sorted(int(n) for n in r["listings"]["/proc"] if n.isdigit())
    assert pids == [1], f"/proc in the void lists pids {pids}"
    assert "sys" not in r["listings"]["/proc"], "subset=pid should hide /proc/sys"


def test_host_paths_absent_unless_declared(void):
    r = void.inspect([], ["-p", "/etc", "-p", "/home", "-p", "/proc", "-p", "/tmp/x",
                          "-p", "/usr", "-p", "/dev"])
    assert r["paths"] == {"/etc": False, "/home": False, "/proc": False,
                          "/tmp/x": False, "/usr": False, "/dev": False}, r["paths"]
    assert r["mountinfo"] is None and r["ns"] is None


def test_declared_paths_present(void):
    r = void.inspect(["--proc", "--bind", "/etc", "--bind", "/home:/h"],
                     ["-p", "/etc/hostname", "-p", "/h", "-p", "/home", "-p", "/proc/self"])
    assert r["paths"] == {"/etc/hostname": True, "/h": True, "/home": False,
                          "/proc/self": True}, r["paths"]


def test_root_is_an_empty_read_only_tmpfs(void):
    r = void.inspect(["--proc"])
    root = [m for m in parse_mountinfo("\n".join(r["mountinfo"])) if m["mountpoint"] == "/"]
    assert len(root) == 1 and root[0]["fstype"] == "tmpfs" and "ro" in root[0]["opts"], root
    assert r["root_writable"] == {"ok": False, "errno": errno.EROFS}


def test_dynamic_program_true(void):
    p = void.run(["--", "/bin/true"])
    assert p.returncode == 0, describe(p)
    assert p.stderr == b""


def test_dynamic_program_sh_echo(void):
    p = void.run(["--stdout", "--", "/bin/sh", "-c", "echo hi"])
    assert p.returncode == 0, describe(p)
    assert p.stdout == b"hi\n"


def test_dynamic_program_env_shows_only_declared_environment(void):
    p = void.run(["--stdout", "--env", "A=B", "--", "/usr/bin/env"])
    assert p.returncode == 0, describe(p)
    assert p.stdout == b"A=B\n"


def test_program_looked_up_in_path(void):
    p, lines = void.do([], ["echo", "found"], env={"PATH": f"{void.staged.root}:/usr/bin"})
    assert p.returncode == 0, describe(p)
    assert lines == [{"op": "echo", "text": "found"}]
    # argv[0] stays as the user gave it
    p = void.run(["--stdout", "--", "sh", "-c", 'echo "$0"'])
    assert p.returncode == 0, describe(p)
    assert p.stdout == b"sh\n"


def test_bind_file_is_read_only(void, work):
    f = os.path.join(work, "f.txt")
    with open(f, "w") as fh:
        fh.write("file-content")
    os.chmod(f, 0o666)
    p, lines = void.do(["--bind", f"{f}:/ro/f.txt"],
                       ["read", "/ro/f.txt", "write", "/ro/f.txt", "changed"])
    assert p.returncode == 0, describe(p)
    assert lines[0]["ok"] and bytes.fromhex(lines[0]["hex"]) == b"file-content", lines
    assert lines[1] == {"op": "write", "path": "/ro/f.txt", "ok": False,
                        "errno": errno.EROFS}, lines
    with open(f) as fh:
        assert fh.read() == "file-content"


def test_bind_dir_is_read_only(void, work):
    d = os.path.join(work, "d")
    os.mkdir(d)
    os.chmod(d, 0o777)
    with open(os.path.join(d, "inner.txt"), "w") as fh:
        fh.write("inner")
    p, lines = void.do(["-b", f"{d}:/ro-dir"],
                       ["read", "/ro-dir/inner.txt", "write", "/ro-dir/new.txt", "x",
                        "mkdir", "/ro-dir/sub"])
    assert p.returncode == 0, describe(p)
    assert lines[0]["ok"] and bytes.fromhex(lines[0]["hex"]) == b"inner", lines
    assert (lines[1]["ok"], lines[1]["errno"]) == (False, errno.EROFS), lines
    assert (lines[2]["ok"], lines[2]["errno"]) == (False, errno.EROFS), lines
    assert sorted(os.listdir(d)) == ["inner.txt"]


def test_bind_rw_writes_land_on_the_host(void, work):
    d = os.path.join(work, "rw")
    os.mkdir(d)
    os.chmod(d, 0o777)
    f = os.path.join(work, "rw-file.txt")
    with open(f, "w") as fh:
        fh.write("old")
    os.chmod(f, 0o666)
    p, lines = void.do(["--bind-rw", f"{d}:/rw", "-B", f"{f}:/rw-file"],
                       ["write", "/rw/out.txt", "written-in-void",
                        "write", "/rw-file", "new"])
    assert p.returncode == 0, describe(p)
    assert all(line["ok"] for line in lines), lines
    with open(os.path.join(d, "out.txt")) as fh:
        assert fh.read() == "written-in-void"
    with open(f) as fh:
        assert fh.read() == "new"


def test_tmpfs_is_writable(void):
    p, lines = void.do(["--tmpfs", "/scratch"],
                       ["write", "/scratch/x", "abc", "read", "/scratch/x",
                        "mkdir", "/scratch/sub"])
    assert p.returncode == 0, describe(p)
    assert [line["ok"] for line in lines] == [True, True, True], lines
    assert bytes.fromhex(lines[1]["hex"]) == b"abc"


def test_dev_devices_work(void):
    p, lines = void.do(["--dev"],
                       ["read", "/dev/zero", "write", "/dev/null", "discarded",
                        "write", "/dev/full", "x", "read", "/dev/urandom",
                        "read", "/dev/random", "read", "/dev/null"])
    assert p.returncode == 0, describe(p)
    zero, null_w, full, urandom, random_, null_r = lines
    assert zero["ok"] and bytes.fromhex(zero["hex"]) == bytes(64), zero
    assert null_w["ok"], null_w
    assert (full["ok"], full["errno"]) == (False, errno.ENOSPC), full
    assert urandom["ok"] and len(bytes.fromhex(urandom["hex"])) == 64, urandom
    assert random_["ok"] and len(random_["hex"]) > 0, random_
    assert null_r["ok"] and null_r["hex"] == "", null_r


def test_dev_absent_without_dev_option(void):
    p, lines = void.do([], ["read", "/dev/null"])
    assert p.returncode == 0, describe(p)
    assert (lines[0]["ok"], lines[0]["errno"]) == (False, errno.ENOENT), lines


def test_no_libs_dynamic_program_is_not_found(void):
    p = void.run(["--no-libs", "--", "/bin/true"])
    assert p.returncode == 127, describe(p)


def test_no_libs_static_program_works(void):
    r = void.inspect(["--no-libs", "--proc"])
    points = sorted(m["mountpoint"] for m in parse_mountinfo("\n".join(r["mountinfo"])))
    assert points == sorted(["/", "/proc", os.path.realpath(void.inspect_path)]), points


def test_tmpdir_option_uses_and_leaves_the_directory_unchanged(void, work):
    stage = os.path.join(work, "stage")
    os.mkdir(stage)
    os.chmod(stage, 0o777)
    p, lines = void.do(["--tmpdir", stage], ["echo", "ok"])
    assert p.returncode == 0, describe(p)
    assert lines == [{"op": "echo", "text": "ok"}]
    assert os.listdir(stage) == []


def test_symlinked_dst_parent_cannot_escape(void, work):
    """The program is reached through a host symlink with an absolute target, so the
    plan recreates that symlink in the void. A bind whose DST goes through it must
    either fail cleanly or land inside the void, never create anything on the host."""
    real = os.path.join(work, "real")
    os.mkdir(real)
    os.chmod(real, 0o755)
    shutil.copyfile(void.do_path, os.path.join(real, "void-do"))
    os.chmod(os.path.join(real, "void-do"), 0o755)
    link = os.path.join(work, "link")
    os.symlink(real, link)
    src = os.path.join(work, "payload.txt")
    with open(src, "w") as fh:
        fh.write("payload")
    os.chmod(src, 0o644)

    for dst in (f"{link}/x", f"{link}/sub/x"):
        before = sorted(os.listdir(real))
        p = void.run(["--stdout", "--bind", f"{src}:{dst}", "--", f"{link}/void-do",
                      "read", dst])
        assert sorted(os.listdir(real)) == before, \
            f"--bind {src}:{dst} created {set(os.listdir(real)) - set(before)} on the host"
        if p.returncode == 0:
            # It stayed inside: the void sees the payload through its own symlink.
            assert b'"ok": true' in p.stdout and "payload".encode().hex().encode() \
                in p.stdout, describe(p)
        else:
            assert p.returncode == 125, describe(p)
            err = p.stderr.decode()
            assert err.startswith("void-shim: ") and err.count("\n") == 1, describe(p)


def test_dst_inside_a_bound_host_dir_creates_nothing_on_the_host(void, work):
    """A bind or tmpfs whose DST lies inside another bind would need its mount point
    created in the host directory: that must fail cleanly, and the host directory stay
    as it was. A DST that already exists there is fine."""
    hd = os.path.join(work, "hd")
    os.mkdir(hd)
    os.chmod(hd, 0o777)
    with open(os.path.join(hd, "existing"), "w") as fh:
        fh.write("old")
    src = os.path.join(work, "payload.txt")
    with open(src, "w") as fh:
        fh.write("payload")
    for opts in (["--bind", f"{hd}:/hd", "--bind", f"{src}:/hd/x"],
                 ["--bind-rw", f"{hd}:/hd", "--tmpfs", "/hd/sub/t"]):
        p = void.run(opts + ["--", void.do_path, "exit", "0"])
        assert sorted(os.listdir(hd)) == ["existing"], f"{opts} changed the host dir"
        err = p.stderr.decode()
        assert p.returncode == 125, describe(p)
        assert err.startswith("void-shim: ") and err.count("\n") == 1, describe(p)
    p, lines = void.do(["--bind", f"{hd}:/hd", "--bind", f"{src}:/hd/existing"],
                       ["read", "/hd/existing"])
    assert p.returncode == 0, describe(p)
    assert bytes.fromhex(lines[0]["hex"]) == b"payload", lines
    with open(os.path.join(hd, "existing")) as fh:
        assert fh.read() == "old"


def test_short_options(void, work):
    f = os.path.join(work, "f.txt")
    with open(f, "w") as fh:
        fh.write("x")
    r = void.inspect(["-p", "-d", "-t", "/scratch", "-e", "A=1", "-b", f"{f}:/f",
                      "-B", f"{work}:/w"],
                     ["-p", "/proc/self", "-p", "/dev/null", "-p", "/scratch", "-p", "/f",
                      "-p", "/w/f.txt"])
    assert all(r["paths"].values()), r["paths"]
    assert r["environ"] == ["A=1"]


def test_dev_holds_exactly_the_five_devices(void):
    r = void.inspect(["--dev"], ["-l", "/dev"])
    assert sorted(r["listings"]["/dev"]) == ["full", "null", "random", "urandom", "zero"], \
        r["listings"]["/dev"]


def test_bind_is_recursive_and_every_submount_read_only(void):
    """Host /dev has submounts (/dev/shm, /dev/pts): bound at /hostdev they must all be
    there, and every one of them read-only, nosuid and nodev (not only the top one)."""
    host = [m for m in parse_mountinfo(host_mountinfo())
            if m["mountpoint"].startswith("/dev/")]
    if not host:
        pytest.skip("host /dev has no submounts to check recursion with")
    r = void.inspect(["--proc", "--bind", "/dev:/hostdev"])
    mounts = [m for m in parse_mountinfo("\n".join(r["mountinfo"]))
              if m["mountpoint"] == "/hostdev" or m["mountpoint"].startswith("/hostdev/")]
    got = sorted(m["mountpoint"] for m in mounts)
    want = sorted(["/hostdev"] + ["/hostdev" + m["mountpoint"][4:] for m in host])
    assert got == want, f"void has {got}, host /dev has {want}"
    for m in mounts:
        for opt in ("ro", "nosuid", "nodev"):
            assert opt in m["opts"], f"{m['mountpoint']} lacks {opt}: {m['line']}"


def test_bind_rw_mount_is_writable_but_nosuid_nodev(void, work):
    r = void.inspect(["--proc", "--bind-rw", f"{work}:/w"])
    m = [m for m in parse_mountinfo("\n".join(r["mountinfo"])) if m["mountpoint"] == "/w"]
    assert len(m) == 1, r["mountinfo"]
    for opt in ("rw", "nosuid", "nodev"):
        assert opt in m[0]["opts"], m[0]["line"]


def test_tmpdir_from_environment_is_used(void, work):
    stage = os.path.join(work, "stage")
    os.mkdir(stage)
    os.chmod(stage, 0o777)
    p, lines = void.do([], ["echo", "ok"], env={"TMPDIR": stage})
    assert p.returncode == 0, describe(p)
    assert os.listdir(stage) == []
    missing = os.path.join(work, "missing")
    p = void.run(["--", void.do_path, "exit", "0"], env={"TMPDIR": missing})
    err = p.stderr.decode()
    assert p.returncode == 125, describe(p)
    assert err.startswith("void-shim: ") and err.count("\n") == 1 and missing in err, err


def ldd_paths(program):
    """Canonical paths of what the host's loader maps for program (ldd as an oracle)."""
    out = subprocess.run(["ldd", program], capture_output=True, text=True, timeout=15,
                         check=True).stdout
    paths = set()
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1:
            candidate = words[words.index("=>") + 1]
        elif words:
            candidate = words[0]
        else:
            continue
        if candidate.startswith("/"):
            paths.add(os.path.realpath(candidate))
    return paths


def test_dynamic_program_gets_exactly_its_files(void):
    """/bin/sh in a void sees mounts for itself, its loader and its libraries (at their
    canonical paths, read-only), /proc and the root: nothing else."""
    p = void.run(["--proc", "--stdout", "--", "/bin/sh", "-c",
                  'while read -r l; do echo "$l"; done < /proc/self/mountinfo'])
    assert p.returncode == 0, describe(p)
    mounts = parse_mountinfo(p.stdout.decode())
    want = {"/", "/proc", os.path.realpath("/bin/sh")} | ldd_paths("/bin/sh")
    got = collections.Counter(m["mountpoint"] for m in mounts)
    extra = set(got) - want - {"/etc/ld.so.cache"}
    assert not extra and want <= set(got) and max(got.values()) == 1, \
        f"void mounts {sorted(got.elements())}, expected {sorted(want)}"
    for m in mounts:
        if m["mountpoint"] not in ("/", "/proc"):
            assert m["root"] == m["mountpoint"], m["line"]
            for opt in ("ro", "nosuid", "nodev"):
                assert opt in m["opts"], m["line"]
