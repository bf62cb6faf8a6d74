#!/usr/bin/python3
"""The evaluation of the example applications (issue 7).

    scripts/apps_bench.py [--build DIR] [--out DIR] [--force] {smoke,quick,full}
    scripts/apps_bench.py --check DIR

Writes, into DIR (default results/apps/local-DATE, which git ignores):

  gzip.csv    one row per timed run: void-gzip in a void (its input and output as File
              descriptors), the same binary outside (the same descriptors), and Debian's
              gzip (standard streams), compressing a text file at the same level and
              decompressing Debian's output of it; wall, user and system seconds.
  wrk.csv     one row per wrk run against the TLS server on 127.0.0.1: (a) `single`, the
              same handlers in one ordinary process, (b) `voids`, split into voids by
              void-shim -s (`voids-nobody`: the shim run as uid 65534;
              `voids-per-request`: a fresh HTTP handler void per keep-alive request,
              examples/tls/spec-per-request.json), (c) `nginx`,
              Debian's nginx serving the same files over TLS;
              keep-alive load and a new connection per request ("Connection: close");
              requests per second and wrk's latency percentiles.
  spawn.csv   one row per sequential connection: when the TLS handler and the HTTP
              handler started (their main(), on the shared wall clock) relative to the
              connection and the handoff, for the voids (as root and as uid 65534) and
              for `single`'s threads.
  summary.csv medians computed from the three files above.
  meta.json   kernel, CPU, cores, memory, tool versions, git commit, date, command line,
              the mode's configuration, the corpus, the TLS parameters of each server.

Everything runs as the invoking user, on loopback, with bounded loads (wrk -d), and every
server is stopped afterwards; scratch files live in a temporary directory under the build
directory, removed at the end. `smoke` only checks that everything runs (`make test`);
`quick` takes under two minutes; `full` is the reference run.
"""
import argparse
import contextlib
import csv
import hashlib
import json
import os
import platform
import pwd
import re
import select
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRK_SCRIPT = os.path.join(REPO, "scripts", "apps_wrk.lua")

MODES = {
    "smoke": dict(gzip_mb=1, gzip_reps=1, gzip_level=6, wrk_seconds=1, wrk_reps=1,
                  wrk_warmup_s=0, wrk_threads=1, keepalive_connections=2,
                  newconn_connections=2, spawn_samples=3),
    "quick": dict(gzip_mb=100, gzip_reps=2, gzip_level=6, wrk_seconds=3, wrk_reps=1,
                  wrk_warmup_s=1, wrk_threads=2, keepalive_connections=16,
                  newconn_connections=8, spawn_samples=20),
    "full": dict(gzip_mb=100, gzip_reps=5, gzip_level=6, wrk_seconds=10, wrk_reps=2,
                 wrk_warmup_s=2, wrk_threads=2, keepalive_connections=16,
                 newconn_connections=8, spawn_samples=100),
}
SERVERS = ["single", "voids", "voids-nobody", "voids-per-request", "nginx"]
# A fresh HTTP handler void per request differs from one per connection only with
# keep-alive: with a new connection per request both start one per request.
SERVER_LOADS = {"voids-per-request": ["keepalive"]}
SPAWN_VARIANTS = ["voids", "voids-nobody", "single"]
NOBODY = 65534
SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
LOADS = ["keepalive", "newconn"]
GZIP_VARIANTS = ["void", "outside", "debian"]

GZIP_HEADER = ["app", "variant", "op", "level", "rep", "bytes_in", "bytes_out", "seconds",
               "user_s", "sys_s", "mb_per_s", "verified"]
WRK_HEADER = ["app", "variant", "load", "rep", "threads", "connections", "duration_s",
              "requests", "rps", "bytes", "errors_connect", "errors_read", "errors_write",
              "errors_status", "errors_timeout", "latency_mean_us", "latency_stdev_us",
              "p50_us", "p75_us", "p90_us", "p99_us", "p99_9_us", "latency_max_us"]
SPAWN_HEADER = ["app", "variant", "sample", "connect_us", "handshake_us", "request_us",
                "tls_start_us", "http_start_us"]
