"""Format detection: open any stored dataset (our shards, the GameIR release layout, by path or URL) as a DataSource.

The one place that decides which reader a path needs; each layout's reader is its own module
(:mod:`gameir.formats.shard_source`, :mod:`gameir.formats.release`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from gameir.formats.release import RELEASE_ROOT, ReleaseSource
from gameir.formats.remote_file import is_remote
from gameir.formats.shard_source import ShardSource
from gameir.formats.source import DEFAULT_MAX_OPEN, DataSource
from gameir.shards.format import SHARD_SUFFIX
from gameir.shards.manifest import MANIFEST_NAME

__all__ = ["SOURCE_KINDS", "Root", "open_source"]

SOURCE_KINDS = ("auto", "shards", "release")

Root = str | os.PathLike | Sequence[str | os.PathLike]


def _looks_like_release(path: Path) -> bool:
    """A ``.tar``, or a folder holding tars or ``GameIR-SR/`` (itself or one level down, per split)."""
    if path.suffix == ".tar":
        return True
    patterns = ("*.tar", RELEASE_ROOT, "*/*.tar", f"*/{RELEASE_ROOT}")
    return path.is_dir() and any(next(path.glob(p), None) is not None for p in patterns)


def _detect_kind(paths: list[Path]) -> str:
    """``"shards"`` or ``"release"`` for existing ``paths``; ValueError saying what was looked for."""
    def is_shards(p: Path) -> bool:
        return p.suffix == SHARD_SUFFIX or p.name == MANIFEST_NAME or (p / MANIFEST_NAME).exists()

    if all(is_shards(p) for p in paths):
        return "shards"
    if all(_looks_like_release(p) for p in paths):
        return "release"
    for p in paths:
        if is_shards(p) or _looks_like_release(p):
            continue
        if p.is_dir() and next(p.rglob(f"*{SHARD_SUFFIX}"), None) is not None:
            return "shards"  # shards without a manifest: ShardSource.from_root says how to build one
        looked = (f"{MANIFEST_NAME}, shards (*{SHARD_SUFFIX}) and the release layout (*.tar or {RELEASE_ROOT}/, "
                  "also one folder down)")
        if p.is_dir():
            raise ValueError(f"{p}: not a GameIR dataset: looked for {looked} and found none; give the dataset root "
                             "(the folder holding manifest.json) or fetch one with `gameir download`")
        raise ValueError(f"{p}: not a dataset file: expected a shard (*{SHARD_SUFFIX}), a {MANIFEST_NAME} or a "
                         f"release tar (*.tar), got {p.suffix or 'a file without suffix'}")
    raise ValueError(f"paths mix shards and release tars: {', '.join(map(str, paths))}; give one kind")


def open_source(root: Root | None, split: str | None, source: str | DataSource = "auto", *,
                max_open: int = DEFAULT_MAX_OPEN) -> tuple[DataSource, str | None]:
    """Open ``root`` as a data source; return it with the split to select.

    Args:
        root: a dataset root with ``manifest.json`` (or the manifest file), a shard file, a list of
            shard files, or release tar shards / folders. ``None`` when ``source`` is an object.
        split: split name; for the release layout, a sub-folder ``root/<split>`` if it exists,
            else ``None`` (every clip); release tar URLs all get the label ``split``.
        source: ``"auto"`` (decide from ``root``), ``"shards"``, ``"release"``, or a
            :class:`~gameir.formats.source.DataSource` instance (then ``root`` must be ``None``).
        max_open: bound on open files per process.

    Returns:
        ``(source, split)``: the split to select from the source's clips (``None`` = all).
    """
    if isinstance(source, DataSource):
        if root is not None:
            raise ValueError("give either root or a source object, not both")
        return source, split
    if source not in SOURCE_KINDS:
        raise ValueError(f"source must be one of {', '.join(SOURCE_KINDS)} or a DataSource, got {source!r}")
    if root is None:
        raise ValueError("root is required unless source is a DataSource object")
    roots = [root] if isinstance(root, (str, os.PathLike)) else list(root)
    if not roots:
        raise ValueError("root is an empty list of paths")
    if any(is_remote(r) for r in roots):  # release tars by URL, read with range requests
        if source == "shards":
            raise ValueError(f"shards are read from local files; download them first ({', '.join(map(str, roots))})")
        return ReleaseSource([os.fspath(r) for r in roots], split=split or "", max_open=max_open), split
    paths = [Path(p) for p in roots]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{missing[0]}: no such file or directory"
                                + (f" (and {len(missing) - 1} more of the {len(paths)} paths given)" if len(missing) > 1 else "")
                                + "; give a dataset root, a manifest.json, shard files (*.h5) or release tars")
    kind = source
    if kind == "auto":
        kind = _detect_kind(paths)
    if kind == "release":
        if split is not None and len(paths) == 1 and (paths[0] / split).is_dir():
            return ReleaseSource(paths[0] / split, split=split, max_open=max_open), split
        if split is not None:
            subdirs = sorted(p.name for p in paths[0].iterdir() if p.is_dir()) if paths[0].is_dir() else []
            raise ValueError(f"{paths[0]}: release layout has no split folder {split!r}; folders: "
                             f"{', '.join(subdirs) or 'none'} (use split=None for every clip)")
        return ReleaseSource(paths, max_open=max_open), None
    if len(paths) == 1 and (paths[0].is_dir() or paths[0].name == MANIFEST_NAME):
        return ShardSource.from_root(paths[0], max_open=max_open), split
    bad = [str(p) for p in paths if p.suffix != SHARD_SUFFIX]
    if bad:
        raise ValueError(f"not shard files (*{SHARD_SUFFIX}): {', '.join(bad)}")
    return ShardSource.from_paths(paths, max_open=max_open), split
