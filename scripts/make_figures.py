#!/usr/bin/python3
"""Turns the committed results/ into the dissertation's figures.

    scripts/make_figures.py [--results DIR] [--out DIR] [--bench-run DIR] [--probe-run CSV]
                            [--only NAME,...] [--allow-untracked] [--list]

For each figure: reads the raw samples (never a hand-typed number), writes the plotted
values as TSV (fig-NAME.dat, ...), runs gnuplot on scripts/figures/NAME.gp twice, into
fig-NAME.tex + fig-NAME.pdf (cairolatex: the labels are set in the document's font) and
fig-NAME.png (for quick viewing), and writes fig-NAME-float.tex, the figure environment
the paper inputs, whose caption names n and the machine (from the run's meta JSON).

A figure whose data is missing or not committed is skipped with a message naming the file
or column; its float then says so in the paper. manifest.json lists every output and the
data files it came from (the test checks both). Exit status: 0 unless gnuplot failed or
--require named a figure that was skipped.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tables"))
from paper_data import (REPO, Missing, Results, add_run_arguments, label,  # noqa: E402
                        machine, paired_median, percentile, run_label, steps_by_round,
                        summarize, tex_escape)

GP_DIR = os.path.join(REPO, "scripts", "figures")
NS_ORDER = ["none", "user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time", "all7",
            "all8"]
E2E_ORDER = ["plain", "floor", "floor-fork", "floor-musl", "floor+time", "void-shim", "unshare", "bwrap",
             "firejail"]
SHIM_STEPS = ["parse", "resolve", "cgroup", "clone", "user", "time", "mount", "uts", "net",
              "fds", "last", "exec"]
MOUNT_STEPS = ["userns", "unshare_mnt", "make_private", "tmpfs", "pivot_root", "detach",
               "exit_reap"]
VERDICTS = ["CONTAINED", "SKIP", "INFO", "EXPOSED", "LEAK", "ESCAPED", "ERROR"]
TARGET_ORDER = ["none", "unshare", "bwrap", "firejail", "void-shim"]


def fmt(x):
    return "NaN" if x is None else f"{x:.6g}"


def write_tsv(path, header, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# " + "\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(fmt(v) if isinstance(v, (int, float)) or v is None else str(v)
                              for v in r) + "\n")


def n_text(ns):
    ns = [n for n in ns if n]
    if not ns:
        return "n = 0"
    lo, hi = min(ns), max(ns)
    return f"n = {lo}" if lo == hi else f"n = {lo}--{hi}"


class Ctx:
    def __init__(self, args):
        self.res = Results(args.results, args.allow_untracked)
        self.out = os.path.abspath(args.out)
        self.bench_run_arg = args.bench_run
        self.probe_run_arg = args.probe_run
        self.apps_run_arg = args.apps_run
        self._bench = None

    def path(self, name):
        return os.path.join(self.out, name)

    def bench(self):
        if self._bench is None:
            run = self.res.bench_run(self.bench_run_arg)
            meta = self.res.json(os.path.join(run, "meta.json"))
            self._bench = (run, meta)
        return self._bench

    def bench_csv(self, name, cols):
        run, _ = self.bench()
        return self.res.csv(os.path.join(run, name), cols)

    def bench_where(self):
        run, meta = self.bench()
        return f"{machine(meta)}; {run_label(meta, run)}"


def num(row, col, path=""):
    try:
        return float(row[col])
    except (TypeError, ValueError):
        raise Missing(f"{path}: column '{col}' holds '{row.get(col)}', not a number") from None


def pick_user(rows, prefer):
    users = {r["user"] for r in rows}
    for u in prefer:
        if u in users:
            return u
    return sorted(users)[0]


# ------------------------------------------------------------------------------ figures
def fig_ns_cost(ctx):
    rows = ctx.bench_csv("clone_flags.csv", ["user", "variant", "create_ns", "roundtrip_ns"])
    user = pick_user(rows, ["root", "unpriv"])
    variants = sorted({r["variant"] for r in rows if r["user"] == user},
                      key=lambda v: (NS_ORDER.index(v) if v in NS_ORDER else 99, v))
    out, ns = [], []
    for i, v in enumerate(variants):
        sel = [r for r in rows if r["user"] == user and r["variant"] == v]
        c = summarize([num(r, "create_ns") / 1000 for r in sel])
        t = summarize([num(r, "roundtrip_ns") / 1000 for r in sel])
        out.append([i, label(v), c["median"], c["ci95_lo"], c["ci95_hi"], t["median"],
                    t["ci95_lo"], t["ci95_hi"]])
        ns.append(c["n"])
    write_tsv(ctx.path("fig-ns-cost.dat"), ["i", "variant", "create", "create_lo",
              "create_hi", "roundtrip", "roundtrip_lo", "roundtrip_hi"], out)
    base = next((r for r in out if r[1] == "none"), None)
    with open(ctx.path("fig-ns-cost.gpi"), "w") as f:
        f.write(f"BASE = {fmt(base[2]) if base else 'NaN'}\n")
    who = {"root": "as root", "unpriv": "as uid 65534"}.get(user, f"as {user}")
    return dict(
        caption=("Cost of each namespace flag: a fork-like \\texttt{clone3} with no flag "
                 "(\\texttt{none}), each namespace flag alone, the seven of the floor "
                 "(\\texttt{all7}) and all eight (\\texttt{all8}), " + who + ". "
                 "\\emph{create}: \\texttt{clone3} called until the child's readiness byte "
                 "is read; \\emph{round trip}: until the child is reaped (includes the "
                 "synchronous part of teardown). Bars are medians, error bars the bootstrap "
                 "95\\% confidence interval of the median; the dashed line is the median "
                 "create time without namespaces."),
        n=f"{n_text(ns)} samples per variant", where=ctx.bench_where())


def _e2e_samples(ctx):
    """{(user, variant): [us]} from the interleaved run, completed from hyperfine's."""
    run, _ = ctx.bench()
    samples, sources = {}, {}
    try:
        for r in ctx.bench_csv("e2e_interleaved.csv", ["user", "variant", "us"]):
            samples.setdefault((r["user"], r["variant"]), []).append(num(r, "us"))
            sources[(r["user"], r["variant"])] = "interleaved"
    except Missing as e:
        first_error = e
    else:
        first_error = None
    try:
        hf = ctx.bench_csv("e2e.csv", ["user", "variant", "us"])
    except Missing as e:
        if first_error:
            raise Missing(f"{first_error}; and {e}") from None
        hf = []
    for r in hf:
        key = (r["user"], r["variant"])
        if sources.get(key) == "interleaved":
            continue
        samples.setdefault(key, []).append(num(r, "us"))
        sources[key] = "hyperfine"
    return samples, sources