SUMMARY_HEADER = ["section", "variant", "case", "metric", "unit", "n", "median", "min",
                  "max"]


# ---------------------------------------------------------------- the run

class Run:
    def __init__(self, args):
        self.mode = args.mode
        self.cfg = MODES[args.mode]
        self.out = args.out
        build = os.path.abspath(args.build)
        self.bins = {"shim": os.path.join(build, "bin", "void-shim"),
                     "gzip": os.path.join(build, "examples", "gzip", "void-gzip"),
                     "tls": os.path.join(build, "examples", "tls", "void-tls")}
        missing = [p for p in self.bins.values() if not os.access(p, os.X_OK)]
        if missing:
            sys.exit("apps_bench: not built (run `make apps`): " + ", ".join(missing))
        self.wrk = shutil.which("wrk")
        self.nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access(
            "/usr/sbin/nginx", os.X_OK) else None)
        self.scratch = tempfile.mkdtemp(prefix="apps-bench-", dir=build)
        os.chmod(self.scratch, 0o755)
        self.rows = {"gzip": [], "wrk": [], "spawn": []}
        self.skipped = []
        self.tls_params = {}
        self.nobody = None      # the staged files uid 65534's shim runs
        self.t_start = time.monotonic()

    def log(self, msg):
        print(f"[apps {time.monotonic() - self.t_start:6.1f}s] {msg}", flush=True)

    def skip(self, what, why):
        self.skipped.append({"what": what, "why": why})
        self.log(f"skip {what}: {why}")
        return None

    def path(self, name):
        return os.path.join(self.scratch, name)

    def close(self):
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self.nobody:
            shutil.rmtree(self.nobody["dir"], ignore_errors=True)


