#!/usr/bin/python3
"""Checks that a benchmark run directory is well formed (never how fast anything was).

    scripts/bench_check.py RESULTS_DIR

Prints one line per check, TAP style, and exits 1 if any failed: meta.json parses and
names the machine; every CSV has a header, rows of the same width and numbers where
numbers belong; the raw files the run's steps write exist and are not empty; every
summary row has n > 0 and p10 <= median <= p90 <= p99 and ci95_lo <= median <= ci95_hi.
"""
import csv
import json
import os
import sys

META_KEYS = ["kernel", "cpu_model", "cores_online", "mem_total_kb", "parent_mount_count",
             "tools", "commit", "date_utc", "loadavg_start", "loadavg_end", "mode",
             "host_mountinfo_unchanged", "bench_max_rss_kb"]
RAW = {  # file -> columns that must be numeric
    "clone_flags.csv": ["iter", "create_ns", "roundtrip_ns"],
    "exec_floor.csv": ["iter", "roundtrip_ns"],
    "mount_steps.csv": ["iter", "ns"],
    "bind_scaling.csv": ["n", "iter", "binds_ns", "detach_ns", "roundtrip_ns"],
    "static_dynamic.csv": ["nbinds", "iter", "roundtrip_ns"],
    "throughput.csv": ["creators", "seconds", "count", "per_second"],
    "e2e_steps.csv": ["round", "us"],
}
OPTIONAL = {  # written when the tool they need is there
    "shim_timings.csv": ["iter", "us"],
    "e2e.csv": ["round", "iter", "us"],
    "e2e_binds.csv": ["n", "round", "iter", "us"],
    "e2e_interleaved.csv": ["round", "us"],
    "e2e_binds_interleaved.csv": ["n", "round", "us"],
    "static_dynamic_shim.csv": ["iter", "us"],
    "netns_slab.csv": ["creators", "t_ms", "active_objs"],
    "netns_backlog.csv": ["creators", "before", "peak", "steady", "drain_ms"],
    "targets.csv": ["ratio", "threshold"],
}
STATS = ["n", "median", "p10", "p90", "p99", "ci95_lo", "ci95_hi"]


class Checker:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, what):
        self.count += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.count} - {what}")
        return ok


def numeric(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def check_csv(c, path, numeric_cols, must_have_rows=True):
    name = os.path.basename(path)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not c.check(len(rows) >= 1, f"{name}: has a header"):
        return
    header = rows[0]
    c.check(all(col in header for col in numeric_cols), f"{name}: expected columns present")
    if must_have_rows:
        c.check(len(rows) > 1, f"{name}: has data rows")
    c.check(all(len(r) == len(header) for r in rows[1:]), f"{name}: rows as wide as header")
    idx = [header.index(col) for col in numeric_cols if col in header]
    bad = [r for r in rows[1:] if not all(numeric(r[i]) for i in idx)]
    c.check(not bad, f"{name}: numeric columns are numbers" + (f" (first bad: {bad[0]})"
                                                                 if bad else ""))


def check_summary(c, path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    c.check(len(rows) > 0, "summary.csv: has rows")
    bad = []
    for r in rows:
        try:
            v = {k: float(r[k]) for k in STATS}
        except (KeyError, ValueError):
            bad.append(r)
            continue
        if not (v["n"] > 0 and v["p10"] <= v["median"] <= v["p90"] <= v["p99"] and
                v["ci95_lo"] <= v["median"] <= v["ci95_hi"]):
            bad.append(r)
    c.check(not bad, "summary.csv: n > 0, percentiles ordered, CI around the median" +
            (f" (first bad: {bad[0]})" if bad else ""))


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    d, c = argv[0], Checker()
    try:
        with open(os.path.join(d, "meta.json")) as f:
            meta = json.load(f)
        c.check(True, "meta.json parses")
        missing = [k for k in META_KEYS if k not in meta]
        c.check(not missing, f"meta.json has the machine and run keys (missing: {missing})")
        c.check(meta.get("host_mountinfo_unchanged") is True, "host mount table unchanged")
        c.check(not meta.get("failed"), f"no step failed: {meta.get('failed')}")
    except (OSError, ValueError) as e:
        c.check(False, f"meta.json: {e}")
    for name, cols in RAW.items():
        path = os.path.join(d, name)
        if c.check(os.path.exists(path), f"{name} written"):
            check_csv(c, path, cols)
    for name, cols in OPTIONAL.items():
        path = os.path.join(d, name)
        if os.path.exists(path):
            # no targets without the tools, no slab lines without root
            check_csv(c, path, cols, must_have_rows=name not in (
                "targets.csv", "netns_slab.csv", "netns_backlog.csv"))
        else:
            print(f"ok - {name} # SKIP not written (its tool is missing)")
    if c.check(os.path.exists(os.path.join(d, "summary.csv")), "summary.csv written"):
        check_summary(c, os.path.join(d, "summary.csv"))
    print(f"1..{c.count}")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
