"""Reading results/ for the paper's figures and tables, defensively (standard library only).

Every reader names the file and the column it needed when something is missing, by raising
Missing; the generators turn that into a clear "skipped: ..." line. Nothing here writes.
"""
import csv
import glob
import json
import os
import subprocess
import sys

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(SCRIPTS)
sys.path.insert(0, SCRIPTS)
try:
    import bench_stats  # noqa: E402  (the benchmark driver's statistics: one definition)
except ImportError:  # pragma: no cover - bench_stats ships beside this file
    bench_stats = None


def add_run_arguments(parser):
    """The options both generators take: where the results are, where the generated
    files go, and which run of each experiment to read (committed references by
    default; PAPER_*_RUN names another)."""
    parser.add_argument("--results", default=os.path.join(REPO, "results"))
    parser.add_argument("--out", default=os.path.join(REPO, "paper", "generated"))
    parser.add_argument("--bench-run", default=os.environ.get("PAPER_BENCH_RUN") or None)
    parser.add_argument("--probe-run", default=os.environ.get("PAPER_PROBE_RUN") or None)
    parser.add_argument("--apps-run", default=os.environ.get("PAPER_APPS_RUN") or None)


class Missing(Exception):
    """The data a figure or table needs is not there (or not committed)."""


def percentile(xs, q):
    xs = sorted(xs)
    if bench_stats:
        return bench_stats.percentile(xs, q)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(xs, resamples=10000):
    """median, p10, p90, ci95_lo, ci95_hi, n of raw samples (bootstrap CI of the median)."""
    if not xs:
        raise ValueError("no samples")
    if bench_stats:
        s = bench_stats.summarize(xs, resamples)
    else:
        s = {"n": len(xs), "median": percentile(xs, 50), "p10": percentile(xs, 10),
             "p90": percentile(xs, 90), "ci95_lo": percentile(xs, 50),
             "ci95_hi": percentile(xs, 50)}
    return s


def steps_by_round(rows):
    """e2e_steps.csv rows -> {(user, variant): {round: us}}, for paired differences."""
    by = {}
    for r in rows:
        try:
            by.setdefault((r["user"], r["variant"]), {})[int(r["round"])] = float(r["us"])
        except (TypeError, ValueError):
            raise Missing(f"e2e_steps.csv: round '{r.get('round')}', us '{r.get('us')}' "
                          "are not numbers") from None
    return by


def paired_median(by, user, variant, base):
    """The median over rounds of variant's time minus base's in the same round (both ran
    within milliseconds of each other, so load cancels out), or None without both."""
    xs, b0 = by.get((user, variant)), by.get((user, base))
    if not xs or not b0:
        return None
    return percentile([us - b0[k] for k, us in xs.items() if k in b0], 50)


