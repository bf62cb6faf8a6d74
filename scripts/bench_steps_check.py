#!/usr/bin/python3
"""Checks that each option of bench/floor_steps does the step it stands for, so that
e2e_steps measures what it says (never how fast anything was).

    scripts/bench_steps_check.py BUILD_DIR

Runs tests/checkers' void-inspect under floor_steps without the option (the control:
the step's effect must be absent there, or the check proves nothing and says SKIP) and
with it (the effect must be present). TAP-style lines; exits 1 if a check failed.
-c (the cgroup leaf) is checked only for leaving the cgroup v2 tree as it was: the void
has no /proc in which to see its own cgroup.
"""
import json
import os
import subprocess
import sys
import time

CGROUP_ROOTS = ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def result(self, ok, what, skip=None):
        self.n += 1
        if skip:
            print(f"ok {self.n} - {what} # SKIP {skip}")
            return
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}")


def inspect(floor_steps, checker, opts):
    """void-inspect's report under floor_steps OPTS, or None when it printed nothing."""
    r = subprocess.run([floor_steps] + opts + [checker, "-o", "1"], capture_output=True,
                       text=True, timeout=20)
    if r.returncode != 0:
        raise RuntimeError(f"floor_steps {' '.join(opts)}: exit {r.returncode}: "
                           f"{r.stderr.strip()[-300:]}")
    return json.loads(r.stdout) if r.stdout.strip() else None


def cgroup_tree():
    for root in CGROUP_ROOTS:
        if os.path.isfile(os.path.join(root, "cgroup.procs")):
            return sorted(d for d, _, _ in os.walk(root))
    return []


# option -> (what, predicate on the report, is the control's report informative?)
def checks():
    host_clock = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    host_name = os.uname().nodename
    all_caps = lambda r: [r["caps"][k] for k in ("effective", "permitted", "inheritable",
                                                 "bounding", "ambient")]
    return [
        ("-t", "the time namespace moves CLOCK_MONOTONIC back",
         lambda r: r["clock_monotonic_ns"] < host_clock - 10**9,
         host_clock > 2 * 10**9 or "the host has been up for under 2 s"),
        ("-u", "the host name is 'void'", lambda r: r["hostname"] == "void",
         host_name != "void" or "the host itself is named 'void'"),
        ("-f", "stdout is /dev/null (the report is lost)", lambda r: r is None, True),
        ("-S", "a new session (sid is the void's pid 1)", lambda r: r["sid"] == r["pid"],
         True),
        ("-S", "RLIMIT_CORE hard limit 0", lambda r: r["rlimit_core"]["hard"] == 0, True),
        ("-s", "no_new_privs set", lambda r: r["no_new_privs"] == 1, True),
        ("-s", "nested user namespaces refused by the filter",
         lambda r: not r["nested_userns"]["ok"], True),
        ("-k", "every capability set empty", lambda r: not any(all_caps(r)), True),
    ]


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    build = os.path.abspath(argv[0])
    floor_steps = os.path.join(build, "bench", "floor_steps")
    checker = os.path.join(build, "tests", "checkers", "void-inspect")
    tap = Tap()
    control = inspect(floor_steps, checker, [])
    for opt, what, holds, informative in checks():
        if informative is not True:
            tap.result(True, f"floor_steps {opt}: {what}", skip=informative)
            continue
        if control is not None and holds(control):
            tap.result(True, f"floor_steps {opt}: {what}",
                       skip="already true without the option: the check proves nothing")
            continue
        tap.result(holds(inspect(floor_steps, checker, [opt])), f"floor_steps {opt}: {what}")
    before = cgroup_tree()
    inspect(floor_steps, checker, ["-c"])
    tap.result(cgroup_tree() == before, "floor_steps -c: the cgroup v2 tree as it was after")
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
