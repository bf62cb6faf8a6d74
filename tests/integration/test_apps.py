"""The example applications of issue 7 under void-shim -s, as root and as uid 65534.

gzip (examples/gzip): round trips against Debian's gzip, both ways, with the data
handed to the void only as File descriptors (or its standard streams).
TLS (examples/tls): the listener / TLS handler / HTTP handler application serves pages
to curl over https://127.0.0.1 on a port the kernel picks (the listener prints it), each
connection's handlers are in namespaces of their own, malformed requests get 400, a
crashing handler takes down only its connection, and the application ends by itself
once its listener closes.

The binaries are staged next to the shim (world-readable) and a throwaway certificate
is generated for the session (scripts/apps_cert.sh) in the staging directory, which the
`staged` fixture removes.
"""

import contextlib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import REPO, BUILD, TIMEOUT, describe

GZIP_BIN = BUILD / "examples" / "gzip" / "void-gzip"
TLS_BIN = BUILD / "examples" / "tls" / "void-tls"
DOCROOT = REPO / "examples" / "tls" / "www"
SERVER_START = 10.0     # seconds for the listener to announce its port
REQUEST_TIMEOUT = 10.0  # seconds for one request


class Apps:
    def __init__(self, root):
        self.root = root
        self.gzip = os.path.join(root, "void-gzip")
        self.tls = os.path.join(root, "void-tls")
        self.cert = os.path.join(root, "tls", "cert.pem")
        self.key = os.path.join(root, "tls", "key.pem")
        self.www = os.path.join(root, "tls", "www")


@pytest.fixture(scope="session")
def apps(staged):
    """The example binaries, a certificate and the document root, in the staging dir."""
    missing = [str(p) for p in (GZIP_BIN, TLS_BIN) if not p.is_file()]
    if missing:
        pytest.fail("not built (run `make apps`): " + ", ".join(missing))
    a = Apps(staged.root)
    for src, dst in ((GZIP_BIN, a.gzip), (TLS_BIN, a.tls)):
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o755)
    tls_dir = os.path.dirname(a.cert)
    os.makedirs(tls_dir)
    os.chmod(tls_dir, 0o755)
    subprocess.run([str(REPO / "scripts" / "apps_cert.sh"), tls_dir], check=True,
                   timeout=TIMEOUT)
    os.chmod(a.key, 0o644)  # throwaway; uid 65534's shim must open it
    shutil.copytree(DOCROOT, a.www)
    for dirpath, dirnames, filenames in os.walk(a.www):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    return a


def write_spec(work, spec):
    path = os.path.join(work, "spec.json")
    with open(path, "w") as f:
        json.dump({"entrypoints": spec}, f, indent=2)
    os.chmod(path, 0o644)
    return path


def host_file(work, name, data, mode=0o644):
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


# ---------------------------------------------------------------- gzip

def gzip_spec(work, args):
    return write_spec(work, {"gzip": {"args": ["BinaryName", "Trailing"] + args,
                                      "environment": ["Stderr"]}})


def gzip_in_void(void, apps, work, data, flags):
    """Runs void-gzip FLAGS on data, given as a File fd; returns its output."""
    src = host_file(work, "in", data)
    dst = host_file(work, "out", b"stale bytes that must not survive", 0o666)
    spec = gzip_spec(work, [{"File": src}, {"File": {"path": dst, "write": True}}])
    p = void.run(["-s", spec, apps.gzip] + flags)
    assert p.returncode == 0, describe(p)
    with open(dst, "rb") as f:
        return f.read()


