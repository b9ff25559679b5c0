"""Many small files written atomically with one flush per batch instead of one fsync per file.

Exports write thousands of PNG/NPY files; an fsync each costs ~8 ms on ext4, ten times the write.
:class:`StagedFiles` writes each file to ``<name>.partial``, and :meth:`~StagedFiles.commit` flushes
them all to disk at once (``os.sync``; a per-file fsync where that is missing), then renames each
over its final name and fsyncs the directories. A killed export therefore leaves only complete
files under final names, plus ``*.partial`` files that the next run overwrites.

:meth:`~StagedFiles.submit` runs the encoder (PNG compression, which releases the GIL) on a small
thread pool while the caller reads the next frame; files are still written in submission order.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from gameir.fileio import fsync_dir, fsync_file, partial_path

__all__ = ["StagedFiles"]


class StagedFiles:
    """Stage files, then commit them in batches of ``batch`` (and on :meth:`commit` / context exit).

    Example:
        >>> with StagedFiles() as files:            # doctest: +SKIP
        ...     files.write("out/LR/a/00000000.png", data)
    """

    def __init__(self, batch: int = 512, workers: int | None = None) -> None:
        if batch < 1:
            raise ValueError(f"batch must be >= 1, got {batch}")
        self.batch = batch
        self.workers = workers or min(4, os.cpu_count() or 1)
        self._pending: list[tuple[Path, Path]] = []
        self._dirs: set[Path] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._encoding: deque[tuple[Path, Future]] = deque()

    def submit(self, path: str | os.PathLike, encode: Callable[..., bytes], *args) -> None:
        """Stage ``encode(*args)`` for ``path``; the encoding runs on the pool, the write in order."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="gameir-encode")
        self._encoding.append((Path(path), self._pool.submit(encode, *args)))
        while len(self._encoding) > 2 * self.workers:
            self._drain_one()

    def _drain_one(self) -> None:
        path, future = self._encoding.popleft()
        self.write(path, future.result())

    def write(self, path: str | os.PathLike, data: bytes) -> None:
        """Stage ``data`` for ``path`` (parents created); committed with the batch."""
        path = Path(path)
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        tmp = partial_path(path)
        with open(tmp, "wb") as fh:
            fh.write(data)
        self._pending.append((tmp, path))
        if len(self._pending) >= self.batch:
            self.commit()

    def commit(self) -> None:
        """Flush every staged file to disk, then rename each to its final name."""
        while self._encoding:
            self._drain_one()
        if not self._pending:
            return
        if hasattr(os, "sync"):
            os.sync()
        else:  # pragma: no cover - Windows
            for tmp, _ in self._pending:
                fsync_file(tmp)
        dirs = set()
        for tmp, final in self._pending:
            os.replace(tmp, final)
            dirs.add(final.parent)
        for d in dirs:
            fsync_dir(d)
        self._pending.clear()

    def __enter__(self) -> "StagedFiles":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
