"""Where a published dataset lives: http(s)://, file:// (or a plain path), or any fsspec URL.

A :class:`Source` answers four questions about files relative to the dataset's base URL: "give me
all of this small file" (the manifest), "stream this file from byte ``start``" (a shard, resumed),
"how big is this file" and "give me bytes ``start .. start+length``" (members of a remote tar,
read in place). Errors are sorted into :class:`TransientError` (worth retrying: connection drops,
timeouts, 5xx, 429) and :class:`PermanentError` (404, 403, a bad URL, a server without byte
ranges), so the retry policy (:func:`retry_transient`) lives in one place and not in each backend.
:func:`open_file_url` splits the URL of one file into its folder's source and its name.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO, Callable, Protocol, TypeVar

from gameir.version import __version__

__all__ = ["Source", "TransientError", "PermanentError", "RangeError", "RangeUnsupportedError", "open_url",
           "open_file_url", "retry_transient"]

USER_AGENT = f"gameir/{__version__}"
_CONTENT_RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
T = TypeVar("T")


class TransientError(OSError):
    """A failure that may go away on retry (connection reset, timeout, HTTP 5xx or 429)."""


class PermanentError(OSError):
    """A failure that retrying will not fix (HTTP 404/403/..., an unreadable URL)."""


class RangeError(OSError):
    """The server refused the requested byte range (HTTP 416): the local partial file is too long."""


class RangeUnsupportedError(PermanentError):
    """The server answered a byte-range request with the whole file: it does not support ``Range``."""


def retry_transient(call: Callable[[], T], *, retries: int, backoff_s: float) -> T:
    """``call()``, retried after each :class:`TransientError` with exponential backoff.

    Waits ``backoff_s * 2**k`` seconds (capped at 30 s) before retry ``k + 1``; after ``retries``
    retries the last :class:`TransientError` propagates. Other errors propagate at once.
    """
    for k in range(retries + 1):
        try:
            return call()
        except TransientError:
            if k == retries:
                raise
            time.sleep(min(30.0, backoff_s * 2 ** k))
    raise AssertionError("unreachable")  # pragma: no cover


class Source(Protocol):
    """A dataset base location; ``rel`` paths use ``/`` separators."""

    def describe(self, rel: str) -> str:
        """Full URL of ``rel``, for messages."""

    def read_all(self, rel: str) -> bytes:
        """The whole content of ``rel``."""

    def open_from(self, rel: str, start: int) -> tuple[BinaryIO, int]:
        """Open ``rel`` positioned at byte ``start``; returns ``(stream, actual_start)``.

        ``actual_start`` is 0 when the backend could not honour the offset (a server that ignores
        ``Range``): the caller must then restart the file from scratch.
        """

    def size(self, rel: str) -> int:
        """Bytes of ``rel`` (HTTP: ``Content-Length`` of a ``HEAD``)."""

    def read_range(self, rel: str, start: int, length: int) -> tuple[bytes, int]:
        """Bytes ``start .. start + length - 1`` of ``rel`` (fewer at its end) and its total size.

        Raises :class:`RangeError` when ``start`` is at or past the end, and
        :class:`RangeUnsupportedError` when the backend cannot read a range in place.
        """


class _RedirectKeepingMethod(urllib.request.HTTPRedirectHandler):
    """Follow redirects as urllib does, but keep ``HEAD`` a ``HEAD`` (urllib turns it into a ``GET``,
    which behind a CDN redirect, as on the Hugging Face Hub, would start sending the whole file)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


_OPENER = urllib.request.build_opener(_RedirectKeepingMethod)


