#!/usr/bin/python3
"""Benchmark driver: what isolation costs, from clone3 flags to end-to-end startup.

    scripts/bench.py [--build DIR] [--shim PATH] [--out DIR] [--force] [--only STEP,...]
                     [quick|full|smoke]

quick (the default, what `make evaluate` runs) takes under 3 minutes on 2 cores; full
takes longer (interleaved rounds, 2000-sample loops, 200 runs of everything); smoke runs
every step with tiny counts, for `make test`. Results go to results/bench/local-<date>-
<mode>/ (ignored by git) unless --out names a directory; an existing non-empty directory
is only overwritten with --force, so a committed reference run is never clobbered by
accident. See bench/README.md for what each file holds.

Standard library only. Unprivileged runs use setpriv --reuid=65534 --regid=65534
--clear-groups on copies of the binaries in a world-readable temporary directory.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_report  # noqa: E402
import bench_stats  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETPRIV = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
TIMING_KEYS = ["parse_us", "resolve_us", "cgroup_us", "clone_us", "user_us", "time_us",
               "mount_us", "uts_us", "net_us", "fds_us", "last_us", "exec_us", "total_us"]

# iters/warmup: C loops; runs/hwarm: hyperfine runs and warm-up per command and round;
# rounds (bind_rounds): passes over all end-to-end commands (with binds), interleaved so
# that load from other users of the machine spreads over every command; budget_s: time
# allowed for one slow command per round (bubblewrap with 1000 binds takes over a second
# a start), never fewer than min_runs; binds: N for the in-process loop; e2e_binds: N
# end to end.
MODES = {
    "smoke": dict(iters=5, warmup=1, runs=3, hwarm=1, rounds=1, bind_rounds=1, budget_s=2,
                  min_runs=2, binds=[0, 1, 10], e2e_binds=[0, 10], tput_s=0.2,
                  creators=[1, 2], steady_s=0.2, timings=5, resamples=500, inter_rounds=3,
                  inter_bind_rounds=2,
                  tput_kinds=["clone-all7", "floor"]),
    "quick": dict(iters=300, warmup=20, runs=200, hwarm=20, rounds=1, bind_rounds=1,
                  budget_s=10, min_runs=10, binds=[0, 1, 10, 100, 1000],
                  e2e_binds=[0, 10, 100, 1000], tput_s=0.5, creators=[1, 2, 4], steady_s=1,
                  timings=200, resamples=10000, inter_rounds=500, inter_bind_rounds=40,
                  tput_kinds=["clone-none", "clone-all7", "floor", "void-shim"]),
    "full": dict(iters=2000, warmup=50, runs=200, hwarm=50, rounds=5, bind_rounds=1,
                 budget_s=1e9, min_runs=200, binds=[0, 1, 10, 100, 1000],
                 e2e_binds=[0, 10, 100, 1000], tput_s=5.0, creators=[1, 2, 4], steady_s=12,
                 timings=1000, resamples=10000, inter_rounds=2000, inter_bind_rounds=200,
                 tput_kinds=["clone-none", "clone-net", "clone-all7", "void-inproc",
                             "floor", "void-shim", "bwrap"]),
}
STEPS = ["clone_flags", "exec_floor", "mount_steps", "bind_scaling", "static_dynamic",
         "shim_timings", "e2e", "e2e_interleaved", "e2e_steps", "e2e_binds",
         "e2e_binds_interleaved", "throughput"]


class Bench:
    """One benchmark run: where the binaries are, who runs them, where results go."""

    def __init__(self, args):
        self.mode = args.mode
        self.cfg = MODES[args.mode]
        self.out = args.out
        self.build = os.path.abspath(args.build)
        self.shim_src = os.path.abspath(args.shim)
        self.t_start = time.monotonic()
        self.summary = []      # rows for summary.csv
        self.skipped = []      # (step, why)
        self.child_rss_kb = {}  # step -> max RSS of its benchmark processes
        self.tmp = tempfile.mkdtemp(prefix="void-bench.")
        os.chmod(self.tmp, 0o755)
        self.scratch = os.path.join(self.tmp, "out")
        os.mkdir(self.scratch)
        os.chmod(self.scratch, 0o777)  # the unprivileged runs write their raw files here
        self.bins = self._copy_binaries()
        self.users = ([("root", []), ("unpriv", SETPRIV)] if os.geteuid() == 0
                      else [("unpriv", [])])

    # -- setup ------------------------------------------------------------------------
    def _copy_binaries(self):
        """World-readable copies, so that user 65534 can run them wherever the checkout
        is; every tool, root or not, runs the same files from the same place."""
        bins = {}
        names = ["tiny", "tiny-libc", "tiny-dyn", "floor", "clone_flags", "exec_floor",
                 "mount_steps", "bind_scaling", "static_dynamic", "throughput",
                 "e2e_interleave", "floor_steps"]
        for name in names:
            src = os.path.join(self.build, "bench", name)
            if not os.path.exists(src):
                sys.exit(f"bench.py: {src} missing: run `make bench-bins` first")
            bins[name] = self._install(src, name)
        for name in ("floor-musl", "tiny-musl"):  # built only where musl-gcc is installed
            src = os.path.join(self.build, "bench", name)
            if os.path.exists(src):
                bins[name] = self._install(src, name)
            else:
                self.skip(name, "not built (needs musl-gcc: Debian musl-tools)")
        if os.access(self.shim_src, os.X_OK):
            bins["void-shim"] = self._install(self.shim_src, "void-shim")
        else:
            self.skip("void-shim", f"{self.shim_src} not built")
        return bins

    def _install(self, src, name):
        dst = os.path.join(self.tmp, name)
        shutil.copy2(src, dst)
        os.chmod(dst, 0o755)
        return dst

    def skip(self, what, why):
        self.skipped.append({"what": what, "why": why})
        self.log(f"SKIP {what}: {why}")

    def log(self, msg):
        print(f"[bench {time.monotonic() - self.t_start:6.1f}s] {msg}", flush=True)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- running things -----------------------------------------------------------------
    def run_c(self, step, prefix, argv):
        """Runs a C benchmark, keeping its peak RSS (it prints rss_kb=) for meta."""
        proc = subprocess.run(prefix + argv, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        for line in proc.stderr.decode(errors="replace").splitlines():
            if line.startswith("rss_kb="):
                rss = int(line.split("=", 1)[1])
                self.child_rss_kb[step] = max(self.child_rss_kb.get(step, 0), rss)
            elif line:
                self.log(f"  {step}: {line}")
        if proc.returncode != 0:
            raise RuntimeError(f"{step}: {' '.join(argv[:3])}... exited {proc.returncode}")

    def scratch_file(self, name):
        path = os.path.join(self.scratch, name)
        if os.path.exists(path):
            os.unlink(path)
        return path

    def loop_opts(self, out, iters=None):
        return ["-n", str(iters or self.cfg["iters"]), "-w", str(self.cfg["warmup"]),
                "-o", out]

    def add_summary(self, section, user, variant, metric, samples, unit="us"):
        if not samples:
            return None
        s = bench_stats.summarize(samples, self.cfg["resamples"])
        row = {"section": section, "user": user, "variant": variant, "metric": metric,
               "unit": unit}
        row.update({k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()})
        self.summary.append(row)
        return row

    def hyperfine(self, prefix, name, command, runs, warmup):
        """One hyperfine -N measurement; returns the list of wall times in us."""
        export = self.scratch_file(f"hf-{len(os.listdir(self.scratch))}.json")
        argv = prefix + ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup),
                         "--runs", str(runs), "--export-json", export,
                         "--command-name", name, command]
        res = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if res.returncode != 0:
            raise RuntimeError(f"hyperfine {name}: {res.stderr.decode(errors='replace')}")
        with open(export) as f:
            data = json.load(f)["results"][0]
        os.makedirs(os.path.join(self.out, "hyperfine"), exist_ok=True)
        shutil.copy(export, os.path.join(self.out, "hyperfine", f"{self._slug(name)}.json"))
        return [t * 1e6 for t in data["times"]], data

    @staticmethod
    def _slug(name):
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)

    def time_once(self, prefix, argv):
        t0 = time.monotonic()
        subprocess.run(prefix + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - t0

    def runs_for(self, prefix, command):
        """200 runs (the configured count) unless one start is so slow that they would
        not fit the mode's budget; then as many as fit, never below min_runs."""
        est = self.time_once(prefix, command.split())
        if est < 0.1:  # the first start may pay for cold caches
            est = min(est, self.time_once(prefix, command.split()))
        runs = self.cfg["runs"]
        if est * runs > self.cfg["budget_s"]:
            runs = max(self.cfg["min_runs"], int(self.cfg["budget_s"] / est))
        return runs


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mountinfo():
    with open("/proc/self/mountinfo") as f:
        return f.read()


