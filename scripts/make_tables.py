#!/usr/bin/python3
"""Generates the dissertation's LaTeX tables and the macros for every number in its text.

    scripts/make_tables.py [--results DIR] [--out DIR] [--bench-run DIR] [--probe-run CSV]
                           [--man-dir DIR] [--allow-untracked]

Writes into OUT (default paper/generated/):
  namespaces-table.tex  Table 1, the history of Linux namespaces: each version is read out
                        of Debian's man pages (clone(2), unshare(2), user_namespaces(7)) and
                        the table cites the page and section it came from;
  escape-summary.tex    the escape matrix summarised: verdicts per target and user;
  escape-matrix.tex     the full matrix (longtable), probe by probe;
  detach-table.tex      the MNT_DETACH experiment's table (scripts/detach_table.py);
  numbers.tex           \\newif flags saying which committed data exists, and a macro for
                        every number the text quotes (benchmarks, probes, detach, versions);
and adds the tables to manifest.json. Data that is missing is reported and skipped; the
macros then say so (\\HaveBenchfalse, ...) and the text prints the reason instead.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tables"))
from paper_data import (REPO, Missing, Results, add_run_arguments, machine,  # noqa: E402
                        percentile, run_label, summarize, tex_escape)
import paper_data  # noqa: E402

# Kernel release years (the mainline release of each version, from the release
# announcements on the linux-kernel mailing list); only versions that Table 1 uses.
RELEASE_YEAR = {"2.4.19": 2002, "2.6.19": 2006, "2.6.23": 2007, "2.6.24": 2008,
                "3.5": 2012, "3.8": 2013, "4.6": 2016, "5.6": 2020}

# Kernel commits that introduced a namespace (or made it usable without privilege), cited
# where the id could be checked against the kernel's own history (Fixes: tags, upstream
# references of stable backports); the others are older than git or were not checked.
COMMITS = {
    "CLONE_NEWUSER": [("5eaf563e5329", "userns: Allow unprivileged users to create user "
                       "namespaces")],
    "CLONE_NEWCGROUP": [("a79a908fd2b0", "cgroup: introduce cgroup namespaces")],
    "CLONE_NEWTIME": [("769071ac9f20", "ns: Introduce Time Namespace")],
}

# (namespace, flag, the page of that namespace, where the version it appeared in is
#  documented: (man page, regex with one group for the version))
NAMESPACES = [
    ("Mount", "CLONE_NEWNS", "mount_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWNS " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("UTS", "CLONE_NEWUTS", "uts_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWUTS " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("IPC", "CLONE_NEWIPC", "ipc_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWIPC " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("PID", "CLONE_NEWPID", "pid_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWPID " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("Network", "CLONE_NEWNET", "network_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWNET " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("User", "CLONE_NEWUSER", "user_namespaces(7)",
     ("clone.2", r"first became meaningful for\s+\.BR clone \(\)\s+in Linux ([0-9]+(?:\.[0-9]+)*)")),
    ("Cgroup", "CLONE_NEWCGROUP", "cgroup_namespaces(7)",
     ("clone.2", r'\.BR CLONE_NEWCGROUP " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
    ("Time", "CLONE_NEWTIME", "time_namespaces(7)",
     ("unshare.2", r'\.BR CLONE_NEWTIME " \(since Linux ([0-9]+(?:\.[0-9]+)*)\)"')),
]
# Without privilege: user namespaces themselves, and every other type inside one.
UNPRIV_USER = ("clone.2", r"Starting with Linux ([0-9]+(?:\.[0-9]+)*),\s+no privileges are needed to "
               r"create a user namespace")
UNPRIV_OTHERS = ("user_namespaces.7", r"Starting in Linux ([0-9]+(?:\.[0-9]+)*), unprivileged processes "
                 r"can create user namespaces,\s+and the other types of namespaces can be "
                 r"created with just the\s+\.B CAP_SYS_ADMIN\s+capability in the caller's "
                 r"user namespace")
USER_COMPLETE = ("clone.2", r"the final pieces to make the user namespaces completely usable "
                 r"were\s+merged in Linux ([0-9]+(?:\.[0-9]+)*)")


def vkey(v):
    return tuple(int(x) for x in v.split("."))


# ------------------------------------------------------------------------ man pages
class ManPages:
    def __init__(self, man_dir):
        self.dir = man_dir
        self.cache = {}

    def source(self, page):
        if page not in self.cache:
            name, sec = page.rsplit(".", 1)
            path = os.path.join(self.dir, f"man{sec}", f"{name}.{sec}.gz")
            if not os.path.exists(path):
                raise Missing(f"{path}: no such man page (install Debian's manpages and "
                              "manpages-dev: scripts/deps.sh paper)")
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                self.cache[page] = (path, f.read())
        return self.cache[page]

    def find(self, page, regex):
        """(version, 'clone(2), section NAME', man-pages version) for regex in page."""
        path, text = self.source(page)
        m = re.search(regex, text)
        if not m:
            raise Missing(f"{path}: no text matching /{regex}/ (a different man-pages "
                          "release?)")
        section = "?"
        for h in re.finditer(r"^\.S[HS] (.+)$", text[:m.start()], re.M):
            section = h.group(1).strip().strip('"')
        rel = re.search(r'^\.TH \S+ \S+ \S+ "Linux man-pages ([0-9]+(?:\.[0-9]+)*)"', text, re.M)
        name, sec = page.rsplit(".", 1)
        return m.group(1), f"{tex_escape(name)}({sec}), \\S\\,{tex_escape(section)}", \
            rel.group(1) if rel else "?"


def namespaces_table(man):
    rows, releases, macros = [], set(), {}
    unpriv_user = man.find(*UNPRIV_USER)
    unpriv_other = man.find(*UNPRIV_OTHERS)
    user_complete = man.find(*USER_COMPLETE)
    for name, flag, page, (src_page, regex) in NAMESPACES:
        since, cite, rel = man.find(src_page, regex)
        releases.add(rel)
        if flag == "CLONE_NEWUSER":
            unpriv, ucite, rel2 = unpriv_user
        elif vkey(since) < vkey(unpriv_other[0]):
            unpriv, ucite, rel2 = unpriv_other
        else:
            unpriv, ucite, rel2 = None, None, rel
        releases.add(rel2)
        commits = ", ".join(f"\\texttt{{{c}}}" for c, _ in COMMITS.get(flag, [])) or "--"
        year = RELEASE_YEAR.get(since)
        if year is None:
            raise Missing(f"make_tables.py: no release year for Linux {since} "
                          "(add it to RELEASE_YEAR)")
        uyear = RELEASE_YEAR.get(unpriv) if unpriv else None
        rows.append((name, flag, page, since, year, unpriv, uyear, cite, ucite, commits))
        key = re.sub(r"[^A-Za-z]", "", name)
        macros[f"NsSince{key}"] = since
        macros[f"NsYear{key}"] = str(year)
        macros[f"NsUnpriv{key}"] = unpriv or since
    macros["NsUserUsable"] = user_complete[0]
    macros["NsUnprivOthers"] = unpriv_other[0]
    macros["ManPagesRelease"] = ", ".join(sorted(releases))
    macros["NsCount"] = str(len(rows))
    # Each man page section read gets a letter; the caption quotes them.
    marks = {}
    for r in rows:
        for c in (r[7], r[8]):
            if c and c not in marks:
                marks[c] = "abcdefgh"[len(marks)]
    titles = {}
    for flag, pairs in COMMITS.items():
        for c, t in pairs:
            titles[c] = t
    out = ["% Generated by scripts/make_tables.py from Debian's man pages "
           f"(man-pages {', '.join(sorted(releases))}); do not edit.",
           "\\begin{table}[tbp]", "\\centering\\footnotesize",
           "\\begin{tabular}{@{}l l l l r l l@{}}", "\\toprule",
           "namespace & flag & page & since & year & unprivileged & kernel commit \\\\",
           "\\midrule"]
    for name, flag, page, since, year, unpriv, uyear, cite, ucite, commits in rows:
        up = (f"{unpriv}$^{marks[ucite]}$ ({uyear})" if unpriv and unpriv != since else
              f"{since}$^{marks[ucite]}$ (same)" if ucite else "same")
        out.append(f"{name} & \\texttt{{{tex_escape(flag)}}} & {tex_escape(page)} & "
                   f"{since}$^{marks[cite]}$ & {year} & {up} & {commits} \\\\")
    notes = "; ".join(f"$^{m}$\\,{c}" for c, m in marks.items())
    ctitles = "; ".join(f"\\texttt{{{c}}} ``{tex_escape(t)}''" for c, t in titles.items())
    out += ["\\bottomrule", "\\end{tabular}",
            "\\caption{The Linux namespaces: the flag that creates each one "
            "(\\texttt{clone}, \\texttt{clone3}, \\texttt{unshare}), its man page, the "
            "kernel version it appeared in and that release's year, and the version from "
            "which an unprivileged process can create it (inside a new user namespace; "
            "``same'' when that was so from the start). The versions are read by "
            "\\texttt{scripts/make\\_tables.py} out of the man pages of Debian's "
            "\\texttt{manpages} and \\texttt{manpages-dev} (man-pages "
            f"{', '.join(sorted(releases))}), from these sections: {notes}. User namespaces "
            f"first appeared for \\texttt{{clone}} in {rows[5][3]} and became completely "
            f"usable in {user_complete[0]} ({user_complete[1]}). Kernel commits: {ctitles}.}}",
            "\\label{tab:namespaces}", "\\end{table}"]
    return "\n".join(out) + "\n", macros


# ------------------------------------------------------------------------ escape matrix
VERDICTS = ["CONTAINED", "ESCAPED", "LEAK", "EXPOSED", "SKIP", "INFO", "ERROR"]
LETTER = {"CONTAINED": "C", "ESCAPED": "E", "LEAK": "L", "EXPOSED": "X", "SKIP": "S",
          "INFO": "i", "ERROR": "!"}
TARGETS = ["none", "unshare", "bwrap", "firejail", "void-shim"]


def probe_key(p):
    order = ["NS", "PID", "FS", "INFO", "TIME", "IPC", "NET", "CRED", "KERN", "TTY", "FD"]
    pre, _, n = p.partition("-")
    return (order.index(pre) if pre in order else 99, pre, int(n) if n.isdigit() else 0)


def escape_tables(res, probe_arg):
    path = res.probe_run(probe_arg)
    rows = res.csv(path, ["user", "target", "probe", "final_verdict", "accepted_reason"])
    meta_path = path[:-4] + ".meta.json"
    meta = res.json(meta_path) if os.path.exists(meta_path) else {}
    run = meta.get("run") or os.path.basename(path)[:-4]
    users = [u for u in ("root", "unpriv") if any(r["user"] == u for r in rows)]
    targets = [t for t in TARGETS if any(r["target"] == t for r in rows)]
    targets += sorted({r["target"] for r in rows} - set(targets))
    probes = sorted({r["probe"] for r in rows}, key=probe_key)
    uname = {"root": "root", "unpriv": "uid 65534"}
    where = f"{machine(meta)}; run \\texttt{{{tex_escape(run)}}}" if meta else \
        f"run \\texttt{{{tex_escape(run)}}}"
    # Summary: one row per target and user, verdict counts.
    s = ["% Generated by scripts/make_tables.py from " + res.rel(path) + "; do not edit.",
         "\\begin{table}[tbp]", "\\centering\\footnotesize",
         "\\begin{tabular}{@{}l l " + "r" * len(VERDICTS) + " r@{}}", "\\toprule",
         "target & user & " + " & ".join(v.lower() for v in VERDICTS) +
         " & accepted \\\\", "\\midrule"]
    macros = {}
    for t in targets:
        for u in users:
            sel = [r for r in rows if r["target"] == t and r["user"] == u]
            if not sel:
                continue
            counts = [sum(r["final_verdict"] == v for r in sel) for v in VERDICTS]
            acc = sum(bool(r["accepted_reason"]) for r in sel)
            s.append(f"\\texttt{{{tex_escape(t)}}} & {uname.get(u, u)} & " +
                     " & ".join(str(c) if c else "--" for c in counts) + f" & {acc or '--'} \\\\")
            key = "".join(w.capitalize() for w in re.split(r"[^A-Za-z]", t) if w) + \
                {"root": "Root", "unpriv": "Unpriv"}.get(u, "Other")
            for v, c in zip(VERDICTS, counts):
                macros[f"Probe{key}{v.capitalize()}"] = str(c)
            macros[f"Probe{key}Accepted"] = str(acc)
            macros[f"Probe{key}Runs"] = str(len(sel))
    s += ["\\bottomrule", "\\end{tabular}",
          f"\\caption{{The escape matrix in numbers: how many of the {len(probes)} probes "
          "ended with each verdict under each target, as root and as uid 65534. "
          "\\emph{accepted}: leaks and exposures that cannot be avoided, each listed with "
          "its reason in \\texttt{probes/accepted.tsv} (counted in their verdict's column "
          "too). Probe by probe: Figure~\\ref{fig:escape-matrix} and "
          f"Table~\\ref{{tab:escape-matrix}}. {where}.}}",
          "\\label{tab:escape-summary}", "\\end{table}"]
    macros["ProbeCount"] = str(len(probes))
    macros["ProbeRunCount"] = str(len(rows))
    macros["ProbeRun"] = tex_escape(run)
    macros["ProbeMachine"] = machine(meta) if meta else "?"
    # Full matrix.
    cell = {(r["probe"], r["target"], r["user"]): r for r in rows}
    head = "probe & " + " & ".join(f"\\texttt{{{tex_escape(t)}}}" for t in targets) + " \\\\"
    m = ["% Generated by scripts/make_tables.py from " + res.rel(path) + "; do not edit.",
         "{\\footnotesize", "\\begin{longtable}{@{}l" + "c" * len(targets) + "@{}}",
         f"\\caption{{The escape matrix, probe by probe: the final verdict under each target, "
         f"{' / '.join(uname.get(u, u) for u in users)}. C contained, E escaped, L leak, "
         "X exposed, S skip, i info, ! error, $^*$ accepted (probes/accepted.tsv), -- not "
         f"run. {where}.}}\\label{{tab:escape-matrix}}\\\\",
         "\\toprule", head, "\\midrule", "\\endfirsthead", "\\toprule", head, "\\midrule",
         "\\endhead", "\\bottomrule", "\\endfoot"]
    for p in probes:
        cells = []
        for t in targets:
            parts = []
            for u in users:
                r = cell.get((p, t, u))
                parts.append("--" if r is None else
                             LETTER.get(r["final_verdict"], "?") +
                             ("$^*$" if r["accepted_reason"] else ""))
            cells.append("/".join(parts).replace("!", "!"))
        m.append(f"{tex_escape(p)} & " + " & ".join(cells) + " \\\\")
    m += ["\\end{longtable}", "}"]
    return "\n".join(s) + "\n", "\n".join(m) + "\n", macros, [path] + (
        [meta_path] if meta else [])


# ------------------------------------------------------------------------ benchmarks
def fmt_us(us):
    """A latency for the text: 812\\,µs, 1.23\\,ms, 2.5\\,s (three significant digits)."""
    if us is None:
        return "?"
    if us < 0:
        return "$-$" + fmt_us(-us)
    if us < 1000:
        return f"{us:.3g}\\,\\textmu s" if us >= 100 else f"{us:.2g}\\,\\textmu s"
    if us < 1e6:
        return f"{us / 1000:.3g}\\,ms"
    return f"{us / 1e6:.3g}\\,s"


def fmt_ratio(r):
    return f"{r:.2f}" if r < 10 else f"{r:.0f}" if r >= 100 else f"{r:.1f}"


def bench_macros(res, run_arg):
    run = res.bench_run(run_arg)
    meta = res.json(os.path.join(run, "meta.json"))
    used = [os.path.join(run, "meta.json")]
    m = {"BenchMachine": tex_escape(machine(meta)), "BenchRun": tex_escape(run_label(meta, run)),
         "BenchKernel": tex_escape(meta.get("kernel", "?")),
         "BenchCores": str(meta.get("cores_usable", "?")),
         "BenchParentMounts": str(meta.get("parent_mount_count", "?")),
         "BenchMode": tex_escape(meta.get("mode", "?"))}
    generic = {}

    def put(section, user, variant, metric, xs):
        s = summarize(xs)
        k = f"{section}/{user}/{variant}/{metric}"
        generic[k] = s
        return s

    def load(name, cols):
        p = os.path.join(run, name)
        rows = res.csv(p, cols)
        used.append(p)
        return rows

    def tryload(name, cols):
        try:
            return load(name, cols)
        except Missing as e:
            print(f"tables: numbers: {e}", file=sys.stderr)
            return []

    e2e = {}
    for r in tryload("e2e_interleaved.csv", ["user", "variant", "us"]):
        e2e.setdefault((r["user"], r["variant"]), []).append(float(r["us"]))
    src = "interleaved"
    if not e2e:
        src = "hyperfine"
        for r in tryload("e2e.csv", ["user", "variant", "us"]):
            e2e.setdefault((r["user"], r["variant"]), []).append(float(r["us"]))
    for (u, v), xs in e2e.items():
        put("e2e", u, v, "e2e", xs)
    m["BenchEtoESource"] = src
    for r_user, tag in (("unpriv", "Unpriv"), ("root", "Root")):
        for v, name in (("void-shim", "Shim"), ("floor", "Floor"), ("floor-fork", "FloorFork"),
                        ("floor+time", "FloorTime"),
                        ("bwrap", "Bwrap"), ("unshare", "Unshare"), ("plain", "Plain")):
            s = generic.get(f"e2e/{r_user}/{v}/e2e")
            if s:
                m[f"Start{name}{tag}"] = fmt_us(s["median"])
                m[f"Start{name}{tag}N"] = str(s["n"])
        for num_, den, name in (("void-shim", "floor", "ShimOverFloor"),
                                ("void-shim", "floor-fork", "ShimOverFloorFork"),
                                ("bwrap", "void-shim", "BwrapOverShim"),
                                ("void-shim", "plain", "ShimOverPlain")):
            a, b = e2e.get((r_user, num_)), e2e.get((r_user, den))
            if a and b and paper_data.bench_stats:
                r, lo, hi = paper_data.bench_stats.ratio_ci(a, b)
                m[f"{name}{tag}"] = fmt_ratio(r)
                m[f"{name}{tag}CI"] = f"{fmt_ratio(lo)}--{fmt_ratio(hi)}"
    for r in tryload("e2e.csv", ["user", "variant", "us"]):
        if r["variant"] == "firejail":
            e2e.setdefault(("hf", r["user"], "firejail"), []).append(float(r["us"]))
    fj = e2e.get(("hf", "root", "firejail"))
    if fj:
        m["StartFirejailRoot"] = fmt_us(percentile(fj, 50))
    m.update(steps_macros(tryload("e2e_steps.csv", ["user", "variant", "round", "us"])))
    # Namespace flags.
    cf = {}
    for r in tryload("clone_flags.csv", ["user", "variant", "create_ns", "roundtrip_ns"]):
        cf.setdefault((r["user"], r["variant"]), []).append(
            (float(r["create_ns"]) / 1000, float(r["roundtrip_ns"]) / 1000))
    cu = "root" if any(k[0] == "root" for k in cf) else "unpriv"
    for (u, v), xs in cf.items():
        if u != cu:
            continue
        key = "".join(w.capitalize() for w in re.split(r"[^A-Za-z]", v) if w)
        key = {"All": "AllSeven"}.get(key, key)
        if v == "all7":
            key = "AllSeven"
        elif v == "all8":
            key = "AllEight"
        c = percentile([x[0] for x in xs], 50)
        t = percentile([x[1] for x in xs], 50)
        m[f"Clone{key}Create"] = fmt_us(c)
        m[f"Clone{key}Roundtrip"] = fmt_us(t)
        base = cf.get((cu, "none"))
        if base and v != "none":
            m[f"Clone{key}Extra"] = fmt_us(c - percentile([x[0] for x in base], 50))
        m[f"Clone{key}N"] = str(len(xs))
    singles = [v for v in ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time")
               if (cu, v) in cf]
    base = cf.get((cu, "none"))
    if singles and base:
        b0 = percentile([x[0] for x in base], 50)
        extra = {v: percentile([x[0] for x in cf[(cu, v)]], 50) - b0 for v in singles}
        top = max(extra, key=extra.get)
        m["CloneMaxFlag"] = f"\\texttt{{CLONE\\_NEW{ {'mnt': 'NS'}.get(top, top.upper()) }}}"
        m["CloneMaxFlagCreate"] = fmt_us(extra[top] + b0)
        m["CloneMaxFlagExtra"] = fmt_us(extra[top])
        rest = [e for v, e in extra.items() if v != top]
        if rest:
            m["CloneOthersExtraMax"] = fmt_us(max(rest))
    m["CloneRanAs"] = {"root": "root", "unpriv": "uid 65534"}.get(cu, cu)
    # Shim steps.
    steps, floor_steps = {}, {}
    for r in tryload("shim_timings.csv", ["user", "key", "us"]):
        tool = r.get("tool") or "void-shim"
        (steps if tool == "void-shim" else floor_steps if tool == "floor" else {}) \
            .setdefault((r["user"], r["key"]), []).append(float(r["us"]))
    su = "unpriv" if any(k[0] == "unpriv" for k in steps) else "root"
    tot = steps.get((su, "total_us"))
    for (u, k), xs in steps.items():
        if u == su and k.endswith("_us"):
            name = k[:-3].capitalize()
            m[f"Step{name}"] = fmt_us(percentile(xs, 50))
            if tot and k != "total_us":
                m[f"Step{name}Share"] = f"{100 * percentile(xs, 50) / percentile(tot, 50):.0f}"
    if tot:
        m["StepN"] = str(len(tot))
    names = {"clone": "the \\texttt{clone3}", "mount": "voiding the mount namespace",
             "exec": "the \\texttt{execve}", "resolve": "resolving the dependencies",
             "parse": "parsing the command line", "cgroup": "preparing the cgroup leaf",
             "user": "writing the user namespace's id maps",
             "time": "writing the time namespace's offsets", "uts": "setting the host name",
             "net": "the network step", "fds": "closing descriptors",
             "last": "the last steps (capabilities, \\texttt{no\\_new\\_privs}, session)"}
    ranked = sorted(((percentile(xs, 50), k[:-3]) for (u, k), xs in steps.items()
                     if u == su and k.endswith("_us") and k != "total_us"), reverse=True)
    for (v, k), tag in zip(ranked, ("First", "Second", "Third")):
        m[f"Step{tag}Name"] = names.get(k, tex_escape(k))
        m[f"Step{tag}"] = fmt_us(v)
        if tot:
            m[f"Step{tag}Share"] = f"{100 * v / percentile(tot, 50):.0f}"
    m["StepUser"] = {"root": "root", "unpriv": "uid 65534"}.get(su, su)
    for (u, k), xs in floor_steps.items():
        if u == su and k.endswith("_us"):
            m[f"FloorStep{k[:-3].capitalize()}"] = fmt_us(percentile(xs, 50))
    # Binds: per tool at its largest N in the interleaved run (else hyperfine's), and the
    # bubblewrap / void-shim ratio at the largest N both were measured at in one source.
    def bind_samples(name):
        out = {}
        for r in tryload(name, ["user", "tool", "n", "us"]):
            out.setdefault((r["user"], r["tool"], int(r["n"])), []).append(float(r["us"]))
        return out
    inter, hyper = bind_samples("e2e_binds_interleaved.csv"), bind_samples("e2e_binds.csv")
    primary = inter or hyper
    m["BindSource"] = "interleaved" if inter else "hyperfine"
    bu = "unpriv" if any(k[0] == "unpriv" for k in primary) else "root"
    m["BindUser"] = {"root": "root", "unpriv": "uid 65534"}.get(bu, bu)
    for tool, name in (("void-shim", "Shim"), ("bwrap", "Bwrap"), ("floor", "Floor")):
        ns_ = [k[2] for k in primary if k[:2] == (bu, tool)]
        nmax = max(ns_ or [0])
        b0, bn = primary.get((bu, tool, 0)), primary.get((bu, tool, nmax))
        if b0 and bn and nmax:
            m[f"Bind{name}N"] = str(nmax)
            m[f"Bind{name}Max"] = fmt_us(percentile(bn, 50))
            m[f"Bind{name}Zero"] = fmt_us(percentile(b0, 50))
            m[f"Bind{name}PerBind"] = fmt_us((percentile(bn, 50) - percentile(b0, 50)) / nmax)
    for src, tag in ((inter, ""), (hyper, "Hf")):
        common = [n for (u, t, n) in src if u == bu and t == "bwrap" and n
                  and (bu, "void-shim", n) in src]
        if common:
            n = max(common)
            a_, b_ = src[(bu, "bwrap", n)], src[(bu, "void-shim", n)]
            m[f"BindRatio{tag}N"] = str(n)
            m[f"BindBwrapOverShim{tag}"] = fmt_ratio(percentile(a_, 50) / percentile(b_, 50))
            m[f"BindBwrap{tag}AtRatioN"] = fmt_us(percentile(a_, 50))
            m[f"BindShim{tag}AtRatioN"] = fmt_us(percentile(b_, 50))
    # The network namespaces' teardown backlog: the run with the highest peak.
    backlog = [r for r in tryload("netns_backlog.csv", ["label", "creators", "before", "peak",
                                                        "drain_ms"])
               if r["peak"] not in ("", None)]
    if backlog:
        top = max(backlog, key=lambda r: float(r["peak"]) - float(r["before"]))
        m["NetnsLabel"] = tex_escape(top["label"])
        m["NetnsCreators"] = top["creators"]
        m["NetnsBefore"] = f"{float(top['before']):,.0f}".replace(",", "{,}")
        m["NetnsPeak"] = f"{float(top['peak']):,.0f}".replace(",", "{,}")
        m["NetnsDrain"] = fmt_us(float(top["drain_ms"]) * 1000)
    # Throughput: at the fewest and the most concurrent creators of the run.
    tput = tryload("throughput.csv", ["label", "creators", "per_second"])
    cs = sorted({int(r["creators"]) for r in tput})
    if cs:
        m["TputCreatorsMin"], m["TputCreatorsMax"] = str(cs[0]), str(cs[-1])
    for r in tput:
        key = "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]", r["label"]) if w)
        key = key.replace("7", "Seven").replace("8", "Eight")
        for c, tag in ((cs[0], "Min"), (cs[-1], "Max")) if cs else ():
            if int(r["creators"]) == c:
                m[f"Tput{key}{tag}"] = f"{float(r['per_second']):,.0f}".replace(",", "{,}")
    return m, used


STEP_TAGS = {"+cgroup": "Cgroup", "+time": "Time", "+uts": "Uts", "+fds": "Fds",
             "+session": "Session", "+seccomp": "Seccomp", "+caps": "Caps", "+all": "All"}


def steps_macros(rows):
    """What each of the shim's steps adds to the floor (e2e_steps.csv, bench/floor_steps):
    the median of the per-round differences against steps-base; StepsRest: the shim over
    the floor with all of them."""
    by = paper_data.steps_by_round(rows)
    m, rooms = {}, {}
    for user, tag in (("root", "Root"), ("unpriv", "Unpriv")):
        for variant, name in STEP_TAGS.items():
            d = paper_data.paired_median(by, user, variant, "steps-base")
            if d is not None:
                m[f"StepsAdded{name}{tag}"] = fmt_us(d)
        rest = paper_data.paired_median(by, user, "void-shim", "+all")
        if rest is not None:
            m[f"StepsRest{tag}"] = fmt_us(rest)
        for variant, name in (("+all", "All"), ("void-shim", "Shim"), ("floor", "Floor")):
            xs = by.get((user, variant))
            if xs:
                m[f"StepsStart{name}{tag}"] = fmt_us(percentile(list(xs.values()), 50))
        a, f = by.get((user, "+all")), by.get((user, "floor"))
        if a and f:
            all_med, floor_med = (percentile(list(a.values()), 50),
                                  percentile(list(f.values()), 50))
            m[f"StepsAllOverFloor{tag}"] = fmt_ratio(all_med / floor_med)
            rooms[tag] = 1.15 * floor_med - all_med
        if (user, "+all") in by:
            m[f"StepsRounds{tag}"] = str(len(by[(user, "+all")]))
    m.update(_target_phrase(rooms))
    return m


def _target_phrase(rooms):
    """StepsAllVersusTarget: whether the floor with all the steps still fits within
    1.15 times the floor, and what room that leaves, per user ({"Root": us, ...})."""
    who = {"Root": "as root", "Unpriv": "as uid 65534"}
    over = [t for t, r in rooms.items() if r < 0]
    if not rooms:
        return {}
    if len(over) == len(rooms):
        subject = "as root and as uid 65534 alike" if len(rooms) > 1 else who[over[0]]
        return {"StepsAllVersusTarget": f"{subject}, this alone is more than the shim's "
                "target of 1.15 times the floor"}
    parts = [f"{who[t]} this alone is more than the shim's target of 1.15 times the floor"
             if r < 0 else f"{who[t]} it leaves {fmt_us(r)} within the shim's target of "
             "1.15 times the floor for everything else" for t, r in rooms.items()]
    return {"StepsAllVersusTarget": "; ".join(parts)}


def apps_macros(res, run_arg):
    """The example applications' numbers, from results/apps/<run>/ (raw rows only)."""
    run = res.bench_run(run_arg, kind="apps")
    meta = res.json(os.path.join(run, "meta.json"))
    used = [os.path.join(run, "meta.json")]
    m = {"AppsMachine": tex_escape(machine(meta)), "AppsRun": tex_escape(run_label(meta, run))}

    def med(rows, col, **where):
        xs = [float(r[col]) for r in rows if all(r.get(k) == v for k, v in where.items())
              and r.get(col) not in (None, "")]
        return percentile(xs, 50) if xs else None

    p = os.path.join(run, "gzip.csv")
    gz = res.csv(p, ["variant", "op", "mb_per_s"])
    used.append(p)
    for op, key in (("compress", "Compress"), ("decompress", "Decompress")):
        for v, name in (("void", "Void"), ("outside", "Outside"), ("debian", "Debian")):
            x = med(gz, "mb_per_s", variant=v, op=op)
            if x is not None:
                m[f"Gzip{key}{name}"] = f"{x:.3g}\\,MB/s"
        a, b = med(gz, "mb_per_s", variant="void", op=op), med(gz, "mb_per_s",
                                                              variant="outside", op=op)
        if a and b:
            m[f"Gzip{key}VoidOverOutside"] = fmt_ratio(a / b)
    p = os.path.join(run, "wrk.csv")
    wrk = res.csv(p, ["variant", "load", "rps"])
    used.append(p)
    for load, key in (("keepalive", "Keepalive"), ("newconn", "Newconn")):
        for v, name in (("single", "Single"), ("voids", "Voids"), ("nginx", "Nginx"),
                        ("voids-nobody", "VoidsNobody"),
                        ("voids-per-request", "VoidsPerRequest")):
            x = med(wrk, "rps", variant=v, load=load)
            if x is not None:
                m[f"Tls{key}{name}"] = f"{x:,.0f}".replace(",", "{,}")
        a, b = med(wrk, "rps", variant="voids", load=load), med(wrk, "rps", variant="single",
                                                                load=load)
        if a and b:
            m[f"Tls{key}VoidsOverSingle"] = fmt_ratio(a / b)
    p = os.path.join(run, "spawn.csv")
    if os.path.exists(p):
        sp = res.csv(p, ["variant", "tls_start_us", "http_start_us"])
        used.append(p)
        for col, key in (("tls_start_us", "TlsStart"), ("http_start_us", "HttpStart")):
            x = med(sp, col, variant="voids")
            if x is not None:
                m[f"Spawn{key}Voids"] = fmt_us(x)
    return m, used