def fig_startup(ctx):
    samples, sources = _e2e_samples(ctx)
    users = [u for u in ("root", "unpriv") if any(k[0] == u for k in samples)]
    users += sorted({k[0] for k in samples} - set(users))
    variants = sorted({k[1] for k in samples},
                      key=lambda v: (E2E_ORDER.index(v) if v in E2E_ORDER else 99, v))
    out, ns = [], []
    for i, v in enumerate(variants):
        row = [i, label(v)]
        for u in users[:2]:
            xs = samples.get((u, v))
            if xs:
                s = summarize(xs)
                row += [s["median"], s["p10"], s["p90"]]
                ns.append(s["n"])
            else:
                row += [None, None, None]
        if len(users) < 2:
            row += [None, None, None]
        out.append(row)
    write_tsv(ctx.path("fig-startup.dat"), ["i", "variant", "u1_med", "u1_p10", "u1_p90",
              "u2_med", "u2_p10", "u2_p90"], out)
    names = {"root": "root", "unpriv": "uid 65534"}
    with open(ctx.path("fig-startup.gpi"), "w") as f:
        f.write(f"U1 = '{names.get(users[0], users[0]) if users else ''}'\n")
        f.write(f"U2 = '{names.get(users[1], users[1]) if len(users) > 1 else ''}'\n")
    hyper = sorted({k[1] for k, s in sources.items() if s == "hyperfine"})
    how = ("sample by sample, all commands interleaved" if not hyper else
           ("interleaved sample by sample, except " + ", ".join(
               f"\\texttt{{{tex_escape(v)}}}" for v in hyper) + " (hyperfine \\texttt{-N})")
           if any(s == "interleaved" for s in sources.values()) else "hyperfine \\texttt{-N}")
    return dict(
        caption=("Startup latency of one void: the 10\\,KB static program that only exits, "
                 "started plainly, by the floor launcher (\\texttt{floor}: the kernel work a "
                 "void needs and nothing else; \\texttt{+time} adds the time namespace; "
                 "\\texttt{floor-musl}, where built, is the floor linked with musl), "
                 "by void-shim and by the peers, until it is reaped. Points are medians, "
                 "error bars p10--p90; log scale. Measured " + how + "."),
        n=f"{n_text(ns)} starts per point", where=ctx.bench_where())