# ---------------------------------------------------------------------------------------
# 1. Microbenchmarks (C loops)
# ---------------------------------------------------------------------------------------
def step_clone_flags(b):
    rows = []
    for user, prefix in b.users:
        out = b.scratch_file(f"clone_flags-{user}.csv")
        b.log(f"clone_flags as {user}: 11 variants x {b.cfg['iters']} samples")
        b.run_c("clone_flags", prefix, [b.bins["clone_flags"]] + b.loop_opts(out))
        rows += [[user, r["variant"], r["iter"], r["create_ns"], r["roundtrip_ns"]]
                 for r in read_csv(out)]
    write_csv(os.path.join(b.out, "clone_flags.csv"),
              ["user", "variant", "iter", "create_ns", "roundtrip_ns"], rows)
    for key in sorted({(r[0], r[1]) for r in rows}, key=lambda k: (k[0], _ns_order(k[1]))):
        for col, metric in ((3, "create"), (4, "roundtrip")):
            xs = [int(r[col]) / 1000 for r in rows if (r[0], r[1]) == key]
            b.add_summary("clone_flags", key[0], key[1], metric, xs)


def _ns_order(name):
    order = ["none", "user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time", "all7",
             "all8"]
    return order.index(name) if name in order else len(order)


def step_exec_floor(b):
    out = b.scratch_file("exec_floor.csv")
    user, prefix = b.users[0]
    b.log(f"exec_floor as {user}: 4 ways x {b.cfg['iters']} samples")
    b.run_c("exec_floor", prefix, [b.bins["exec_floor"]] + b.loop_opts(out) + [b.bins["tiny"]])
    rows = [[user, r["variant"], r["iter"], r["roundtrip_ns"]] for r in read_csv(out)]
    write_csv(os.path.join(b.out, "exec_floor.csv"),
              ["user", "variant", "iter", "roundtrip_ns"], rows)
    for v in dict.fromkeys(r[1] for r in rows):
        b.add_summary("exec_floor", user, v, "roundtrip",
                      [int(r[3]) / 1000 for r in rows if r[1] == v])