def timed(argv, stdin=None, stdout=None, pass_fds=()):
    """(wall s, user s, sys s) of one command, with its children's CPU time."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=stdin or subprocess.DEVNULL,
                         stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE,
                         pass_fds=pass_fds)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {p.returncode}: {err[-2000:]!r}")
    return wall, usage.ru_utime, usage.ru_stime


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


# ---------------------------------------------------------------- gzip

def make_corpus(path, size):
    """Real text: the C headers under /usr/include, in sorted order, repeated up to size
    bytes (gzip's 32 KiB window never sees a repetition that far back)."""
    headers = sorted(os.path.join(d, f) for d, _, fs in os.walk("/usr/include")
                     for f in fs if f.endswith(".h"))
    written = 0
    with open(path, "wb") as out:
        while written < size and headers:
            for h in headers:
                with contextlib.suppress(OSError), open(h, "rb") as f:
                    data = f.read()[: size - written]
                    out.write(data)
                    written += len(data)
                if written >= size:
                    break
    return {"source": "/usr/include/**/*.h, sorted, concatenated, repeated",
            "files": len(headers), "bytes": written, "sha256": sha256_file(path)}


def gzip_spec(run, src, dst):
    spec = {"entrypoints": {"gzip": {
        "args": ["BinaryName", "Trailing", {"File": src},
                 {"File": {"path": dst, "write": True}}],
        "environment": ["Stderr"]}}}
    path = run.path("gzip-spec.json")
    write_json(path, spec)
    return path


def gzip_once(run, variant, flags, src, dst):
    if variant == "void":
        open(dst, "wb").close()
        argv = [run.bins["shim"], "-s", gzip_spec(run, src, dst), run.bins["gzip"]] + flags
        return timed(argv)
    if variant == "outside":
        fd_in = os.open(src, os.O_RDONLY)
        fd_out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            return timed([run.bins["gzip"]] + flags + [str(fd_in), str(fd_out)],
                         pass_fds=(fd_in, fd_out))
        finally:
            os.close(fd_in)
            os.close(fd_out)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        return timed(["gzip", "-c"] + flags, stdin=fin, stdout=fout)


def verify_gzip(run, op, dst, want_sha):
    if op == "decompress":
        return sha256_file(dst) == want_sha
    check = run.path("check.out")
    with open(dst, "rb") as fin, open(check, "wb") as fout:
        subprocess.run(["gzip", "-dc"], stdin=fin, stdout=fout, check=True, timeout=600)
    ok = sha256_file(check) == want_sha
    os.unlink(check)
    return ok


def step_gzip(run):
    cfg = run.cfg
    corpus = run.path("corpus.txt")
    run.corpus = make_corpus(corpus, cfg["gzip_mb"] * 1000 * 1000)
    level = f"-{cfg['gzip_level']}"
    reference = run.path("corpus.txt.gz")
    with open(corpus, "rb") as fin, open(reference, "wb") as fout:
        subprocess.run(["gzip", "-c", level], stdin=fin, stdout=fout, check=True)
    run.log(f"gzip: corpus {run.corpus['bytes']} bytes, Debian gzip {level}: "
            f"{os.path.getsize(reference)} bytes")
    for rep in range(cfg["gzip_reps"]):
        order = GZIP_VARIANTS[rep % 3:] + GZIP_VARIANTS[:rep % 3]  # rotate: no fixed slot
        for variant in order:
            for op, flags, src in (("compress", [level], corpus),
                                   ("decompress", ["-d"], reference)):
                dst = run.path("gzip.out")
                wall, user, sys_ = gzip_once(run, variant, flags, src, dst)
                ok = verify_gzip(run, op, dst, run.corpus["sha256"]) if rep == 0 else ""
                if ok is False:
                    raise RuntimeError(f"gzip {variant} {op}: output does not match")
                run.rows["gzip"].append({
                    "app": "gzip", "variant": variant, "op": op, "level": cfg["gzip_level"],
                    "rep": rep, "bytes_in": os.path.getsize(src),
                    "bytes_out": os.path.getsize(dst), "seconds": f"{wall:.4f}",
                    "user_s": f"{user:.3f}", "sys_s": f"{sys_:.3f}",
                    "mb_per_s": f"{run.corpus['bytes'] / 1e6 / wall:.2f}",
                    "verified": {True: "yes", "": "not checked"}[ok]})
                run.log(f"gzip {variant:8} {op:10} rep {rep}: {wall:.3f} s")


# ---------------------------------------------------------------- TLS servers

def prepare_tls(run):
    tls_dir = run.path("tls")
    os.makedirs(tls_dir)
    subprocess.run([os.path.join(REPO, "scripts", "apps_cert.sh"), tls_dir], check=True)
    run.cert, run.key = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
    run.www = run.path("www")
    shutil.copytree(os.path.join(REPO, "examples", "tls", "www"), run.www)
    run.page = "/index.html"


def tls_spec(files, per_request=False):
    """examples/tls/spec.json (per_request: spec-per-request.json) with these files and
    a port the kernel picks."""
    hand_back = [{"FileSocket": {"Tx": "plaintext"}}] if per_request else []
    spec = {"entrypoints": {
        "connection_listener": {
            "args": ["BinaryName", "Entrypoint", "Trailing",
                     {"TcpListener": {"addr": "127.0.0.1:0"}},
                     {"FileSocket": {"Tx": "connections"}}],
            "environment": ["Stdout", "Stderr"]},
        "tls_handler": {
            "trigger": {"FileSocket": "connections"},
            "args": ["BinaryName", "Entrypoint", "Trailing", {"File": files["cert"]},
                     {"File": files["key"]}, {"FileSocket": {"Tx": "plaintext"}},
                     "Trigger"],
            "environment": ["Stderr"]},
        "http_handler": {
            "trigger": {"FileSocket": "plaintext"},
            "args": ["BinaryName", "Entrypoint", "Trailing", "Trigger"] + hand_back,
            "environment": ["Stderr", {"Filesystem": {"host_path": files["www"],
                                                      "environment_path": "/www"}}]}}}
    path = os.path.join(files["dir"], "tls-spec.json")
    write_json(path, spec)
    os.chmod(path, 0o644)
    return path


def root_files(run):
    return {"dir": run.scratch, "shim": run.bins["shim"], "tls": run.bins["tls"],
            "cert": run.cert, "key": run.key, "www": run.www}


def prepare_nobody(run):
    """Copies what uid 65534's shim runs into a world-readable directory (the tree may
    be where it cannot enter); None, with a skip, where it cannot run."""
    if os.geteuid() != 0:
        return run.skip("voids-nobody", "not root: cannot run as uid 65534")
    p = subprocess.run(SETPRIV + ["unshare", "--user", "true"], capture_output=True,
                       cwd="/", timeout=10)
    if p.returncode != 0:
        return run.skip("voids-nobody", "uid 65534 cannot create a user namespace: "
                        + p.stderr.decode(errors="replace").strip())
    d = tempfile.mkdtemp(prefix="apps-bench-nobody-")
    os.chmod(d, 0o755)
    files = {"dir": d, "www": os.path.join(d, "www")}
    for name, src in (("shim", run.bins["shim"]), ("tls", run.bins["tls"]),
                      ("cert", run.cert), ("key", run.key)):
        files[name] = os.path.join(d, os.path.basename(src))
        shutil.copyfile(src, files[name])
        os.chmod(files[name], 0o755 if name in ("shim", "tls") else 0o644)
    shutil.copytree(run.www, files["www"])
    for dirpath, _, names in os.walk(files["www"]):
        os.chmod(dirpath, 0o755)
        for n in names:
            os.chmod(os.path.join(dirpath, n), 0o644)
    run.nobody = files
    return files


def read_announced_port(p, timeout=10):
    deadline, buf = time.monotonic() + timeout, b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            raise RuntimeError(f"no port announced within {timeout} s")
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError(f"the server exited ({p.wait()}) before listening")
        buf += chunk
    m = re.match(rb"listening on 127\.0\.0\.1:(\d+)", buf)
    if not m:
        raise RuntimeError(f"unexpected announcement {buf!r}")
    return int(m.group(1))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                    timeout=1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop_process(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def nginx_config(run, port):
    d = run.path("nginx")
    os.makedirs(d, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # keep the workers the invoking user, as the other servers
        user = f"user {pwd.getpwuid(0).pw_name};\n"
    temp = "\n".join(f"    {k}_temp_path {d}/{k};" for k in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = f"""{user}worker_processes {len(os.sched_getaffinity(0))};
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    types {{ text/html html; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000000;
    keepalive_timeout 30s;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {run.cert};
        ssl_certificate_key {run.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root {run.www};
    }}
}}
"""
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return d, path


@contextlib.contextmanager
def tls_server(run, variant, extra=()):
    """Starts one server; yields its port; stops it (and everything it started)."""
    if variant == "nginx":
        port = free_port()
        prefix, conf = nginx_config(run, port)
        argv = [run.nginx, "-e", os.path.join(prefix, "error.log"), "-p", prefix + "/",
                "-c", conf]
    elif variant == "single":
        argv = [run.bins["tls"], "single", "--listen", "127.0.0.1:0", "--cert", run.cert,
                "--key", run.key, "--root", run.www] + list(extra)
    else:
        files = run.nobody if variant == "voids-nobody" else root_files(run)
        spec = tls_spec(files, per_request=variant == "voids-per-request")
        argv = [files["shim"], "-s", spec, files["tls"]] + list(extra)
        if variant == "voids-nobody":
            argv = SETPRIV + argv
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, cwd=run.scratch if variant !=
                         "voids-nobody" else run.nobody["dir"])
    try:
        if variant == "nginx":
            wait_listening(port)
        else:
            port = read_announced_port(p)
        yield port
    finally:
        stop_process(p, signal.SIGQUIT if variant == "nginx" else signal.SIGTERM)
        p.stdout.close()


def tls_client(run, port):
    ctx = ssl.create_default_context(cafile=run.cert)
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def http_get(conn, path):
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                 .encode())
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"GET {path}: {head[:200]!r}")
    return body


def record_tls_params(run, variant, port):
    with tls_client(run, port) as conn:
        run.tls_params[variant] = {"version": conn.version(), "cipher": conn.cipher()[0]}
        http_get(conn, run.page)


# ---------------------------------------------------------------- wrk

def wrk(run, port, load, seconds, connections):
    threads = min(run.cfg["wrk_threads"], connections)
    argv = [run.wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
            "--timeout", "10s", "-s", WRK_SCRIPT]
    if load == "newconn":
        argv += ["-H", "Connection: close"]
    argv.append(f"https://127.0.0.1:{port}{run.page}")
    p = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"^APPS_WRK_JSON (\{.*\})$", p.stdout, re.M)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stdout[-1500:]} "
                           f"{p.stderr[-1500:]}")
    return json.loads(m.group(1)), threads


