"""What a disk-format parser hands to the datasets: clip descriptions and a per-process handle cache.

A *source* (:class:`DataSource`) is a list of clips (:class:`ClipInfo`) plus two reads: a pixel
window of one buffer of one frame, and the camera of one frame. :mod:`gameir.data` builds every
sample from these two calls, so any format that implements them (HDF5 shards, the GameIR release
tar layout) serves the same datasets.

Sources hold open files only in a :class:`HandleCache`: opened lazily in the process that reads,
bounded in number (least recently used handles are closed), dropped on pickling and after a fork,
so a source can be handed to ``DataLoader`` workers under both ``fork`` and ``spawn``.
"""

from __future__ import annotations

import os
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Hashable, TypeVar

import numpy as np

from gameir.deprecation import renamed_argument

__all__ = ["ClipInfo", "DataSource", "HandleCache", "DEFAULT_MAX_OPEN"]

#: Default bound on files a source keeps open per process.
DEFAULT_MAX_OPEN = 32

H = TypeVar("H")


@dataclass(frozen=True, init=False)
class ClipInfo:
    """One clip (one camera path, or one multi-view rig) as a source describes it.

    Attributes:
        clip_id: identifier, unique within the source.
        split: split the clip belongs to (``""`` when unknown).
        kind: ``"sr"`` (single view) or ``"nvs"`` (multi-view).
        num_frames: frames in the clip.
        num_views: views per frame (0 for ``"sr"``).
        shapes_hw: level name -> (height, width) in pixels, e.g. ``{"lr": (720, 960), "hr": (1440, 1920)}``
            (``sizes`` is its former name, still accepted and readable with a DeprecationWarning).
        buffers: buffer names available at every level (see :mod:`gameir.buffers`).
        scene: scene description (family, seed, weather, ...) as stored by the producer.
        location: file or folder the clip lives in, for messages.
    """

    clip_id: str
    split: str
    kind: str
    num_frames: int
    num_views: int
    shapes_hw: dict[str, tuple[int, int]]
    buffers: tuple[str, ...]
    scene: dict[str, Any] = field(default_factory=dict)
    location: str = ""

    def __init__(self, clip_id: str, split: str, kind: str, num_frames: int, num_views: int,
                 shapes_hw: dict[str, tuple[int, int]] | None = None, buffers: tuple[str, ...] | None = None,
                 scene: dict[str, Any] | None = None, location: str = "", *,
                 sizes: dict[str, tuple[int, int]] | None = None) -> None:
        shapes_hw = renamed_argument(shapes_hw, sizes, where="ClipInfo", new_name="shapes_hw", old_name="sizes",
                                     meaning="level name -> (height, width)")
        if shapes_hw is None or buffers is None:
            raise TypeError(f"ClipInfo: missing argument {'shapes_hw' if shapes_hw is None else 'buffers'}")
        for name, value in (("clip_id", clip_id), ("split", split), ("kind", kind), ("num_frames", num_frames),
                            ("num_views", num_views), ("shapes_hw", shapes_hw), ("buffers", buffers),
                            ("scene", {} if scene is None else scene), ("location", location)):
            object.__setattr__(self, name, value)

    @property
    def sizes(self) -> dict[str, tuple[int, int]]:
        """Former name of :attr:`shapes_hw`; deprecated."""
        warnings.warn("ClipInfo.sizes is now ClipInfo.shapes_hw", DeprecationWarning, stacklevel=2)
        return self.shapes_hw


class DataSource:
    """Base class of sources: ``clips`` plus :meth:`read` and :meth:`camera`.

    Subclasses fill ``self.clips`` in ``__init__`` (without reading pixel data) and implement the
    two reads. Instances must be picklable without open handles (use :class:`HandleCache`).

    Attributes:
        clips: the clips, in index order.
        origin: the file that describes the clips (e.g. a ``manifest.json``), for messages; ``""``.
        split_names: every split the origin declares, also empty ones, in its order; ``None`` when
            splits are only known from the clips.
    """

    clips: list[ClipInfo]
    origin: str = ""
    split_names: tuple[str, ...] | None = None

    def read(self, clip: int, buffer: str, level: str, frame: int, *, view: int | None = None,
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> np.ndarray:
        """One buffer of one frame (and view), or only the window ``rows`` x ``cols``.

        Args:
            clip: index into ``clips``.
            buffer: buffer name.
            level: level name (``"lr"``, ``"hr"``, ...).
            frame: frame index within the clip.
            view: view index (multi-view clips only).
            rows: half-open row range in pixels, ``None`` for all.
            cols: half-open column range in pixels, ``None`` for all.

        Returns:
            ``(h, w)`` or ``(h, w, C)`` array in the buffer's dtype per :mod:`gameir.buffers`.
        """
        raise NotImplementedError

    def camera(self, clip: int, level: str, frame: int, view: int | None = None) -> dict[str, np.ndarray] | None:
        """``{"K": (3, 3), "c2w": (4, 4)}`` float64 of one frame at ``level``, or ``None`` if the format has none."""
        raise NotImplementedError

    def frame_id(self, clip: int, frame: int) -> int:
        """Number of frame index ``frame`` in the producer's own numbering (default: ``frame``).

        The release layout's 8-digit frame number, a shard's ``frame_index``; datasets return it
        as ``item["frame_id"]`` beside the position ``item["frame"]``.
        """
        return int(frame)

    def close(self) -> None:
        """Close every handle this process holds (they reopen on next use)."""

    @property
    def splits(self) -> dict[str, int]:
        """Split name -> number of clips."""
        out: dict[str, int] = {}
        for c in self.clips:
            out[c.split] = out.get(c.split, 0) + 1
        return out


class HandleCache(Generic[H]):
    """A bounded, per-process LRU of open handles.

    Handles are opened by ``opener(key)`` on first use in the current process, at most
    ``max_open`` stay open (the least recently used is closed with ``closer``), and none survive
    pickling or a fork: after either, the cache starts empty and reopens what it needs.

    Args:
        opener: ``key -> handle``.
        closer: ``handle -> None``.
        max_open: bound on open handles (>= 1).
    """

    def __init__(self, opener: Callable[[Any], H], closer: Callable[[H], None], max_open: int = DEFAULT_MAX_OPEN) -> None:
        if max_open < 1:
            raise ValueError(f"max_open must be >= 1, got {max_open}")
        self._opener = opener
        self._closer = closer
        self.max_open = int(max_open)
        self._handles: OrderedDict[Hashable, H] = OrderedDict()
        self._pid = os.getpid()
        self.opened = 0  # handles opened by this process (for tests and benchmarks)

    def get(self, key: Hashable) -> H:
        """The open handle for ``key``, opening it (and evicting the oldest) if needed."""
        if self._pid != os.getpid():  # forked: the inherited handles belong to the parent
            self._handles = OrderedDict()
            self._pid = os.getpid()
            self.opened = 0
        handle = self._handles.get(key)
        if handle is not None:
            self._handles.move_to_end(key)
            return handle
        handle = self._opener(key)
        self.opened += 1
        self._handles[key] = handle
        while len(self._handles) > self.max_open:
            _, old = self._handles.popitem(last=False)
            self._closer(old)
        return handle

    def __len__(self) -> int:
        return len(self._handles) if self._pid == os.getpid() else 0

    def close(self) -> None:
        """Close every handle opened by this process."""
        if self._pid == os.getpid():
            while self._handles:
                _, handle = self._handles.popitem()
                self._closer(handle)
        self._handles = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_handles"] = OrderedDict()
        state["opened"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._pid = os.getpid()
