"""Metadata, targets and the terminal summary of a benchmark run (used by bench.py)."""
import csv
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import bench_stats

SUMMARY_HEADER = ["section", "user", "variant", "metric", "unit", "n", "median", "p10",
                  "p90", "p99", "ci95_lo", "ci95_hi", "min", "max"]


def _read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def _cmd(argv):
    try:
        res = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = (res.stdout or res.stderr).strip().splitlines()
    return out[0] if out else None


def _cpu_model():
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _meminfo_kb(key):
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def _status_kb(key):
    for line in _read("/proc/self/status").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def _host_threads():
    return len(glob.glob("/proc/[0-9]*/task/[0-9]*"))


def _git(repo, *args):
    return _cmd(["git", "-C", repo, *args])


def _tool_versions(b):
    versions = {
        "hyperfine": _cmd(["hyperfine", "--version"]),
        "bwrap": _cmd(["bwrap", "--version"]),
        "unshare": _cmd(["unshare", "--version"]),
        # Not `firejail --version`: run as root, even that mounts /run/firejail/* on the
        # host. The package database says the same without touching anything.
        "firejail": _cmd(["dpkg-query", "-W", "-f", "firejail ${Version}", "firejail"]),
        "gcc": _cmd(["gcc", "--version"]),
        "python": sys.version.split()[0],
        "ldd (glibc)": _cmd(["ldd", "--version"]),
    }
    if "void-shim" in b.bins:
        versions["void-shim"] = _cmd([b.bins["void-shim"], "--version"])
    return versions


def _cgroup_mode():
    fstypes = {line.split()[2] for line in _read("/proc/mounts").splitlines() if line}
    if "cgroup" in fstypes:
        return "hybrid (v1 and v2)" if "cgroup2" in fstypes else "v1"
    return "v2" if "cgroup2" in fstypes else "none"


