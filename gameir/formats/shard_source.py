"""GameIR HDF5 shards as a :class:`~gameir.formats.source.DataSource`.

Clips are described from ``manifest.json`` (frame counts, levels, buffers, scene) without opening
any shard; shards given as a list of paths are opened once each to read their attributes.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource, HandleCache
from gameir.shards.format import ShardError, ShardReadError
from gameir.shards.manifest import MANIFEST_NAME, entry_mismatches, load_manifest
from gameir.shards.reader import ShardReader, describe_read, read_checked

__all__ = ["ShardSource", "DEFAULT_CHUNK_CACHE"]

#: HDF5 chunk cache per open buffer dataset, bytes (h5py's default is 1 MiB).
DEFAULT_CHUNK_CACHE = 4 << 20


class _OpenShard:
    """An open shard plus what repeated reads need: dataset objects and every frame's camera.

    Args:
        path: the shard file.
        rdcc_nbytes: HDF5 chunk cache per dataset, bytes.
        expected: what the manifest says of this shard (clip description, the entry's key such as
            ``splits.train.shards[3]``, the manifest path), or ``None``; checked against the shard's
            own attributes on opening, so a stale manifest fails here rather than as an IndexError.
    """

    def __init__(self, path: str, rdcc_nbytes: int, expected: tuple[ClipInfo, str, str] | None = None) -> None:
        self.reader = ShardReader(path, rdcc_nbytes=rdcc_nbytes)
        self.reader.file  # open now so a bad file fails here, naming the path
        if expected is not None:
            _check_against_manifest(self.reader, *expected)
        self._datasets: dict[tuple[str, str], Any] = {}
        self._cameras: dict[str, dict[str, np.ndarray] | None] = {}  # None: a chunk is corrupt
        self._frame_ids: np.ndarray | None = None

    def dataset(self, level: str, buffer: str):
        key = (level, buffer)
        ds = self._datasets.get(key)
        if ds is None:
            group = self.reader.file[level] if level in self.reader.levels else None
            if group is None or buffer not in group:
                # let the reader raise its message naming the file, levels and buffers
                self.reader.read(buffer, level, 0, rows=(0, 1), cols=(0, 1))
            ds = self._datasets[key] = group[buffer]
        return ds

    def cameras(self, level: str) -> dict[str, np.ndarray] | None:
        """Every camera of ``level``, read once; None if one of their chunks is corrupt (then read
        frame by frame, so that only the frames in the bad chunk fail)."""
        if level not in self._cameras:
            try:
                self._cameras[level] = self.reader.cameras(level)
            except ShardReadError:
                self._cameras[level] = None
        return self._cameras[level]

    def frame_ids(self) -> np.ndarray:
        """``/frame_index`` (F,) int64, read once."""
        if self._frame_ids is None:
            self._frame_ids = self.reader.frame_indices()
        return self._frame_ids

    def close(self) -> None:
        self._datasets.clear()
        self.reader.close()


def _open_shard(path: str, rdcc_nbytes: int = DEFAULT_CHUNK_CACHE,
                expected: dict[str, tuple[ClipInfo, str, str]] | None = None) -> _OpenShard:
    return _OpenShard(path, rdcc_nbytes, (expected or {}).get(path))


def _check_against_manifest(reader: ShardReader, info: ClipInfo, key: str, manifest: str) -> None:
    """Raise :class:`ShardError` if the shard's counts, sizes or buffers differ from its manifest entry."""
    found = {"clip_id": reader.clip_id, "kind": reader.kind, "frames": reader.num_frames, "views": reader.num_views,
             "levels": {lv: reader.shape_hw(lv) for lv in reader.levels}}
    said = {"clip_id": info.clip_id, "kind": info.kind, "frames": info.num_frames, "views": info.num_views,
            "levels": dict(info.shapes_hw)}
    stale = entry_mismatches(said, found)
    if stale:
        field = stale[0]
        raise ShardError(f"{reader.path}: {manifest} says {key}.{field} = {said[field]!r} but the shard has "
                         f"{found[field]!r}; the manifest is stale or the shard was replaced: run "
                         f"`gameir verify {Path(manifest).parent}`, then `gameir manifest rebuild "
                         f"{Path(manifest).parent}` if the shards are right")
    missing = [b for b in info.buffers if b not in reader.buffers]
    if missing:
        raise ShardError(f"{reader.path}: {manifest} lists buffer {missing[0]!r} in {key}.buffers but the shard "
                         f"has only {', '.join(reader.buffers)}; run `gameir verify {Path(manifest).parent}`")


