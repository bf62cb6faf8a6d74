#!/usr/bin/python3
"""The escape matrix: every probe under every available target, as root and unprivileged.

    scripts/probe.py [--build DIR] [--run NAME] [--force] [--targets a,b] [--users root,unpriv]
    scripts/probe.py --quick            every probe under none and void-shim, unprivileged;
                                        checks only, nothing written under results/
    scripts/probe.py --render CSV       the matrix of a recorded run again (terminal, Markdown,
                                        LaTeX), from the CSV alone

A run starts the canary helper (build/probes/void-canary) once per user, launches each probe
through it under each target, and decides each probe's final verdict: the harness's own
out-of-band evidence (an accept, a signal, a typed byte, a changed file) beats the probe's
report; a probe that is CONTAINED under `none` has no positive control, so its CONTAINED
results become SKIP; leaks listed in probes/accepted.tsv are marked accepted, not passed.

Writes results/probes/<run>.csv (+ <run>.meta.json) and paper/generated/probe-matrix.{md,tex}.
Exits 1 if a positive control failed, anything ESCAPED under void-shim, or a canary was left
behind; 2 on a usage error. Standard library only.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ["none", "unshare", "bwrap", "firejail", "void-shim"]
# INFO: a posture report the catalogue does not judge (KERN-13).
VERDICTS = ["CONTAINED", "ESCAPED", "LEAK", "EXPOSED", "SKIP", "ERROR", "INFO"]
LETTER = {"CONTAINED": "C", "ESCAPED": "E", "LEAK": "L", "EXPOSED": "X", "SKIP": "S", "ERROR": "!",
          "INFO": "i"}
UNPRIV_ID = 65534
PROBE_TIMEOUT_MS = 20000
CSV_FIELDS = ["run", "user", "target", "probe", "group", "verdict", "detail", "harness_evidence",
              "final_verdict", "accepted_reason"]
# Probes whose ESCAPED can only be an effect the harness observes: without that evidence,
# the probe's own ESCAPED is not believed.
HARNESS_OBSERVED = {"PID-02", "PID-03", "NET-02", "NET-03", "NET-04", "NET-06", "IPC-04", "IPC-05",
                    "TTY-01", "FS-06", "FS-09", "INFO-04"}
GROUP_ORDER = ["NS", "PID", "FS", "INFO", "TIME", "IPC", "NET", "CRED", "KERN", "TTY", "FD"]


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- the catalogue and policy

def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#") and l.strip()]
    for rec in csv.DictReader(lines, delimiter="\t"):
        rows.append(rec)
    return rows


def load_catalogue():
    return {r["id"]: r for r in read_tsv(os.path.join(ROOT, "probes", "catalogue.tsv"))}


def load_accepted():
    return read_tsv(os.path.join(ROOT, "probes", "accepted.tsv"))


def probe_sort_key(probe_id):
    prefix, _, number = probe_id.partition("-")
    group = GROUP_ORDER.index(prefix) if prefix in GROUP_ORDER else len(GROUP_ORDER)
    return (group, int(number) if number.isdigit() else 0, probe_id)


def expects_positive_control(catalogue, probe_id):
    """True when the catalogue's column (a) says the probe must fire under `none`."""
    a = catalogue.get(probe_id, {}).get("a", "")
    return bool(re.match(r"^(E|L)\b", a))


# ---------------------------------------------------------------- the canary helper