def fig_shim_steps(ctx):
    rows = ctx.bench_csv("shim_timings.csv", ["user", "iter", "key", "us"])
    for r in rows:  # older runs have no tool column: void-shim only
        r.setdefault("tool", "void-shim")
        r["tool"] = r["tool"] or "void-shim"
    tools = [t for t in ("void-shim", "floor") if any(r["tool"] == t for r in rows)]
    tools += sorted({r["tool"] for r in rows} - set(tools))
    users = [u for u in ("root", "unpriv") if any(r["user"] == u for r in rows)]
    users += sorted({r["user"] for r in rows} - set(users))
    keys = {r["key"] for r in rows}
    steps = [s for s in SHIM_STEPS if f"{s}_us" in keys]
    steps += sorted(k[:-3] for k in keys if k.endswith("_us") and k[:-3] not in steps
                    and k != "total_us")
    if not steps:
        raise Missing(f"{ctx.res.rel(ctx.res.used[-1])}: no *_us step keys")
    out, ns = [], []
    for t in tools:
        for u in users:
            sel = [r for r in rows if r["tool"] == t and r["user"] == u]
            if not sel:
                continue
            name = {"unpriv": "uid 65534"}.get(u, u)
            row = [label(f"{t}, {name}" if len(tools) > 1 else name)]
            for s in steps:
                xs = [num(r, "us") for r in sel if r["key"] == f"{s}_us"]
                row.append(summarize(xs, 1000)["median"] if xs else 0.0)
            tot = [num(r, "us") for r in sel if r["key"] == "total_us"]
            row.append(summarize(tot, 1000)["median"] if tot else None)
            ns.append(len(tot) or len({r["iter"] for r in sel}))
            out.append(row)
    write_tsv(ctx.path("fig-shim-steps.dat"), ["bar"] + steps + ["total"], out)
    with open(ctx.path("fig-shim-steps.gpi"), "w") as f:
        f.write(f"NSTEPS = {len(steps)}\n")
        f.write("STEPS = '" + " ".join(label(s) for s in steps) + "'\n")
    floor = ("; the floor launcher's bars (\\texttt{floor -T}, the same format, measured the "
             "same way) have only the steps it performs" if "floor" in tools else "")
    return dict(
        caption=("Where a start goes: the median of each step as "
                 "\\texttt{void-shim -{}-timings} reports it (parse and check the command "
                 "line, resolve the ELF dependencies, cgroup leaf, \\texttt{clone3}, then "
                 "the steps in the child, and the \\texttt{execve}), stacked" + floor +
                 "; the diamond is the median total from the start of \\texttt{main} to the "
                 "exec (medians do not add up exactly)."),
        n=f"{n_text(ns)} starts per bar", where=ctx.bench_where())


STEP_VARIANTS = [("+cgroup", "cgroup leaf"), ("+time", "time ns"), ("+uts", "host names"),
                 ("+fds", "fds"), ("+session", "session"), ("+seccomp", "seccomp"),
                 ("+caps", "capabilities")]


def fig_start_steps(ctx):
    """End to end, from e2e_steps.csv: the floor, what each of the shim's steps adds to it
    (median paired difference to steps-base), the rest of the shim (over +all); the
    diamond is the shim's median, the red bar 1.15 times the floor's."""
    by = steps_by_round(ctx.bench_csv("e2e_steps.csv", ["user", "variant", "round", "us"]))

    def stacked(user, variant, base):   # a segment: never below zero
        return max(paired_median(by, user, variant, base) or 0.0, 0.0)

    out, ns = [], []
    for user in ("root", "unpriv"):
        floor, shim = by.get((user, "floor")), by.get((user, "void-shim"))
        if not floor or not shim or (user, "+all") not in by:
            continue
        floor_med = percentile(list(floor.values()), 50)
        row = [label({"unpriv": "uid 65534"}.get(user, user)), floor_med]
        row += [stacked(user, v, "steps-base") for v, _ in STEP_VARIANTS]
        row += [stacked(user, "void-shim", "+all"), percentile(list(shim.values()), 50),
                1.15 * floor_med]
        out.append(row)
        ns.append(len(shim))
    if not out:
        raise Missing(f"{ctx.res.rel(ctx.res.used[-1])}: no floor, +all and void-shim rows")
    parts = ["floor"] + [name for _, name in STEP_VARIANTS] + ["rest of void-shim"]
    write_tsv(ctx.path("fig-start-steps.dat"), ["bar"] + parts + ["shim", "target"], out)
    with open(ctx.path("fig-start-steps.gpi"), "w") as f:
        f.write(f"NPARTS = {len(parts)}\n")
        # double-quoted words: gnuplot's word() keeps "cgroup leaf" as one
        f.write("PARTS = '" + " ".join(f'"{label(p)}"' for p in parts) + "'\n")
    return dict(
        caption=("Where a start goes, end to end: the floor launcher, then what each of the "
                 "shim's steps adds to it when \\texttt{floor\\_steps} does it with the "
                 "shim's own code (median difference to the floor linked the same way, in "
                 "the same interleaved round), then what the rest of \\prog{void-shim} "
                 "adds over the floor with all of them; stacked. The diamond is the shim's "
                 "median start, the red bar 1.15 times the floor's (the shim's target); "
                 "medians do not add up exactly."),
        n=f"{n_text(ns)} rounds per bar", where=ctx.bench_where())