def _mount_modes(b):
    """(label, prefix, extra args): as root both directly and inside a new user ns (the
    unprivileged path, same kernel checks); as 65534 the user-ns path for real."""
    modes = []
    for user, prefix in b.users:
        if user == "root":
            modes.append(("root", prefix, []))
            modes.append(("root-userns", prefix, ["-u"]))
        else:
            modes.append((user, prefix, ["-u"]))
    return modes


def check_host_mounts(b, before, step):
    if mountinfo() != before:
        raise RuntimeError(f"{step}: the host mount table changed: stop and investigate")


def step_mount_steps(b):
    before, rows = mountinfo(), []
    for user, prefix, extra in _mount_modes(b):
        out = b.scratch_file(f"mount_steps-{user}.csv")
        b.log(f"mount_steps as {user}: {b.cfg['iters']} samples")
        b.run_c("mount_steps", prefix, [b.bins["mount_steps"]] + extra + b.loop_opts(out))
        check_host_mounts(b, before, "mount_steps")
        rows += [[user, r["step"], r["iter"], r["ns"]] for r in read_csv(out)]
    write_csv(os.path.join(b.out, "mount_steps.csv"), ["user", "step", "iter", "ns"], rows)
    for key in dict.fromkeys((r[0], r[1]) for r in rows):
        b.add_summary("mount_steps", key[0], key[1], "step",
                      [int(r[3]) / 1000 for r in rows if (r[0], r[1]) == key])


