"""Write frames in the GameIR release layout: one uncompressed tar shard, or an extracted folder.

Used by tests to generate release-style data and by exports: every frame becomes two or three PNG
members, ``<frame>.rgb.png`` (8-bit RGB), ``<frame>.depth.png`` (CARLA 24-bit depth) and, where
the frame has a semantic buffer, ``<frame>.seg.png`` (CARLA tag in R, G = B = 0), under
``GameIR-SR/<scene>/<spawn>/<720p|1440p>/``.
"""

from __future__ import annotations

import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from gameir.fileio import atomic_write_bytes, atomic_writer
from gameir.png import encode_png
from gameir.formats.carla import encode_carla_depth, encode_carla_semantic
from gameir.formats.release import RELEASE_LEVELS, release_member
from gameir.formats.source import DataSource

__all__ = ["ReleaseFrame", "encode_release_frame", "write_release_tar", "write_release_folder", "release_frames"]


@dataclass
class ReleaseFrame:
    """One frame of one clip at one resolution.

    Attributes:
        scene: scene name (``<scene>`` folder).
        spawn: spawn / video name (``<spawn>`` folder).
        frame: frame number (written with 8 digits).
        resolution: ``"720p"`` or ``"1440p"``.
        rgb: (H, W, 3) uint8 sRGB.
        depth: (H, W) float metres along the optical axis, +inf for sky.
        semantic: (H, W) uint8 GameIR ids (written as CARLA tags), or ``None`` for no ``seg`` member.
    """

    scene: str
    spawn: str
    frame: int
    resolution: str
    rgb: np.ndarray
    depth: np.ndarray
    semantic: np.ndarray | None = None


def _png(image: np.ndarray, where: str) -> bytes:
    return encode_png(image, compression=1, where=where)


def encode_release_frame(frame: ReleaseFrame) -> list[tuple[str, bytes]]:
    """The ``(member name, PNG bytes)`` of ``frame``: rgb, depth, then seg if it has a semantic buffer."""
    rgb = np.asarray(frame.rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"{frame.scene}/{frame.spawn} frame {frame.frame}: rgb must be (H, W, 3) uint8, got {rgb.shape} {rgb.dtype}")
    if np.shape(frame.depth) != rgb.shape[:2]:
        raise ValueError(f"{frame.scene}/{frame.spawn} frame {frame.frame}: depth shape {np.shape(frame.depth)} "
                         f"differs from rgb {rgb.shape[:2]}")
    images = [("rgb", rgb), ("depth", encode_carla_depth(frame.depth))]
    if frame.semantic is not None:
        if np.shape(frame.semantic) != rgb.shape[:2]:
            raise ValueError(f"{frame.scene}/{frame.spawn} frame {frame.frame}: semantic shape {np.shape(frame.semantic)} "
                             f"differs from rgb {rgb.shape[:2]}")
        images.append(("seg", encode_carla_semantic(frame.semantic)))
    out = []
    for kind, image in images:
        name = release_member(frame.scene, frame.spawn, frame.resolution, frame.frame, kind)
        out.append((name, _png(image, name)))
    return out


def write_release_tar(path: str | os.PathLike, frames: Iterable[ReleaseFrame]) -> Path:
    """Write ``frames`` into one uncompressed tar shard at ``path`` (atomically); return the path."""
    path = Path(path)
    count = 0
    with atomic_writer(path, "wb") as fh, tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for frame in frames:
            for name, data in encode_release_frame(frame):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = 0
                info.mode = 0o644
                tf.addfile(info, io.BytesIO(data))
            count += 1
        if count == 0:
            raise ValueError(f"{path}: no frames to write")
    return path


def write_release_folder(root: str | os.PathLike, frames: Iterable[ReleaseFrame]) -> Path:
    """Write ``frames`` as loose PNG files under ``root/GameIR-SR/...`` (each atomically); return ``root``."""
    root = Path(root)
    for frame in frames:
        for name, data in encode_release_frame(frame):
            atomic_write_bytes(root / name, data)
    return root


def release_frames(source: DataSource, clip: int, *, scene: str | None = None, spawn: str | None = None) -> Iterator[ReleaseFrame]:
    """Every frame of an SR clip of ``source`` (levels ``lr`` and ``hr``; rgb, depth, semantic if present) as release frames.

    Args:
        source: any data source with levels ``"lr"`` and ``"hr"`` and buffers rgb and depth.
        clip: clip index.
        scene: ``<scene>`` name; default the clip's scene family.
        spawn: ``<spawn>`` name; default the clip id with ``/`` replaced by ``_``.
    """
    info = source.clips[clip]
    for need in ("rgb", "depth"):
        if need not in info.buffers:
            raise ValueError(f"{info.location}: clip {info.clip_id} has no buffer {need!r}; buffers: {', '.join(info.buffers)}")
    scene = scene or str(info.scene.get("family", "scene"))
    spawn = spawn or info.clip_id.replace("/", "_")
    for f in range(info.num_frames):
        for resolution, level in RELEASE_LEVELS.items():
            if level not in info.shapes_hw:
                raise ValueError(f"{info.location}: clip {info.clip_id} has no level {level!r}; levels: {', '.join(info.shapes_hw)}")
            semantic = source.read(clip, "semantic", level, f) if "semantic" in info.buffers else None
            yield ReleaseFrame(scene, spawn, source.frame_id(clip, f), resolution, source.read(clip, "rgb", level, f),
                               source.read(clip, "depth", level, f), semantic)