class Helper:
    """One void-canary process: the canaries of one user and the launches made with them."""

    def __init__(self, canary_bin, as_unpriv):
        cmd = [canary_bin, "serve", "--base=/tmp"]
        if as_unpriv:
            cmd = ["setpriv", f"--reuid={UNPRIV_ID}", f"--regid={UNPRIV_ID}", "--clear-groups"] + cmd
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd="/",
                                     env=env, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("void-canary did not start (see its message above)")
        self.info = json.loads(line)

    def run(self, argv, timeout_ms=PROBE_TIMEOUT_MS):
        self.proc.stdin.write(f"RUN {timeout_ms} {len(argv)}\n")
        for a in argv:
            self.proc.stdin.write(a + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("void-canary died during a launch")
        return json.loads(line)

    def quit(self):
        """Removes the canaries; True when the helper's janitor confirmed nothing is left."""
        try:
            self.proc.stdin.write("QUIT\n")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        out = self.proc.stdout.read()
        self.proc.wait()
        return '"cleaned":true' in out and self.proc.returncode == 0


def leftovers(info):
    """What the harness itself still finds of a helper's canaries after it quit."""
    left = []
    if os.path.lexists(info["base"]):
        left.append(info["base"])
    if info.get("pshm") and os.path.exists("/dev/shm" + info["pshm"]):
        left.append("/dev/shm" + info["pshm"])
    for arg in info["args"]:
        m = re.match(r"--sysv-(shm|sem|msg)-key=(\d+)", arg)
        if m and sysv_key_present(m.group(1), int(m.group(2))):
            left.append(f"SysV {m.group(1)} key {m.group(2)}")
    return left


def sysv_key_present(kind, key):
    try:
        with open(f"/proc/sysvipc/{kind}", encoding="utf-8") as f:
            next(f)
            return any(int(line.split()[0]) == key for line in f if line.strip())
    except OSError:
        return False


# ---------------------------------------------------------------- targets

def bwrap_command(probe, info, binds):
    cmd = ["bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
           "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--symlink",
           "usr/sbin", "/sbin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    cmd += ["--ro-bind", probe, probe, "--ro-bind", info["dir_ro"], info["dir_ro"],
            "--tmpfs", info["dir_ro"] + "/masked"]
    for src, dst, rw in binds:
        cmd += ["--bind" if rw else "--ro-bind", src, dst]
    return cmd + ["--", probe]


def firejail_command(probe, info):
    # firejail, run as root, mounts /run/firejail/* in the mount namespace it starts in and
    # leaves them there; a throwaway private mount namespace keeps the host's table as it was.
    return ["unshare", "-m", "--propagation", "private", "firejail", "--quiet", "--noprofile", "--private", "--net=none", "--ipc-namespace",
            "--caps.drop=all", "--nonewprivs", "--read-only=" + info["dir_ro"],
            "--tmpfs=" + info["dir_ro"] + "/masked", "--", probe]


def shim_command(shim, probe, info, binds):
    cmd = [shim, "--bind", info["dir_ro"], "--tmpfs", info["dir_ro"] + "/masked", "--proc", "--dev",
           "--stdout", "--stderr", "--no-libs"]
    for src, dst, rw in binds:
        cmd += ["--bind-rw" if rw else "--bind", src if src == dst else f"{src}:{dst}"]
    if info.get("pty"):
        cmd += ["--env", "VOID_PROBE_PTY=" + info["pty"]]
    return cmd + ["--", probe]


def target_command(target, probe, info, tools, binds=()):
    """The command that runs probe under target; binds (src, dst, rw) where the tool can."""
    if target == "none":
        return [probe]
    if target == "unshare":
        return ["unshare", "-Urmpf", "--mount-proc", probe]
    if target == "bwrap":
        return bwrap_command(probe, info, binds)
    if target == "firejail":
        return firejail_command(probe, info)
    return shim_command(tools["void-shim"], probe, info, binds)


# Targets that can bind a chosen source at a chosen destination (FS-13's second launch).
BINDING_TARGETS = ("bwrap", "void-shim")


def target_unavailable(target, user, tools):
    """Why the target cannot run for this user, or None."""
    if target == "firejail" and user != "root":
        return "firejail runs as root only (setuid tool; the issue asks for root)"
    if target == "void-shim":
        return None if tools.get("void-shim") else "build/bin/void-shim not built"
    if target in ("unshare", "bwrap", "firejail") and not shutil.which(target):
        return f"{target} not installed"
    return None


def smoke_test_target(helper, target, probe, tools):
    """None when the target runs a probe at all; else the reason (e.g. userns restricted)."""
    r = helper.run(target_command(target, probe, helper.info, tools), 20000)
    if r["exit"] == 0 and parse_probe_output(r["stdout"])[0]:
        return None
    return f"target does not start here (exit {r['exit']}): {r['stderr'].strip()[-200:]}"


# ---------------------------------------------------------------- verdicts

def parse_probe_output(stdout):
    """(record, problem): the probe's one JSON line, or None and why it is malformed."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    if len(lines) != 1:
        return None, f"{len(lines)} output lines, expected 1"
    try:
        rec = json.loads(lines[0])
    except ValueError:
        return None, "output is not JSON"
    if not all(k in rec for k in ("probe", "group", "verdict", "detail")) or rec["verdict"] not in VERDICTS:
        return None, "JSON line lacks probe/group/verdict/detail or has an unknown verdict"
    return rec, None


def decide(probe_id, rec, problem, launch):
    """The harness's verdict for one launch: (final, detail, evidence)."""
    evidence = [e for e in launch["evidence"] if not e.startswith("warning:")]
    if rec is None:
        why = "timed out" if launch["timed_out"] else problem
        return "ERROR", f"{why}; exit {launch['exit']}; stderr: {launch['stderr'].strip()[-300:]}", evidence
    if launch["exit"] != 0:
        return "ERROR", f"probe exited {launch['exit']}: {rec['detail']}", evidence
    if evidence:
        return "ESCAPED", rec["detail"], evidence
    if rec["verdict"] == "ESCAPED" and probe_id in HARNESS_OBSERVED:
        return "ERROR", "probe reported ESCAPED but the harness saw no effect: " + rec["detail"], evidence
    return rec["verdict"], rec["detail"], evidence


def accepted_reason(row, accepted):
    if row["final_verdict"] not in ("LEAK", "EXPOSED"):
        return ""
    for a in accepted:
        if a["probe"] == row["probe"] and a["target"] in ("*", row["target"]) and \
                a["user"] in ("*", row["user"]) and re.search(a["detail_regex"], row["detail"]):
            return a["reason"]
    return ""


NO_PC = "no positive control for this user (CONTAINED under none too): "


def apply_no_positive_control(rows):
    """CONTAINED is only meaningful if the same probe fired under `none` for the same user."""
    none_final = {(r["user"], r["probe"]): r["final_verdict"] for r in rows if r["target"] == "none"}
    for r in rows:
        if none_final.get((r["user"], r["probe"])) == "CONTAINED" and r["final_verdict"] == "CONTAINED":
            r["final_verdict"] = "SKIP"
            r["detail"] = NO_PC + r["detail"]


def positive_control_failures(rows, catalogue):
    bad = []
    for r in rows:
        if r["target"] != "none":
            continue
        if r["final_verdict"] == "ERROR":
            bad.append(f"{r['user']} {r['probe']}: ERROR under none: {r['detail'][:160]}")
        elif expects_positive_control(catalogue, r["probe"]) and r["verdict"] == "CONTAINED" \
                and r["final_verdict"] in ("CONTAINED", "SKIP") and not r["harness_evidence"]:
            bad.append(f"{r['user']} {r['probe']}: CONTAINED under none, catalogue (a) says "
                       f"{catalogue[r['probe']]['a']}")
    return bad


# ---------------------------------------------------------------- one user's run

def probe_binaries(probe_dir):
    skip = {"void-canary"}
    names = [n for n in os.listdir(probe_dir) if n not in skip and "." not in n
             and os.path.isfile(os.path.join(probe_dir, n)) and os.access(os.path.join(probe_dir, n), os.X_OK)]
    return sorted(names, key=lambda n: probe_sort_key(n.upper().replace("_", "-")))


def stage_unprivileged(build):
    """A world-readable copy of the probes, the helper and the shim (the checkout may not be)."""
    stage = tempfile.mkdtemp(prefix="void-probes-")
    os.chmod(stage, 0o755)
    src = os.path.join(build, "probes")
    os.makedirs(os.path.join(stage, "probes"))
    for name in probe_binaries(src) + ["void-canary"]:
        shutil.copy2(os.path.join(src, name), os.path.join(stage, "probes", name))
    shim = os.path.join(build, "bin", "void-shim")
    if os.path.exists(shim):
        os.makedirs(os.path.join(stage, "bin"))
        shutil.copy2(shim, os.path.join(stage, "bin", "void-shim"))
    for dirpath, dirs, files in os.walk(stage):
        for n in dirs + files:
            os.chmod(os.path.join(dirpath, n), 0o755)
    return stage


def run_user(user, build_dir, targets, run_name, counter):
    unpriv = user == "unpriv" and os.getuid() == 0     # as anyone else: the caller is unprivileged
    stage = stage_unprivileged(build_dir) if unpriv else None
    base = stage or build_dir
    probe_dir = os.path.join(base, "probes")
    tools = {"void-shim": shutil.which("void-shim", path=os.path.join(base, "bin"))}
    helper = Helper(os.path.join(probe_dir, "void-canary"), unpriv)
    rows, unavailable, cleaned = [], {}, False
    try:
        probes = probe_binaries(probe_dir)
        first = os.path.join(probe_dir, probes[0])
        for target in targets:
            why = target_unavailable(target, user, tools) or smoke_test_target(helper, target, first, tools)
            if why:
                unavailable[target] = why
                log(f"[{user}] {target}: not available: {why}")
            for name in probes:
                rows.append(run_one(helper, user, target, os.path.join(probe_dir, name), tools, run_name, why))
                counter[0] += 1
                progress(counter, rows[-1])
    finally:
        cleaned = helper.quit()
        left = leftovers(helper.info)
        if stage:
            shutil.rmtree(stage, ignore_errors=True)
    return rows, unavailable, cleaned and not left, left, helper.info


def run_one(helper, user, target, probe, tools, run_name, unavailable):
    name = os.path.basename(probe).upper().replace("_", "-")
    row = {"run": run_name, "user": user, "target": target, "probe": name, "group": "",
           "verdict": "", "detail": "", "harness_evidence": "", "final_verdict": "", "accepted_reason": ""}
    if unavailable:
        row.update(verdict="SKIP", final_verdict="SKIP", detail=f"target unavailable: {unavailable}")
        return row
    if name == "FS-13":
        launch = run_fs13(helper, target, probe, tools)
    else:
        launch = helper.run(target_command(target, probe, helper.info, tools))
    rec, problem = parse_probe_output(launch["stdout"])
    final, detail, evidence = decide(name, rec, problem, launch)
    if rec:
        row.update(probe=rec["probe"], group=rec["group"], verdict=rec["verdict"])
    row.update(detail=detail, harness_evidence="; ".join(evidence), final_verdict=final)
    return row


def fs13_second_launch(helper, target, probe, tools, source):
    """One phase-2 launch with source bound at /fs13 (or, where the target cannot bind,
    looked at directly). Returns (launch, verdict, detail)."""
    binding = target in BINDING_TARGETS
    view = "/fs13" if binding else source
    binds = [(source, view, False)] if binding else []
    r = helper.run(target_command(target, probe, helper.info, tools, binds)
                   + ["--fs13-phase=2", "--fs13-view=" + view])
    rec, _ = parse_probe_output(r["stdout"])
    if rec:
        return r, rec["verdict"], rec["detail"]
    if binding and r["exit"] != 0:
        said = (r["stderr"].strip().splitlines() or [""])[0]
        return r, "CONTAINED", f"the target refused the bind source (exit {r['exit']}): {said[:220]}"
    return r, None, None


def run_fs13(helper, target, probe, tools):
    """FS-13: a launch with the state directory bound read-write plants STATE/src -> C-DIR and
    STATE/up -> C-DIR's parent; then one launch binds STATE/src, another STATE/up/<C-DIR's
    name> (a symlink in the last, resp. an inner component). A target that refuses to start
    on such a source contains it."""
    state = helper.info["state"]
    first = helper.run(target_command(target, probe, helper.info, tools, [(state, state, True)])
                       + ["--fs13-phase=1"])
    links = [os.path.join(state, "src"), os.path.join(state, "up")]
    phase1 = (parse_probe_output(first["stdout"])[0] or {}).get("detail", "no phase-1 line")
    result = dict(first, evidence=list(first["evidence"]))
    if not all(os.path.islink(l) for l in links):
        verdict, detail = "SKIP", f"the symlinks could not be planted: {phase1}"
    else:
        sources = [links[0], os.path.join(links[1], os.path.basename(helper.info["dir"]))]
        outcomes = []
        for source, what in zip(sources, ("last component", "inner component")):
            r, v, d = fs13_second_launch(helper, target, probe, tools, source)
            result["evidence"] += r["evidence"]
            if v is None:
                return r          # a broken launch: decide() reports it
            outcomes.append((v, f"{what}: {d}"))
        verdicts = [v for v, _ in outcomes]
        verdict = "ESCAPED" if "ESCAPED" in verdicts else verdicts[0] if len(set(verdicts)) == 1 else "ERROR"
        detail = f"{phase1}; " + "; ".join(d for _, d in outcomes)
    for l in links:
        try:
            os.unlink(l)
        except OSError:
            pass
    result.update(exit=0, stdout=json.dumps({"probe": "FS-13", "group": "mount", "verdict": verdict,
                                             "detail": detail}) + "\n")
    return result


def progress(counter, row):
    ev = f"  [harness: {row['harness_evidence']}]" if row["harness_evidence"] else ""
    log(f"[{counter[0]:4d}/{counter[1]}] {row['user']:<6} {row['target']:<9} {row['probe']:<8} "
        f"{row['final_verdict']:<9} {row['detail'][:90]}{ev}")


# ---------------------------------------------------------------- output

def cell(rows, probe, target, users):
    parts = []
    for user in users:
        r = next((x for x in rows if x["probe"] == probe and x["target"] == target and x["user"] == user), None)
        if r is None:
            parts.append("-")
        elif r["final_verdict"] == "SKIP" and r["detail"].startswith(NO_PC):
            parts.append("s")
        else:
            parts.append(LETTER.get(r["final_verdict"], "?") + ("*" if r["accepted_reason"] else ""))
    return "/".join(parts)


def matrix(rows):
    users = [u for u in ("root", "unpriv") if any(r["user"] == u for r in rows)]
    targets = [t for t in TARGETS if any(r["target"] == t for r in rows)]
    probes = sorted({r["probe"] for r in rows}, key=probe_sort_key)
    table = [[p] + [cell(rows, p, t, users) for t in targets] for p in probes]
    return users, targets, table


def render_terminal(rows):
    users, targets, table = matrix(rows)
    widths = [max(8, max(len(r[0]) for r in table))] + [max(len(t), 5) for t in targets]
    lines = ["  ".join(h.ljust(w) for h, w in zip(["probe"] + targets, widths))]
    for r in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    lines.append(f"cells: {'/'.join(users)}; " + legend())
    return "\n".join(lines)


def legend():
    return ("C contained, E escaped, L leak, X exposed, S skip, s skip for want of a positive "
            "control (contained under none as well: the attempt fails on the bare host too), "
            "i info, ! error, * accepted leak (probes/accepted.tsv), - not run")


def notes(rows):
    """The accepted leaks and every unexplained LEAK/EXPOSED/ESCAPED under void-shim."""
    out = []
    for r in rows:
        if r["target"] == "void-shim" and r["final_verdict"] in ("ESCAPED", "LEAK", "EXPOSED", "ERROR"):
            why = r["accepted_reason"] or "UNEXPLAINED"
            out.append(f"{r['user']} {r['probe']} {r['final_verdict']}: {why} -- {r['detail'][:200]}")
    return out


CATALOGUE_COLUMNS = {"a": "none", "b": "unshare", "c": "bwrap", "d": "void-shim"}


def expected_letter(text):
    """The verdict letter a catalogue cell predicts, or None (N/A, -, dep, INFO)."""
    m = re.match(r"^(C|E|L|X|S)(?![a-z])", text.strip())
    return m.group(1) if m else None


def measured_letter(row):
    if row["final_verdict"] == "SKIP" and row["detail"].startswith(NO_PC):
        return "C"      # the attempt failed; only the proof is missing
    return LETTER.get(row["final_verdict"], "?")


def catalogue_differences(rows, catalogue, user="unpriv"):
    """(probe, column, expected cell, measured letter) wherever the unprivileged run differs
    from the catalogue's expected columns (which are for the unprivileged CI user)."""
    out = []
    for r in rows:
        col = next((c for c, t in CATALOGUE_COLUMNS.items() if t == r["target"]), None)
        if r["user"] != user or col is None or r["probe"] not in catalogue:
            continue
        want = expected_letter(catalogue[r["probe"]][col])
        got = measured_letter(r)
        if want and got != want and not (got == "S" and "unavailable" in r["detail"]):
            out.append((r["probe"], f"({col}) {r['target']}", catalogue[r["probe"]][col], got))
    return sorted(out, key=lambda d: (probe_sort_key(d[0]), d[1]))


def render_markdown(rows, meta, catalogue=None):
    users, targets, table = matrix(rows)
    md = [f"# Escape matrix, run `{meta.get('run', '?')}`", "",
          f"Kernel {meta.get('kernel', '?')}; cells are {'/'.join(users)}; generated by "
          "`scripts/probe.py` from the CSV.", "",
          "| probe | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
    md += ["| " + " | ".join(r) + " |" for r in table]
    md += ["", legend() + ".", "", "## void-shim: every non-CONTAINED result", ""]
    md += [f"- {n}" for n in notes(rows)] or ["- none"]
    diffs = catalogue_differences(rows, catalogue or {})
    md += ["", "## Differences from the catalogue's expected columns (unprivileged run)", "",
           "Explained in results/probes/README.md.", "", "| probe | column | catalogue | measured |",
           "|---|---|---|---|"]
    md += [f"| {p} | {c} | {e} | {g} |" for p, c, e, g in diffs] or ["| - | - | - | - |"]
    return "\n".join(md) + "\n"


def latex_escape(s):
    return s.replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%") \
            .replace("_", r"\_").replace("#", r"\#").replace("*", r"$^*$")


def render_latex(rows, meta):
    users, targets, table = matrix(rows)
    head = " & ".join(["probe"] + [latex_escape(t) for t in targets]) + r" \\"
    tex = ["% Generated by scripts/probe.py from results/probes/" + meta.get("run", "?") + ".csv; "
           "needs \\usepackage{longtable}.",
           r"\begin{longtable}{l" + "c" * len(targets) + "}",
           r"\caption{Escape matrix: final verdict per probe and target (" + "/".join(users) +
           r"). C contained, E escaped, L leak, X exposed, S skip, s no positive control (fails on the bare host too), i info, ! error, $^*$ accepted leak.}"
           r"\label{tab:escape-matrix}\\",
           r"\hline", head, r"\hline", r"\endfirsthead", r"\hline", head, r"\hline", r"\endhead"]
    tex += [" & ".join(latex_escape(c) for c in r) + r" \\" for r in table]
    tex += [r"\hline", r"\end{longtable}"]
    return "\n".join(tex) + "\n"


def write_tables(rows, meta):
    out = os.path.join(ROOT, "paper", "generated")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "probe-matrix.md"), "w", encoding="utf-8") as f:
        f.write(render_markdown(rows, meta, load_catalogue()))
    with open(os.path.join(out, "probe-matrix.tex"), "w", encoding="utf-8") as f:
        f.write(render_latex(rows, meta))
    return out


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- metadata