def fig_mount_steps(ctx):
    rows = ctx.bench_csv("mount_steps.csv", ["user", "step", "ns"])
    users = [u for u in ("root", "root-userns", "unpriv") if any(r["user"] == u for r in rows)]
    users += sorted({r["user"] for r in rows} - set(users))
    present = {r["step"] for r in rows}
    steps = [s for s in MOUNT_STEPS if s in present] + sorted(present - set(MOUNT_STEPS))
    out, ns = [], []
    for u in users:
        row = [label({"unpriv": "uid 65534", "root-userns": "root, new userns"}.get(u, u))]
        for s in steps:
            xs = [num(r, "ns") / 1000 for r in rows if r["user"] == u and r["step"] == s]
            row.append(summarize(xs, 1000)["median"] if xs else 0.0)
            if xs:
                ns.append(len(xs))
        out.append(row)
    write_tsv(ctx.path("fig-mount-steps.dat"), ["user"] + steps, out)
    with open(ctx.path("fig-mount-steps.gpi"), "w") as f:
        f.write(f"NSTEPS = {len(steps)}\n")
        f.write("STEPS = '" + " ".join(label(s.replace("_", " ")).replace(" ", "-")
                                       for s in steps) + "'\n")
    return dict(
        caption=("The kernel work of voiding a mount namespace, step by step (medians, "
                 "stacked): new user namespace and id maps where unprivileged, "
                 "\\texttt{unshare(CLONE\\_NEWNS)}, recursive \\texttt{MS\\_PRIVATE} on "
                 "\\texttt{/}, the tmpfs root, \\texttt{pivot\\_root}, the "
                 "\\texttt{MNT\\_DETACH} of the old root, and exit until reaped."),
        n=f"{n_text(ns)} samples per step", where=ctx.bench_where())


def _bind_rows(ctx):
    """(primary rows, how, extra rows): the interleaved run where there is one (it spreads
    the machine's load over every command), else hyperfine's; extra: hyperfine's samples
    for the (tool, N) the primary lacks (bubblewrap is not interleaved at the largest N)."""
    cols = ["user", "tool", "n", "us"]
    got, errors = {}, []
    for name in ("e2e_binds_interleaved.csv", "e2e_binds.csv"):
        try:
            got[name] = ctx.bench_csv(name, cols)
        except Missing as e:
            errors.append(str(e))
    if not got:
        raise Missing("; and ".join(dict.fromkeys(errors)))
    if "e2e_binds_interleaved.csv" in got:
        primary = got["e2e_binds_interleaved.csv"]
        have = {(r["user"], r["tool"], r["n"]) for r in primary}
        extra = [r for r in got.get("e2e_binds.csv", [])
                 if (r["user"], r["tool"], r["n"]) not in have]
        return primary, "interleaved sample by sample", extra
    return got["e2e_binds.csv"], "hyperfine \\texttt{-N}", []