def wrk_row(variant, load, rep, threads, connections, r):
    seconds = r["duration_us"] / 1e6
    row = {"app": "tls", "variant": variant, "load": load, "rep": rep, "threads": threads,
           "connections": connections, "duration_s": f"{seconds:.3f}",
           "rps": f"{r['requests'] / seconds:.1f}"}
    for k in WRK_HEADER:
        if k not in row:
            row[k] = r[k]
    return row


def step_wrk(run):
    if not run.wrk:
        run.skip("wrk", "wrk is not installed (scripts/deps.sh bench)")
        return
    servers = [s for s in SERVERS if (s != "nginx" or run.nginx) and
               (s != "voids-nobody" or run.nobody)]
    if not run.nginx:
        run.skip("nginx", "nginx is not installed (scripts/deps.sh bench)")
    cfg = run.cfg
    for rep in range(cfg["wrk_reps"]):
        for load in LOADS:
            connections = cfg[f"{load}_connections"]
            order = servers[rep % len(servers):] + servers[:rep % len(servers)]
            for variant in order:
                if load not in SERVER_LOADS.get(variant, LOADS):
                    continue
                with tls_server(run, variant) as port:
                    if variant not in run.tls_params:
                        record_tls_params(run, variant, port)
                    if cfg["wrk_warmup_s"]:
                        wrk(run, port, load, cfg["wrk_warmup_s"], connections)
                    r, threads = wrk(run, port, load, cfg["wrk_seconds"], connections)
                row = wrk_row(variant, load, rep, threads, connections, r)
                run.rows["wrk"].append(row)
                run.log(f"wrk {variant:17} {load:9} rep {rep}: {row['rps']} req/s, "
                        f"p50 {r['p50_us']} us, p99 {r['p99_us']} us, "
                        f"errors {sum(r[k] for k in r if k.startswith('errors_'))}")