def command_output(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (p.stdout or p.stderr).strip().splitlines()[0] if (p.stdout or p.stderr).strip() else ""
    except (OSError, subprocess.TimeoutExpired):
        return None


def first_match(path, pattern):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(pattern, line)
                if m:
                    return m.group(1).strip()
    except OSError:
        pass
    return None


def meta_data(run_name, argv, build):
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        mounts = f.read().splitlines()
    commit = command_output(["git", "-C", ROOT, "rev-parse", "HEAD"])
    dirty = command_output(["git", "-C", ROOT, "status", "--porcelain", "--", "probes", "scripts/probe.py"])
    return {
        "run": run_name, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command_line": argv, "kernel": platform.release(), "kernel_version": platform.version(),
        "cpu": first_match("/proc/cpuinfo", r"model name\s*:\s*(.*)"), "cores": os.cpu_count(),
        "memory_kib": first_match("/proc/meminfo", r"MemTotal:\s*(\d+)"),
        "mounts_in_parent": mounts, "git_commit": commit, "git_dirty_probe_files": bool(dirty),
        "tools": {"bwrap": command_output(["bwrap", "--version"]),
                  "unshare": command_output(["unshare", "--version"]),
                  # Not `firejail --version`: as root even that mounts /run/firejail/*
                  # on the host; the package database knows the version too.
                  "firejail": command_output(["dpkg-query", "-W", "-f", "firejail ${Version}",
                                              "firejail"]),
                  "void-shim": command_output([os.path.join(build, "bin", "void-shim"), "--version"]),
                  "gcc": command_output(["gcc", "--version"]), "python": platform.python_version(),
                  "setpriv": command_output(["setpriv", "--version"])},
        "uid": os.getuid(),
    }


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--run", help="run name (default local-<date>); results/probes/<run>.csv")
    p.add_argument("--force", action="store_true", help="overwrite an existing run of that name")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--users", default=None, help="root,unpriv (default: both as root, else the caller)")
    p.add_argument("--quick", action="store_true", help="none and void-shim, unprivileged, checks only")
    p.add_argument("--render", metavar="CSV", help="re-render the matrix of a recorded run")
    return p.parse_args(argv)


def choose_users(args):
    if args.users:
        return args.users.split(",")
    if os.getuid() != 0:
        return ["unpriv"]
    return ["unpriv"] if args.quick else ["root", "unpriv"]


def result_paths(args):
    name = args.run or "local-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = os.path.join(ROOT, "results", "probes")
    return name, os.path.join(out, name + ".csv"), os.path.join(out, name + ".meta.json")


def finish(rows, catalogue, accepted, cleanup_problems, quick):
    groups = {r["probe"]: r["group"] for r in rows if r["group"]}
    for r in rows:
        r["group"] = r["group"] or groups.get(r["probe"], "")
        r["accepted_reason"] = accepted_reason(r, accepted)
    apply_no_positive_control(rows)
    failures = [f"positive control: {b}" for b in positive_control_failures(rows, catalogue)]
    failures += [f"ERROR under void-shim: {r['user']} {r['probe']}: {r['detail'][:200]}" for r in rows
                 if quick and r["target"] == "void-shim" and r["final_verdict"] == "ERROR"]
    failures += [f"ESCAPED under void-shim: {r['user']} {r['probe']}: {r['detail'][:200]} "
                 f"[{r['harness_evidence']}]" for r in rows
                 if r["target"] == "void-shim" and r["final_verdict"] == "ESCAPED"]
    return failures + cleanup_problems


def render_only(path):
    rows = read_csv(path)
    run = rows[0]["run"] if rows else "?"
    meta_path = path[:-4] + ".meta.json"
    meta = json.load(open(meta_path, encoding="utf-8")) if os.path.exists(meta_path) else {"run": run}
    log(render_terminal(rows))
    log("tables in " + write_tables(rows, meta))
    return 0


def main(argv):
    args = parse_args(argv)
    args.build = os.path.abspath(args.build)
    if args.render:
        return render_only(args.render)
    catalogue, accepted = load_catalogue(), load_accepted()
    targets = ["none", "void-shim"] if args.quick else [t for t in args.targets.split(",") if t]
    run_name, csv_path, meta_path = result_paths(args)
    if not args.quick and os.path.exists(csv_path) and not args.force:
        log(f"probe.py: {csv_path} exists; choose another --run or pass --force")
        return 2
    users = choose_users(args)
    n_probes = len(probe_binaries(os.path.join(args.build, "probes")))
    counter = [0, n_probes * len(targets) * len(users)]
    meta = meta_data(run_name, sys.argv, args.build)
    rows, cleanup_problems = [], []
    meta["users"], meta["unavailable"], meta["canaries"] = {}, {}, {}
    for user in users:
        user_rows, unavailable, clean, left, info = run_user(user, args.build, targets, run_name, counter)
        rows += user_rows
        meta["unavailable"][user] = unavailable
        meta["canaries"][user] = info["args"]
        if not clean:
            cleanup_problems.append(f"canaries left behind ({user}): {left or 'janitor reported survivors'}")
    failures = finish(rows, catalogue, accepted, cleanup_problems, args.quick)
    rows.sort(key=lambda r: (r["user"], TARGETS.index(r["target"]), probe_sort_key(r["probe"])))
    log("")
    log(render_terminal(rows))
    for n in notes(rows):
        log("void-shim: " + n)
    if not args.quick:
        os.makedirs(os.path.dirname(csv_path), exist_ok=True)
        write_csv(csv_path, rows)
        with open(meta_path, "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1)
        log(f"results: {csv_path}; tables: {write_tables(rows, meta)}")
    for f in failures:
        log("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("probe.py: interrupted; the canary helpers remove their canaries")
        sys.exit(130)
    except RuntimeError as e:
        log(f"probe.py: {e}; its janitor removes the canaries")
        sys.exit(1)
