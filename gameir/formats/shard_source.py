"""GameIR HDF5 shards as a :class:`~gameir.formats.source.DataSource`.

Clips are described from ``manifest.json`` (frame counts, levels, buffers, scene) without opening
any shard; shards given as a list of paths are opened once each to read their attributes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource, HandleCache
from gameir.shards.manifest import load_manifest
from gameir.shards.reader import ShardReader

__all__ = ["ShardSource"]


def _open_reader(path: str) -> ShardReader:
    reader = ShardReader(path)
    reader.file  # open now so a bad file fails here, naming the path
    return reader


def _close_reader(reader: ShardReader) -> None:
    reader.close()


class ShardSource(DataSource):
    """Clips stored as GameIR shards (one HDF5 file per clip).

    Args:
        clips: clip descriptions, in index order.
        paths: shard file of each clip (same order).
        max_open: bound on shard files open at once per process.

    Use :meth:`from_root` (a dataset root with ``manifest.json``) or :meth:`from_paths`.
    """

    def __init__(self, clips: Sequence[ClipInfo], paths: Sequence[str | os.PathLike], *, max_open: int = DEFAULT_MAX_OPEN) -> None:
        if len(clips) != len(paths):
            raise ValueError(f"{len(clips)} clips but {len(paths)} paths")
        self.clips = list(clips)
        self.paths = [str(p) for p in paths]
        self._handles: HandleCache[ShardReader] = HandleCache(_open_reader, _close_reader, max_open)

    @classmethod
    def from_root(cls, root: str | os.PathLike, *, max_open: int = DEFAULT_MAX_OPEN) -> "ShardSource":
        """Every shard listed in ``root/manifest.json`` (or a manifest file), clip split = manifest split.

        No shard is opened: counts, sizes and buffers come from the manifest entries.
        """
        root = Path(root)
        manifest = load_manifest(root)
        base = root if root.is_dir() else root.parent
        clips, paths = [], []
        for split, body in manifest.get("splits", {}).items():
            for entry in body.get("shards", []):
                path = base / entry["path"]
                if "frames" in entry and "levels" in entry and "buffers" in entry:
                    clips.append(_clip_from_entry(entry, split, str(path)))
                else:  # an older or hand-written manifest: read the shard's own attributes
                    clips.append(_clip_from_reader(path, split))
                paths.append(path)
        return cls(clips, paths, max_open=max_open)

    @classmethod
    def from_paths(cls, paths: Sequence[str | os.PathLike], *, max_open: int = DEFAULT_MAX_OPEN) -> "ShardSource":
        """The given shard files; each is opened once (then closed) to read its attributes."""
        if not paths:
            raise ValueError("no shard paths given")
        paths = [Path(p) for p in paths]
        return cls([_clip_from_reader(p, None) for p in paths], paths, max_open=max_open)

    def reader(self, clip: int) -> ShardReader:
        """The open :class:`ShardReader` of clip ``clip`` in this process."""
        return self._handles.get(self.paths[clip])

    def read(self, clip: int, buffer: str, level: str, frame: int, *, view: int | None = None,
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> np.ndarray:
        return self.reader(clip).read(buffer, level, frame, view=view, rows=rows, cols=cols)

    def camera(self, clip: int, level: str, frame: int, view: int | None = None) -> dict[str, np.ndarray]:
        return self.reader(clip).camera(level, frame, view)

    def close(self) -> None:
        self._handles.close()

    @property
    def open_handles(self) -> int:
        """Shard files open in this process."""
        return len(self._handles)

    def __repr__(self) -> str:
        return f"ShardSource({len(self.clips)} clips, max_open={self._handles.max_open})"


def _clip_from_entry(entry: dict[str, Any], split: str, location: str) -> ClipInfo:
    return ClipInfo(
        clip_id=str(entry["clip_id"]), split=split, kind=str(entry.get("kind", "sr")),
        num_frames=int(entry["frames"]), num_views=int(entry.get("views", 0)),
        sizes={k: (int(v[0]), int(v[1])) for k, v in entry["levels"].items()},
        buffers=tuple(entry["buffers"]), scene=dict(entry.get("scene") or {}), location=location)


def _clip_from_reader(path: Path, split: str | None) -> ClipInfo:
    with ShardReader(path) as r:
        return ClipInfo(
            clip_id=r.clip_id, split=r.split if split is None else split, kind=r.kind,
            num_frames=r.num_frames, num_views=r.num_views,
            sizes={level: r.size(level) for level in r.levels}, buffers=tuple(r.buffers),
            scene=dict(r.scene), location=str(path))