def fig_bind_scaling(ctx):
    rows, how, extra_rows = _bind_rows(ctx)
    user = pick_user(rows, ["unpriv", "root"])
    tools = [t for t in ("bwrap", "floor", "void-shim") if any(r["tool"] == t for r in rows)]
    tools += sorted({r["tool"] for r in rows} - set(tools))

    def series(src):
        out, base, ns = [], [], []
        for ti, t in enumerate(tools):
            nvals = sorted({int(num(r, "n")) for r in src if r["tool"] == t and r["user"] == user})
            for n in nvals:
                xs = [num(r, "us") for r in src
                      if r["tool"] == t and r["user"] == user and int(num(r, "n")) == n]
                st = summarize(xs)
                ns.append(st["n"])
                if n == 0:
                    base.append([ti, label(t), st["median"]])
                else:
                    out.append([ti, label(t), n, st["median"], st["p10"], st["p90"]])
            out.append([None] * 6)  # a blank line between tools
        return out, base, ns

    out, base, ns = series(rows)
    extra, _, ns_extra = series(extra_rows)
    extra = [r for r in extra if r[0] is not None] or [[None] * 6]
    if not any(r[0] is not None for r in out):
        raise Missing("bind scaling: no N > 0 samples")
    for name, data in (("fig-bind-scaling.dat", out), ("fig-bind-scaling-extra.dat", extra)):
        with open(ctx.path(name), "w", encoding="utf-8") as f:
            f.write("# tool_index\ttool\tn\tmedian\tp10\tp90\n")
            for r in data:
                f.write("\n" if r[0] is None else "\t".join(
                    str(v) if isinstance(v, str) else fmt(v) for v in r) + "\n")
    write_tsv(ctx.path("fig-bind-scaling-base.dat"), ["tool_index", "tool", "median"], base)
    with open(ctx.path("fig-bind-scaling.gpi"), "w") as f:
        f.write(f"NTOOLS = {len(tools)}\n")
        f.write("TOOLS = '" + " ".join(label(t) for t in tools) + "'\n")
        f.write(f"HAVE_EXTRA = {1 if extra[0][0] is not None else 0}\n")
    who = {"root": "root", "unpriv": "uid 65534"}.get(user, user)
    more = ""
    if extra[0][0] is not None:
        pts = ", ".join(f"\\texttt{{{tex_escape(r[1])}}} at $N = {r[2]}$" for r in extra)
        more = (f" Open symbols: {pts}, which only hyperfine \\texttt{{-N}} measured (a "
                "separate, not interleaved measurement: compare with care).")
    return dict(
        caption=("Starting the tiny program with $N$ extra read-only bind mounts of distinct "
                 "files: bubblewrap (\\texttt{-{}-ro-bind}), the floor launcher "
                 "(\\texttt{-b}) and void-shim (\\texttt{-{}-bind}), as " + who + ", measured "
                 + how + ". Points are medians with p10--p90 error bars; the dashed "
                 "lines are each tool's median with no extra bind. Log--log axes." + more),
        n=f"{n_text(ns + ns_extra)} starts per point", where=ctx.bench_where())


def fig_throughput(ctx):
    rows = ctx.bench_csv("throughput.csv", ["label", "creators", "per_second", "seconds"])
    labels = list(dict.fromkeys(r["label"] for r in rows))
    out, secs = [], set()
    for li, lab in enumerate(labels):
        for r in sorted((r for r in rows if r["label"] == lab),
                        key=lambda r: num(r, "creators")):
            out.append([li, label(lab), num(r, "creators"), num(r, "per_second")])
            secs.add(round(num(r, "seconds"), 2))
        out.append(None)
    with open(ctx.path("fig-throughput.dat"), "w", encoding="utf-8") as f:
        f.write("# label_index\tlabel\tcreators\tper_second\n")
        for r in out:
            f.write("\n" if r is None else "\t".join(
                str(v) if isinstance(v, str) else fmt(v) for v in r) + "\n")
    with open(ctx.path("fig-throughput.gpi"), "w") as f:
        f.write(f"NLABELS = {len(labels)}\n")
        f.write("LABELS = '" + " ".join(label(x) for x in labels) + "'\n")
        f.write("set xtics (" + ", ".join(str(c) for c in sorted(
            {int(num(r, "creators")) for r in rows})) + ")\n")
    _, meta = ctx.bench()
    user = sorted({r.get("user", "?") for r in rows})
    cs = sorted({int(num(r, "creators")) for r in rows})
    creators = ", ".join(map(str, cs[:-1])) + (" and " if len(cs) > 1 else "") + str(cs[-1])
    return dict(
        caption=("Throughput under concurrency: voids started and reaped per second by " +
                 creators + " concurrent creator processes (as " +
                 ", ".join(tex_escape(u) for u in user) + "): \\texttt{clone-}\\emph{x} is "
                 "a bare \\texttt{clone3} with no namespace (\\emph{none}), the network "
                 "namespace (\\emph{net}) or the floor's seven (\\emph{all7}); "
                 "\\texttt{void-inproc} the floor's sequence in the creator itself; the "
                 "others spawn that launcher. Log scale. One "
                 "timed run per point, no error bars; "
                 f"{meta.get('cores_usable', '?')} cores cannot show lock collapse."),
        n="Each point one run of " + ", ".join(f"{s:g}" for s in sorted(secs)) + " s",
        where=ctx.bench_where())


