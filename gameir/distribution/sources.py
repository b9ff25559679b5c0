"""Where a published dataset lives: http(s)://, file:// (or a plain path), or any fsspec URL.

A :class:`Source` answers two questions about files relative to the dataset's base URL: "give me
all of this small file" (the manifest) and "stream this file from byte ``start``" (a shard, resumed).
Errors are sorted into :class:`TransientError` (worth retrying: connection drops, timeouts, 5xx,
429) and :class:`PermanentError` (404, 403, a bad URL), so the downloader's retry policy lives in one
place and not in each backend.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO, Protocol

from gameir import __version__

__all__ = ["Source", "TransientError", "PermanentError", "RangeError", "open_source"]

USER_AGENT = f"gameir/{__version__}"
_CONTENT_RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


class TransientError(OSError):
    """A failure that may go away on retry (connection reset, timeout, HTTP 5xx or 429)."""


class PermanentError(OSError):
    """A failure that retrying will not fix (HTTP 404/403/..., an unreadable URL)."""


class RangeError(OSError):
    """The server refused the requested byte range (HTTP 416): the local partial file is too long."""


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


class HTTPSource:
    """``http://`` / ``https://`` base URL, read with :mod:`urllib` and ``Range`` requests."""

    def __init__(self, base: str, timeout_s: float) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.timeout_s = timeout_s

    def describe(self, rel: str) -> str:
        return self.base + urllib.parse.quote(rel)

    def _open(self, rel: str, headers: dict[str, str]):
        request = urllib.request.Request(self.describe(rel), headers={"User-Agent": USER_AGENT, **headers})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout_s)
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

    def read_all(self, rel: str) -> bytes:
        with self._open(rel, {}) as response:
            try:
                return response.read()
            except (http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as exc:
                raise TransientError(f"{self.describe(rel)}: {exc!r}") from None

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


def open_source(url: str | os.PathLike, *, timeout_s: float = 30.0) -> Source:
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
