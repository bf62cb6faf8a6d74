#!/usr/bin/python3
"""Checks a directory written by make_figures.py and make_tables.py (what `make test` runs).

    scripts/tables/check_generated.py DIR [--latex-log LOG]

TAP-style lines, one per check: every figure and table the manifest says was made exists
and is not empty (the .tex, .pdf and .png of a figure, its float), every data file it was
made from exists, and every figure or table that was skipped names why. With --latex-log,
the LaTeX build left no undefined reference, citation or benchmark value. Exits 1 if any
check failed.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from paper_data import REPO  # noqa: E402


class Tap:
    def __init__(self):
        self.n = self.failed = self.skipped = 0

    def check(self, ok, what):
        self.n += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}")

    def skip(self, what, why):
        self.n += 1
        self.skipped += 1
        print(f"ok {self.n} - {what} # SKIP {why}")


def nonempty(path):
    return os.path.isfile(path) and os.path.getsize(path) > 0


def check_items(t, out, kind, items):
    for name, item in sorted(items.items()):
        if not item.get("made"):
            t.check(bool(item.get("why")), f"{kind} {name}: skipped with a reason")
            t.skip(f"{kind} {name}", item.get("why", "?"))
            continue
        for o in item.get("outputs", []):
            t.check(nonempty(os.path.join(out, o)), f"{kind} {name}: {o} exists, not empty")
        for d in item.get("data", []):
            if d.startswith("/usr/share/man"):
                t.check(os.path.isdir("/usr/share/man"), f"{kind} {name}: data {d}")
                continue
            t.check(nonempty(os.path.join(REPO, d)), f"{kind} {name}: data {d} exists")


def check_latex_log(t, log):
    text = open(log, encoding="latin-1").read()
    refs = re.findall(r"LaTeX Warning: Reference `([^']+)' .*undefined", text)
    cites = re.findall(r"LaTeX Warning: Citation `([^']+)' .*undefined", text)
    vals = re.findall(r"Package paper Warning: (.*)", text)
    t.check(not refs, "paper: no undefined references" + (f" ({', '.join(refs)})" if refs else ""))
    t.check(not cites, "paper: no undefined citations" + (f" ({', '.join(cites)})" if cites else ""))
    t.check(not vals, "paper: no undefined benchmark values" + (f" ({'; '.join(vals)})" if vals else ""))
    t.check("There were undefined references" not in text, "paper: LaTeX reports none undefined")


def main(argv):
    if not argv:
        sys.exit(__doc__)
    out = argv[0]
    t = Tap()
    path = os.path.join(out, "manifest.json")
    t.check(nonempty(path), f"{path} exists")
    manifest = json.load(open(path)) if nonempty(path) else {}
    figs = manifest.get("figures", {})
    t.check(bool(figs), "the manifest lists the figures")
    check_items(t, out, "figure", figs)
    for name in figs:
        t.check(nonempty(os.path.join(out, f"fig-{name}-float.tex")),
                f"figure {name}: its float exists (made or saying why not)")
    check_items(t, out, "table", manifest.get("tables", {}))
    t.check(nonempty(os.path.join(out, "numbers.tex")), "numbers.tex exists, not empty")
    if "--latex-log" in argv:
        check_latex_log(t, argv[argv.index("--latex-log") + 1])
    print(f"generated: {t.n - t.failed - t.skipped} passed, {t.failed} failed, "
          f"{t.skipped} skipped")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
