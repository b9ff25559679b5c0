"""Stream a clip into one HDF5 shard, frame by frame, atomically (``*.partial``, fsync, rename)."""

from __future__ import annotations

import json
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import h5py
import numpy as np

from gameir.version import __version__
from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.deprecation import renamed_argument
from gameir.fileio import commit_partial, partial_path
from gameir.frame import Frame
from gameir.shards.chunks import deflate_chunk, frame_chunks
from gameir.shards.format import (
    CAMERA_ARRAYS,
    CONVENTIONS,
    DEFAULT_CODEC,
    DEFAULT_TILE,
    FORMAT_NAME,
    FORMAT_VERSION,
    KINDS,
    LEVEL_NAME_RE,
    SMALL_DATASET_FILTERS,
    Codec,
    ShardError,
    chunk_shape,
)
from gameir.threads import cpu_threads

__all__ = ["ShardWriter", "write_clip", "check_buffer_values"]

FrameSet = Mapping[str, "Frame | Sequence[Frame]"]


def check_buffer_values(name: str, array: np.ndarray, where: str) -> None:
    """Raise :class:`ShardError` if a float buffer holds NaN, or inf where its spec forbids it.

    Args:
        name: buffer name (decides whether +inf is legal: only ``depth``).
        array: the buffer's values.
        where: text naming the file and frame, put at the head of the message.
    """
    if array.dtype.kind != "f":
        return
    if array.dtype == np.float16:  # numpy's float16 isnan/isinf are slow: test the exponent bits
        if not np.any((array.view(np.uint16) & 0x7C00) == 0x7C00):
            return
    elif np.isfinite(array).all():
        return
    nan = int(np.count_nonzero(np.isnan(array)))
    if nan:
        raise ShardError(f"{where}: buffer {name!r} has NaN at {nan} pixels")
    inf = np.isinf(array)
    if get_spec(name).allow_posinf:
        inf &= array < 0
    bad = int(np.count_nonzero(inf))
    if bad:
        kind = "-inf" if get_spec(name).allow_posinf else "inf"
        raise ShardError(f"{where}: buffer {name!r} has {kind} at {bad} pixels")