def _close_shard(shard: _OpenShard) -> None:
    shard.close()


class ShardSource(DataSource):
    """Clips stored as GameIR shards (one HDF5 file per clip).

    Args:
        clips: clip descriptions, in index order.
        paths: shard file of each clip (same order).
        max_open: bound on shard files open at once per process.
        rdcc_nbytes: HDF5 chunk cache per open buffer dataset. Memory per process is bounded by
            about ``max_open`` x buffers read x ``rdcc_nbytes`` (32 x 5 x 4 MiB = 640 MiB at most
            with the defaults; lower either for many workers). Random crops gained 5-10 % from it
            over no cache in one measurement on a loaded machine.
        expected: shard path -> (its manifest description, the entry's key such as
            ``splits.train.shards[3]``, the manifest path); each shard is checked against it when
            first opened (frame and view counts, level sizes, buffers), so a stale manifest raises a
            :class:`~gameir.shards.ShardError` naming both files instead of an IndexError later.

    Use :meth:`from_root` (a dataset root with ``manifest.json``) or :meth:`from_paths`.
    """

    def __init__(self, clips: Sequence[ClipInfo], paths: Sequence[str | os.PathLike], *, max_open: int = DEFAULT_MAX_OPEN,
                 rdcc_nbytes: int = DEFAULT_CHUNK_CACHE,
                 expected: dict[str, tuple[ClipInfo, str, str]] | None = None) -> None:
        if len(clips) != len(paths):
            raise ValueError(f"{len(clips)} clips but {len(paths)} paths")
        self.clips = list(clips)
        self.paths = [str(p) for p in paths]
        if rdcc_nbytes < 0:
            raise ValueError(f"rdcc_nbytes must be >= 0, got {rdcc_nbytes}")
        opener = functools.partial(_open_shard, rdcc_nbytes=int(rdcc_nbytes), expected=dict(expected or {}))
        self._handles: HandleCache[_OpenShard] = HandleCache(opener, _close_shard, max_open)

    @classmethod
    def from_root(cls, root: str | os.PathLike, *, max_open: int = DEFAULT_MAX_OPEN,
                  rdcc_nbytes: int = DEFAULT_CHUNK_CACHE) -> "ShardSource":
        """Every shard listed in ``root/manifest.json`` (or a manifest file), clip split = manifest split.

        No shard is opened: counts, sizes and buffers come from the manifest entries.
        """
        root = Path(root)
        manifest = load_manifest(root)
        base = root if root.is_dir() else root.parent
        manifest_path = str(root / MANIFEST_NAME if root.is_dir() else root)
        clips, paths, expected = [], [], {}
        for split, body in manifest.get("splits", {}).items():
            for i, entry in enumerate(body.get("shards", [])):
                path = base / entry["path"]
                if "frames" in entry and "levels" in entry and "buffers" in entry:
                    clips.append(_clip_from_entry(entry, split, str(path)))
                    expected[str(path)] = (clips[-1], f"splits.{split}.shards[{i}]", manifest_path)
                else:  # an older or hand-written manifest: read the shard's own attributes
                    clips.append(_clip_from_reader(path, split))
                paths.append(path)
        source = cls(clips, paths, max_open=max_open, rdcc_nbytes=rdcc_nbytes, expected=expected)
        source.origin = manifest_path
        source.split_names = tuple(manifest.get("splits", {}))
        return source

    @classmethod
    def from_paths(cls, paths: Sequence[str | os.PathLike], *, max_open: int = DEFAULT_MAX_OPEN,
                   rdcc_nbytes: int = DEFAULT_CHUNK_CACHE) -> "ShardSource":
        """The given shard files; each is opened once (then closed) to read its attributes."""
        if not paths:
            raise ValueError("no shard paths given")
        paths = [Path(p) for p in paths]
        return cls([_clip_from_reader(p, None) for p in paths], paths, max_open=max_open, rdcc_nbytes=rdcc_nbytes)

    def reader(self, clip: int) -> ShardReader:
        """The open :class:`ShardReader` of clip ``clip`` in this process."""
        return self._handles.get(self.paths[clip]).reader

    def read(self, clip: int, buffer: str, level: str, frame: int, *, view: int | None = None,
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> np.ndarray:
        """See :meth:`DataSource.read`; the HDF5 dataset objects are kept open between calls."""
        info = self.clips[clip]
        ds = self._handles.get(self.paths[clip]).dataset(level, buffer)
        h, w = info.shapes_hw[level]
        r0, r1 = (0, h) if rows is None else (int(rows[0]), int(rows[1]))
        c0, c1 = (0, w) if cols is None else (int(cols[0]), int(cols[1]))
        if not (0 <= r0 < r1 <= h and 0 <= c0 < c1 <= w):
            raise ValueError(f"{self.paths[clip]}: window rows {rows} cols {cols} outside the {level} frame {h}x{w}")
        if not 0 <= frame < info.num_frames:
            raise IndexError(f"{self.paths[clip]}: frame {frame} out of range 0..{info.num_frames - 1}")
        what = describe_read(buffer, level, frame, view, None if rows is None else (r0, r1),
                             None if cols is None else (c0, c1))
        if info.num_views:
            if view is None or not 0 <= view < info.num_views:
                raise IndexError(f"{self.paths[clip]}: view must be in 0..{info.num_views - 1}, got {view}")
            return read_checked(self.paths[clip], ds, (frame, view, slice(r0, r1), slice(c0, c1)), what)
        if view not in (None, 0):
            raise IndexError(f"{self.paths[clip]}: single-view shard has no view {view}")
        return read_checked(self.paths[clip], ds, (frame, slice(r0, r1), slice(c0, c1)), what)

    def camera(self, clip: int, level: str, frame: int, view: int | None = None) -> dict[str, np.ndarray]:
        """See :meth:`DataSource.camera`; a clip's cameras are read once per process and kept.

        If a camera chunk is corrupt, the frame is read on its own: frames in intact chunks still
        load, and the frame whose chunk is corrupt raises :class:`~gameir.shards.ShardReadError`
        naming the file, camera array, level and frame.
        """
        shard = self._handles.get(self.paths[clip])
        cams = shard.cameras(level)
        if cams is None:
            return shard.reader.camera(level, frame, view)
        index = (frame,) if view is None else (frame, view)
        return {"K": cams["K"][index], "c2w": cams["c2w"][index], "jitter_px": cams["jitter_px"][index]}

    def frame_id(self, clip: int, frame: int) -> int:
        """The shard's ``frame_index`` of frame ``frame`` (e.g. the release frame number it was imported from)."""
        return int(self._handles.get(self.paths[clip]).frame_ids()[frame])

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
        shapes_hw={k: (int(v[0]), int(v[1])) for k, v in entry["levels"].items()},
        buffers=tuple(entry["buffers"]), scene=dict(entry.get("scene") or {}), location=location)


def _clip_from_reader(path: Path, split: str | None) -> ClipInfo:
    with ShardReader(path) as r:
        return ClipInfo(
            clip_id=r.clip_id, split=r.split if split is None else split, kind=r.kind,
            num_frames=r.num_frames, num_views=r.num_views,
            shapes_hw={level: r.shape_hw(level) for level in r.levels}, buffers=tuple(r.buffers),
            scene=dict(r.scene), location=str(path))