class HTTPSource:
    """``http://`` / ``https://`` base URL, read with :mod:`urllib` and ``Range`` requests.

    Args:
        base: the folder URL (a trailing ``/`` is added).
        timeout_s: socket timeout, seconds.
        query: query string appended to every file URL (signed URLs), without ``?``.
    """

    def __init__(self, base: str, timeout_s: float, query: str = "") -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.timeout_s = timeout_s
        self.query = query

    def describe(self, rel: str) -> str:
        return self.base + urllib.parse.quote(rel) + (f"?{self.query}" if self.query else "")

    def _open(self, rel: str, headers: dict[str, str], method: str = "GET"):
        request = urllib.request.Request(self.describe(rel), headers={"User-Agent": USER_AGENT, **headers},
                                         method=method)
        try:
            return _OPENER.open(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as exc:
            exc.close()
            where = self.describe(rel)
            if exc.code == 416:
                raise RangeError(f"{where}: HTTP 416 range not satisfiable") from None
            if exc.code >= 500 or exc.code in (408, 429):
                raise TransientError(f"{where}: HTTP {exc.code} {exc.reason}") from None
            raise PermanentError(f"{where}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransientError(f"{self.describe(rel)}: {reason}") from None

    def _read_body(self, rel: str, response) -> bytes:
        try:
            return response.read()
        except (http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as exc:
            raise TransientError(f"{self.describe(rel)}: {exc!r}") from None

    def read_all(self, rel: str) -> bytes:
        with self._open(rel, {}) as response:
            return self._read_body(rel, response)

    def open_from(self, rel: str, start: int) -> tuple[BinaryIO, int]:
        headers = {"Range": f"bytes={start}-"} if start > 0 else {}
        response = self._open(rel, headers)
        if start > 0 and response.status == 206:
            match = _CONTENT_RANGE_RE.match(response.headers.get("Content-Range", ""))
            if match is None or int(match.group(1)) != start:
                response.close()
                raise TransientError(f"{self.describe(rel)}: asked for bytes {start}-, server answered "
                                     f"Content-Range {response.headers.get('Content-Range')!r}")
            return response, start
        return response, 0

    def size(self, rel: str) -> int:
        with self._open(rel, {"Accept-Encoding": "identity"}, method="HEAD") as response:
            length = response.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise PermanentError(f"{self.describe(rel)}: the server sends no Content-Length, so the size "
                                 "cannot be checked")
        return int(length)

    def read_range(self, rel: str, start: int, length: int) -> tuple[bytes, int]:
        if start < 0 or length < 1:
            raise ValueError(f"{self.describe(rel)}: bad byte range start {start} length {length}")
        last = start + length - 1
        with self._open(rel, {"Range": f"bytes={start}-{last}", "Accept-Encoding": "identity"}) as response:
            where = self.describe(rel)
            if response.status != 206:
                raise RangeUnsupportedError(
                    f"{where}: asked for bytes {start}-{last}, the server answered HTTP {response.status} with the "
                    f"whole file: it does not support byte ranges; download the file (`gameir download {where}`) "
                    "and read it locally")
            header = response.headers.get("Content-Range", "")
            match = _CONTENT_RANGE_RE.match(header)
            if match is None or int(match.group(1)) != start or match.group(3) == "*":
                raise TransientError(f"{where}: asked for bytes {start}-{last}, server answered Content-Range {header!r}")
            data = self._read_body(rel, response)
        expected = int(match.group(2)) - start + 1
        if len(data) != expected:
            raise TransientError(f"{where}: range {start}-{match.group(2)} ended after {len(data)} of {expected} bytes")
        return data, int(match.group(3))


class LocalSource:
    """A dataset on a local or mounted file system (``file://`` URL or a plain path)."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def describe(self, rel: str) -> str:
        return str(self.base / rel)

    def read_all(self, rel: str) -> bytes:
        path = self.base / rel
        if not path.is_file():
            raise PermanentError(f"{path}: no such file")
        return path.read_bytes()

    def open_from(self, rel: str, start: int) -> tuple[BinaryIO, int]:
        path = self.base / rel
        if not path.is_file():
            raise PermanentError(f"{path}: no such file")
        fh = open(path, "rb")
        fh.seek(start)
        return fh, start

    def size(self, rel: str) -> int:
        path = self.base / rel
        if not path.is_file():
            raise PermanentError(f"{path}: no such file")
        return path.stat().st_size

    def read_range(self, rel: str, start: int, length: int) -> tuple[bytes, int]:
        total = self.size(rel)
        if start >= total:
            raise RangeError(f"{self.base / rel}: byte {start} is past the end ({total} bytes)")
        with open(self.base / rel, "rb") as fh:
            fh.seek(start)
            return fh.read(length), total


class FsspecSource:
    """Any URL an installed fsspec backend understands (``s3://``, ``gs://``, ``hf://``, ``memory://``...)."""

    def __init__(self, base: str) -> None:
        try:
            import fsspec.core
        except ImportError as exc:
            raise ImportError(f"{base}: reading this URL scheme needs fsspec: `pip install fsspec` "
                              f"(and the backend for the scheme, e.g. s3fs)") from exc
        try:
            self.fs, root = fsspec.core.url_to_fs(base)
        except (ValueError, ImportError) as exc:
            raise PermanentError(f"{base}: fsspec cannot open this URL ({exc})") from None
        self.root = root.rstrip("/")
        self.base = base

    def describe(self, rel: str) -> str:
        return self.base.rstrip("/") + "/" + rel

    def read_all(self, rel: str) -> bytes:
        try:
            return self.fs.cat_file(f"{self.root}/{rel}")
        except FileNotFoundError:
            raise PermanentError(f"{self.describe(rel)}: no such file") from None
        except OSError as exc:
            raise TransientError(f"{self.describe(rel)}: {exc}") from None

    def open_from(self, rel: str, start: int) -> tuple[BinaryIO, int]:
        try:
            fh = self.fs.open(f"{self.root}/{rel}", "rb")
            fh.seek(start)
        except FileNotFoundError:
            raise PermanentError(f"{self.describe(rel)}: no such file") from None
        except OSError as exc:
            raise TransientError(f"{self.describe(rel)}: {exc}") from None
        return fh, start

    def size(self, rel: str) -> int:
        try:
            return int(self.fs.size(f"{self.root}/{rel}"))
        except FileNotFoundError:
            raise PermanentError(f"{self.describe(rel)}: no such file") from None
        except OSError as exc:
            raise TransientError(f"{self.describe(rel)}: {exc}") from None

    def read_range(self, rel: str, start: int, length: int) -> tuple[bytes, int]:
        total = self.size(rel)
        if start >= total:
            raise RangeError(f"{self.describe(rel)}: byte {start} is past the end ({total} bytes)")
        try:
            return self.fs.cat_file(f"{self.root}/{rel}", start=start, end=min(total, start + length)), total
        except FileNotFoundError:
            raise PermanentError(f"{self.describe(rel)}: no such file") from None
        except OSError as exc:
            raise TransientError(f"{self.describe(rel)}: {exc}") from None


def open_url(url: str | os.PathLike, *, timeout_s: float = 30.0) -> Source:
    """The :class:`Source` for a dataset base ``url`` (a trailing ``manifest.json`` is dropped).

    Args:
        url: ``http(s)://host/path``, ``file:///abs/path``, a plain local path, or an fsspec URL.
        timeout_s: socket timeout of HTTP requests, seconds.
    """
    text = os.fspath(url)
    if text.endswith("/manifest.json"):
        text = text[: -len("manifest.json")]
    scheme = urllib.parse.urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        return HTTPSource(text, timeout_s)
    if scheme == "file":
        return LocalSource(Path(urllib.request.url2pathname(urllib.parse.urlsplit(text).path)))
    if scheme == "" or (len(scheme) == 1 and os.name == "nt"):  # plain path (or a Windows drive letter)
        return LocalSource(Path(text))
    return FsspecSource(text)


def open_file_url(url: str | os.PathLike, *, timeout_s: float = 30.0) -> tuple[Source, str]:
    """``(source of the folder, file name)`` for the URL or path of one file.

    A fragment (``#sha256=...``) is dropped; an HTTP query string is kept on the file's URL.

    Example:
        >>> src, name = open_file_url("https://example.org/rel/GameIR-SR-000.tar")  # doctest: +SKIP
        >>> name
        'GameIR-SR-000.tar'
    """
    text = os.fspath(url).split("#", 1)[0]
    parts = urllib.parse.urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        folder, _, name = parts.path.rpartition("/")
        if not name:
            raise ValueError(f"{text}: URL names a folder, not a file")
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, folder + "/", "", ""))
        return HTTPSource(base, timeout_s, query=parts.query), urllib.parse.unquote(name)
    if scheme == "file":
        path = Path(urllib.request.url2pathname(parts.path))
        return LocalSource(path.parent), path.name
    if scheme == "" or (len(scheme) == 1 and os.name == "nt"):
        path = Path(text)
        return LocalSource(path.parent), path.name
    folder, _, name = text.rpartition("/")
    if not name:
        raise ValueError(f"{text}: URL names a folder, not a file")
    return FsspecSource(folder), name