# ---------------------------------------------------------------- spawn latency

def one_connection(run, port):
    """Times one fresh connection's request to /__void/info (voids' debug endpoint)."""
    t0 = time.time_ns()
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    t_connected = time.time_ns()
    ctx = ssl.create_default_context(cafile=run.cert)
    with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as conn:
        t_handshake = time.time_ns()
        info = json.loads(http_get(conn, "/__void/info"))
    t_done = time.time_ns()
    tls = dict(kv.split("=") for kv in info["tls_handoff"].split())
    return {"connect_us": (t_connected - t0) / 1e3,
            "handshake_us": (t_handshake - t_connected) / 1e3,
            "request_us": (t_done - t0) / 1e3,
            "tls_start_us": (int(tls["started_ns"]) - t0) / 1e3,
            "http_start_us": (info["http"]["started_ns"] - int(tls["handoff_ns"])) / 1e3}


def step_spawn(run):
    variants = [v for v in SPAWN_VARIANTS if v != "voids-nobody" or run.nobody]
    for variant in variants:
        with tls_server(run, variant, ["--debug"]) as port:
            one_connection(run, port)  # warm the page cache: not kept
            for i in range(run.cfg["spawn_samples"]):
                row = {"app": "tls", "variant": variant, "sample": i}
                row.update({k: f"{v:.1f}" for k, v in one_connection(run, port).items()})
                run.rows["spawn"].append(row)
        med = statistics.median(float(r["tls_start_us"]) for r in run.rows["spawn"]
                                if r["variant"] == variant)
        run.log(f"spawn {variant}: connection -> TLS handler main() median {med:.0f} us")


# ---------------------------------------------------------------- summary and meta