def fig_escape_matrix(ctx):
    path = ctx.res.probe_run(ctx.probe_run_arg)
    rows = ctx.res.csv(path, ["user", "target", "probe", "final_verdict"])
    meta_path = path[:-4] + ".meta.json"
    meta = ctx.res.json(meta_path) if os.path.exists(meta_path) else {}
    probes = sorted({r["probe"] for r in rows}, key=_probe_key)
    cols = []
    for t in TARGET_ORDER + sorted({r["target"] for r in rows} - set(TARGET_ORDER)):
        for u in ("root", "unpriv"):
            if any(r["target"] == t and r["user"] == u for r in rows):
                cols.append((t, u))
    cell = {(r["probe"], r["target"], r["user"]): r for r in rows}
    grid, accepted = [], []
    for yi, (t, u) in enumerate(cols):
        for xi, p in enumerate(probes):
            r = cell.get((p, t, u))
            v = r["final_verdict"] if r else None
            code = VERDICTS.index(v) if v in VERDICTS else (None if v is None else 6)
            grid.append([xi, yi, code])
            if r and r.get("accepted_reason"):
                accepted.append([xi, yi])
        grid.append(None)
    with open(ctx.path("fig-escape-matrix.dat"), "w", encoding="utf-8") as f:
        f.write("# probe_index\tcolumn_index\tverdict_code\n")
        for r in grid:
            f.write("\n" if r is None else "\t".join(fmt(v) for v in r) + "\n")
    write_tsv(ctx.path("fig-escape-matrix-accepted.dat"), ["probe_index", "column_index"],
              accepted or [[None, None]])
    names = {"root": "root", "unpriv": "uid 65534"}
    with open(ctx.path("fig-escape-matrix.gpi"), "w") as f:
        f.write(f"NPROBES = {len(probes)}\nNCOLS = {len(cols)}\n")
        f.write("if (fmt eq 'tex') set xtics (" +
                ", ".join(f"'{{\\tiny {label(p)}}}' {i}" for i, p in enumerate(probes)) +
                "); else set xtics (" +
                ", ".join(f"'{label(p)}' {i}" for i, p in enumerate(probes)) + ")\n")
        f.write("set ytics (" + ", ".join(f"'{label(t)} ({names.get(u, u)})' {i}"
                                         for i, (t, u) in enumerate(cols)) + ")\n")
        f.write("VERDICTS = '" + " ".join(VERDICTS) + "'\n")
    counts = {}
    for r in rows:
        if r["target"] == "void-shim":
            counts[r["final_verdict"]] = counts.get(r["final_verdict"], 0) + 1
    where = machine(meta) if meta else "machine not recorded"
    run = meta.get("run") or os.path.basename(path)[:-4]
    return dict(
        caption=("The escape matrix: the final verdict of every probe (columns) under every "
                 "target, as root and as uid 65534 (rows). \\texttt{none} is the positive "
                 "control: there each probe must escape or leak. A dot marks a leak "
                 "accepted with a reason in \\texttt{probes/accepted.tsv}; white: not run. "
                 "Tabulated in Table~\\ref{tab:escape-summary}."),
        n=f"{len(probes)} probes, {len(rows)} runs", where=f"{where}; run {tex_escape(run)}")


def _probe_key(p):
    order = ["NS", "PID", "FS", "INFO", "TIME", "IPC", "NET", "CRED", "KERN", "TTY", "FD"]
    pre, _, num_ = p.partition("-")
    return (order.index(pre) if pre in order else 99, pre, int(num_) if num_.isdigit() else 0)


def _apps(ctx):
    run = ctx.res.bench_run(ctx.apps_run_arg, kind="apps")
    meta = ctx.res.json(os.path.join(run, "meta.json"))
    return run, meta


def _grouped(rows, groups, bars, gkey, bkey, val):
    """[i, group, med, min, max per bar] for grouped bars with min-max whiskers."""
    out, ns = [], []
    for i, g in enumerate(groups):
        row = [i, label(g)]
        for b in bars:
            xs = [num(r, val) for r in rows if r[gkey] == g and r[bkey] == b]
            if xs:
                s = summarize(xs, 1000)
                row += [s["median"], min(xs), max(xs)]
                ns.append(len(xs))
            else:
                row += [None, None, None]
        out.append(row)
    return out, ns


