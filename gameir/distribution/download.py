"""Download a published split: manifest first, then its shards concurrently, resumable and verified.

The shards are fetched by :mod:`gameir.distribution.transfer`: each goes to ``<shard>.partial``,
resumes with a ``Range`` request after an interruption, is checked against the manifest's size and
SHA-256 while streaming and only then renamed to its final name; verified shards are recorded in
``<root>/.gameir-verified.json`` so a re-run skips them without reading them again. Retries,
backoff and the checksum-mismatch policy are described there.

:func:`gameir.distribution.files.download_files` fetches a list of single files (the release's
tar shards) through the same planning, fetching and verification code.
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.parse
from pathlib import Path
from typing import Any

from gameir.distribution.transfer import (  # noqa: F401  (VERIFIED_NAME: re-exported)
    VERIFIED_NAME,
    DownloadError,
    DownloadReport,
    _Fetcher,
    _plan,
    _Progress,
    _run_pool,
    _VerifiedCache,
)
from gameir.fileio import atomic_write_bytes, commit_partial, partial_path, sha256_file
from gameir.shards.fetched import record_fetched
from gameir.shards.manifest import MANIFEST_NAME, load_manifest, manifest_shards
from gameir.transport import PermanentError, Source, TransientError, open_url, retry_transient

__all__ = ["DownloadError", "DownloadReport", "VERIFIED_NAME", "download", "download_split",
           "check_disk_space", "default_root"]

#: Free space kept beyond the split's size (file-system metadata, the manifest, other writers).
DISK_MARGIN_BYTES = 64 << 20


def default_root(url: str | os.PathLike) -> Path:
    """``./<last path component of url>``: where a download goes when no destination is given."""
    path = urllib.parse.urlsplit(os.fspath(url)).path.rstrip("/")
    if path.endswith("/" + MANIFEST_NAME):
        path = path[: -len(MANIFEST_NAME) - 1]
    name = path.rsplit("/", 1)[-1] or "gameir-data"
    return Path.cwd() / name


def check_disk_space(root: str | os.PathLike, needed_bytes: int, *, what: str = "the download") -> None:
    """Raise ``OSError`` if the file system of ``root`` has less than ``needed_bytes`` + a margin free."""
    free = shutil.disk_usage(root).free
    if needed_bytes + DISK_MARGIN_BYTES > free:
        raise OSError(f"{root}: {what} needs {needed_bytes / 1e9:.2f} GB (+{DISK_MARGIN_BYTES >> 20} MiB margin) but "
                      f"only {free / 1e9:.2f} GB is free; free space or choose another --to")


def _fetch_manifest(source: Source, root: Path, retries: int, backoff_s: float) -> dict[str, Any]:
    try:
        data = retry_transient(lambda: source.read_all(MANIFEST_NAME), retries=retries, backoff_s=backoff_s)
    except TransientError as exc:
        raise DownloadError(f"{MANIFEST_NAME}: gave up after {retries} retries: {exc}") from None
    except PermanentError as exc:
        raise DownloadError(f"{MANIFEST_NAME}: {exc}; is the URL the root of a GameIR dataset?") from None
    staged = partial_path(root / MANIFEST_NAME)
    atomic_write_bytes(staged, data)  # lands as manifest.json.partial until it validates
    try:
        manifest = load_manifest(staged)
    except ValueError as exc:
        staged.unlink(missing_ok=True)
        raise ValueError(f"{source.describe(MANIFEST_NAME)}: {exc}") from None
    commit_partial(staged, root / MANIFEST_NAME)
    return manifest


def download_split(
    url: str | os.PathLike,
    split: str = "train",
    to: str | os.PathLike | None = None,
    *,
    jobs: int = 4,
    verify_only: bool = False,
    retries: int = 5,
    backoff_s: float = 0.5,
    timeout_s: float = 30.0,
    quiet: bool = False,
) -> DownloadReport:
    """Fetch ``manifest.json`` and the shards of ``split`` from ``url`` into ``to``; report, don't raise.

    Args:
        url: dataset base URL (``https://``, ``http://``, ``file://``, plain path, or an fsspec URL).
        split: split to fetch, as named in the manifest.
        to: local dataset root; default ``./<last component of url>``.
        jobs: shards transferred concurrently (threads), >= 1.
        verify_only: fetch nothing but the manifest; hash every local shard of the split afresh and
            report missing or corrupt ones as failures.
        retries: retries per shard after a transient error without progress.
        backoff_s: first retry delay, seconds; doubled each retry, capped at 30 s.
        timeout_s: socket timeout, seconds.
        quiet: no progress bar.

    Returns:
        A :class:`DownloadReport`; ``failures`` names every shard that did not finish verified.

    Raises:
        ValueError: bad arguments, an unknown split, or an invalid manifest.
        OSError: not enough disk space for the split (nothing is fetched).
        DownloadError: the manifest itself cannot be fetched.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    if retries < 0 or backoff_s < 0:
        raise ValueError(f"retries and backoff_s must be >= 0, got {retries} and {backoff_s}")
    root = Path(to) if to is not None else default_root(url)
    root.mkdir(parents=True, exist_ok=True)
    start_time = time.monotonic()
    source = open_url(url, timeout_s=timeout_s)
    manifest = _fetch_manifest(source, root, retries, backoff_s)
    entries = manifest_shards(manifest, split)
    report = DownloadReport(root=root, split=split, shards=len(entries),
                            bytes_total=sum(int(e["bytes"]) for e in entries), verify_only=verify_only)
    cache = _VerifiedCache(root)
    if verify_only:
        _verify_local(root, entries, cache, report, quiet)
        report.seconds = time.monotonic() - start_time
        return report
    record_fetched(root, url, split)  # so verify/info tell splits never fetched from deleted ones

    todo, done_bytes, partial_bytes = _plan(root, entries, cache, report)
    check_disk_space(root, sum(int(e["bytes"]) for e in todo) - partial_bytes,
                     what=f"split {split!r} ({len(todo)} shards left)")
    progress = _Progress(report.bytes_total, done_bytes + partial_bytes, quiet, desc=f"download {split}")
    fetcher = _Fetcher(source, root, cache, progress, retries, backoff_s)
    _run_pool([(fetcher, e) for e in todo], jobs, report, progress)
    report.seconds = time.monotonic() - start_time
    return report


def _verify_local(root: Path, entries: list[dict[str, Any]], cache: _VerifiedCache, report: DownloadReport,
                  quiet: bool) -> None:
    progress = _Progress(report.bytes_total, 0, quiet, desc=f"verify {report.split}")
    try:
        for entry in entries:
            final = root / entry["path"]
            if not final.exists():
                report.failures[entry["path"]] = f"{entry['path']}: missing"
                cache.forget(entry["path"])
                continue
            size = final.stat().st_size
            digest = sha256_file(final)
            progress.add(size)
            if size != int(entry["bytes"]) or digest != entry["sha256"]:
                report.failures[entry["path"]] = (f"{entry['path']}: {size} bytes SHA-256 {digest}, manifest says "
                                                  f"{entry['bytes']} bytes SHA-256 {entry['sha256']}")
                cache.forget(entry["path"])
            else:
                cache.record(root, entry)
                report.skipped += 1
    finally:
        progress.close()


def download(
    url: str | os.PathLike,
    split: str = "train",
    to: str | os.PathLike | None = None,
    *,
    jobs: int = 4,
    quiet: bool = True,
    **kwargs: Any,
) -> Path:
    """Download (or finish downloading) ``split`` of the dataset at ``url``; return the local root.

    Safe to call again after any interruption: verified shards are skipped, partial ones resumed.
    Other keyword arguments go to :func:`download_split` (``retries``, ``backoff_s``, ``timeout_s``).

    Example:
        >>> root = gameir.download("https://example.org/gameir-sr-v1", split="val", to="data/gameir")  # doctest: +SKIP

    Raises:
        DownloadError: a shard could not be fetched and verified; the message names every such shard.
    """
    report = download_split(url, split, to, jobs=jobs, quiet=quiet, **kwargs)
    if report.failures:
        lines = "\n  ".join(report.failures.values())
        raise DownloadError(f"{len(report.failures)} of {report.shards} shards of split {split!r} failed:\n  {lines}",
                            report.failures)
    return report.root