class ShardWriter:
    """Write one clip to ``path`` one frame at a time; nothing but the current frame is held in memory.

    The file is written as ``<path>.partial`` and renamed to ``path`` only by :meth:`close` after a
    clean finish, so a killed writer never leaves a file under the final name.

    Args:
        path: final shard path (``*.h5``).
        shapes_hw: level name -> (height, width) in pixels, e.g. ``{"lr": (720, 960), "hr": (1440, 1920)}``
            (``levels=`` is its former name, still accepted with a DeprecationWarning).
        buffers: buffer names stored at every level (see :mod:`gameir.buffers`).
        kind: ``"sr"`` (frame axis only) or ``"nvs"`` (frame and view axes).
        num_views: views per frame; required (>= 1) for ``"nvs"``, must be 0 for ``"sr"``.
        clip_id: identifier of the clip, unique within a dataset.
        split: dataset split the clip belongs to (``"train"``, ``"val"``, ``"test"`` or ``""``).
        scene: JSON-serialisable scene description (family, seed, weather, ...).
        render: JSON-serialisable render settings (aa, ssaa, lod bias, ...).
        codec: compression of buffer datasets.
        tile: chunk tile edge in pixels.
        threads: threads compressing chunks (gzip codec: shuffle + deflate done by the writer and
            stored with ``write_direct_chunk``, see :mod:`gameir.shards.chunks`); default
            :func:`gameir.threads.cpu_threads`.

    Example:
        >>> with ShardWriter("clip.h5", shapes_hw={"lr": (24, 32)}, buffers=["rgb"], clip_id="c0") as w:
        ...     w.write_frame({"lr": frame})  # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        shapes_hw: Mapping[str, tuple[int, int]] | None = None,
        buffers: Sequence[str],
        kind: str = "sr",
        num_views: int = 0,
        clip_id: str,
        split: str = "",
        scene: Mapping[str, Any] | None = None,
        render: Mapping[str, Any] | None = None,
        codec: Codec = DEFAULT_CODEC,
        tile: int = DEFAULT_TILE,
        threads: int | None = None,
        levels: Mapping[str, tuple[int, int]] | None = None,
        frame_stats: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.path = Path(path)
        shapes_hw = renamed_argument(shapes_hw, levels, where="ShardWriter", new_name="shapes_hw", old_name="levels",
                                     meaning="level name -> (height, width)")
        if shapes_hw is None:
            raise TypeError("ShardWriter: missing keyword argument shapes_hw (level name -> (height, width) in pixels)")
        if threads is not None and (isinstance(threads, bool) or int(threads) != threads or threads < 1):
            raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if kind == "nvs" and num_views < 1:
            raise ValueError(f"an 'nvs' shard needs num_views >= 1, got {num_views}")
        if kind == "sr" and num_views != 0:
            raise ValueError(f"an 'sr' shard has no view axis; num_views must be 0, got {num_views}")
        if not shapes_hw:
            raise ValueError("shapes_hw is empty; give at least one level, e.g. {'hr': (1440, 1920)}")
        for level, shape_hw in shapes_hw.items():
            if not LEVEL_NAME_RE.match(level):
                raise ValueError(f"level name {level!r} must match {LEVEL_NAME_RE.pattern}")
            if len(shape_hw) != 2 or min(shape_hw) < 1:
                raise ValueError(f"level {level!r}: shape must be (height, width) >= 1, got {shape_hw}")
        if not buffers:
            raise ValueError(f"buffers is empty; choose from {', '.join(BUFFER_NAMES)}")
        for name in buffers:
            get_spec(name)  # raises ValueError naming the known buffers
        if len(set(buffers)) != len(buffers):
            raise ValueError(f"buffers has duplicates: {list(buffers)}")
        #: level name -> names of the per-frame render values (``Frame.stats``) stored at
        #: ``<level>/frame_stats/<name>``, float64, one per frame (and view).
        self.frame_stats = {k: tuple(v) for k, v in (frame_stats or {}).items()}
        for level in self.frame_stats:
            if level not in shapes_hw:
                raise ValueError(f"frame_stats names level {level!r}; the shard's levels are {sorted(shapes_hw)}")
        #: level name -> (height, width) in pixels.
        self.shapes_hw = {k: (int(v[0]), int(v[1])) for k, v in shapes_hw.items()}
        self.buffers = tuple(buffers)
        self.kind = kind
        self.num_views = int(num_views)
        self.num_frames = 0
        self._codec = codec
        self._pool: ThreadPoolExecutor | None = None
        n_threads = cpu_threads() if threads is None else int(threads)
        if codec.name == "gzip" and n_threads > 1:
            self._pool = ThreadPoolExecutor(n_threads, thread_name_prefix="gameir-deflate")
        self._partial = partial_path(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: h5py.File | None = h5py.File(self._partial, "w", libver=("earliest", "v110"))
        try:
            self._create_layout(clip_id, split, scene or {}, render or {}, codec, tile)
        except BaseException:
            self.abort()
            raise

    @property
    def levels(self) -> dict[str, tuple[int, int]]:
        """Former name of :attr:`shapes_hw` (level name -> (height, width)); deprecated."""
        warnings.warn("ShardWriter.levels is now ShardWriter.shapes_hw", DeprecationWarning, stacklevel=2)
        return self.shapes_hw

    # -- layout -------------------------------------------------------------------------------
    def _create_layout(self, clip_id: str, split: str, scene: Mapping, render: Mapping, codec: Codec, tile: int) -> None:
        f = self._file
        attrs = f.attrs
        attrs["format"] = FORMAT_NAME
        attrs["format_version"] = FORMAT_VERSION
        attrs["generator"] = f"gameir {__version__}"
        attrs["kind"] = self.kind
        attrs["clip_id"] = str(clip_id)
        attrs["split"] = str(split)
        attrs["num_frames"] = 0
        attrs["num_views"] = self.num_views
        attrs["levels"] = json.dumps(list(self.shapes_hw))
        attrs["buffers"] = json.dumps(list(self.buffers))
        attrs["codec"] = str(codec)
        attrs["scene"] = json.dumps(scene, sort_keys=True, allow_nan=False)
        attrs["render"] = json.dumps(render, sort_keys=True, allow_nan=False)
        attrs["conventions"] = json.dumps(CONVENTIONS, sort_keys=True)
        f.create_dataset("time_s", shape=(0,), maxshape=(None,), dtype=np.float64, chunks=(1024,),
                         **SMALL_DATASET_FILTERS)
        f.create_dataset("frame_index", shape=(0,), maxshape=(None,), dtype=np.int64, chunks=(1024,),
                         **SMALL_DATASET_FILTERS)
        view = (self.num_views,) if self.kind == "nvs" else ()
        comp = codec.h5py_kwargs()
        for level, (h, w) in self.shapes_hw.items():
            group = f.create_group(level)
            group.attrs["height"] = h
            group.attrs["width"] = w
            for name in self.buffers:
                spec = get_spec(name)
                shape = view + spec.frame_shape(h, w)
                ds = group.create_dataset(
                    name, shape=(0,) + shape, maxshape=(None,) + shape, dtype=spec.dtype,
                    chunks=chunk_shape(spec, h, w, multiview=self.kind == "nvs", tile=tile), **comp)
                ds.attrs["unit"] = spec.unit
                ds.attrs["description"] = spec.description
            if self.frame_stats.get(level):
                stats = group.create_group("frame_stats")
                for name in self.frame_stats[level]:
                    stats.create_dataset(name, shape=(0,) + view, maxshape=(None,) + view, dtype=np.float64,
                                         chunks=(64,) + view, **SMALL_DATASET_FILTERS)
            cam = group.create_group("camera")
            for name, tail in CAMERA_ARRAYS.items():
                cam.create_dataset(name, shape=(0,) + view + tail, maxshape=(None,) + view + tail,
                                   dtype=np.float64, chunks=(64,) + view + tail, **SMALL_DATASET_FILTERS)

    # -- frames -------------------------------------------------------------------------------
    def write_frame(self, frames: FrameSet, *, frame_index: int | None = None) -> None:
        """Append one frame: ``{level: Frame}`` for ``"sr"``, ``{level: [Frame per view]}`` for ``"nvs"``.

        Every level and buffer the shard declares must be present with its exact shape and dtype;
        float buffers must be free of NaN (depth may be +inf). Nothing is written if a check fails.
        """
        if self._file is None:
            raise ValueError(f"{self.path}: writer is closed")
        i = self.num_frames
        where = f"{self.path}: frame {i}"
        missing = set(self.shapes_hw) - set(frames)
        extra = set(frames) - set(self.shapes_hw)
        if missing or extra:
            raise ShardError(f"{where}: levels {sorted(frames)} given, shard has {sorted(self.shapes_hw)}")
        per_level: dict[str, list[Frame]] = {}
        for level, item in frames.items():
            views = [item] if isinstance(item, Frame) else list(item)
            expected = self.num_views if self.kind == "nvs" else 1
            if len(views) != expected or (self.kind == "sr" and not isinstance(item, Frame)):
                raise ShardError(f"{where}: level {level!r} needs {'a Frame' if self.kind == 'sr' else f'{expected} views'}, "
                                 f"got {len(views)}")
            h, w = self.shapes_hw[level]
            for v, frame in enumerate(views):
                fwhere = f"{where}" + (f" view {v}" if self.kind == "nvs" else "") + f" level {level!r}"
                self._check_frame(frame, h, w, fwhere)
                for name in self.frame_stats.get(level, ()):
                    if not np.isfinite(frame.stats.get(name, np.nan)):
                        raise ShardError(f"{fwhere}: per-frame value {name!r} missing or not finite; "
                                         f"frame.stats has {sorted(frame.stats)}")
            per_level[level] = views
        time_s = float(next(iter(per_level.values()))[0].time_s)
        if not np.isfinite(time_s):
            raise ShardError(f"{where}: time_s is {time_s}")

        f = self._file
        n = i + 1
        arrays = []  # (dataset, frame array) of every buffer at every level
        for level, views in per_level.items():
            group = f[level]
            for name in self.buffers:
                ds = group[name]
                ds.resize(n, axis=0)
                arrays.append((ds, views[0].buffers[name] if self.kind == "sr"
                               else np.stack([fr.buffers[name] for fr in views])))
        self._write_buffers(i, arrays)
        for level, views in per_level.items():
            group = f[level]
            for name in CAMERA_ARRAYS:
                ds = group["camera"][name]
                ds.resize(n, axis=0)
                vals = [np.asarray(getattr(fr, name), dtype=np.float64) for fr in views]
                ds[i] = vals[0] if self.kind == "sr" else np.stack(vals)
        for level, views in per_level.items():
            for name in self.frame_stats.get(level, ()):
                ds = f[level]["frame_stats"][name]
                ds.resize(n, axis=0)
                vals = [float(fr.stats[name]) for fr in views]
                ds[i] = vals[0] if self.kind == "sr" else np.asarray(vals)
        for name, value in (("time_s", time_s), ("frame_index", i if frame_index is None else int(frame_index))):
            f[name].resize(n, axis=0)
            f[name][i] = value
        self.num_frames = n

    def _write_buffers(self, i: int, arrays: list[tuple[h5py.Dataset, np.ndarray]]) -> None:
        """Store frame ``i`` of each dataset: gzip chunks compressed here, in threads; else by HDF5."""
        if self._codec.name != "gzip":
            for ds, array in arrays:
                ds[i] = array
            return
        jobs = [(ds, offset, chunk) for ds, array in arrays for offset, chunk in frame_chunks(array, ds.chunks[1:])]
        level, shuffle = self._codec.level, self._codec.shuffle

        def encode(job: tuple) -> bytes:
            return deflate_chunk(job[2], level, shuffle)

        encoded = self._pool.map(encode, jobs) if self._pool is not None else map(encode, jobs)
        for (ds, offset, _), data in zip(jobs, encoded):
            ds.id.write_direct_chunk((i,) + offset, data)

    def _check_frame(self, frame: Frame, h: int, w: int, where: str) -> None:
        if not isinstance(frame, Frame):
            raise ShardError(f"{where}: expected a gameir.frame.Frame, got {type(frame).__name__}")
        for name in frame.buffers:
            if name not in BUFFER_NAMES:
                raise ShardError(f"{where}: unknown buffer {name!r}; known buffers: {', '.join(BUFFER_NAMES)}")
        for name in self.buffers:
            if name not in frame.buffers:
                raise ShardError(f"{where}: buffer {name!r} missing; frame has {sorted(frame.buffers)}")
            spec = get_spec(name)
            arr = frame.buffers[name]
            if not isinstance(arr, np.ndarray):
                raise ShardError(f"{where}: buffer {name!r} must be a numpy array, got {type(arr).__name__}")
            if arr.dtype != spec.dtype:
                raise ShardError(f"{where}: buffer {name!r} must be {spec.dtype}, got {arr.dtype}")
            if arr.shape != spec.frame_shape(h, w):
                raise ShardError(f"{where}: buffer {name!r} must have shape {spec.frame_shape(h, w)}, got {arr.shape}")
            check_buffer_values(name, arr, where)
        for name, tail in CAMERA_ARRAYS.items():
            value = np.asarray(getattr(frame, name), dtype=np.float64)
            if value.shape != tail:
                raise ShardError(f"{where}: camera {name!r} must have shape {tail}, got {value.shape}")
            if not np.all(np.isfinite(value)):
                raise ShardError(f"{where}: camera {name!r} is not finite")

    # -- finish -------------------------------------------------------------------------------
    def close(self) -> Path:
        """Finish the shard: record the frame count, flush, fsync and rename to the final path."""
        if self._file is None:
            return self.path
        if self.num_frames == 0:
            self.abort()
            raise ShardError(f"{self.path}: no frames were written; nothing to commit")
        self._file.attrs["num_frames"] = self.num_frames
        self._file.flush()
        self._file.close()
        self._file = None
        self._stop_pool()
        commit_partial(self._partial, self.path)
        return self.path

    def _stop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def abort(self) -> None:
        """Close and delete the partial file; the final path is left untouched."""
        self._stop_pool()
        if self._file is not None:
            try:
                self._file.close()
            finally:
                self._file = None
        if self._partial.exists():
            self._partial.unlink()

    def __enter__(self) -> "ShardWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_clip(path: str | os.PathLike, frames: Iterable[FrameSet], **writer_kwargs: Any) -> Path:
    """Write every frame set of ``frames`` (an iterable, consumed lazily) to one shard at ``path``."""
    with ShardWriter(path, **writer_kwargs) as writer:
        for frame_set in frames:
            writer.write_frame(frame_set)
    return Path(path)