def detach_macros(res):
    p = os.path.join(res.root, "detach", "reference.meta.json")
    meta = res.json(p)
    return {"DetachCases": str(meta.get("cases", "?")),
            "DetachMatching": str(meta.get("cases_matching_prediction", "?")),
            "DetachCopiesAsDocumented": str(meta.get("cases_with_copies_as_documented", "?")),
            "DetachKernel": tex_escape(meta.get("kernel_release", "?"))}, [p]


def detach_table(res, out):
    csv_path = os.path.join(res.root, "detach", "reference.csv")
    res.need(csv_path)
    dst = os.path.join(out, "detach-table.tex")
    r = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "detach_table.py"),
                        "latex", csv_path, dst], capture_output=True, text=True)
    if r.returncode != 0:
        raise Missing(f"scripts/detach_table.py failed: {r.stderr.strip()[-300:]}")
    return [csv_path]


# ------------------------------------------------------------------------ output
def write_numbers(path, flags, macros, notes):
    lines = ["% Generated by scripts/make_tables.py from results/ and the man pages; do not "
             "edit.", "% Every number the paper's text quotes is one of these macros."]
    for name, have in flags.items():
        lines.append(f"\\newif\\ifHave{name}\\Have{name}{'true' if have else 'false'}")
    for name, why in notes.items():
        lines.append(f"\\def\\Why{name}{{{tex_escape(why)}}}")
    for k in sorted(macros):
        if not re.fullmatch(r"[A-Za-z]+", k):
            raise ValueError(f"macro name {k!r} is not letters only")
        lines.append(f"\\def\\{k}{{{macros[k]}}}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_arguments(p)
    p.add_argument("--man-dir", default="/usr/share/man")
    p.add_argument("--allow-untracked", action="store_true")
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    res = Results(a.results, a.allow_untracked)
    macros, flags, notes, tables = {}, {}, {}, {}

    def attempt(name, fn):
        try:
            return fn()
        except Missing as e:
            print(f"table {name}: skipped: {e}")
            notes[name] = str(e)
            tables[name] = {"made": False, "why": str(e)}
            return None

    got = attempt("Namespaces", lambda: namespaces_table(ManPages(a.man_dir)))
    flags["Namespaces"] = got is not None
    if got:
        tex, mac = got
        with open(os.path.join(a.out, "namespaces-table.tex"), "w") as f:
            f.write(tex)
        macros.update(mac)
        tables["Namespaces"] = {"made": True, "outputs": ["namespaces-table.tex"],
                                "data": ["/usr/share/man (manpages, manpages-dev)"]}
        print("table namespaces-table.tex from the man pages (man-pages "
              f"{mac['ManPagesRelease']})")
    got = attempt("Probes", lambda: escape_tables(res, a.probe_run))
    flags["Probes"] = got is not None
    if got:
        summary, full, mac, used = got
        for name, text in (("escape-summary.tex", summary), ("escape-matrix.tex", full)):
            with open(os.path.join(a.out, name), "w") as f:
                f.write(text)
        macros.update(mac)
        tables["Probes"] = {"made": True, "outputs": ["escape-summary.tex", "escape-matrix.tex"],
                            "data": [os.path.relpath(u, REPO) for u in used]}
        print("tables escape-summary.tex, escape-matrix.tex from "
              + ", ".join(os.path.relpath(u, REPO) for u in used))
    got = attempt("Bench", lambda: bench_macros(res, a.bench_run))
    flags["Bench"] = got is not None
    if got:
        mac, used = got
        macros.update(mac)
        tables["Bench"] = {"made": True, "outputs": ["numbers.tex"],
                           "data": [os.path.relpath(u, REPO) for u in used]}
        print(f"numbers: {len(mac)} benchmark macros from {os.path.relpath(used[0], REPO)}")
    got = attempt("Detach", lambda: (detach_macros(res), detach_table(res, a.out)))
    flags["Detach"] = got is not None
    if got:
        (mac, used), used2 = got
        macros.update(mac)
        tables["Detach"] = {"made": True, "outputs": ["detach-table.tex"],
                            "data": [os.path.relpath(u, REPO) for u in used + used2]}
        print("table detach-table.tex from results/detach/reference.csv")
    got = attempt("Apps", lambda: apps_macros(res, a.apps_run))
    flags["Apps"] = got is not None
    if got:
        mac, used = got
        macros.update(mac)
        tables["Apps"] = {"made": True, "outputs": ["numbers.tex"],
                          "data": [os.path.relpath(u, REPO) for u in used]}
        print(f"numbers: {len(mac)} application macros from {os.path.relpath(used[0], REPO)}")
    write_numbers(os.path.join(a.out, "numbers.tex"), flags, macros, notes)
    manifest_path = os.path.join(a.out, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest["tables"] = tables
    manifest["numbers"] = {"outputs": ["numbers.tex"], "macros": len(macros),
                           "flags": flags}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"numbers.tex: {len(macros)} macros; data present: "
          + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in flags.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