class Results:
    """results/ as committed: which files are tracked by git, and how to read them."""

    def __init__(self, root, allow_untracked=False):
        self.root = os.path.abspath(root)
        self.allow_untracked = allow_untracked
        self.tracked = self._tracked()
        self.used = []  # every data file read, for the manifest
        self.explicit = []  # runs named on the command line

    def _tracked(self):
        try:
            out = subprocess.run(["git", "-C", self.root, "ls-files", "-z", "."],
                                 capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None  # not a git checkout: everything present counts
        return {os.path.normpath(os.path.join(self.root, p.decode()))
                for p in out.split(b"\0") if p}

    def rel(self, path):
        return os.path.relpath(path, REPO)

    def committed(self, path):
        """Tracked by git, or inside a run named explicitly (--bench-run ...: a local run
        the user chose to build the paper from)."""
        path = os.path.normpath(os.path.abspath(path))
        if self.allow_untracked or self.tracked is None or any(
                path == d or path.startswith(d + os.sep) for d in self.explicit):
            return os.path.exists(path)
        return path in self.tracked

    def need(self, path):
        if not os.path.exists(path):
            raise Missing(f"{self.rel(path)}: no such file")
        if not self.committed(path):
            raise Missing(f"{self.rel(path)}: exists but is not committed (a local run? "
                          "figures are made from committed results only)")
        if path not in self.used:
            self.used.append(path)
        return path

    def csv(self, path, columns):
        """Rows of a CSV file as dicts; Missing names the file or the first absent column."""
        self.need(path)
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for c in columns:
                if c not in header:
                    raise Missing(f"{self.rel(path)}: no column '{c}' "
                                  f"(columns: {', '.join(header) or 'none'})")
            rows = list(reader)
        if not rows:
            raise Missing(f"{self.rel(path)}: no rows")
        return rows

    def json(self, path):
        self.need(path)
        with open(path, encoding="utf-8") as f:
            try:
                return json.load(f)
            except json.JSONDecodeError as e:
                raise Missing(f"{self.rel(path)}: not valid JSON ({e})") from None

    # -- which run -------------------------------------------------------------------
    def bench_run(self, explicit=None, kind="bench"):
        """The committed run of results/KIND/: EXPLICIT if given, else KIND/reference*,
        else the newest committed run directory that is not a local-* run."""
        if explicit:
            path = os.path.normpath(explicit if os.path.isabs(explicit)
                                    else os.path.join(REPO, explicit))
            if not os.path.isdir(path):
                raise Missing(f"{self.rel(path)}: no such run directory")
            self.explicit.append(path)
            return path
        base = os.path.join(self.root, kind)
        runs = sorted(d for d in glob.glob(os.path.join(base, "*"))
                      if os.path.isdir(d) and not os.path.basename(d).startswith("local-")
                      and self.committed(os.path.join(d, "meta.json")))
        if not runs:
            raise Missing(f"{self.rel(base)}/: no committed run yet (a directory "
                          "with a committed meta.json, not local-*)")
        refs = [d for d in runs if os.path.basename(d).startswith(("reference", "ref-"))]
        pick = refs or runs
        return max(pick, key=lambda d: (self._date(d), d))

    def _date(self, run):
        try:
            with open(os.path.join(run, "meta.json"), encoding="utf-8") as f:
                return json.load(f).get("date_utc", "")
        except (OSError, ValueError):
            return ""

    def probe_run(self, explicit=None):
        """The committed escape-matrix run: results/probes/reference.csv, else the newest
        committed results/probes/*.csv."""
        if explicit:
            path = os.path.normpath(explicit if os.path.isabs(explicit)
                                    else os.path.join(REPO, explicit))
            self.explicit += [path, path[:-4] + ".meta.json"]
            return path
        base = os.path.join(self.root, "probes")
        ref = os.path.join(base, "reference.csv")
        if self.committed(ref):
            return ref
        runs = [p for p in glob.glob(os.path.join(base, "*.csv")) if self.committed(p)]
        if not runs:
            raise Missing(f"{self.rel(base)}/: no committed probe run "
                          "(reference.csv or another committed *.csv)")
        return max(runs, key=os.path.getmtime)


def machine(meta):
    """'Linux 6.18.44, AMD EPYC, 2 cores (VM)' from a run's meta JSON, whatever its keys."""
    kernel = meta.get("kernel") or meta.get("kernel_release") or "?"
    cpu = meta.get("cpu_model") or meta.get("cpu") or "?"
    cores = meta.get("cores_usable") or meta.get("cores_online") or meta.get("cores") or "?"
    vm = " (VM)" if meta.get("hypervisor") else ""
    return f"Linux {kernel}, {cpu}, {cores} cores{vm}"


def run_label(meta, run_dir):
    mode = meta.get("mode")
    date = (meta.get("date_utc") or meta.get("date") or "")[:10]
    bits = [f"run {os.path.basename(run_dir.rstrip('/'))}"]
    if mode:
        bits.append(f"{mode} mode")
    if date:
        bits.append(date)
    return ", ".join(bits)


def tex_escape(s):
    s = str(s)
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                 ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                 ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}")):
        s = s.replace(a, b)
    return s.replace("µ", r"$\mu$")


def label(s):
    """A tick or key label that is safe both for LaTeX (cairolatex) and for PNG output."""
    return "".join(c if c.isalnum() or c in " +-.()/=:," else " " for c in str(s)).strip()
