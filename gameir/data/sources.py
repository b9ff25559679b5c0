"""Open the source a dataset reads (shards or release layout) and pick the clips of one split."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from gameir.formats.release import RELEASE_ROOT, ReleaseSource
from gameir.formats.remote_file import is_remote
from gameir.formats.shard_source import ShardSource
from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource
from gameir.shards.fetched import fetch_command, load_fetched
from gameir.shards.format import SHARD_SUFFIX
from gameir.shards.manifest import MANIFEST_NAME

__all__ = ["SOURCE_KINDS", "fetch_split", "open_source", "select_clips", "clip_metadata", "EpochSeed"]

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


def fetch_split(root: Root | None, split: str | None, url: str | os.PathLike | None) -> None:
    """``download=True`` of the datasets: fetch ``split`` of the dataset at ``url`` into ``root``.

    Uses :func:`gameir.download` (resumable, SHA-256 verified; shards already verified are
    skipped), so calling it on every construction costs one manifest fetch.

    Raises:
        ValueError: no ``url``, no single ``root`` folder, or no ``split``.
        gameir.distribution.download.DownloadError: a shard could not be fetched and verified.
    """
    if url is None:
        raise ValueError("download=True needs url= (the dataset's base URL or path, as for `gameir download`)")
    if root is None or not isinstance(root, (str, os.PathLike)):
        raise ValueError(f"download=True needs root to be one folder to download into, got {root!r}")
    if split is None:
        raise ValueError("download=True needs a split name (downloads go split by split)")
    from gameir.distribution.download import download  # imported on use: pulls in the network stack

    download(url, split, root)


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


def select_clips(source: DataSource, split: str | None, kind: str) -> list[int]:
    """Indices of the clips of ``split`` (all when ``None``) and ``kind``; ValueError listing what exists."""
    def summary() -> str:
        parts = []
        for name in sorted(source.splits):
            clips = [c for c in source.clips if c.split == name]
            kinds = sorted({c.kind for c in clips})
            parts.append(f"{name or '(none)'}: {len(clips)} clips, {sum(c.num_frames for c in clips)} frames, "
                         f"kind {'/'.join(kinds)}")
        return "; ".join(parts) or "no clips"

    declared = source.split_names
    if split is not None and declared is not None and split not in declared:
        raise ValueError(f"no split {split!r} in {source.origin or 'the dataset'}; splits: "
                         f"{', '.join(declared) or 'none'}")
    chosen = [i for i, c in enumerate(source.clips) if split is None or c.split == split]
    if not chosen and split is not None and declared is None and split not in source.splits:
        raise ValueError(f"no split {split!r} in {source.origin or 'the dataset'}; splits: {summary()}")
    if not chosen:
        raise ValueError(f"split {split!r} is empty; available splits: {summary()}")
    if isinstance(source, ShardSource) and source.origin:
        _check_first_shard(source, source.clips[chosen[0]])
    chosen = [i for i in chosen if source.clips[i].kind == kind]
    if not chosen:
        raise ValueError(f"split {split!r} has no {kind!r} clips; available splits: {summary()}")
    return chosen


def _check_first_shard(source: ShardSource, info: ClipInfo) -> None:
    """FileNotFoundError if the split's first shard is absent, with the download command if never fetched."""
    if Path(info.location).exists():
        return
    root = Path(source.origin).parent
    record = load_fetched(root)
    if record is not None and info.split not in record["splits"]:
        raise FileNotFoundError(f"{info.location}: split {info.split!r} was not downloaded into {root}; fetch it with "
                                f"`{fetch_command(record, root, info.split)}` (or pass download=True, url=...)")
    raise FileNotFoundError(f"{info.location}: listed in {source.origin} but missing; download or render it again "
                            f"(`gameir verify {root}` lists every missing shard)")


def clip_metadata(info: ClipInfo) -> dict[str, str]:
    """``clip_id``, ``scene_family``, ``weather`` and ``split`` of a clip, as strings (collate-friendly)."""
    def text(value) -> str:
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return {"clip_id": info.clip_id, "scene_family": text(info.scene.get("family", "")),
            "weather": text(info.scene.get("weather", "")), "split": info.split}


class EpochSeed:
    """Seed, epoch and per-sample generators: the same ``(seed, epoch, index)`` always draws the same.

    The epoch lives in a shared-memory tensor, so :meth:`set_epoch` in the main process reaches
    ``DataLoader`` workers (also persistent ones, under fork and spawn).

    Args:
        seed: base seed; ``None`` draws one from OS entropy (fixed for this object's lifetime).
    """

    def __init__(self, seed: int | None) -> None:
        self.seed = int(np.random.SeedSequence().entropy % (1 << 63)) if seed is None else int(seed)
        self._epoch = torch.zeros((), dtype=torch.int64).share_memory_()

    @property
    def epoch(self) -> int:
        return int(self._epoch.item())

    def set_epoch(self, epoch: int) -> None:
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        self._epoch.fill_(int(epoch))

    def rng(self, index: int) -> np.random.Generator:
        """Generator for sample ``index`` at the current epoch."""
        return np.random.default_rng([self.seed, self.epoch, int(index)])
