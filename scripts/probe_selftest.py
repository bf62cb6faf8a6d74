#!/usr/bin/python3
"""Self-test of the canary helper: every canary is gone after QUIT, after Ctrl-C (SIGINT to
the helper's process group) and after a crash (SIGKILL of the helper), and a launch sees the
out-of-band evidence it should (a connection accepted, a signal at the sentinel, a file
created on the host).

    scripts/probe_selftest.py [--build DIR]

Exits 1 on the first failure. Standard library only; about a second.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import probe  # noqa: E402  (the harness: its leftovers() check)


def start(canary):
    p = subprocess.Popen([canary, "serve", "--base=/tmp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, cwd="/", start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return p, json.loads(p.stdout.readline())


def key_serials(info):
    return [int(a.split("=")[1]) for a in info["args"] if a.startswith(("--key=", "--user-key="))]


def keys_left(info):
    serials = {f"{s:08x}" for s in key_serials(info)}
    with open("/proc/keys", encoding="utf-8") as f:
        return [line.split()[0] for line in f if line.split()[0] in serials]


def wait_until_gone(info, seconds=3.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        left = probe.leftovers(info) + keys_left(info)
        if not left:
            return []
        time.sleep(0.05)
    return left


def check(name, ok, why=""):
    print(f"{'ok' if ok else 'FAIL'}: {name}{'' if ok else ': ' + str(why)}", flush=True)
    if not ok:
        sys.exit(1)


def run(p, argv):
    p.stdin.write(f"RUN 5000 {len(argv)}\n" + "".join(a + "\n" for a in argv))
    p.stdin.flush()
    return json.loads(p.stdout.readline())


def arg(info, name):
    return next(a.split("=", 1)[1] for a in info["args"] if a.startswith(f"--{name}="))


def test_evidence(canary):
    p, info = start(canary)
    port = arg(info, "tcp4-port")
    sentinel = arg(info, "sentinel-pid")
    script = (f"exec 3<>/dev/tcp/127.0.0.1/{port}; kill -URG {sentinel}; "
              f"touch {info['dir_ro']}/selftest; exit 0")
    r = run(p, ["/bin/bash", "-c", script])
    ev = " | ".join(r["evidence"])
    check("accept seen", "tcp4 listener accepted" in ev, ev)
    check("signal seen", "sentinel received signal 23" in ev, ev)
    check("new file seen", "new file on the host: C-DIR-RO/selftest" in ev, ev)
    check("new file removed", not os.path.exists(os.path.join(info["dir_ro"], "selftest")))
    p.stdin.write("QUIT\n")
    p.stdin.close()
    check("QUIT: janitor confirms", '"cleaned":true' in p.stdout.read() and p.wait() == 0)
    check("QUIT: nothing left", not wait_until_gone(info), wait_until_gone(info))


def test_interrupted(canary, how):
    p, info = start(canary)
    if how == "ctrl-c":
        os.killpg(p.pid, signal.SIGINT)
    else:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    left = wait_until_gone(info)
    check(f"{how}: nothing left", not left, left)


def main():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--build", default=os.path.join(ROOT, "build"))
    canary = os.path.join(os.path.abspath(a.parse_args().build), "probes", "void-canary")
    test_evidence(canary)
    test_interrupted(canary, "ctrl-c")
    test_interrupted(canary, "crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
