"""Resumable, verified transfer of files into a local root: the machinery under every download.

Every file goes to ``<file>.partial``; an interrupted transfer resumes from the partial file's
length with an HTTP ``Range`` request (or a seek, for file:// and fsspec URLs), so nothing already
received is fetched again. A finished transfer is checked against the expected size and SHA-256
(hashed while streaming) and only then renamed to its final name, so a file under a final name is
always complete and verified. Verified files are recorded in ``<root>/.gameir-verified.json``
(path, size, mtime, SHA-256): a re-run skips them without reading them again.

Retry policy: connection errors, timeouts, HTTP 5xx/429 are retried with exponential backoff
(``backoff_s * 2**k``, capped at 30 s); the count restarts whenever bytes arrive, so a flaky link
that drops every few megabytes still finishes. HTTP 4xx fails the file at once. A checksum
mismatch deletes the partial and fetches the file once more from scratch; a second mismatch fails
the file with both hashes in the message.

:mod:`gameir.distribution.download` (splits of a manifest) and :mod:`gameir.distribution.files`
(single files by URL) plan their work and run it through this module.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gameir.fileio import atomic_write_json, commit_partial, partial_path, sha256_file
from gameir.transport import PermanentError, RangeError, Source, TransientError

__all__ = ["DownloadError", "DownloadReport", "VERIFIED_NAME", "CHUNK_BYTES"]

VERIFIED_NAME = ".gameir-verified.json"
CHUNK_BYTES = 1 << 18
_READ_ERRORS = (http.client.HTTPException, OSError)  # reading the remote stream only; local writes are outside


class DownloadError(OSError):
    """One or more shards could not be fetched and verified; ``failures`` maps shard path -> reason."""

    def __init__(self, message: str, failures: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or {}


@dataclass
class DownloadReport:
    """What a :func:`download_split` run did.

    Attributes:
        root: the local dataset root.
        split: the split fetched (``""`` for :func:`download_files`).
        shards: shards in the split (files, for :func:`download_files`).
        skipped: shards already verified locally (not fetched).
        fetched: shards fetched (fully or the rest of a partial) and verified in this run.
        bytes_fetched: bytes received over the wire in this run.
        bytes_total: bytes of the whole split.
        seconds: wall time of the run.
        failures: shard path -> reason, for shards that did not finish.
    """

    root: Path
    split: str
    shards: int = 0
    skipped: int = 0
    fetched: int = 0
    bytes_fetched: int = 0
    bytes_total: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)
    verify_only: bool = False

    def summary(self) -> str:
        """One line: counts, bytes, rate, failures."""
        what, unit = (f"split {self.split!r}", "shards") if self.split else ("files", "files")
        if self.verify_only:
            return (f"{self.root} {what}: {self.shards} {unit}; {self.skipped} verified, "
                    f"{len(self.failures)} missing or corrupt")
        rate = self.bytes_fetched / self.seconds / 1e6 if self.seconds > 0 else 0.0
        text = (f"{self.root} {what}: {self.shards} {unit} ({self.bytes_total / 1e6:.1f} MB); "
                f"{self.skipped} already verified, {self.fetched} fetched ({self.bytes_fetched / 1e6:.1f} MB in "
                f"{self.seconds:.1f} s, {rate:.1f} MB/s)")
        return text + (f"; {len(self.failures)} FAILED" if self.failures else "; all verified")


class _VerifiedCache:
    """``<root>/.gameir-verified.json``: shards whose SHA-256 was checked, keyed by path (thread-safe)."""

    def __init__(self, root: Path) -> None:
        self.path = root / VERIFIED_NAME
        self.lock = threading.Lock()
        try:
            self.entries: dict[str, dict[str, Any]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def is_verified(self, root: Path, entry: dict[str, Any]) -> bool:
        """True if the final file exists unchanged since its hash was found equal to the expected one
        (any hash recorded, when ``entry["sha256"]`` is ``None``: the size was all there was to check)."""
        known = self.entries.get(entry["path"])
        try:
            stat = (root / entry["path"]).stat()
        except FileNotFoundError:
            return False
        sha_ok = known is not None and (known.get("sha256") == entry["sha256"] if entry["sha256"] else "sha256" in known)
        return (sha_ok and stat.st_size == entry["bytes"]
                and known.get("bytes") == stat.st_size and known.get("mtime_ns") == stat.st_mtime_ns)

    def record(self, root: Path, entry: dict[str, Any], digest: str | None = None) -> None:
        stat = (root / entry["path"]).stat()
        with self.lock:
            self.entries[entry["path"]] = {"sha256": digest or entry["sha256"], "bytes": stat.st_size,
                                           "mtime_ns": stat.st_mtime_ns}
            atomic_write_json(self.path, self.entries)

    def forget(self, rel: str) -> None:
        with self.lock:
            if self.entries.pop(rel, None) is not None:
                atomic_write_json(self.path, self.entries)


class _Progress:
    """A thread-safe byte counter feeding an optional tqdm bar."""

    def __init__(self, total: int, initial: int, quiet: bool, desc: str) -> None:
        self.lock = threading.Lock()
        self.fetched = 0
        self.bar = None
        if not quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="B", unit_scale=True,  # MB, as the summary line
                            desc=desc, dynamic_ncols=True)

    def add(self, n: int) -> None:
        with self.lock:
            self.fetched += n
            if self.bar is not None:
                self.bar.update(n)

    def rewind(self, n: int) -> None:
        """Take back ``n`` bytes from the bar (a partial file discarded)."""
        with self.lock:
            if self.bar is not None and n:
                self.bar.update(-n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@dataclass
class _Fetcher:
    source: Source
    root: Path
    cache: _VerifiedCache
    progress: _Progress
    retries: int
    backoff_s: float
    stop: threading.Event = field(default_factory=threading.Event)
    #: where the expected SHA-256 came from, for the mismatch message
    checksum_from: str = "the manifest"

    def fetch(self, entry: dict[str, Any]) -> None:
        """Fetch one file into ``root`` and verify it; raise :class:`DownloadError` naming it.

        ``entry``: ``path`` (relative to the source and to ``root``), ``bytes``, ``sha256`` (hex, or
        ``None`` to check the size only).
        """
        rel, expected_bytes, expected_sha = entry["path"], int(entry["bytes"]), entry["sha256"]
        final = self.root / rel
        partial = partial_path(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):  # a checksum mismatch earns one fetch from scratch
            digest = self._transfer(rel, partial, expected_bytes)
            if expected_sha is None or digest == expected_sha:
                commit_partial(partial, final)
                self.cache.record(self.root, entry, digest)
                return
            self.progress.rewind(partial.stat().st_size if partial.exists() else 0)
            partial.unlink(missing_ok=True)
            if attempt == 2:
                raise DownloadError(f"{rel}: SHA-256 {digest} does not match {self.checksum_from}'s {expected_sha} "
                                    f"(fetched twice from {self.source.describe(rel)}); the published file is "
                                    f"corrupt or {self.checksum_from} is stale")

    def _transfer(self, rel: str, partial: Path, expected_bytes: int) -> str:
        """Bring ``partial`` to ``expected_bytes`` bytes (resuming); return its hex SHA-256."""
        failures = 0
        while True:
            have = partial.stat().st_size if partial.exists() else 0
            if have > expected_bytes:  # stale partial from another version of the file
                self.progress.rewind(have)
                partial.unlink()
                have = 0
            digest = hashlib.sha256()
            if have:
                _hash_prefix(partial, have, digest)
            if have == expected_bytes:
                return digest.hexdigest()
            try:
                received, digest = self._stream(rel, partial, have, expected_bytes, digest)
            except RangeError:
                self.progress.rewind(have)
                partial.unlink(missing_ok=True)
                failures += 1
                if failures > self.retries:
                    raise DownloadError(f"{rel}: server keeps refusing byte ranges of {self.source.describe(rel)}")
                continue
            except TransientError as exc:
                failures = 1 if getattr(exc, "progress", 0) else failures + 1
                if failures > self.retries:
                    raise DownloadError(f"{rel}: gave up after {self.retries} retries: {exc}") from None
                if self.stop.wait(min(30.0, self.backoff_s * 2 ** (failures - 1))):
                    raise DownloadError(f"{rel}: interrupted; run again to resume") from None
                continue
            except PermanentError as exc:
                raise DownloadError(f"{rel}: {exc}") from None
            if received:
                failures = 0
            if partial.stat().st_size == expected_bytes:
                return digest.hexdigest()

    def _stream(self, rel: str, partial: Path, have: int, expected_bytes: int, digest) -> tuple[int, Any]:
        """Append the bytes after ``have`` to ``partial``, updating ``digest``; return (bytes received, digest).

        Raises :class:`TransientError` (with ``progress`` = bytes received first) when the stream
        ends early or breaks.
        """
        stream, start = self.source.open_from(rel, have)
        received = 0
        try:
            mode = "ab"
            if start != have:  # the server ignored Range: start over
                self.progress.rewind(have)
                digest, mode = hashlib.sha256(), "wb"
            with open(partial, mode) as out:
                remaining = expected_bytes - start
                read = getattr(stream, "read1", stream.read)  # read1: what has arrived, so partials grow steadily
                while remaining > 0:
                    if self.stop.is_set():
                        raise DownloadError(f"{rel}: interrupted after {start + received} bytes; run again to resume")
                    try:
                        block = read(min(CHUNK_BYTES, remaining))
                    except _READ_ERRORS as exc:
                        err = TransientError(f"{self.source.describe(rel)}: connection broke after {received} bytes ({exc!r})")
                        err.progress = received  # type: ignore[attr-defined]
                        raise err from None
                    if not block:
                        err = TransientError(f"{self.source.describe(rel)}: stream ended {remaining} bytes early")
                        err.progress = received  # type: ignore[attr-defined]
                        raise err
                    out.write(block)
                    digest.update(block)
                    received += len(block)
                    remaining -= len(block)
                    self.progress.add(len(block))
        finally:
            stream.close()
        return received, digest


def _hash_prefix(path: Path, nbytes: int, digest) -> None:
    with open(path, "rb") as fh:
        left = nbytes
        while left:
            block = fh.read(min(1 << 20, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)


def _plan(root: Path, entries: list[dict[str, Any]], cache: _VerifiedCache,
          report: DownloadReport) -> tuple[list[dict[str, Any]], int, int]:
    """Entries still to fetch, bytes already verified, bytes already in partial files; counts skips."""
    todo, done_bytes, partial_bytes = [], 0, 0
    for entry in entries:
        if cache.is_verified(root, entry):
            report.skipped += 1
            done_bytes += int(entry["bytes"])
            continue
        final = root / entry["path"]
        if final.exists() and final.stat().st_size == int(entry["bytes"]):
            digest = sha256_file(final)
            if entry["sha256"] is None or digest == entry["sha256"]:
                cache.record(root, entry, digest)  # verified by an earlier run or copied in by hand
                report.skipped += 1
                done_bytes += int(entry["bytes"])
                continue
        partial = partial_path(final)
        if partial.exists() and partial.stat().st_size <= int(entry["bytes"]):
            partial_bytes += partial.stat().st_size
        todo.append(entry)
    return todo, done_bytes, partial_bytes


def _run_pool(work: list[tuple[_Fetcher, dict[str, Any]]], jobs: int, report: DownloadReport,
              progress: _Progress) -> None:
    """Fetch every ``(fetcher, entry)`` on ``jobs`` threads; fill ``report``; Ctrl-C stops them all."""

    def run_one(item: tuple[_Fetcher, dict[str, Any]]) -> tuple[str, str | None]:
        fetcher, entry = item
        try:
            fetcher.fetch(entry)
            return entry["path"], None
        except DownloadError as exc:
            return entry["path"], str(exc)
        except OSError as exc:  # local disk errors (ENOSPC, permissions) name the file too
            return entry["path"], f"{entry['path']}: {exc}"

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="gameir-download")
    try:
        for rel, error in pool.map(run_one, work):
            if error is None:
                report.fetched += 1
            else:
                report.failures[rel] = error
    except BaseException:  # Ctrl-C: let the workers stop at their next block; partial files stay for resume
        for fetcher, _ in work:
            fetcher.stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        progress.close()
    report.bytes_fetched = progress.fetched