def fig_apps_gzip(ctx):
    run, meta = _apps(ctx)
    rows = ctx.res.csv(os.path.join(run, "gzip.csv"), ["variant", "op", "mb_per_s"])
    variants = [v for v in ("void", "outside", "debian") if any(r["variant"] == v for r in rows)]
    variants += sorted({r["variant"] for r in rows} - set(variants))
    out, ns = _grouped(rows, variants, ["compress", "decompress"], "variant", "op", "mb_per_s")
    write_tsv(ctx.path("fig-apps-gzip.dat"), ["i", "variant", "c_med", "c_min", "c_max",
              "d_med", "d_min", "d_max"], out)
    with open(ctx.path("fig-apps-gzip.gpi"), "w") as f:
        f.write("B1 = 'compress'\nB2 = 'decompress'\nYLABEL = 'throughput (MB/s)'\n")
    size = meta.get("corpus", {}).get("bytes") if isinstance(meta.get("corpus"), dict) else None
    corpus = f" of a {size / 1e6:.0f}\\,MB text corpus" if size else ""
    return dict(
        caption=("The gzip service: compression and decompression throughput" + corpus +
                 " by \\texttt{void-gzip} in a void, given only its input and output as "
                 "descriptors (\\texttt{void}), the same binary outside a void "
                 "(\\texttt{outside}) and Debian's \\texttt{gzip} (\\texttt{debian}). Bars "
                 "are medians, whiskers the minimum and maximum."),
        n=f"{n_text(ns)} runs per bar", where=f"{machine(meta)}; {run_label(meta, run)}")


def fig_apps_tls(ctx):
    run, meta = _apps(ctx)
    rows = ctx.res.csv(os.path.join(run, "wrk.csv"), ["variant", "load", "rps"])
    variants = [v for v in ("single", "voids", "voids-nobody", "voids-per-request", "nginx")
                if any(r["variant"] == v for r in rows)]
    variants += sorted({r["variant"] for r in rows} - set(variants))
    out, ns = _grouped(rows, variants, ["keepalive", "newconn"], "variant", "load", "rps")
    write_tsv(ctx.path("fig-apps-tls.dat"), ["i", "variant", "k_med", "k_min", "k_max",
              "n_med", "n_min", "n_max"], out)
    with open(ctx.path("fig-apps-tls.gpi"), "w") as f:
        f.write("B1 = 'keep-alive'\nB2 = 'new connection per request'\n"
                "YLABEL = 'requests per second (s^{-1})'\nLOGY = 10\n"
                "if (fmt eq 'tex') YLABEL = 'requests per second (s$^{-1}$)'\n")
    return dict(
        caption=("The TLS terminator under load (wrk on loopback): requests per second "
                 "with keep-alive connections and with a new connection per request, for "
                 "the same handlers as threads of one ordinary process (\\texttt{single}), "
                 "split into voids by \\texttt{void-shim -s} (\\texttt{voids}: a fresh TLS "
                 "handler void and HTTP handler void per connection" +
                 ("; \\texttt{voids-nobody}: the same with the shim run as uid 65534"
                  if "voids-nobody" in variants else "") +
                 ("; \\texttt{voids-per-request}: a fresh HTTP handler void per keep-alive "
                  "request, keep-alive load only" if "voids-per-request" in variants else "") +
                 ") and Debian's nginx serving the same files (\\texttt{nginx}). Bars are medians, whiskers the minimum and maximum; log "
                 "scale."),
        n=f"{n_text(ns)} runs per bar", where=f"{machine(meta)}; {run_label(meta, run)}")


FIGURES = {
    "ns-cost": (fig_ns_cost, 5.6, 2.6),
    "startup": (fig_startup, 5.6, 2.8),
    "shim-steps": (fig_shim_steps, 5.6, 3.0),
    "start-steps": (fig_start_steps, 5.6, 3.0),
    "mount-steps": (fig_mount_steps, 5.6, 2.4),
    "bind-scaling": (fig_bind_scaling, 5.6, 2.8),
    "throughput": (fig_throughput, 5.6, 2.6),
    "escape-matrix": (fig_escape_matrix, 6.2, 3.0),
    "apps-gzip": (fig_apps_gzip, 5.6, 2.5),
    "apps-tls": (fig_apps_tls, 5.6, 2.5),
}


# ------------------------------------------------------------------------------ driving
def gnuplot(name, out, fmt_, w, h):
    script = os.path.join(GP_DIR, f"{name}.gp")
    if not os.path.exists(script):
        raise RuntimeError(f"{script}: no such gnuplot script")
    cmd = ["gnuplot", "-e", f"fmt='{fmt_}'; outbase='fig-{name}'; datbase='fig-{name}'; "
           f"W={w}; H={h}; styledir='{GP_DIR}'", script]
    res = subprocess.run(cmd, cwd=out, capture_output=True, text=True)
    # A series with nothing to draw for one tool is expected: not worth a line.
    noise = [l for l in res.stderr.splitlines()
             if l.strip() and "Skipping data file with no valid points" not in l]
    if res.returncode != 0:
        raise RuntimeError(f"gnuplot {name} ({fmt_}) failed:\n" + "\n".join(noise[-15:]))
    for line in noise:
        print(f"  gnuplot {name}: {line}", file=sys.stderr)


