"""`NVSDataset`: synchronised multi-view frames (source and target views) for novel-view synthesis."""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from gameir.data.normalize import DEPTH_MODES, to_tensor
from gameir.data.sources import Root, clip_metadata, fetch_split, open_source, select_clips
from gameir.formats.source import DEFAULT_MAX_OPEN, DataSource

__all__ = ["NVSDataset", "NVS_MODES"]

NVS_MODES = ("rig", "source_images", "target_images")
_NVS_BUFFERS = ("rgb", "depth", "normal", "basecolor", "material", "semantic", "instance", "hdr")


class NVSDataset(Dataset):
    """Multi-view rigs of ``"nvs"`` shards: per scene and frame, source views and held-out target views.

    Args:
        root: dataset root with ``manifest.json``, or a shard / list of shards; ``None`` when
            ``source`` is an object.
        split: split to read (``None``: every clip).
        views: source view indices (``None``: every view not held out).
        holdout_views: target view indices; negative indices count from the last view. ``()``
            holds out none.
        buffers: buffers per view, ``"rgb"`` first; e.g. ``("rgb", "depth")``.
        downscale: integer factor; rgb-like buffers are box-averaged, depth, normals and ids take
            the pixel at ``(s*i + s//2, s*j + s//2)`` (no mixing of surfaces); ``K`` is scaled.
        mode: ``"rig"``: one item per (clip, frame) with ``source`` and ``target`` dicts;
            ``"source_images"`` / ``"target_images"``: one item per (clip, frame, view) image,
            the flat list NeRF-style training iterates.
        level: resolution level to read (``None``: the only level, else ``"hr"``).
        depth_mode: ``"metres"`` (default; sky +inf) or ``"inverse"`` (1/m, sky 0).
        dtype: floating dtype of image tensors.
        source: ``"auto"``, ``"shards"`` or a DataSource object.
        max_open: bound on open files per process.
        download: first fetch ``split`` from ``url`` into ``root`` with :func:`gameir.download`
            (resumable, verified; what is already there and verified is skipped).
        url: dataset base URL or path (``https://``, ``file://``, a folder), for ``download``.

    Item (``mode="rig"``): ``source`` and ``target``, each a dict of ``rgb`` (V, 3, H, W) in
    [0, 1], other buffers (V, C, H, W) (normals world-space), ``K`` (V, 3, 3) pixels and ``c2w``
    (V, 4, 4) OpenGL camera-to-world, float64, and ``view`` (V,) int64; plus ``clip_id``,
    ``frame`` (position in the clip), ``frame_id`` (the shard's ``frame_index``), ``scene_family``, ``weather``, ``split``, ``index``. Image modes return the
    per-view entries without the V axis, and ``view``.
    """

    def __init__(
        self,
        root: Root | None = None,
        split: str | None = None,
        *,
        views: Sequence[int] | None = None,
        holdout_views: Sequence[int] = (-1,),
        buffers: Sequence[str] = ("rgb",),
        downscale: int = 1,
        mode: str = "rig",
        level: str | None = None,
        depth_mode: str = "metres",
        dtype: torch.dtype = torch.float32,
        source: str | DataSource = "auto",
        max_open: int = DEFAULT_MAX_OPEN,
        download: bool = False,
        url: str | os.PathLike | None = None,
    ) -> None:
        if mode not in NVS_MODES:
            raise ValueError(f"mode must be one of {', '.join(NVS_MODES)}, got {mode!r}")
        if depth_mode not in DEPTH_MODES:
            raise ValueError(f"depth_mode must be one of {', '.join(DEPTH_MODES)}, got {depth_mode!r}")
        if int(downscale) < 1:
            raise ValueError(f"downscale must be an integer >= 1, got {downscale}")
        self.buffers = tuple(buffers)
        if not self.buffers or self.buffers[0] != "rgb":
            raise ValueError(f"buffers must start with 'rgb', got {list(self.buffers)}")
        for name in self.buffers:
            if name not in _NVS_BUFFERS:
                raise ValueError(f"unknown buffer {name!r} for NVS; choose from {', '.join(_NVS_BUFFERS)}")
        if download:
            fetch_split(root, split, url)
        self.source, self.split = open_source(root, split, source, max_open=max_open)
        self.clip_indices = select_clips(self.source, self.split, "nvs")
        self.mode, self.downscale, self.depth_mode, self.dtype = mode, int(downscale), depth_mode, dtype
        self.level = level
        self._views: dict[int, tuple[list[int], list[int]]] = {}
        for c in self.clip_indices:
            info = self.source.clips[c]
            lv = self._level(c)
            missing = [b for b in self.buffers if b not in info.buffers]
            if missing:
                raise ValueError(f"buffer {missing[0]!r} is not in clip {info.clip_id} ({info.location}); "
                                 f"available: {', '.join(info.buffers)}")
            h, w = info.shapes_hw[lv]
            if h % self.downscale or w % self.downscale:
                raise ValueError(f"downscale {self.downscale} does not divide clip {info.clip_id}'s {lv} frame {h}x{w}")
            self._views[c] = self._split_views(info.clip_id, info.num_views, views, holdout_views)
        items = []
        for c in self.clip_indices:
            src, tgt = self._views[c]
            for f in range(self.source.clips[c].num_frames):
                if mode == "rig":
                    items.append((c, f, -1))
                else:
                    items.extend((c, f, v) for v in (src if mode == "source_images" else tgt))
        if not items:
            raise ValueError(f"split {self.split!r} has no {mode} items (views {views}, holdout {list(holdout_views)})")
        self._index = np.asarray(items, dtype=np.int64)

    def _level(self, clip: int) -> str:
        shapes_hw = self.source.clips[clip].shapes_hw
        if self.level is not None:
            if self.level not in shapes_hw:
                raise ValueError(f"clip {self.source.clips[clip].clip_id} has no level {self.level!r}; levels: {', '.join(shapes_hw)}")
            return self.level
        if len(shapes_hw) == 1:
            return next(iter(shapes_hw))
        if "hr" in shapes_hw:
            return "hr"
        raise ValueError(f"clip {self.source.clips[clip].clip_id} has levels {', '.join(shapes_hw)}; choose one with level=")

    @staticmethod
    def _split_views(clip_id: str, n: int, views: Sequence[int] | None, holdout: Sequence[int]) -> tuple[list[int], list[int]]:
        def norm(v: int) -> int:
            if not -n <= v < n:
                raise ValueError(f"clip {clip_id} has views 0..{n - 1}, got view {v}")
            return v % n
        held = sorted({norm(v) for v in holdout})
        src = [v for v in range(n) if v not in held] if views is None else [norm(v) for v in views]
        both = sorted(set(src) & set(held))
        if both:
            raise ValueError(f"views {both} are both source and held-out views")
        return src, held

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, index: int) -> dict[str, Any]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} items")
        index = index % len(self)
        clip, frame, view = (int(x) for x in self._index[index])
        info = self.source.clips[clip]
        meta = {**clip_metadata(info), "frame": frame, "frame_id": self.source.frame_id(clip, frame), "index": index}
        if self.mode != "rig":
            return {**self._view(clip, frame, view), **meta}
        src, tgt = self._views[clip]
        return {"source": self._stack(clip, frame, src), "target": self._stack(clip, frame, tgt), **meta}

    def _stack(self, clip: int, frame: int, views: list[int]) -> dict[str, torch.Tensor]:
        per = [self._view(clip, frame, v) for v in views]
        if not per:
            return {"view": torch.zeros(0, dtype=torch.int64)}
        return {k: torch.stack([p[k] for p in per]) for k in per[0]}

    def _view(self, clip: int, frame: int, view: int) -> dict[str, torch.Tensor]:
        level = self._level(clip)
        s = self.downscale
        out: dict[str, torch.Tensor] = {}
        for name in self.buffers:
            array = self.source.read(clip, name, level, frame, view=view)
            if s > 1:
                array = _downscale(name, array, s)
            out[name] = to_tensor(name, array, dtype=self.dtype, depth_mode=self.depth_mode, normal_space="world")
        cam = self.source.camera(clip, level, frame, view)
        if cam is not None:
            K = np.asarray(cam["K"], np.float64).copy()
            K[:2] /= s
            out["K"] = torch.from_numpy(K)
            out["c2w"] = torch.from_numpy(np.asarray(cam["c2w"], np.float64))
        out["view"] = torch.tensor(view, dtype=torch.int64)
        return out

    def close(self) -> None:
        """Close the files this process holds open (they reopen on next use)."""
        self.source.close()

    def __repr__(self) -> str:
        return (f"NVSDataset(split={self.split!r}, mode={self.mode!r}, {len(self)} items from {len(self.clip_indices)} rigs, "
                f"buffers={list(self.buffers)}, downscale={self.downscale}, source={self.source!r})")


def _downscale(name: str, array: np.ndarray, s: int) -> np.ndarray:
    """Box-average colour buffers by ``s``; take the block's (s//2, s//2) pixel of the others."""
    h, w = array.shape[:2]
    if name in ("rgb", "basecolor", "material", "hdr"):
        blocks = array.reshape(h // s, s, w // s, s, *array.shape[2:]).astype(np.float32).mean(axis=(1, 3))
        return np.rint(blocks).astype(array.dtype) if array.dtype == np.uint8 else blocks.astype(array.dtype)
    return np.ascontiguousarray(array[s // 2::s, s // 2::s])

