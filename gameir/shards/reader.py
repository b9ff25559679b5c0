"""Read a shard lazily: metadata, whole frames, single buffers or pixel windows (crops).

A :class:`ShardReader` opens its HDF5 file on first use and reopens it in a new process, so it can
be pickled into DataLoader workers (the handle itself is never pickled).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import warnings
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from gameir.frame import Frame
from gameir.shards.format import CAMERA_ARRAYS, FORMAT_NAME, FORMAT_VERSION, ShardError, read_failure

__all__ = ["ShardReader", "read_checked", "describe_read"]


def read_checked(path: str | os.PathLike, ds: h5py.Dataset, index: Any, what: str, *,
                 suggest_verify: bool = True) -> np.ndarray:
    """``ds[index]``, turning h5py's bare decode errors into a :class:`ShardReadError` naming ``what``.

    Args:
        path: the shard file, for the message.
        ds: an open dataset of that file.
        index: what to read (anything h5py accepts).
        what: the place in words, e.g. ``"buffer 'rgb' level 'hr' frame 3"``.
        suggest_verify: the message ends with the ``gameir verify`` command (see :func:`read_failure`).

    Raises:
        ShardReadError: a chunk failed to decode or its checksum did not match.
        ImportError: the dataset's compression filter is not available in this process (a plugin
            codec such as blosc2 without ``import hdf5plugin``): the file is fine, the reader is not.
    """
    try:
        return ds[index]
    except (OSError, RuntimeError) as exc:  # h5py: "Can't synchronously read data (filter returned failure ...)"
        missing = _missing_filters(ds)
        if missing:
            raise ImportError(f"{path}: {what} is compressed with HDF5 filter(s) {', '.join(missing)}, which this "
                              "Python cannot decode; `pip install hdf5plugin` (GameIR imports it when installed) "
                              "and read again: the file itself is not at fault") from exc
        raise read_failure(path, what, exc, suggest_verify=suggest_verify) from exc


@functools.lru_cache(maxsize=1)
def register_plugin_codecs() -> bool:
    """Import ``hdf5plugin`` when it is installed, so shards written with its codecs (``lz4``, ``zstd``, ``blosc2-*``)
    read without the user importing it first; True if it was. Without it this is one module lookup."""
    if importlib.util.find_spec("hdf5plugin") is None:
        return False
    try:
        import hdf5plugin  # noqa: F401  (registers its filters with HDF5)
    except ImportError:  # installed but broken: reads of its codecs name the missing filter
        return False
    return True


def _missing_filters(ds: Any) -> list[str]:
    """Names (or ids) of the dataset's HDF5 filters that are not registered in this process."""
    try:
        plist = ds.id.get_create_plist()
        filters = [plist.get_filter(i) for i in range(plist.get_nfilters())]
    except Exception:  # pragma: no cover - an unreadable property list: report as corruption
        return []
    return [f"{name.decode(errors='replace') or code} ({code})" for code, _, _, name in filters
            if not h5py.h5z.filter_avail(code)]