def step_bind_scaling(b):
    before, rows = mountinfo(), []
    ns = [str(n) for n in b.cfg["binds"]]
    for user, prefix, extra in _mount_modes(b):
        out = b.scratch_file(f"bind_scaling-{user}.csv")
        b.log(f"bind_scaling as {user}: N = {' '.join(ns)}")
        b.run_c("bind_scaling", prefix, [b.bins["bind_scaling"]] + extra +
                b.loop_opts(out, max(5, b.cfg["iters"] // 6)) + ns)
        check_host_mounts(b, before, "bind_scaling")
        rows += [[user, r["n"], r["iter"], r["binds_ns"], r["detach_ns"], r["roundtrip_ns"]]
                 for r in read_csv(out)]
    write_csv(os.path.join(b.out, "bind_scaling.csv"),
              ["user", "n", "iter", "binds_ns", "detach_ns", "roundtrip_ns"], rows)
    for user, n in dict.fromkeys((r[0], r[1]) for r in rows):
        sel = [r for r in rows if (r[0], r[1]) == (user, n)]
        b.add_summary("bind_scaling", user, f"n={n}", "binds", [int(r[3]) / 1000 for r in sel])
        if int(n) > 0:
            b.add_summary("bind_scaling", user, f"n={n}", "per_bind",
                          [int(r[3]) / 1000 / int(n) for r in sel])
        b.add_summary("bind_scaling", user, f"n={n}", "detach", [int(r[4]) / 1000 for r in sel])
        b.add_summary("bind_scaling", user, f"n={n}", "roundtrip",
                      [int(r[5]) / 1000 for r in sel])


def ldd_needs(prog):
    """What automatic library binding must bind for prog: the ELF interpreter and the
    libraries, as paths the loader asks for (resolved host-side, outside the timing)."""
    res = subprocess.run(["ldd", prog], capture_output=True, text=True)
    paths = []
    for line in res.stdout.splitlines():
        parts = line.split()
        if "=>" in parts and len(parts) > parts.index("=>") + 1:
            path = parts[parts.index("=>") + 1]
        elif parts and parts[0].startswith("/"):
            path = parts[0]
        else:
            continue
        if path.startswith("/"):
            paths.append(path)
    return paths


def step_static_dynamic(b):
    user, prefix = b.users[0]
    out = b.scratch_file("static_dynamic.csv")
    libs = ldd_needs(b.bins["tiny-dyn"])
    progs = [f"nolibc-static={b.bins['tiny']}", f"libc-static={b.bins['tiny-libc']}",
             "libc-dynamic=" + ":".join([b.bins["tiny-dyn"]] + libs)]
    if "tiny-musl" in b.bins:
        progs.append(f"musl-static={b.bins['tiny-musl']}")
    iters = max(5, b.cfg["iters"] // 2)
    b.log(f"static_dynamic as {user}: {len(progs)} programs x host/void x {iters} samples")
    b.run_c("static_dynamic", prefix, [b.bins["static_dynamic"]] + b.loop_opts(out, iters) +
            progs)
    rows = [[user, r["program"], r["mode"], r["nbinds"], r["iter"], r["roundtrip_ns"]]
            for r in read_csv(out)]
    write_csv(os.path.join(b.out, "static_dynamic.csv"),
              ["user", "program", "mode", "nbinds", "iter", "roundtrip_ns"], rows)
    for prog, mode in dict.fromkeys((r[1], r[2]) for r in rows):
        b.add_summary("static_dynamic", user, f"{prog}/{mode}", "roundtrip",
                      [int(r[5]) / 1000 for r in rows if (r[1], r[2]) == (prog, mode)])
    _static_dynamic_shim(b)


def _static_dynamic_shim(b):
    """The same programs end to end under void-shim, which resolves and binds the
    dynamic one's libraries itself."""
    if "void-shim" not in b.bins:
        return
    rows = []
    for user, prefix in b.users:
        for prog in [p for p in ("tiny", "tiny-libc", "tiny-dyn", "tiny-musl") if p in b.bins]:
            name = f"void-shim-{prog}-{user}"
            times, _ = b.hyperfine(prefix, name, f"{b.bins['void-shim']} {b.bins[prog]}",
                                   b.cfg["runs"], b.cfg["hwarm"])
            rows += [[user, prog, i, round(t, 2)] for i, t in enumerate(times)]
            b.add_summary("static_dynamic_shim", user, prog, "e2e", times)
    write_csv(os.path.join(b.out, "static_dynamic_shim.csv"),
              ["user", "program", "iter", "us"], rows)


# ---------------------------------------------------------------------------------------
# 2. Per-step breakdown of a void-shim start
# ---------------------------------------------------------------------------------------
def step_shim_timings(b):
    """void-shim --timings, and floor -T (same format, the keys the floor has) for a
    step-by-step comparison."""
    tools = [("floor", [b.bins["floor"], "-T"])]
    if "void-shim" in b.bins:
        tools.insert(0, ("void-shim", [b.bins["void-shim"], "--timings"]))
    else:
        b.skip("shim_timings void-shim", "void-shim not built")
    rows = []
    for user, prefix in b.users:
        for tool, argv in tools:
            b.log(f"{' '.join(argv[1:])} of {tool} as {user}: {b.cfg['timings']} starts")
            for i in range(b.cfg["timings"]):
                rows += [[user, tool, i, k, v] for k, v in _one_timing(prefix, argv,
                                                                       b.bins["tiny"]).items()]
    write_csv(os.path.join(b.out, "shim_timings.csv"), ["user", "tool", "iter", "key", "us"],
              rows)
    for user, tool, key in dict.fromkeys((r[0], r[1], r[3]) for r in rows):
        section = "shim_timings" if tool == "void-shim" else "floor_timings"
        b.add_summary(section, user, key, "step",
                      [float(r[4]) for r in rows if (r[0], r[1], r[3]) == (user, tool, key)])


def _one_timing(prefix, argv, prog):
    res = subprocess.run(prefix + argv + [prog], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {res.returncode}: {res.stderr}")
    for line in reversed(res.stderr.splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            return {k: v for k, v in data.items() if k.endswith("_us")}
    raise RuntimeError(f"{argv[0]} printed no timings object: {res.stderr!r}")


# ---------------------------------------------------------------------------------------
# 3. End-to-end latency with hyperfine
# ---------------------------------------------------------------------------------------
def e2e_commands(b, user):
    """The same tiny static program under every tool; (name, command) pairs."""
    t = b.bins["tiny"]
    cmds = [("plain", t),
            ("unshare", f"unshare --user --map-root-user --mount --pid --fork --net --ipc "
                        f"--uts --cgroup {t}")]
    if shutil.which("bwrap"):
        cmds.append(("bwrap", f"bwrap --unshare-all --ro-bind {t} {t} {t}"))
    if shutil.which("firejail") and user == "root":
        # firejail as root leaves /run/firejail mounts in the mount namespace it starts
        # in: a throwaway private one keeps the host's table as it was (its cost, about
        # that of `unshare -m`, is small beside firejail's own).
        cmds.append(("firejail", "unshare -m --propagation private "
                                 f"firejail --quiet --noprofile --net=none --ipc-namespace {t}"))
    cmds.append(("floor", f"{b.bins['floor']} {t}"))
    # the floor with a fork-like clone3 (the shim's own start until 2026-12): what
    # CLONE_VM | CLONE_VFORK saves a launcher
    cmds.append(("floor-fork", f"{b.bins['floor']} -F {t}"))
    cmds.append(("floor+time", f"{b.bins['floor']} -t {t}"))
    if "floor-musl" in b.bins:
        cmds.append(("floor-musl", f"{b.bins['floor-musl']} {t}"))
    if "void-shim" in b.bins:
        cmds.append(("void-shim", f"{b.bins['void-shim']} {t}"))
    return cmds


def step_e2e(b):
    if not shutil.which("hyperfine"):
        return b.skip("e2e", "hyperfine not installed")
    if not shutil.which("firejail"):
        b.skip("e2e firejail", "firejail not installed")
    samples, rows = {}, []
    for rnd in range(b.cfg["rounds"]):
        for user, prefix in b.users:
            for name, cmd in e2e_commands(b, user):
                times = _e2e_one(b, user, prefix, name, cmd, rnd)
                samples.setdefault((user, name), []).extend(times)
                rows += [[user, name, rnd, i, round(t, 2)] for i, t in enumerate(times)]
    write_csv(os.path.join(b.out, "e2e.csv"), ["user", "variant", "round", "iter", "us"], rows)
    for (user, name), xs in samples.items():
        b.add_summary("e2e", user, name, "e2e", xs)
    b.e2e_samples = samples


def _e2e_one(b, user, prefix, name, cmd, rnd):
    runs = b.runs_for(prefix, cmd)
    warmup = min(b.cfg["hwarm"], max(1, runs // 10))  # slow commands: fewer warm-ups too
    times, data = b.hyperfine(prefix, f"e2e-{name}-{user}-r{rnd}", cmd, runs, warmup)
    med = bench_stats.percentile(sorted(times), 50)
    b.log(f"  e2e {user:6} {name:10} round {rnd}: {runs} runs, median {med:8.0f} us "
          f"(user {data['user'] * 1e6:.0f} us, sys {data['system'] * 1e6:.0f} us)")
    return times


def _bind_sources(b, n):
    """n empty files under the world-readable temp dir (short paths: the whole command
    line of bwrap with 1000 binds is one hyperfine argument, limited to 128 KiB)."""
    d = os.path.join(b.tmp, "b")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    for i in range(n):
        p = os.path.join(d, f"f{i}")
        if not os.path.exists(p):
            open(p, "w").close()
    return [(os.path.join(d, f"f{i}"), f"/b/f{i}") for i in range(n)]


def bind_commands(b, n):
    t, binds = b.bins["tiny"], _bind_sources(b, n)
    cmds = []
    if shutil.which("bwrap"):
        args = " ".join(f"--ro-bind {s} {d}" for s, d in binds)
        cmds.append(("bwrap", f"bwrap --unshare-all --ro-bind {t} {t} {args} {t}"))
    cmds.append(("floor", f"{b.bins['floor']} " + " ".join(f"-b {s}:{d}" for s, d in binds)
                 + f" {t}"))
    if "void-shim" in b.bins:
        args = " ".join(f"--bind {s}:{d}" for s, d in binds)
        cmds.append(("void-shim", f"{b.bins['void-shim']} {args} {t}"))
    return cmds


def step_e2e_binds(b):
    if not shutil.which("hyperfine"):
        return b.skip("e2e_binds", "hyperfine not installed")
    samples, rows = {}, []
    for rnd in range(b.cfg["bind_rounds"]):
        for user, prefix in b.users:
            for n in b.cfg["e2e_binds"]:
                for name, cmd in bind_commands(b, n):
                    times = _e2e_one(b, user, prefix, f"{name}-{n}binds", cmd, rnd)
                    samples.setdefault((user, name, n), []).extend(times)
                    rows += [[user, name, n, rnd, i, round(t, 2)] for i, t in enumerate(times)]
    write_csv(os.path.join(b.out, "e2e_binds.csv"),
              ["user", "tool", "n", "round", "iter", "us"], rows)
    for (user, name, n), xs in samples.items():
        b.add_summary("e2e_binds", user, f"{name}/n={n}", "e2e", xs)
    b.bind_samples = samples
    _per_bind_rows(b, samples, "e2e_binds")


def _per_bind_rows(b, samples, section):
    """Per-bind cost end to end: (sample at N - median at N=0) / N, for each N > 0 (the
    interval reflects the spread at N only, the base median is taken as exact)."""
    for (user, name, n), xs in samples.items():
        base = samples.get((user, name, 0))
        if n == 0 or not base:
            continue
        med0 = bench_stats.percentile(sorted(base), 50)
        b.add_summary(section, user, f"{name}/n={n}", "per_bind",
                      [(x - med0) / n for x in xs])


def _interleaved(b, step, user, prefix, cmds, rounds):
    """Runs cmds round-robin (shuffled per round) with bench/e2e_interleave; returns
    {name: [us, ...]}."""
    out = b.scratch_file(f"{step}-{user}.csv")
    # posix_spawn does not search PATH: make the tools' paths absolute.
    pairs = []
    for name, cmd in cmds:
        argv = cmd.split(" ")
        argv[0] = shutil.which(argv[0]) or argv[0]
        pairs.append(f"{name}=" + " ".join(argv))
    b.log(f"{step} as {user}: {len(cmds)} commands x {rounds} shuffled rounds")
    b.run_c(step, prefix, [b.bins["e2e_interleave"], "-n", str(rounds), "-w",
                           str(max(1, rounds // 20)), "-o", out] + pairs)
    samples = {}
    for r in read_csv(out):
        samples.setdefault(r["variant"], []).append((int(r["round"]), int(r["ns"]) / 1000))
    return samples


def step_e2e_interleaved(b):
    """The e2e commands again (without firejail, which is 20x slower than the rest and
    not part of a target), interleaved sample by sample."""
    rows = []
    for user, prefix in b.users:
        cmds = [(n, c) for n, c in e2e_commands(b, user) if n != "firejail"]
        got = _interleaved(b, "e2e_interleaved", user, prefix, cmds, b.cfg["inter_rounds"])
        for name, xs in ((n, got[n]) for n, _ in cmds if n in got):
            rows += [[user, name, rnd, round(us, 2)] for rnd, us in xs]
            b.inter_samples[(user, name)] = [us for _, us in xs]
            row = b.add_summary("e2e_interleaved", user, name, "e2e",
                                b.inter_samples[(user, name)])
            b.log(f"  interleaved {user:6} {name:10}: median {row['median']:8.0f} us")
    write_csv(os.path.join(b.out, "e2e_interleaved.csv"), ["user", "variant", "round", "us"],
              rows)


# floor_steps options: the shim's steps the floor leaves out, one at a time, then all
STEP_OPTIONS = [("+cgroup", "-c"), ("+time", "-t"), ("+uts", "-u"), ("+fds", "-f"),
                ("+session", "-S"), ("+seccomp", "-s"), ("+caps", "-k"),
                ("+all", "-c -t -u -f -S -s -k")]


def steps_commands(b):
    t, fs = b.bins["tiny"], b.bins["floor_steps"]
    cmds = [("floor", f"{b.bins['floor']} {t}"), ("steps-base", f"{fs} {t}")]
    cmds += [(name, f"{fs} {opts} {t}") for name, opts in STEP_OPTIONS]
    if "void-shim" in b.bins:
        cmds.append(("void-shim", f"{b.bins['void-shim']} {t}"))
    return cmds


def _paired_added(xs, base):
    """Per round: the variant's time minus the base's in the same round (both ran within
    milliseconds of each other, so load cancels out)."""
    by_round = dict(base)
    return [us - by_round[rnd] for rnd, us in xs if rnd in by_round]


def step_e2e_steps(b):
    """What each of the shim's steps costs end to end: the floor plus one step at a time
    (bench/floor_steps, the shim's own code), interleaved with the floor and the shim.
    Metric `added`: paired difference per round against steps-base (for void-shim also
    against +all: what the shim does beyond the floor and these steps)."""
    rows = []
    for user, prefix in b.users:
        cmds = steps_commands(b)
        got = _interleaved(b, "e2e_steps", user, prefix, cmds, b.cfg["inter_rounds"])
        for name in (n for n, _ in cmds if n in got):
            xs = got[name]
            rows += [[user, name, rnd, round(us, 2)] for rnd, us in xs]
            row = b.add_summary("e2e_steps", user, name, "e2e", [us for _, us in xs])
            line = f"  steps {user:6} {name:11}: median {row['median']:7.0f} us"
            bases = [] if name in ("floor", "steps-base") else ["steps-base"]
            if name == "void-shim":
                bases.append("+all")
            for base in (x for x in bases if x in got):
                added = b.add_summary("e2e_steps", user, f"{name} - {base}", "added",
                                      _paired_added(xs, got[base]))
                line += f", {added['median']:+6.0f} over {base}"
            b.log(line)
    write_csv(os.path.join(b.out, "e2e_steps.csv"), ["user", "variant", "round", "us"], rows)


def step_e2e_binds_interleaved(b):
    """floor and void-shim with N = 0..1000 binds and bwrap up to N = 100 (at 1000 one
    bwrap start takes over a second), interleaved sample by sample."""
    rows = []
    for user, prefix in b.users:
        cmds = []
        for n in b.cfg["e2e_binds"]:
            cmds += [(f"{tool}@{n}", c) for tool, c in bind_commands(b, n)
                     if tool != "bwrap" or n <= 100]
        got = _interleaved(b, "e2e_binds_interleaved", user, prefix, cmds,
                           b.cfg["inter_bind_rounds"])
        for name, xs in sorted(got.items(), key=lambda kv: (kv[0].split("@")[0],
                                                             int(kv[0].split("@")[1]))):
            tool, n = name.split("@")  # names must not contain "=": see e2e_interleave
            rows += [[user, tool, n, rnd, round(us, 2)] for rnd, us in xs]
            b.inter_bind_samples[(user, tool, int(n))] = [us for _, us in xs]
            b.add_summary("e2e_binds_interleaved", user, f"{tool}/n={n}", "e2e",
                          [us for _, us in xs])
    write_csv(os.path.join(b.out, "e2e_binds_interleaved.csv"),
              ["user", "tool", "n", "round", "us"], rows)
    _per_bind_rows(b, b.inter_bind_samples, "e2e_binds_interleaved")


# ---------------------------------------------------------------------------------------
# 4. Throughput and the netns teardown backlog
# ---------------------------------------------------------------------------------------
def throughput_jobs(b):
    t = b.bins["tiny"]
    jobs = {"clone-none": ["clone", "none"], "clone-net": ["clone", "net"],
            "clone-all7": ["clone", "all7"], "void-inproc": ["void", t],
            "floor": ["spawn", b.bins["floor"], t]}
    if "void-shim" in b.bins:
        jobs["void-shim"] = ["spawn", b.bins["void-shim"], t]
    if shutil.which("bwrap"):
        jobs["bwrap"] = ["spawn", shutil.which("bwrap"), "--unshare-all", "--ro-bind", t, t, t]
    return [(k, jobs[k]) for k in b.cfg["tput_kinds"] if k in jobs]


def step_throughput(b):
    user, prefix = b.users[0]
    slab = b.scratch_file("netns_slab.csv")
    rows = []
    for label, job in throughput_jobs(b):
        for c in b.cfg["creators"]:
            out = b.scratch_file(f"tput-{label}-{c}.csv")
            b.run_c("throughput", prefix, [b.bins["throughput"], "-c", str(c), "-d",
                    str(b.cfg["tput_s"]), "-s", slab, "-S", str(b.cfg["steady_s"]),
                    "-l", label, "-o", out] + job)
            r = read_csv(out)[0]
            rows.append([user, r["label"], r["creators"], r["seconds"], r["count"],
                         r["per_second"]])
            b.log(f"  throughput {label:11} x{c}: {float(r['per_second']):8.1f} voids/s")
    write_csv(os.path.join(b.out, "throughput.csv"),
              ["user", "label", "creators", "seconds", "count", "per_second"], rows)
    _slab_file(b, slab)


def _slab_file(b, slab):
    header = ["label", "creators", "t_ms", "phase", "active_objs"]
    rows = []
    if os.path.exists(slab):
        with open(slab, newline="") as f:
            rows = [r for r in csv.reader(f) if r]
    if not rows:
        b.skip("netns backlog", "/proc/slabinfo not readable (needs root)")
    write_csv(os.path.join(b.out, "netns_slab.csv"), header, rows)
    write_csv(os.path.join(b.out, "netns_backlog.csv"),
              ["label", "creators", "before", "peak", "steady", "drain_ms", "at_baseline"],
              _backlog(rows))


def _backlog(rows):
    """Per run: net_namespace objects before, at the peak, once steady, and how long
    after the creators stopped the count took to reach its steady value."""
    out = []
    for key in dict.fromkeys((r[0], r[1]) for r in rows):
        sel = [r for r in rows if (r[0], r[1]) == key]
        objs = [int(r[4]) for r in sel]
        drain = [r for r in sel if r[3] == "drain"]
        steady = int(drain[-1][4]) if drain else objs[-1]
        first = len(drain)
        while first > 0 and int(drain[first - 1][4]) == steady:
            first -= 1
        drain_ms = float(drain[first][2]) - float(drain[0][2]) if drain else 0.0
        out.append([key[0], key[1], objs[0], max(objs), steady, round(drain_ms, 1),
                    int(steady <= objs[0])])
    return out


# ---------------------------------------------------------------------------------------
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", nargs="?", default="quick", choices=sorted(MODES))
    p.add_argument("--build", default=os.path.join(REPO, "build"))
    p.add_argument("--shim", default=None, help="void-shim binary (default BUILD/bin/void-shim)")
    p.add_argument("--out", default=None)
    p.add_argument("--force", action="store_true", help="overwrite a non-empty --out")
    p.add_argument("--only", default=None, help="comma-separated steps: " + ",".join(STEPS))
    a = p.parse_args(argv)
    a.shim = a.shim or os.path.join(a.build, "bin", "void-shim")
    if a.out is None:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        a.out = os.path.join(REPO, "results", "bench", f"local-{stamp}-{a.mode}")
    a.steps = STEPS if a.only is None else a.only.split(",")
    unknown = [s for s in a.steps if s not in STEPS]
    if unknown:
        p.error(f"unknown steps {unknown}; known: {STEPS}")
    return a


def prepare_out(a):
    if os.path.isdir(a.out) and os.listdir(a.out):
        if not a.force:
            sys.exit(f"bench.py: {a.out} exists and is not empty (a reference run?); "
                     "use --force to overwrite it")
        shutil.rmtree(a.out)
    os.makedirs(a.out, exist_ok=True)


def main(argv):
    a = parse_args(argv)
    prepare_out(a)
    b = Bench(a)
    b.e2e_samples, b.bind_samples = {}, {}
    b.inter_samples, b.inter_bind_samples = {}, {}
    host_before = mountinfo()
    meta = bench_report.meta_start(b, a, argv)
    failed = []
    try:
        for step in a.steps:
            b.log(f"== {step}")
            try:
                globals()[f"step_{step}"](b)
            except RuntimeError as e:
                failed.append({"step": step, "error": str(e)})
                b.log(f"FAILED {step}: {e}")
    finally:
        b.close()
    meta["host_mountinfo_unchanged"] = mountinfo() == host_before
    bench_report.finish(b, meta, failed)
    return 1 if failed or not meta["host_mountinfo_unchanged"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