def debian_gzip(args, data):
    p = subprocess.run(["gzip"] + args, input=data, capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    return p.stdout


def real_text():
    for path in ("/usr/share/common-licenses/GPL-3", REPO / "shim" / "void-shim.1"):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read()
    pytest.skip("no text file found")


def gzip_inputs():
    rng = random.Random(7)
    words = [b"void", b"process", b"namespace", b"mount", b"descriptor", b"\n"]
    larger = b" ".join(rng.choice(words) for _ in range(400_000))  # ~3 MB > 128 KiB
    return {
        "random": rng.randbytes(300_000),
        "text": None,   # real_text(), read when the test runs
        "empty": b"",
        "one-byte": b"x",
        "larger-than-buffers": larger + rng.randbytes(200_000),
    }


GZIP_INPUTS = gzip_inputs()


@pytest.mark.parametrize("name", sorted(GZIP_INPUTS))
def test_gzip_compress_in_void_debian_decompresses(void, apps, work, name):
    data = GZIP_INPUTS[name] if GZIP_INPUTS[name] is not None else real_text()
    compressed = gzip_in_void(void, apps, work, data, ["-6"])
    assert compressed[:2] == b"\x1f\x8b", compressed[:16]
    assert debian_gzip(["-dc"], compressed) == data


@pytest.mark.parametrize("name", sorted(GZIP_INPUTS))
def test_gzip_debian_compresses_void_decompresses(void, apps, work, name):
    data = GZIP_INPUTS[name] if GZIP_INPUTS[name] is not None else real_text()
    compressed = debian_gzip(["-c", "-9"], data)
    assert gzip_in_void(void, apps, work, compressed, ["-d"]) == data


def test_gzip_over_standard_streams(void, apps, work):
    data = real_text()
    spec = write_spec(work, {"gzip": {"args": ["BinaryName", "Trailing"],
                                      "environment": ["Stdin", "Stdout", "Stderr"]}})
    p = void.run(["-s", spec, apps.gzip, "-1"], input=data)
    assert p.returncode == 0, describe(p)
    assert debian_gzip(["-dc"], p.stdout) == data
    twice = debian_gzip(["-c"], data) * 2  # two members, as `cat a.gz b.gz`
    p = void.run(["-s", spec, apps.gzip, "-d"], input=twice)
    assert p.returncode == 0, describe(p)
    assert p.stdout == data * 2


def test_gzip_corrupt_input_fails(void, apps, work):
    compressed = bytearray(debian_gzip(["-c"], real_text()))
    compressed[len(compressed) // 2] ^= 0xFF
    src = host_file(work, "in", bytes(compressed))
    dst = host_file(work, "out", b"", 0o666)
    spec = gzip_spec(work, [{"File": src}, {"File": {"path": dst, "write": True}}])
    p = void.run(["-s", spec, apps.gzip, "-d"])
    assert p.returncode == 1, describe(p)
    assert b"void-gzip:" in p.stderr, describe(p)


# ---------------------------------------------------------------- TLS

def tls_spec(work, apps, per_request=False):
    """The TLS application on a port the kernel picks, with the debug endpoints'
    namespace reports (Procfs) in both handlers. per_request: each HTTP handler hands
    the stream back after one request (examples/tls/spec-per-request.json)."""
    hand_back = [{"FileSocket": {"Tx": "plaintext"}}] if per_request else []
    return write_spec(work, {
        "connection_listener": {
            "args": ["BinaryName", "Entrypoint", "Trailing",
                     {"TcpListener": {"addr": "127.0.0.1:0"}},
                     {"FileSocket": {"Tx": "connections"}}],
            "environment": ["Stdout", "Stderr"],
        },
        "tls_handler": {
            "trigger": {"FileSocket": "connections"},
            "args": ["BinaryName", "Entrypoint", "Trailing", {"File": apps.cert},
                     {"File": apps.key}, {"FileSocket": {"Tx": "plaintext"}}, "Trigger"],
            "environment": ["Stderr", "Procfs"],
        },
        "http_handler": {
            "trigger": {"FileSocket": "plaintext"},
            "args": ["BinaryName", "Entrypoint", "Trailing", "Trigger"] + hand_back,
            "environment": ["Stderr", "Procfs",
                            {"Filesystem": {"host_path": apps.www,
                                            "environment_path": "/www"}}],
        },
    })


def read_port(p, timeout):
    """The port from the listener's "listening on 127.0.0.1:PORT" line."""
    deadline = time.monotonic() + timeout
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            raise AssertionError(f"the listener announced no port within {timeout} s "
                                 f"(stdout so far {buf!r})")
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"the shim exited ({p.wait()}) before announcing a port: "
                                 f"{p.stderr.read()[:3000]!r}")
        buf += chunk
    m = re.match(rb"listening on 127\.0\.0\.1:(\d+)\n", buf)
    assert m, buf
    return int(m.group(1))


def stop(p):
    """SIGTERM (forwarded to every void), then SIGKILL; returns (status, stderr)."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return p.returncode, p.stderr.read()


@contextlib.contextmanager
def tls_server(void, apps, work, extra=(), per_request=False):
    spec = tls_spec(work, apps, per_request)
    p = void.spawn(["-s", spec, apps.tls, "--debug", "--idle-timeout", "10"] + list(extra))
    try:
        p.port = read_port(p, SERVER_START)
        yield p
    finally:
        stop(p)
        p.stdout.close()
        p.stderr.close()


def curl(apps, port, *paths, extra=()):
    urls = [f"https://127.0.0.1:{port}{path}" for path in paths]
    p = subprocess.run(["curl", "-sS", "--max-time", str(REQUEST_TIMEOUT), "--cacert",
                        apps.cert] + list(extra) + urls, capture_output=True,
                       timeout=TIMEOUT)
    assert p.returncode == 0, describe(p)
    return p.stdout


def tls_connect(apps, port):
    ctx = ssl.create_default_context(cafile=apps.cert)
    raw = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def recv_more(conn):
    try:
        return conn.recv(65536)
    except (ConnectionResetError, ssl.SSLError):
        return b""


def read_response(conn, head_only=False):
    """(status, headers, body) of one response, or None if the connection closed
    without one. Bytes past it stay for the next call (pipelined responses)."""
    buf = getattr(conn, "unread", b"")
    while b"\r\n\r\n" not in buf:
        chunk = recv_more(conn)
        if not chunk:
            return None
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    length = 0 if head_only else int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = recv_more(conn)
        assert chunk, "the connection closed in the middle of a body"
        body += chunk
    conn.unread = body[length:]
    return status, headers, body[:length]


def get(conn, path):
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return read_response(conn)


def index_html():
    with open(DOCROOT / "index.html", "rb") as f:
        return f.read()


def test_tls_serves_a_page_to_curl(void, apps, work):
    with tls_server(void, apps, work) as server:
        assert curl(apps, server.port, "/") == index_html()
        assert curl(apps, server.port, "/index.html") == index_html()
        head = curl(apps, server.port, "/missing", extra=["-i"])
        assert head.startswith(b"HTTP/1.1 404 "), head[:200]


def test_tls_methods_pipelining_and_paths_that_leave_the_root(void, apps, work):
    with tls_server(void, apps, work) as server:
        with tls_connect(apps, server.port) as conn:
            conn.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _ = read_response(conn, head_only=True)
            assert status == 200 and int(headers["content-length"]) == len(index_html())
            assert conn.unread == b"", "a HEAD response had a body"
            conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            status, headers, _ = read_response(conn)
            assert status == 405 and headers["allow"] == "GET, HEAD", headers
            # Two requests in one write: two responses, in order, on one connection.
            conn.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(conn)[0] == 200
            assert read_response(conn)[0] == 404
            for path in ("/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                         "/..%2f..%2fetc%2fpasswd", "/proc/self/environ"):
                status, _, body = get(conn, path)
                assert status == 404 and b"root:" not in body, (path, status, body[:200])


def ns_report(apps, port):
    return json.loads(curl(apps, port, "/__void/info"))


def handoff_fields(report):
    return dict(kv.split("=") for kv in report["tls_handoff"].split())


def test_tls_connections_get_handlers_in_namespaces_of_their_own(void, apps, work):
    host_net = os.stat("/proc/self/ns/net").st_ino
    with tls_server(void, apps, work) as server:
        first, second = ns_report(apps, server.port), ns_report(apps, server.port)
    nets = []
    for report in (first, second):
        tls = handoff_fields(report)
        assert report["http"]["pid"] == 1 and tls["pid"] == "1", report
        nets += [report["http"]["net_ns"], int(tls["net_ns"])]
    assert 0 not in nets, nets
    assert host_net not in nets, (host_net, nets)
    assert len(set(nets)) == 4, f"net namespaces (http, tls) x 2 not all different: {nets}"
    assert first["http"]["mnt_ns"] != second["http"]["mnt_ns"], (first, second)


def test_tls_keep_alive_uses_one_handler_for_the_connection(void, apps, work):
    with tls_server(void, apps, work) as server:
        with tls_connect(apps, server.port) as conn:
            reports = []
            for _ in range(3):
                status, headers, body = get(conn, "/__void/info")
                assert status == 200 and headers["connection"] == "keep-alive", headers
                reports.append(json.loads(body))
            assert get(conn, "/")[2] == index_html()
    assert len({r["http"]["net_ns"] for r in reports}) == 1, reports


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"GET noslash HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",                          # HTTP/1.1 without Host
    b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",               # space before the colon
    b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET / HTPT/1.1\r\nHost: x\r\n\r\n",
]


def test_tls_malformed_requests_get_400_and_the_server_keeps_serving(void, apps, work):
    with tls_server(void, apps, work) as server:
        for request in MALFORMED:
            with tls_connect(apps, server.port) as conn:
                conn.sendall(request)
                response = read_response(conn)
                assert response is not None, f"no response to {request!r}"
                status, headers, _ = response
                assert status == 400, (request, status)
                assert headers["connection"] == "close", headers
                assert read_response(conn) is None, "the connection stayed open"
        assert curl(apps, server.port, "/") == index_html()


def test_tls_crashing_handler_takes_down_only_its_connection(void, apps, work):
    # Three connections, then the listener closes and the application ends by itself.
    with tls_server(void, apps, work, ["--max-connections", "3"]) as server:
        with tls_connect(apps, server.port) as survivor:
            assert get(survivor, "/")[0] == 200
            with tls_connect(apps, server.port) as victim:
                assert get(victim, "/__void/crash") is None, "the crash answered"
            assert get(survivor, "/")[2] == index_html(), "the other connection died"
        assert curl(apps, server.port, "/") == index_html()
        status = server.wait(timeout=5)
        err = server.stderr.read()
    # The crash is the application's first non-zero exit: SIGSEGV, 128 + 11.
    assert status == 139, (status, err[:2000])


def test_tls_closed_listener_ends_the_application(void, apps, work):
    with tls_server(void, apps, work, ["--max-connections", "2"]) as server:
        assert curl(apps, server.port, "/", "/index.html") == index_html() * 2  # one
        assert curl(apps, server.port, "/") == index_html()
        status = server.wait(timeout=5)
        err = server.stderr.read()
    assert status == 0, err[:2000]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_tls_a_fresh_http_handler_void_per_request(void, apps, work):
    """spec-per-request.json: keep-alive requests on one connection, each served by an
    HTTP handler in a void of its own; the application still ends by itself."""
    with tls_server(void, apps, work, ["--max-connections", "2"], per_request=True) as server:
        with tls_connect(apps, server.port) as conn:
            reports = []
            for _ in range(3):
                status, headers, body = get(conn, "/__void/info")
                assert status == 200 and headers["connection"] == "keep-alive", headers
                reports.append(json.loads(body))
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\n"
                         b"Host: x\r\n\r\n")  # pipelined: served by one void
            assert read_response(conn)[2] == index_html()
            assert read_response(conn)[0] == 404
            assert get(conn, "/")[2] == index_html()
        assert curl(apps, server.port, "/") == index_html()
        status = server.wait(timeout=5)
        err = server.stderr.read()
    nets = [r["http"]["net_ns"] for r in reports]
    assert len(set(nets)) == 3 and 0 not in nets, nets
    assert reports[0]["tls_handoff"] and not reports[1]["tls_handoff"], reports
    assert status == 0, err[:2000]
