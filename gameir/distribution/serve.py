"""Serve a dataset directory read-only over HTTP, with byte ranges, for `gameir download` on a LAN.

Only ``GET`` and ``HEAD`` are answered; any other method gets ``405`` with ``Allow: GET, HEAD``.
A request path is decoded, split on ``/`` and refused (403) if any segment is ``..`` or holds a
backslash or NUL; the file it names is then resolved (following symlinks) and refused (403) unless
it lies inside the served directory, so neither ``..`` nor a symlink can reach outside it;
directory listings leave out the entries that would be refused. Ranges follow RFC 9110: one
``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` range gets ``206`` with ``Content-Range``; a range
starting past the end, a malformed ``bytes=`` range (``bytes=9-3``, ``bytes=x-``) or a position of
more than 19 digits (no file is that large: a broken or hostile client) gets ``416`` with
``Content-Range: bytes */size``; several ranges or another range unit get the whole file
(``200``), which the RFC allows. A header line over :data:`MAX_HEADER_LINE_BYTES` or a header
section over :data:`MAX_HEADER_BYTES` gets ``431``. A connection that sends or receives nothing
for ``idle_timeout_s`` seconds is closed (its thread ends); the same bound applies to sending each
:data:`COPY_CHUNK` block of a body, so a client that stops reading is dropped too.
"""

from __future__ import annotations

import email.utils
import html
import http.client
import io
import math
import os
import posixpath
import re
import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

__all__ = ["DatasetHTTPServer", "DatasetRequestHandler", "make_server", "parse_range", "DEFAULT_IDLE_TIMEOUT_S",
           "MAX_HEADER_LINE_BYTES", "MAX_HEADER_BYTES", "ALLOWED_METHODS"]

_RANGE_RE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$", re.IGNORECASE)
COPY_CHUNK = 1 << 16
#: Seconds a connection may stay silent (no request bytes, no progress sending) before it is closed.
DEFAULT_IDLE_TIMEOUT_S = 30.0
#: Longest request header line accepted (bytes, with its CRLF); longer gets 431.
MAX_HEADER_LINE_BYTES = 8192
#: Largest request header section accepted (bytes, all lines); larger gets 431.
MAX_HEADER_BYTES = 32768
#: The only methods answered; others get 405 with this list in ``Allow``.
ALLOWED_METHODS = ("GET", "HEAD")
#: Longest byte position accepted in a Range header (digits): 2**63 has 19.
_MAX_POSITION_DIGITS = 19


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """Interpret a ``Range`` header against a file of ``size`` bytes.

    Returns:
        ``(start, stop)`` half-open byte span for a satisfiable single range; ``None`` to send the
        whole file (no header, several ranges, a unit other than ``bytes``); ``"unsatisfiable"`` for
        a 416: the range starts at or past the end, is malformed (``bytes=9-3``, ``bytes=-``,
        ``bytes=a-b``), or names a position of more than 19 digits.
    """
    if not header:
        return None
    value = header.strip()
    unit, eq, spec = value.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return None  # another range unit: RFC 9110 says ignore the header
    if "," in spec:
        return None  # several ranges: the whole file, which the RFC allows
    match = _RANGE_RE.match(value)
    if match is None:
        return "unsatisfiable"
    first, last = match.groups()
    if (first == "" and last == "") or max(len(first), len(last)) > _MAX_POSITION_DIGITS:
        return "unsatisfiable"
    if first == "":  # suffix range: the last n bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size
    start = int(first)
    stop = size if last == "" else int(last) + 1
    if last != "" and stop <= start:
        return "unsatisfiable"  # last < first: an invalid range
    if start >= size:
        return "unsatisfiable"
    return start, min(stop, size)


class _HeaderTooLarge(http.client.LineTooLong):
    """Raised by :class:`_HeaderLimit`; ``parse_request`` answers it with 431."""

    def __init__(self, what: str) -> None:
        http.client.HTTPException.__init__(self, what)