def float_tex(name, info, data_files):
    src = ", ".join(sorted({os.path.relpath(p, REPO) for p in data_files}))
    return (f"% Generated by scripts/make_figures.py from {src}; do not edit.\n"
            "\\begin{figure}[tbp]\n\\centering\n"
            f"{{\\footnotesize\\input{{generated/fig-{name}.tex}}}}\n"
            f"\\caption{{{info['caption']} {info['n']}; {info['where']}.}}\n"
            f"\\label{{fig:{name}}}\n\\end{{figure}}\n")


def missing_float(name, why):
    return (f"% Generated by scripts/make_figures.py: not generated ({tex_escape(why)}).\n"
            "\\begin{figure}[tbp]\n\\centering\n"
            "\\fbox{\\parbox{0.8\\textwidth}{\\centering\\small Figure not generated: "
            f"{tex_escape(why)}.}}}}\n"
            f"\\caption{{Not generated: its data is not committed yet.}}\n"
            f"\\label{{fig:{name}}}\n\\end{{figure}}\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_arguments(p)
    p.add_argument("--only", default=None)
    p.add_argument("--require", default="", help="comma-separated figures that must be made")
    p.add_argument("--allow-untracked", action="store_true",
                   help="also read data that git does not track (for development only)")
    p.add_argument("--list", action="store_true")
    a = p.parse_args(argv)
    if a.list:
        print("\n".join(FIGURES))
        return 0
    names = list(FIGURES) if not a.only else a.only.split(",")
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        p.error(f"unknown figures {unknown}; known: {', '.join(FIGURES)}")
    if not shutil.which("gnuplot"):
        sys.exit("make_figures.py: gnuplot not found: install the paper group "
                 "(scripts/deps.sh paper) or gnuplot-nox")
    os.makedirs(a.out, exist_ok=True)
    ctx = Ctx(a)
    manifest_path = os.path.join(a.out, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    # Forget figures that no longer exist (renamed or removed generators).
    manifest["figures"] = {k: v for k, v in manifest.get("figures", {}).items()
                           if k in FIGURES}
    failed = 0
    for name in names:
        fn, w, h = FIGURES[name]
        before = list(ctx.res.used)
        try:
            info = fn(ctx)
        except Missing as e:
            print(f"figure {name}: skipped: {e}")
            with open(os.path.join(a.out, f"fig-{name}-float.tex"), "w") as f:
                f.write(missing_float(name, str(e)))
            manifest["figures"][name] = {"made": False, "why": str(e)}
            continue
        data = [u for u in ctx.res.used if u not in before] or ctx.res.used[-1:]
        if name in ("ns-cost", "startup", "shim-steps", "start-steps", "mount-steps",
                    "bind-scaling", "throughput"):
            run, _ = ctx.bench()
            data = sorted(set(data) | {os.path.join(run, "meta.json")})
        elif name.startswith("apps-"):
            run, _ = _apps(ctx)
            data = sorted(set(data) | {os.path.join(run, "meta.json")})
        try:
            gnuplot(name, a.out, "tex", w, h)
            gnuplot(name, a.out, "png", w, h)
        except RuntimeError as e:
            print(f"figure {name}: FAILED: {e}", file=sys.stderr)
            manifest["figures"][name] = {"made": False, "why": f"gnuplot failed: {e}"}
            failed += 1
            continue
        with open(os.path.join(a.out, f"fig-{name}-float.tex"), "w") as f:
            f.write(float_tex(name, info, data))
        outs = [f"fig-{name}.tex", f"fig-{name}.pdf", f"fig-{name}.png",
                f"fig-{name}-float.tex"]
        manifest["figures"][name] = {"made": True, "outputs": outs,
                                     "data": [os.path.relpath(d, REPO) for d in data]}
        print(f"figure {name}: fig-{name}.pdf/.tex/.png from "
              + ", ".join(os.path.relpath(d, REPO) for d in data))
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    req = [r for r in a.require.split(",") if r]
    not_made = [r for r in req if not manifest["figures"].get(r, {}).get("made")]
    for r in not_made:
        print(f"make_figures.py: required figure {r} was not made", file=sys.stderr)
    return 1 if failed or not_made else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
