"""Download single files by URL (the GameIR release's tar shards) with the split download's machinery.

Each file lands as ``<to>/<file name>``: ``<name>.partial`` resumed with ``Range``, size checked
against the server's ``Content-Length``, SHA-256 checked where given (``URL#sha256=<hex>`` or a
``sha256sum``-style list), renamed only when complete and recorded in ``.gameir-verified.json``.
Without a SHA-256 only the size can be checked. Planning, fetching, retries and the verified
record are :mod:`gameir.distribution.transfer`'s, not a second implementation.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from gameir.distribution.download import check_disk_space
from gameir.distribution.transfer import DownloadReport, _Fetcher, _plan, _Progress, _run_pool, _VerifiedCache
from gameir.transport import PermanentError, Source, TransientError, open_file_url, retry_transient

__all__ = ["download_files", "parse_url_list", "parse_sha256sums"]


_SHA_RE = re.compile(r"^[0-9a-fA-F]{64}$")


def parse_url_list(text: str, where: str = "URL list") -> list[str]:
    """The URLs of a text file: one per line, blank lines and ``#`` comment lines skipped.

    Raises:
        ValueError: a line holds more than one word (naming ``where`` and the line number).
    """
    urls = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line.split()) != 1:
            raise ValueError(f"{where} line {number}: expected one URL per line, got {line!r}")
        urls.append(line)
    return urls


def parse_sha256sums(text: str, where: str = "SHA-256 list") -> dict[str, str]:
    """``file name -> hex SHA-256`` from ``sha256sum`` output (``<hex>  <name>``; ``*<name>`` too).

    Names are reduced to their last path component, as files land under ``<to>/<name>``.
    """
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.strip().split(maxsplit=1)
        if len(parts) != 2 or not _SHA_RE.match(parts[0]):
            raise ValueError(f"{where} line {number}: expected '<64 hex digits>  <file name>', got {line!r}")
        sums[parts[1].lstrip("*").rsplit("/", 1)[-1]] = parts[0].lower()
    return sums


def _split_sha(url: str) -> tuple[str, str | None]:
    """``URL#sha256=<hex>`` -> ``(URL, hex)``; a URL without that fragment -> ``(URL, None)``."""
    base, _, fragment = url.partition("#")
    if not fragment:
        return url, None
    key, _, value = fragment.partition("=")
    if key != "sha256" or not _SHA_RE.match(value):
        raise ValueError(f"{url}: the only URL fragment understood is #sha256=<64 hex digits>, got #{fragment}")
    return base, value.lower()


def download_files(
    urls: list[str],
    to: str | os.PathLike,
    *,
    sha256: dict[str, str] | None = None,
    jobs: int = 4,
    retries: int = 5,
    backoff_s: float = 0.5,
    timeout_s: float = 30.0,
    quiet: bool = False,
) -> DownloadReport:
    """Fetch single files (e.g. the release's tar shards) into ``to/<file name>``; report, don't raise.

    The same machinery as :func:`download_split`: ``<name>.partial`` resumed with ``Range``, size
    checked against the server's ``Content-Length``, SHA-256 checked where known, renamed only
    when complete, remembered in ``<to>/.gameir-verified.json`` so a re-run fetches nothing.

    Args:
        urls: file URLs (``https://``, ``http://``, ``file://``, paths, fsspec URLs); a
            ``#sha256=<hex>`` fragment gives that file's expected SHA-256.
        to: destination folder.
        sha256: file name -> expected hex SHA-256 (e.g. from :func:`parse_sha256sums`); a
            fragment in the URL must agree with it.
        jobs, retries, backoff_s, timeout_s, quiet: as for :func:`download_split`.

    Returns:
        A :class:`DownloadReport` (``split`` is ``""``); ``failures`` maps file name -> reason.

    Raises:
        ValueError: no URLs, two URLs with the same file name, a bad ``#`` fragment, or a fragment
            and ``sha256`` that disagree.
        OSError: not enough disk space for what is left to fetch (nothing is fetched).
    """
    if not urls:
        raise ValueError("no URLs to download")
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    if retries < 0 or backoff_s < 0:
        raise ValueError(f"retries and backoff_s must be >= 0, got {retries} and {backoff_s}")
    sha256 = {k: v.lower() for k, v in (sha256 or {}).items()}
    root = Path(to)
    root.mkdir(parents=True, exist_ok=True)
    start_time = time.monotonic()
    report = DownloadReport(root=root, split="", shards=len(urls))
    planned: list[tuple[Source, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    from_url: set[str] = set()
    for url in urls:
        plain, expected = _split_sha(url)
        source, name = open_file_url(plain, timeout_s=timeout_s)
        if name in seen:
            raise ValueError(f"{url} and {seen[name]} both name the file {name!r}; each file lands as <to>/<name>")
        seen[name] = url
        listed = sha256.get(name)
        if expected and listed and expected != listed:
            raise ValueError(f"{url}: #sha256={expected} disagrees with the SHA-256 list's {listed} for {name}")
        try:
            size = retry_transient(lambda: source.size(name), retries=retries, backoff_s=backoff_s)
        except (TransientError, PermanentError) as exc:
            report.failures[name] = f"{name}: {exc}"
            continue
        if expected:
            from_url.add(name)
        planned.append((source, {"path": name, "bytes": size, "sha256": expected or listed}))
    entries = [e for _, e in planned]
    report.bytes_total = sum(e["bytes"] for e in entries)
    cache = _VerifiedCache(root)
    todo, done_bytes, partial_bytes = _plan(root, entries, cache, report)
    check_disk_space(root, sum(e["bytes"] for e in todo) - partial_bytes, what=f"{len(todo)} files")
    progress = _Progress(report.bytes_total, done_bytes + partial_bytes, quiet, desc="download files")
    stop = threading.Event()
    sources = {e["path"]: s for s, e in planned}
    work = [(_Fetcher(sources[e["path"]], root, cache, progress, retries, backoff_s, stop,
                      checksum_from="the URL's #sha256" if e["path"] in from_url else "the SHA-256 list"), e)
            for e in todo]
    _run_pool(work, jobs, report, progress)
    report.seconds = time.monotonic() - start_time
    return report
