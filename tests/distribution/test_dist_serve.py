"""`gameir serve`: Range answers (206/416), read-only (405), header caps (431), idle timeout, no escape from the
served directory (requests and listings)."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time

import pytest

from gameir.distribution.serve import DatasetRequestHandler, make_server, parse_range


@pytest.fixture()
def site(tmp_path, server_for):
    root = tmp_path / "site"
    (root / "sub").mkdir(parents=True)
    data = bytes(range(256)) * 40  # 10240 bytes
    (root / "sub/blob.bin").write_bytes(data)
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", root / "link-out.txt")
    os.symlink(root / "sub/blob.bin", root / "link-in.bin")
    return server_for(root, DatasetRequestHandler), data  # the shipped handler, no faults


def _get(server, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_whole_file_and_ranges(site):
    server, data = site
    status, headers, body = _get(server, "/sub/blob.bin")
    assert status == 200 and body == data and headers["Accept-Ranges"] == "bytes"
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200] and headers["Content-Range"] == "bytes 100-199/10240"
    assert headers["Content-Length"] == "100"
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=10000-"})
    assert status == 206 and body == data[10000:] and headers["Content-Range"] == "bytes 10000-10239/10240"
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=-16"})
    assert status == 206 and body == data[-16:]
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=10200-99999"})
    assert status == 206 and body == data[10200:] and headers["Content-Range"] == "bytes 10200-10239/10240"
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=10240-"})
    assert status == 416 and headers["Content-Range"] == "bytes */10240" and body == b""
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=0-1,5-6"})
    assert status == 200 and body == data  # several ranges: whole file, as RFC 9110 allows
    status, headers, body = _get(server, "/sub/blob.bin", {"Range": "bytes=5-9"}, method="HEAD")
    assert status == 206 and headers["Content-Length"] == "5" and body == b""


def test_refuses_escape_and_writes(site):
    server, data = site
    for path in ("/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/sub/%2E%2E/%2e%2e/secret.txt",
                 "/sub\\..\\..\\secret.txt", "/link-out.txt"):
        status, _, body = _get(server, path)
        assert status == 403, path
        assert b"outside" not in body
    assert _get(server, "/link-in.bin")[0] == 200  # a symlink that stays inside is fine
    assert _get(server, "/nope.bin")[0] == 404
    for method in ("PUT", "POST", "DELETE"):
        assert _get(server, "/sub/blob.bin", method=method)[0] == 405
    assert (server.root / "sub/blob.bin").read_bytes() == data


def test_binds_loopback_by_default(tmp_path):
    server = make_server(tmp_path, port=0, quiet=True)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
    with pytest.raises(FileNotFoundError, match="not a directory to serve"):
        make_server(tmp_path / "missing", port=0)


@pytest.mark.parametrize("header, expected", [
    (None, None), ("bytes=0-9", (0, 10)), ("bytes=5-", (5, 100)), ("bytes=-10", (90, 100)),
    ("bytes=-500", (0, 100)), ("bytes=95-200", (95, 100)), ("bytes=100-", "unsatisfiable"),
    ("bytes=-0", "unsatisfiable"), ("items=0-3", None), ("bytes=0-1,4-5", None), ("BYTES=0-9", (0, 10)),
    # malformed bytes ranges and positions no file can reach: 416, never an exception
    ("bytes=9-3", "unsatisfiable"), ("bytes=-", "unsatisfiable"), ("bytes=a-b", "unsatisfiable"),
    ("bytes=0-9x", "unsatisfiable"), ("bytes=" + "9" * 5000 + "-", "unsatisfiable"),
    ("bytes=0-" + "9" * 5000, "unsatisfiable"), ("bytes=-" + "9" * 20, "unsatisfiable"),
    ("bytes=9223372036854775807-", "unsatisfiable"), ("bytes=0-9223372036854775806", (0, 100)),
], ids=lambda v: str(v) if len(str(v)) < 40 else f"{str(v)[:12]}...({len(str(v))} chars)")
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


def test_cli_reports_a_busy_port(tmp_path, capsys):
    from gameir.cli.main import main

    server = make_server(tmp_path, port=0, quiet=True)
    try:
        assert main(["serve", str(tmp_path), "--port", str(server.server_address[1])]) == 2
        assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    finally:
        server.server_close()


def _raw(server, request: bytes, timeout_s: float = 10.0) -> bytes:
    """Send ``request`` on a fresh socket and read until the server closes it."""
    with socket.create_connection(server.server_address[:2], timeout=timeout_s) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                block = sock.recv(65536)
            except ConnectionResetError:
                break
            if not block:
                break
            chunks.append(block)
    return b"".join(chunks)


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def test_huge_range_values_get_416_not_a_traceback(site, capsys):
    server, data = site
    for value in ("bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "1" * 4400, "bytes=7-3",
                  "bytes=x-"):
        status, headers, body = _get(server, "/sub/blob.bin", {"Range": value})
        assert status == 416, value[:40]
        assert headers["Content-Range"] == "bytes */10240" and body == b""
    assert _get(server, "/sub/blob.bin", {"Range": "bytes=0-3"})[2] == data[:4]  # the server still answers
    assert "Traceback" not in capsys.readouterr().err


def test_header_sizes_are_capped_with_431(site):
    from gameir.distribution.serve import MAX_HEADER_BYTES, MAX_HEADER_LINE_BYTES

    server, data = site
    fits = b"X-Pad: " + b"a" * (MAX_HEADER_LINE_BYTES - 200) + b"\r\n"
    ok = _raw(server, b"GET /sub/blob.bin HTTP/1.1\r\nHost: x\r\n" + fits + b"Connection: close\r\n\r\n")
    assert _status(ok) == 200 and ok.endswith(data)
    long_line = b"X-Pad: " + b"a" * MAX_HEADER_LINE_BYTES + b"\r\n"
    resp = _raw(server, b"GET /sub/blob.bin HTTP/1.1\r\nHost: x\r\n" + long_line + b"\r\n")
    assert _status(resp) == 431 and b"longer than 8192 bytes" in resp and data[:64] not in resp
    many = b"".join(b"X-Pad-%d: " % i + b"a" * 1000 + b"\r\n" for i in range(MAX_HEADER_BYTES // 1000 + 1))
    resp = _raw(server, b"GET /sub/blob.bin HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert _status(resp) == 431 and b"larger than 32768 bytes" in resp
    # a Range header of thousands of digits fits the caps and gets 416
    resp = _raw(server, b"GET /sub/blob.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=" + b"9" * 5000 +
                b"-\r\nConnection: close\r\n\r\n")
    assert _status(resp) == 416 and b"Content-Range: bytes */10240" in resp


def test_other_methods_get_405_with_allow(site):
    server, data = site
    for method in ("OPTIONS", "TRACE", "PUT", "POST", "DELETE", "PATCH", "PROPFIND", "BREW"):
        status, headers, body = _get(server, "/sub/blob.bin", method=method)
        assert status == 405, method
        assert headers["Allow"] == "GET, HEAD" and method.encode() in body
        assert b"X-Secret" not in body  # TRACE does not echo the request
    resp = _raw(server, b"OPTIONS * HTTP/1.1\r\nHost: x\r\nX-Secret: 1\r\n\r\n")
    assert _status(resp) == 405 and b"Allow: GET, HEAD" in resp
    assert (server.root / "sub/blob.bin").read_bytes() == data


def _handler_threads() -> int:
    return sum("process_request_thread" in t.name for t in threading.enumerate())


def _wait(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_idle_connections_time_out(site):
    server, data = site
    server.idle_timeout_s = 2.0  # read by each new connection's handler; long enough for a busy machine
    before = _handler_threads()
    silent = socket.create_connection(server.server_address[:2], timeout=10)
    half = socket.create_connection(server.server_address[:2], timeout=10)
    half.sendall(b"GET /sub/blob.bin HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    kept = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    kept.request("GET", "/sub/blob.bin")
    assert kept.getresponse().read() == data  # keep-alive: the connection stays open, then idles
    try:
        assert _wait(lambda: _handler_threads() >= before + 3, 2.0)  # one thread per open connection
        start = time.monotonic()
        assert silent.recv(1) == b"" and half.recv(1) == b""  # closed by the server
        assert kept.sock.recv(1) == b""
        assert time.monotonic() - start < 8.0
        assert _wait(lambda: _handler_threads() <= before, 8.0), "handler threads still alive after the timeout"
    finally:
        silent.close()
        half.close()
        kept.close()
    default = make_server(server.root, port=0, quiet=True)
    assert default.idle_timeout_s == 30.0
    default.server_close()
    for bad in (0, -1, float("nan"), "5"):
        with pytest.raises(ValueError, match="idle timeout must be a number of seconds > 0"):
            make_server(server.root, port=0, quiet=True, idle_timeout_s=bad)


def test_listing_hides_symlinks_that_leave_the_folder(site, tmp_path):
    server, _ = site
    os.symlink(tmp_path, server.root / "dir-out")
    os.symlink(server.root / "missing.bin", server.root / "dangling.bin")
    os.symlink(server.root / "sub", server.root / "sub-link")
    status, headers, body = _get(server, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    for shown in ('href="sub/"', 'href="sub-link/"', 'href="link-in.bin"'):
        assert shown in page
    for hidden in ("link-out.txt", "dir-out", "dangling.bin", "secret"):
        assert hidden not in page
    assert _get(server, "/link-out.txt")[0] == 403 and _get(server, "/dir-out/secret.txt")[0] == 403
    assert _get(server, "/dir-out/")[0] == 403
    status, _, body = _get(server, "/sub/")
    assert status == 200 and 'href="blob.bin"' in body.decode()


def test_cli_idle_timeout_flag(tmp_path):
    import subprocess
    import sys

    from gameir.cli.main import main

    assert main(["serve", str(tmp_path), "--idle-timeout", "0"]) == 2
    proc = subprocess.Popen([sys.executable, "-m", "gameir", "serve", str(tmp_path), "--port", "0", "--quiet",
                             "--idle-timeout", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert " at http://127.0.0.1:" in line, line + proc.stderr.read()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            start = time.monotonic()
            assert sock.recv(1) == b""
            assert time.monotonic() - start < 5.0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