class _HeaderLimit:
    """Wraps the request stream while headers are read: caps each line and the whole section."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.total = raw, 0

    def readline(self, size: int = -1) -> bytes:
        cap = MAX_HEADER_LINE_BYTES + 1 if size < 0 else min(size, MAX_HEADER_LINE_BYTES + 1)
        line = self.raw.readline(cap)
        if len(line) > MAX_HEADER_LINE_BYTES:
            raise _HeaderTooLarge(f"a request header line is longer than {MAX_HEADER_LINE_BYTES} bytes")
        self.total += len(line)
        if self.total > MAX_HEADER_BYTES:
            raise _HeaderTooLarge(f"the request headers are larger than {MAX_HEADER_BYTES} bytes")
        return line

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


class DatasetHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one directory; counts bytes of file bodies sent per path.

    Attributes:
        root: the served directory, resolved.
        quiet: suppress the per-request log lines.
        idle_timeout_s: seconds a connection may send or receive nothing before it is closed.
        bytes_sent: request path (without query) -> body bytes sent so far.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, handler: type["DatasetRequestHandler"], quiet: bool,
                 idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> None:
        self.root = root.resolve()
        self.quiet = quiet
        self.idle_timeout_s = idle_timeout_s
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
    """GET/HEAD of files under ``server.root`` with single-range support; everything else refused (405)."""

    server: DatasetHTTPServer
    server_version = "gameir-serve"
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, **kwargs) -> None:
        self.timeout = args[2].idle_timeout_s  # StreamRequestHandler.setup() applies it to the socket
        super().__init__(*args, directory=str(args[2].root), **kwargs)

    # -- request limits, methods --------------------------------------------------------------------
    def parse_request(self) -> bool:
        """The base parser with capped header sizes (431); methods other than GET/HEAD get 405."""
        raw = self.rfile
        self.rfile = _HeaderLimit(raw)  # type: ignore[assignment]
        try:
            ok = super().parse_request()
        finally:
            self.rfile = raw
        if ok and self.command not in ALLOWED_METHODS:
            self._method_not_allowed()
            return False
        return ok

    def _method_not_allowed(self) -> None:
        body = f"405 {self.command} not allowed: read-only server, {' and '.join(ALLOWED_METHODS)} only\n".encode()
        self.log_error("code 405, method %s", self.command)
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", ", ".join(ALLOWED_METHODS))
        self.send_header("Connection", "close")  # a request body, if any, is not read
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
        if not self.inside_root(real):
            self.send_error(HTTPStatus.FORBIDDEN, "path escapes the served directory")
            return None
        return real

    def inside_root(self, real: Path) -> bool:
        """Whether a resolved path is the served directory or lies inside it."""
        return real == self.server.root or self.server.root in real.parents

    def list_directory(self, path: str | os.PathLike) -> io.BytesIO | None:  # type: ignore[override]
        """HTML listing of ``path`` (headers sent), leaving out entries that resolve outside the
        served directory or nowhere (dangling links): what the listing shows can be fetched."""
        try:
            names = os.listdir(path)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "no permission to list directory")
            return None
        items = []
        for name in sorted(names, key=str.lower):
            full = Path(path) / name
            try:
                real = full.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not self.inside_root(real):
                continue
            link = name + "/" if real.is_dir() else name
            items.append(f'<li><a href="{urllib.parse.quote(link, errors="surrogatepass")}">'
                         f'{html.escape(link, quote=False)}</a></li>')
        shown = html.escape(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path), quote=False)
        page = (f'<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f"<title>Directory listing for {shown}</title>\n</head>\n<body>\n"
                f"<h1>Directory listing for {shown}</h1>\n<hr>\n<ul>\n" + "\n".join(items) +
                "\n</ul>\n<hr>\n</body>\n</html>\n")
        encoded = page.encode("utf-8", "surrogateescape")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        return io.BytesIO(encoded)

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
                handler: type[DatasetRequestHandler] = DatasetRequestHandler,
                idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> DatasetHTTPServer:
    """A :class:`DatasetHTTPServer` for ``root`` on ``host:port`` (port 0 picks a free one); not started.

    Call ``serve_forever()`` (blocking; ``shutdown()`` from another thread stops it).

    Args:
        idle_timeout_s: seconds a connection may stay silent (waiting for a request, or a client
            not reading a response) before it is closed; > 0.

    Raises:
        FileNotFoundError: ``root`` is not a directory.
        ValueError: ``port`` outside 0..65535 or ``idle_timeout_s`` not a number > 0.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory to serve")
    if not 0 <= int(port) <= 65535:
        raise ValueError(f"port must be in 0..65535, got {port}")
    if isinstance(idle_timeout_s, bool) or not isinstance(idle_timeout_s, (int, float)) or \
            not math.isfinite(idle_timeout_s) or idle_timeout_s <= 0:
        raise ValueError(f"idle timeout must be a number of seconds > 0, got {idle_timeout_s!r}")
    return DatasetHTTPServer((host, int(port)), root, handler, quiet, float(idle_timeout_s))
