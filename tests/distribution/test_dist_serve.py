"""`gameir serve`: Range answers (206/416), read-only, no escape from the served directory."""

from __future__ import annotations

import http.client
import os

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
    ("bytes=-0", "unsatisfiable"), ("bytes=9-3", None), ("items=0-3", None), ("bytes=0-1,4-5", None),
])
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
