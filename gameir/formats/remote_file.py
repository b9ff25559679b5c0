"""A read-only, seekable file over byte-range requests: a remote tar read in place.

:class:`RemoteFile` gives :mod:`tarfile` and the release reader the ``seek``/``read``/``tell`` they
use on a local file, for any URL :func:`gameir.transport.open_file_url` understands
(``http(s)://`` with ``Range`` requests, ``file://``, fsspec URLs). Small reads (tar headers, PNG
headers) are served from one read-ahead block, so walking a tar's headers costs at most one request
per member; a larger read (a whole member) is one request of exactly its bytes. Transient failures are
retried with :func:`~gameir.transport.retry_transient`; what cannot be retried becomes
a built-in exception that names the URL.
"""

from __future__ import annotations

import os
import urllib.parse

from gameir.transport import (
    PermanentError,
    RangeError,
    RangeUnsupportedError,
    TransientError,
    open_file_url,
    retry_transient,
)

__all__ = ["RemoteFile", "is_remote", "READ_AHEAD_BYTES", "SMALL_READ_BYTES"]

#: Bytes fetched by a small read: a pax header, its ustar header and the next members' headers
#: when members are small; wasted beyond the header when members are large (MB-sized PNGs).
READ_AHEAD_BYTES = 4 << 10
#: Reads up to this size (tar headers are 512-byte reads, a PNG header 24) use the read-ahead
#: block; larger ones (whole members) fetch exactly their bytes.
SMALL_READ_BYTES = 1024


def is_remote(path: str | os.PathLike) -> bool:
    """True for a URL with a scheme other than ``file`` (``http://``, ``s3://``...)."""
    scheme = urllib.parse.urlsplit(os.fspath(path)).scheme.lower()
    return len(scheme) > 1 and scheme != "file"


class RemoteFile:
    """A remote file opened for reading by byte ranges.

    Args:
        url: the file's URL (a ``#fragment`` is ignored).
        retries: retries of one range after a transient error (connection, timeout, HTTP 5xx/429).
        backoff_s: first retry delay, seconds; doubled each retry, capped at 30 s.
        timeout_s: socket timeout, seconds.

    Raises (from any read):
        ValueError: the server does not support byte ranges.
        FileNotFoundError: the server answers 404 (or 403, ...), naming the URL.
        ConnectionError: still failing after ``retries`` retries, naming the URL.
    """

    def __init__(self, url: str, *, retries: int = 5, backoff_s: float = 0.5, timeout_s: float = 30.0) -> None:
        self.name = url
        self.mode = "rb"
        self.retries = int(retries)
        self.backoff_s = float(backoff_s)
        self._source, self._rel = open_file_url(url, timeout_s=timeout_s)
        self._pos = 0
        self._size: int | None = None
        self._block_start = 0
        self._block = b""
        self.requests = 0  # range requests sent (for tests and benchmarks)

    def _fetch(self, start: int, length: int) -> bytes:
        def once() -> tuple[bytes, int]:
            self.requests += 1
            return self._source.read_range(self._rel, start, length)

        try:
            data, total = retry_transient(once, retries=self.retries, backoff_s=self.backoff_s)
        except RangeError:
            if self._size is None:
                self._size = 0 if start == 0 else start
            return b""
        except RangeUnsupportedError as exc:
            raise ValueError(str(exc)) from None
        except TransientError as exc:
            raise ConnectionError(f"{self.name}: gave up after {self.retries} retries: {exc}") from None
        except PermanentError as exc:
            raise FileNotFoundError(f"{self.name}: cannot read ({exc})") from None
        self._size = total
        return data

    @property
    def size(self) -> int:
        """Total bytes of the file (one request the first time if nothing was read yet)."""
        if self._size is None:
            self._fetch(0, 1)
        return int(self._size)  # type: ignore[arg-type]

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError(f"whence must be 0, 1 or 2, got {whence}")
        if pos < 0:
            raise ValueError(f"{self.name}: negative seek position {pos}")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes from the current position (``-1``: to the end)."""
        if n is None or n < 0:
            n = self.size - self._pos
        if n == 0 or (self._size is not None and self._pos >= self._size):
            return b""
        offset = self._pos - self._block_start
        if 0 <= offset and offset + n <= len(self._block):
            data = self._block[offset: offset + n]
        elif n <= SMALL_READ_BYTES:
            self._block_start, self._block = self._pos, self._fetch(self._pos, READ_AHEAD_BYTES)
            data = self._block[:n]
        else:
            data = self._fetch(self._pos, n)
            if n <= READ_AHEAD_BYTES:  # keep small blocks; never hold a whole member
                self._block_start, self._block = self._pos, data
        self._pos += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self._block = b""

    def __enter__(self) -> "RemoteFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RemoteFile({self.name!r}, {self.requests} requests)"