def summarize(run):
    out = []

    def add(section, variant, case, metric, unit, values):
        xs = [float(v) for v in values]
        if xs:
            out.append({"section": section, "variant": variant, "case": case,
                        "metric": metric, "unit": unit, "n": len(xs),
                        "median": f"{statistics.median(xs):.4g}", "min": f"{min(xs):.4g}",
                        "max": f"{max(xs):.4g}"})

    for v in GZIP_VARIANTS:
        for op in ("compress", "decompress"):
            rows = [r for r in run.rows["gzip"] if r["variant"] == v and r["op"] == op]
            add("gzip", v, op, "throughput", "MB/s", [r["mb_per_s"] for r in rows])
            add("gzip", v, op, "cpu", "s", [float(r["user_s"]) + float(r["sys_s"])
                                            for r in rows])
    for v in SERVERS:
        for load in LOADS:
            rows = [r for r in run.rows["wrk"] if r["variant"] == v and r["load"] == load]
            add("wrk", v, load, "rps", "1/s", [r["rps"] for r in rows])
            for p in ("p50_us", "p99_us"):
                add("wrk", v, load, p[:-3], "us", [r[p] for r in rows])
    for v in SPAWN_VARIANTS:
        rows = [r for r in run.rows["spawn"] if r["variant"] == v]
        for k in ("tls_start_us", "http_start_us", "handshake_us", "request_us"):
            add("spawn", v, "sequential", k[:-3], "us", [r[k] for r in rows])
    return out


def _cmd(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (p.stdout or p.stderr).strip().splitlines()
    return lines[0] if lines else None


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _dpkg(pkg):
    return _cmd(["dpkg-query", "-W", "-f=${Version}", pkg])


def meta(run, argv):
    cpu = next((l.split(":", 1)[1].strip() for l in (_read("/proc/cpuinfo") or "")
                .splitlines() if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) for l in (_read("/proc/meminfo") or "").splitlines()
                if l.startswith("MemTotal:")), None)
    return {
        "experiment": "apps", "mode": run.mode, "config": run.cfg,
        "command_line": ["scripts/apps_bench.py"] + list(argv),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _cmd(["git", "-C", REPO, "rev-parse", "HEAD"]),
        "tree_dirty": bool(_cmd(["git", "-C", REPO, "status", "--porcelain", "--",
                                 "examples", "scripts/apps_bench.py", "shim"])),
        "kernel": platform.release(), "kernel_version": platform.version(),
        "machine": platform.machine(), "cpu_model": cpu, "cores_online": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "hypervisor": "hypervisor" in (_read("/proc/cpuinfo") or ""),
        "mem_total_kb": mem, "loadavg_start": run.loadavg_start,
        "loadavg_end": _read("/proc/loadavg"), "user": pwd.getpwuid(os.geteuid()).pw_name,
        "unprivileged_as": " ".join(SETPRIV) if run.nobody else None,
        "tools": {
            "void-shim": _cmd([run.bins["shim"], "--version"]),
            "wrk": _cmd([run.wrk, "--version"]) if run.wrk else None,
            "nginx": _cmd([run.nginx, "-v"]) if run.nginx else None,
            "gzip": _cmd(["gzip", "--version"]), "openssl": _cmd(["openssl", "version"]),
            "libssl3": _dpkg("libssl3"), "zlib1g": _dpkg("zlib1g"),
            "gcc": _cmd(["gcc", "--version"]), "python": sys.version.split()[0]},
        "corpus": getattr(run, "corpus", None), "tls": run.tls_params,
        "page": {"path": getattr(run, "page", None), "bytes": os.path.getsize(
            os.path.join(REPO, "examples", "tls", "www", "index.html"))},
        "notes": ("wrk, the servers and the shim share the same cores; single loads the "
                  "certificate once, each TLS handler void loads it per connection; "
                  "nginx runs worker_processes = usable cores"),
        "duration_s": round(time.monotonic() - run.t_start, 1), "skipped": run.skipped,
    }


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def print_summary(rows):
    print(f"{'section':6} {'variant':17} {'case':11} {'metric':12} {'median':>10} unit  n")
    for r in rows:
        print(f"{r['section']:6} {r['variant']:17} {r['case']:11} {r['metric']:12} "
              f"{r['median']:>10} {r['unit']:5} {r['n']}")


# ---------------------------------------------------------------- checking a run