def describe_read(buffer: str, level: str, frame: int, view: int | None = None,
                  rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> str:
    """``"buffer 'rgb' level 'hr' frame 3 view 1 rows 0..64 cols 32..96"`` (view, rows, cols when given)."""
    text = f"buffer {buffer!r} level {level!r} frame {frame}"
    if view is not None:
        text += f" view {view}"
    if rows is not None:
        text += f" rows {rows[0]}..{rows[1]}"
    if cols is not None:
        text += f" cols {cols[0]}..{cols[1]}"
    return text


class ShardReader:
    """Lazy, process-safe reader of one shard.

    Args:
        path: shard file (``*.h5``).
        rdcc_nbytes: HDF5 chunk-cache size per dataset, bytes.

    Example:
        >>> r = ShardReader("train/clip-000.h5")                     # doctest: +SKIP
        >>> r.read("rgb", "hr", frame=3, rows=(0, 256), cols=(64, 320)).shape  # doctest: +SKIP
        (256, 256, 3)
    """

    def __init__(self, path: str | os.PathLike, *, rdcc_nbytes: int = 4 << 20) -> None:
        self.path = Path(path)
        self._rdcc_nbytes = rdcc_nbytes
        self._file: h5py.File | None = None
        self._pid: int | None = None
        self._meta: dict[str, Any] | None = None

    # -- handle management ----------------------------------------------------------------------
    @property
    def file(self) -> h5py.File:
        """The open ``h5py.File`` (opened on first use, reopened after a fork)."""
        if self._file is None or self._pid != os.getpid():
            if not self.path.exists():
                raise FileNotFoundError(f"{self.path}: no such shard")
            try:
                register_plugin_codecs()
                self._file = h5py.File(self.path, "r", rdcc_nbytes=self._rdcc_nbytes)
            except OSError as exc:
                raise ShardError(f"{self.path}: not a readable HDF5 file ({exc})") from exc
            self._pid = os.getpid()
            fmt = self._file.attrs.get("format")
            if fmt != FORMAT_NAME:
                raise ShardError(f"{self.path}: not a GameIR shard (format attribute {fmt!r}, expected {FORMAT_NAME!r})")
            version = int(self._file.attrs.get("format_version", -1))
            if version > FORMAT_VERSION:
                raise ShardError(f"{self.path}: format version {version} is newer than this gameir reads "
                                 f"({FORMAT_VERSION}); upgrade gameir")
        return self._file

    def close(self) -> None:
        """Close the HDF5 handle (it reopens on next use)."""
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        self._file = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_file"] = None
        state["_pid"] = None
        return state

    def __enter__(self) -> "ShardReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ShardReader({str(self.path)!r})"

    # -- metadata ---------------------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        """Root attributes, JSON fields decoded (scene, render, conventions, levels, buffers)."""
        if self._meta is None:
            attrs = self.file.attrs
            meta: dict[str, Any] = {}
            for key, value in attrs.items():
                if isinstance(value, bytes):
                    value = value.decode()
                if isinstance(value, np.generic):
                    value = value.item()
                if key in ("scene", "render", "conventions", "levels", "buffers"):
                    value = json.loads(value)
                meta[key] = value
            self._meta = meta
        return self._meta

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def clip_id(self) -> str:
        return self.meta["clip_id"]

    @property
    def split(self) -> str:
        return self.meta.get("split", "")

    @property
    def num_frames(self) -> int:
        return int(self.meta["num_frames"])

    @property
    def num_views(self) -> int:
        """Views per frame; 0 for single-view (``"sr"``) shards."""
        return int(self.meta["num_views"])

    @property
    def levels(self) -> list[str]:
        return list(self.meta["levels"])

    @property
    def buffers(self) -> list[str]:
        return list(self.meta["buffers"])

    @property
    def scene(self) -> dict[str, Any]:
        return self.meta["scene"]

    @property
    def render_settings(self) -> dict[str, Any]:
        return self.meta["render"]

    def shape_hw(self, level: str) -> tuple[int, int]:
        """(height, width) of ``level`` in pixels."""
        group = self._level(level)
        return int(group.attrs["height"]), int(group.attrs["width"])

    def size(self, level: str) -> tuple[int, int]:
        """Former name of :meth:`shape_hw` ((height, width) of ``level``); deprecated."""
        warnings.warn("ShardReader.size(level) is now ShardReader.shape_hw(level)", DeprecationWarning, stacklevel=2)
        return self.shape_hw(level)

    def times(self) -> np.ndarray:
        """(F,) float64 scene time of each frame, seconds."""
        return read_checked(self.path, self.file["time_s"], slice(None), "dataset 'time_s'")

    def frame_indices(self) -> np.ndarray:
        """(F,) int64 frame number of each frame within the source clip."""
        return read_checked(self.path, self.file["frame_index"], slice(None), "dataset 'frame_index'")

    # -- data ---------------------------------------------------------------------------------------
    def _level(self, level: str) -> h5py.Group:
        if level not in self.levels:
            raise ValueError(f"{self.path}: no level {level!r}; levels: {', '.join(self.levels)}")
        return self.file[level]

    def _index(self, frame: int, view: int | None) -> tuple[int, ...]:
        if not 0 <= frame < self.num_frames:
            raise IndexError(f"{self.path}: frame {frame} out of range 0..{self.num_frames - 1}")
        if self.num_views:
            if view is None or not 0 <= view < self.num_views:
                raise IndexError(f"{self.path}: view must be in 0..{self.num_views - 1}, got {view}")
            return (frame, view)
        if view not in (None, 0):
            raise IndexError(f"{self.path}: single-view shard has no view {view}")
        return (frame,)

    def read(
        self,
        buffer: str,
        level: str,
        frame: int,
        *,
        view: int | None = None,
        rows: tuple[int, int] | None = None,
        cols: tuple[int, int] | None = None,
    ) -> np.ndarray:
        """Read one buffer of one frame, or only the pixel window ``rows`` x ``cols``.

        Args:
            buffer: buffer name (see :mod:`gameir.buffers`).
            level: resolution level, e.g. ``"lr"`` or ``"hr"``.
            frame: frame index within the clip.
            view: view index (multi-view shards only).
            rows: half-open row range ``(start, stop)`` in pixels; ``None`` for all rows.
            cols: half-open column range ``(start, stop)`` in pixels; ``None`` for all columns.

        Returns:
            ``(h, w)`` or ``(h, w, C)`` array in the buffer's stored dtype; only the chunks that the
            window touches are read and decompressed.

        Raises:
            ShardReadError: (an ``OSError``) a chunk of the window does not decode; the message names
                the file, buffer, level, frame and window.
        """
        group = self._level(level)
        if buffer not in group:
            raise ValueError(f"{self.path}: no buffer {buffer!r} at level {level!r}; buffers: {', '.join(self.buffers)}")
        h, w = self.shape_hw(level)
        r0, r1 = _window(rows, h, "rows", self.path)
        c0, c1 = _window(cols, w, "cols", self.path)
        index = self._index(frame, view) + (slice(r0, r1), slice(c0, c1))
        what = describe_read(buffer, level, frame, view, None if rows is None else (r0, r1), None if cols is None else (c0, c1))
        return read_checked(self.path, group[buffer], index, what)

    def camera(self, level: str, frame: int, view: int | None = None) -> dict[str, np.ndarray]:
        """``{"K": (3,3), "c2w": (4,4), "jitter_px": (2,)}`` float64 of one frame (and view).

        Raises:
            ShardReadError: a camera chunk fails its checksum; the message names file, level, array, frame.
        """
        cam = self._level(level)["camera"]
        idx = self._index(frame, view)
        where = f" frame {frame}" + ("" if view is None else f" view {view}")
        return {name: read_checked(self.path, cam[name], idx, f"camera {name!r} level {level!r}{where}")
                for name in CAMERA_ARRAYS}

    def cameras(self, level: str) -> dict[str, np.ndarray]:
        """Every frame's camera arrays at ``level``: ``K`` (F,[V,]3,3), ``c2w`` (F,[V,]4,4), ``jitter_px``."""
        cam = self._level(level)["camera"]
        return {name: read_checked(self.path, cam[name], slice(None), f"camera {name!r} level {level!r}")
                for name in CAMERA_ARRAYS}

    def frame_stats(self, level: str) -> dict[str, np.ndarray]:
        """Every frame's render values at ``level`` (``<level>/frame_stats``: e.g. ``exposure``,
        ``taa_history_frames``, ``taa_rejected_fraction``), (F,[V]) float64; {} when none were stored."""
        group = self._level(level).get("frame_stats")
        if group is None:
            return {}
        return {name: read_checked(self.path, group[name], slice(None), f"frame_stats {name!r} level {level!r}")
                for name in group}

    def read_frame(self, level: str, frame: int, *, view: int | None = None, buffers: list[str] | None = None) -> Frame:
        """Read every buffer (or ``buffers``) of one frame at ``level`` as a :class:`~gameir.frame.Frame`."""
        names = self.buffers if buffers is None else list(buffers)
        cam = self.camera(level, frame, view)
        return Frame(
            buffers={name: self.read(name, level, frame, view=view) for name in names},
            K=cam["K"], c2w=cam["c2w"], jitter_px=cam["jitter_px"],
            time_s=float(read_checked(self.path, self.file["time_s"], frame, f"dataset 'time_s' frame {frame}")),
            settings=dict(self.render_settings),
        )


def _window(span: tuple[int, int] | None, size: int, what: str, path: Path) -> tuple[int, int]:
    if span is None:
        return 0, size
    start, stop = int(span[0]), int(span[1])
    if not 0 <= start < stop <= size:
        raise ValueError(f"{path}: {what} window {span} outside 0..{size}")
    return start, stop
