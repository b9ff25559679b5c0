"""Pick the clips of one split from a data source (opened by :func:`gameir.formats.open_source`), and per-sample seeds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch

from gameir.formats.open import SOURCE_KINDS, Root, open_source
from gameir.formats.shard_source import ShardSource
from gameir.formats.source import ClipInfo, DataSource
from gameir.shards.fetched import fetch_command, load_fetched

#: ``open_source`` and ``SOURCE_KINDS`` live in gameir.formats (format detection); re-exported for the datasets.
__all__ = ["SOURCE_KINDS", "fetch_split", "open_source", "select_clips", "clip_metadata", "EpochSeed"]


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
