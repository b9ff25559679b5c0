"""Serve a dataset directory read-only over HTTP, with byte ranges, for `gameir download` on a LAN.

Only ``GET`` and ``HEAD`` are answered. A request path is decoded, split on ``/`` and refused (403)
if any segment is ``..`` or holds a backslash or NUL; the file it names is then resolved (following
symlinks) and refused (403) unless it lies inside the served directory, so neither ``..`` nor a
symlink can reach outside it. Ranges follow RFC 9110: one ``bytes=a-b``, ``bytes=a-`` or
``bytes=-n`` range gets ``206`` with ``Content-Range``; a range starting past the end gets ``416``
with ``Content-Range: bytes */size``; several ranges or a malformed header get the whole file
(``200``), which the RFC allows.
"""

from __future__ import annotations

import email.utils
import os
import posixpath
import re
import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

__all__ = ["DatasetHTTPServer", "DatasetRequestHandler", "make_server", "parse_range"]

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
COPY_CHUNK = 1 << 16


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """Interpret a ``Range`` header against a file of ``size`` bytes.

    Returns:
        ``(start, stop)`` half-open byte span for a satisfiable single range; ``None`` to send the
        whole file (no header, several ranges, malformed); ``"unsatisfiable"`` for a 416.
    """
    if not header:
        return None
    match = _RANGE_RE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix range: the last n bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size
    start = int(first)
    stop = size if last == "" else int(last) + 1
    if last != "" and stop <= start:
        return None  # invalid (last < first): ignore the header
    if start >= size:
        return "unsatisfiable"
    return start, min(stop, size)


class DatasetHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one directory; counts bytes of file bodies sent per path.

    Attributes:
        root: the served directory, resolved.
        quiet: suppress the per-request log lines.
        bytes_sent: request path (without query) -> body bytes sent so far.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, handler: type["DatasetRequestHandler"], quiet: bool) -> None:
        self.root = root.resolve()
        self.quiet = quiet
        self.bytes_sent: dict[str, int] = {}
        self.counter_lock = threading.Lock()
        super().__init__(address, handler)

    def count(self, path: str, n: int) -> None:
        with self.counter_lock:
            self.bytes_sent[path] = self.bytes_sent.get(path, 0) + n

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class DatasetRequestHandler(SimpleHTTPRequestHandler):
    """GET/HEAD of files under ``server.root`` with single-range support; everything else refused."""

    server: DatasetHTTPServer
    server_version = "gameir-serve"
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=str(args[2].root), **kwargs)

    # -- refuse writes ------------------------------------------------------------------------------
    def _read_only(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only server: GET and HEAD only")

    do_POST = do_PUT = do_DELETE = do_PATCH = _read_only

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- path resolution ----------------------------------------------------------------------------
    def resolve(self) -> Path | None:
        """The file or directory the request names, or ``None`` after sending 403/404."""
        raw = urllib.parse.urlsplit(self.path).path
        decoded = urllib.parse.unquote(raw)
        segments = decoded.split("/")
        if any(seg == ".." or "\\" in seg or "\x00" in seg for seg in segments):
            self.send_error(HTTPStatus.FORBIDDEN, "path escapes the served directory")
            return None
        rel = posixpath.normpath("/" + decoded).lstrip("/")
        target = (self.server.root / rel) if rel not in ("", ".") else self.server.root
        try:
            real = target.resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError, RuntimeError):
            self.send_error(HTTPStatus.NOT_FOUND, "no such file")
            return None
        if real != self.server.root and self.server.root not in real.parents:
            self.send_error(HTTPStatus.FORBIDDEN, "path escapes the served directory")
            return None
        return real

    # -- responses ----------------------------------------------------------------------------------
    def send_head(self) -> tuple[BinaryIO, int] | None:  # type: ignore[override]
        """Send status and headers; return ``(open file, bytes to send)`` or ``None``."""
        target = self.resolve()
        if target is None:
            return None
        if target.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urllib.parse.urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            listing = self.list_directory(str(target))  # sends its own 200 headers
            if listing is None:
                return None
            return listing, len(listing.getvalue())
        try:
            fh = open(target, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "file not readable")
            return None
        size = os.fstat(fh.fileno()).st_size
        span = parse_range(self.headers.get("Range"), size)
        if span == "unsatisfiable":
            fh.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if span is None:
            start, stop = 0, size
            self.send_response(HTTPStatus.OK)
        else:
            start, stop = span
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {start}-{stop - 1}/{size}")
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Length", str(stop - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", email.utils.formatdate(os.fstat(fh.fileno()).st_mtime, usegmt=True))
        self.end_headers()
        fh.seek(start)
        return fh, stop - start

    def do_HEAD(self) -> None:
        head = self.send_head()
        if head is not None:
            head[0].close()

    def do_GET(self) -> None:
        head = self.send_head()
        if head is None:
            return
        fh, length = head
        try:
            self.copy_body(fh, length)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            fh.close()

    def copy_body(self, fh: BinaryIO, length: int) -> None:
        """Write ``length`` bytes of ``fh`` to the client in chunks, counting them per path."""
        path = urllib.parse.urlsplit(self.path).path
        left = length
        while left > 0:
            block = fh.read(min(COPY_CHUNK, left))
            if not block:
                break
            self.send_chunk(block)
            self.server.count(path, len(block))
            left -= len(block)

    def send_chunk(self, block: bytes) -> None:
        """Send one block of a body (a hook for throttling or fault injection in subclasses)."""
        self.wfile.write(block)


def make_server(root: str | os.PathLike, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False,
                handler: type[DatasetRequestHandler] = DatasetRequestHandler) -> DatasetHTTPServer:
    """A :class:`DatasetHTTPServer` for ``root`` on ``host:port`` (port 0 picks a free one); not started.

    Call ``serve_forever()`` (blocking; ``shutdown()`` from another thread stops it).

    Raises:
        FileNotFoundError: ``root`` is not a directory.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory to serve")
    if not 0 <= int(port) <= 65535:
        raise ValueError(f"port must be in 0..65535, got {port}")
    return DatasetHTTPServer((host, int(port)), root, handler, quiet)