def skipped_parts(out):
    """What the run itself recorded as skipped (a tool not installed, ...)."""
    try:
        with open(os.path.join(out, "meta.json")) as f:
            return {s.get("what") for s in json.load(f).get("skipped", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def check(out):
    problems = []
    expect = {"gzip.csv": GZIP_HEADER, "wrk.csv": WRK_HEADER, "spawn.csv": SPAWN_HEADER,
              "summary.csv": SUMMARY_HEADER}
    skipped = skipped_parts(out)
    for name, header in expect.items():
        path = os.path.join(out, name)
        if not os.path.exists(path):
            problems.append(f"{name}: missing")
            continue
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows and name == "wrk.csv" and "wrk" in skipped:
            print(f"apps_bench --check: {name}: no rows, as recorded: wrk was skipped",
                  file=sys.stderr)
        elif not rows:
            problems.append(f"{name}: no rows")
        elif list(rows[0].keys()) != header:
            problems.append(f"{name}: header {list(rows[0].keys())} != {header}")
        problems += [f"{name}: {p}" for p in check_rows(name, rows)]
    try:
        with open(os.path.join(out, "meta.json")) as f:
            m = json.load(f)
        for k in ("kernel", "cpu_model", "cores_usable", "mem_total_kb", "tools", "commit",
                  "date_utc", "command_line", "mode"):
            if k not in m:
                problems.append(f"meta.json: no {k}")
    except (OSError, ValueError) as e:
        problems.append(f"meta.json: {e}")
    for p in problems:
        print("apps_bench --check:", p, file=sys.stderr)
    print(f"apps_bench --check {out}: " + ("ok" if not problems else "FAILED"))
    return 1 if problems else 0


def check_rows(name, rows):
    numeric = {"gzip.csv": ["seconds", "mb_per_s", "bytes_out"],
               "wrk.csv": ["rps", "requests", "p50_us", "p99_us"],
               "spawn.csv": ["tls_start_us", "http_start_us", "request_us"],
               "summary.csv": ["median"]}[name]
    bad = []
    for i, r in enumerate(rows):
        for k in numeric:
            try:
                if float(r[k]) < 0 or (k in ("rps", "requests") and float(r[k]) == 0):
                    bad.append(f"row {i}: {k} = {r[k]}")
            except (KeyError, ValueError, TypeError):
                bad.append(f"row {i}: {k} = {r.get(k)!r} is not a number")
        if name == "gzip.csv" and r.get("verified") not in ("yes", "not checked"):
            bad.append(f"row {i}: output not verified")
    return bad


# ---------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", nargs="?", choices=sorted(MODES))
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--out", help="run directory (default results/apps/local-DATE)")
    ap.add_argument("--force", action="store_true", help="overwrite a non-empty --out")
    ap.add_argument("--check", metavar="DIR", help="check a run's files and exit")
    a = ap.parse_args(argv)
    if not a.check and not a.mode:
        ap.error("a mode (smoke, quick, full) or --check DIR is needed")
    return a


def prepare_out(a):
    if not a.out:
        a.out = os.path.join(REPO, "results", "apps",
                             time.strftime("local-%Y%m%d-%H%M%S"))
    if os.path.isdir(a.out) and os.listdir(a.out) and not a.force:
        sys.exit(f"apps_bench: {a.out} is not empty (a reference run?): --force to "
                 "overwrite")
    os.makedirs(a.out, exist_ok=True)


def main(argv):
    a = parse_args(argv)
    if a.check:
        return check(a.check)
    prepare_out(a)
    run = Run(a)
    run.loadavg_start = _read("/proc/loadavg")
    run.log(f"{a.mode} mode into {a.out}")
    try:
        prepare_tls(run)
        prepare_nobody(run)
        step_gzip(run)
        step_spawn(run)
        step_wrk(run)
    finally:
        run.close()
    summary = summarize(run)
    for name, header in (("gzip", GZIP_HEADER), ("wrk", WRK_HEADER),
                         ("spawn", SPAWN_HEADER)):
        write_csv(os.path.join(a.out, f"{name}.csv"), header, run.rows[name])
    write_csv(os.path.join(a.out, "summary.csv"), SUMMARY_HEADER, summary)
    write_json(os.path.join(a.out, "meta.json"), meta(run, argv))
    print_summary(summary)
    run.log(f"done: {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