def meta_start(b, a, argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return {
        "mode": a.mode,
        "command_line": ["scripts/bench.py"] + list(argv),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _git(repo, "rev-parse", "HEAD"),
        "tree_dirty": bool(_cmd(["sh", "-c", f"git -C {repo} status --porcelain -- bench "
                                 "scripts shim | head -1"])),
        "kernel": platform.release(),
        "kernel_version": platform.version(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cores_online": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "smt_active": _read("/sys/devices/system/cpu/smt/active", None),
        "cpufreq_governor": _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
                                  None),
        "hypervisor": "hypervisor" in _read("/proc/cpuinfo"),
        "mem_total_kb": _meminfo_kb("MemTotal"),
        "mem_available_kb_start": _meminfo_kb("MemAvailable"),
        "parent_mount_count": len(_read("/proc/self/mountinfo").splitlines()),
        "host_threads_start": _host_threads(),
        "loadavg_start": _read("/proc/loadavg"),
        "cgroup": _cgroup_mode(),
        "max_user_namespaces": _read("/proc/sys/user/max_user_namespaces", None),
        "unprivileged_userns_clone": _read("/proc/sys/kernel/unprivileged_userns_clone", None),
        "modules": sorted(line.split()[0] for line in _read("/proc/modules").splitlines()
                          if line),
        "users": [u for u, _ in b.users],
        "unprivileged_as": "setpriv --reuid=65534 --regid=65534 --clear-groups",
        "config": b.cfg,
        "tools": _tool_versions(b),
        "shared_machine_note": "other developers build and test on this machine at the "
                               "same time: compare medians, see loadavg_start/_end",
    }


def finish(b, meta, failed):
    meta["loadavg_end"] = _read("/proc/loadavg")
    meta["host_threads_end"] = _host_threads()
    meta["duration_s"] = round(time.monotonic() - b.t_start, 1)
    meta["driver_rss_kb"] = _status_kb("VmHWM")
    meta["bench_max_rss_kb"] = b.child_rss_kb
    meta["skipped"] = b.skipped
    meta["failed"] = failed
    targets = compute_targets(b)
    meta["targets"] = targets
    write_summary(b)
    write_targets(b, targets)
    with open(os.path.join(b.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    print_table(b, targets, meta)


def write_summary(b):
    with open(os.path.join(b.out, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, SUMMARY_HEADER, extrasaction="ignore")
        w.writeheader()
        for row in b.summary:
            w.writerow(row)


def _ratio(b, num, den, relation, threshold, what):
    if not num or not den:
        return None
    r, lo, hi = bench_stats.ratio_ci(num, den, b.cfg["resamples"])
    met = r <= threshold if relation == "<=" else r >= threshold
    return {"target": what, "ratio": round(r, 3), "ci95_lo": round(lo, 3),
            "ci95_hi": round(hi, 3), "relation": relation, "threshold": threshold,
            "met": met}


def compute_targets(b):
    """The issue's targets, computed from the medians (shown, never asserted), once from
    the sample-by-sample interleaved runs and once from hyperfine's."""
    out = []
    for source, e2e, binds in (("interleaved", b.inter_samples, b.inter_bind_samples),
                               ("hyperfine", b.e2e_samples, b.bind_samples)):
        for t in _targets_from(b, e2e, binds, source):
            t["source"] = source
            out.append(t)
    return out


def _targets_from(b, e2e, binds, source):
    out = []
    for user in [u for u, _ in b.users]:
        shim = e2e.get((user, "void-shim"))
        rows = [
            _ratio(b, shim, e2e.get((user, "floor")), "<=", 1.15,
                   f"{user}: void-shim / floor"),
            # the same against a floor that clones fork-style, as the floor did (and as
            # the "clone3 with the same flags" reads) before the shim and the
            # floor moved to CLONE_VM | CLONE_VFORK: shown for reference
            _ratio(b, shim, e2e.get((user, "floor-fork")), "<=", 1.15,
                   f"{user}: void-shim / floor -F (fork-style clone3)"),
            _ratio(b, e2e.get((user, "bwrap")), shim, ">=", 1.5,
                   f"{user}: bwrap --unshare-all / void-shim"),
            _ratio(b, binds.get((user, "bwrap", 1000)), binds.get((user, "void-shim", 1000)),
                   ">=", 20, f"{user}: bwrap / void-shim, 1000 binds"),
        ]
        out += [r for r in rows if r]
        flat = _flatness(binds, user)
        if flat:
            out.append(flat)
    return out


def _flatness(binds, user):
    """Per-bind cost flat as N grows: per-bind cost at N=1000 within 1.5x of N=100."""
    def per_bind(n):
        xs, base = binds.get((user, "void-shim", n)), binds.get((user, "void-shim", 0))
        if not xs or not base:
            return None
        return (bench_stats.percentile(sorted(xs), 50) -
                bench_stats.percentile(sorted(base), 50)) / n
    p100, p1000 = per_bind(100), per_bind(1000)
    if p100 is None or p1000 is None or p100 <= 0:
        return None
    r = p1000 / p100
    return {"target": f"{user}: void-shim per-bind cost N=1000 / N=100 "
                      f"({p1000:.1f} / {p100:.1f} us)",
            "ratio": round(r, 3), "relation": "<=", "threshold": 1.5, "met": r <= 1.5}


def write_targets(b, targets):
    with open(os.path.join(b.out, "targets.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, ["source", "target", "ratio", "ci95_lo", "ci95_hi",
                               "relation", "threshold", "met"])
        w.writeheader()
        for t in targets:
            w.writerow(t)


def _fmt(v):
    if v is None or v == "":
        return "-"
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _rows(b, section, metric=None):
    return [r for r in b.summary if r["section"] == section and
            (metric is None or r["metric"] == metric)]


def print_table(b, targets, meta):
    w = shutil.get_terminal_size((100, 20)).columns
    print("\n" + "=" * min(w, 100))
    print(f"void-processes benchmarks: {meta['mode']} run, {meta['kernel']}, "
          f"{meta['cores_usable']} cores, loadavg {meta['loadavg_start'].split()[0]} -> "
          f"{meta['loadavg_end'].split()[0]}, {meta['duration_s']} s")
    print(f"results: {b.out}")
    print(f"{'section':18} {'user':11} {'variant':22} {'metric':9} {'n':>5} "
          f"{'median':>8} {'p10':>8} {'p90':>8} {'p99':>8}  (us)")
    for section in ("clone_flags", "exec_floor", "mount_steps", "bind_scaling",
                    "static_dynamic", "static_dynamic_shim", "shim_timings", "floor_timings", "e2e",
                    "e2e_interleaved", "e2e_steps", "e2e_binds", "e2e_binds_interleaved"):
        for r in _rows(b, section):
            print(f"{r['section']:18} {r['user']:11} {r['variant']:22} {r['metric']:9} "
                  f"{r['n']:>5} {_fmt(r['median']):>8} {_fmt(r.get('p10')):>8} "
                  f"{_fmt(r.get('p90')):>8} {_fmt(r.get('p99')):>8}")
    _print_throughput(b)
    print("targets (shown, not asserted):")
    for t in targets:
        ci = f" [95% CI {t['ci95_lo']}-{t['ci95_hi']}]" if "ci95_lo" in t else ""
        print(f"  {'MET   ' if t['met'] else 'MISSED'} {t['source']:11} {t['target']}: "
              f"{t['ratio']}{ci} "
              f"(target {t['relation']} {t['threshold']})")
    for s in meta["skipped"]:
        print(f"  skipped: {s['what']}: {s['why']}")
    for f in meta["failed"]:
        print(f"  FAILED: {f['step']}: {f['error']}")
    if not meta["host_mountinfo_unchanged"]:
        print("  WARNING: the host's /proc/self/mountinfo changed during the run")


def _print_throughput(b):
    path = os.path.join(b.out, "throughput.csv")
    if not os.path.exists(path):
        return
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    by = {}
    for r in rows:
        by.setdefault(r["label"], {})[r["creators"]] = float(r["per_second"])
    print("throughput (voids/s by concurrent creators):")
    for label, per in by.items():
        print(f"  {label:12} " + "  ".join(f"x{c}: {v:7.0f}" for c, v in per.items()))
    with open(os.path.join(b.out, "netns_backlog.csv"), newline="") as f:
        for r in csv.DictReader(f):
            note = "" if r["at_baseline"] == "1" else " (above the baseline: lazily freed?)"
            print(f"  net_namespace slab, {r['label']} x{r['creators']}: {r['before']} before,"
                  f" peak {r['peak']}, {r['steady']} {r['drain_ms']} ms after the creators "
                  f"stopped{note}")
