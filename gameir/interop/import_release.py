"""Convert the GameIR release layout (tar shards or extracted folders) into GameIR shards + manifest.

Reading is :class:`gameir.formats.release.ReleaseSource`'s job (member index, PNG decode, CARLA
24-bit depth to metres with the far-plane code as +inf); this module only writes what it reads:
one shard per ``<scene>/<spawn>`` video at ``<to>/<split>/<scene>/<spawn>.h5`` with levels
``lr`` (720p) and ``hr`` (1440p) and buffers ``rgb``, ``depth`` and, where the clip has ``seg``
members, ``semantic`` (CARLA tags mapped to GameIR ids). Release tars may be URLs: their members
are read by range requests, without downloading the tars first.

The release stores no cameras, so ``K`` is stored as zeros, ``c2w`` as the identity and
``time_s`` as the frame's position in the clip; the scene attribute says ``"cameras": "unknown"``
and the per-frame ``frame_index`` keeps the release's 8-digit frame number (``item["frame_id"]``
of the datasets reading the shard).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gameir.formats.release import ReleaseSource
from gameir.frame import Frame
from gameir.shards.format import DEFAULT_CODEC, SHARD_SUFFIX, Codec
from gameir.shards.manifest import rebuild_manifest
from gameir.shards.writer import ShardWriter

__all__ = ["import_release"]

_SPLIT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$")  # a scene or spawn folder name


def import_release(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    to: str | os.PathLike,
    *,
    split: str = "train",
    far_as_inf: bool = True,
    codec: Codec = DEFAULT_CODEC,
    retries: int = 5,
    quiet: bool = True,
) -> dict[str, Any]:
    """Write one shard per release clip under ``to/<split>/`` and rebuild ``to/manifest.json``.

    Args:
        paths: release ``.tar`` shards (paths or URLs) and/or folders (searched for tars and loose members).
        to: dataset root to create or extend.
        split: split of every imported clip.
        far_as_inf: store CARLA's far-plane depth code as +inf (sky), GameIR's "no geometry".
        codec: compression of the shards.
        retries: retries of one range request to a tar URL after a transient error.
        quiet: no progress bar.

    Returns:
        The manifest written. Shards already present are kept, so an interrupted import resumes.
    """
    if not _SPLIT_RE.match(split):
        raise ValueError(f"split must match {_SPLIT_RE.pattern}, got {split!r}")
    to = Path(to)
    if retries < 0:
        raise ValueError(f"retries must be >= 0, got {retries}")
    source = ReleaseSource(paths, split=split, far_as_inf=far_as_inf, retries=retries)
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=sum(c.num_frames for c in source.clips), unit="frame", desc="import release",
                   dynamic_ncols=True)
    try:
        for clip, info in enumerate(source.clips):
            parts = info.clip_id.split("/")  # "<scene>/<spawn>"
            if len(parts) != 2 or not all(_NAME_RE.match(p) for p in parts):
                raise ValueError(f"{info.location}: clip {info.clip_id!r}: scene and spawn names must match "
                                 f"{_NAME_RE.pattern} to become file names")
            out = to / split / parts[0] / f"{parts[1]}{SHARD_SUFFIX}"
            if out.exists():  # committed whole by an earlier run
                if bar is not None:
                    bar.update(info.num_frames)
                continue
            scene = {**info.scene, "cameras": "unknown"}
            render = {"source": "gameir-release", "depth": "CARLA 24-bit RGB, far plane "
                      + ("stored as +inf" if far_as_inf else "kept as 1000 m"),
                      "scale": info.shapes_hw["hr"][0] / info.shapes_hw["lr"][0]}
            if "semantic" in info.buffers:
                render["semantic"] = "CARLA 0.9.14+ tags from the R channel of <frame>.seg.png"
            with ShardWriter(out, shapes_hw=info.shapes_hw, buffers=info.buffers, clip_id=info.clip_id, split=split,
                             scene=scene, render=render, codec=codec) as writer:
                for f in range(info.num_frames):
                    frames = {level: Frame(buffers={b: source.read(clip, b, level, f) for b in info.buffers},
                                           K=np.zeros((3, 3)), c2w=np.eye(4), time_s=float(f))
                              for level in info.shapes_hw}
                    writer.write_frame(frames, frame_index=source.frame_id(clip, f))
                    if bar is not None:
                        bar.update(1)
    finally:
        source.close()
        if bar is not None:
            bar.close()
    return rebuild_manifest(to)
