"""Export SR shards in the published GameIR release layout: one uncompressed tar per clip.

Members follow docs/DISTRIBUTION.md (``GameIR-SR/<scene>/<spawn>/<720p|1440p>/<frame:08d>.<rgb|depth|seg>.png``,
CARLA 24-bit depth, semantic tags in R), written by :func:`gameir.formats.write_release_tar`; frame
numbers are the shards' own (``frame_id``), so a release imported and exported again keeps them.
Tools written for the release can then be run on rendered data, and `gameir import gameir-release`
reads the tars back.
"""

from __future__ import annotations

import os
from typing import Any

from gameir.formats.release_writer import release_frames, write_release_tar
from gameir.formats.shard_source import ShardSource
from gameir.interop.export_folders import shard_paths
from gameir.interop.target import require_empty_target

__all__ = ["export_release"]


def export_release(source: str | os.PathLike, out: str | os.PathLike, *, split: str | None = None) -> dict[str, Any]:
    """Write every SR clip of ``source`` (a dataset root, or one shard) as ``out/GameIR-SR-<clip>.tar``.

    Args:
        source: dataset root with ``manifest.json`` (``split``, or every split) or one shard file.
        out: a new or empty folder.
        split: only this split of a dataset root.

    Returns:
        ``{"tars": [file names], "frames": frames per level written}``.

    Raises:
        ValueError: a clip is not an SR clip with ``lr`` and ``hr`` levels and rgb + depth buffers
            (the message names the shard); FileExistsError: ``out`` exists and is not empty.
    """
    out = require_empty_target(out)
    paths = shard_paths(source, split)
    if not paths:
        raise ValueError(f"{source}: no shards to export" + (f" in split {split!r}" if split else ""))
    src = ShardSource.from_paths(paths)
    tars, frames = [], 0
    for clip, info in enumerate(src.clips):
        if info.num_views or info.kind != "sr":
            raise ValueError(f"{info.location}: a multi-view clip ({info.num_views} views, kind {info.kind!r}); the "
                             "release layout holds SR clips (720p/1440p) only")
        out.mkdir(parents=True, exist_ok=True)
        name = f"GameIR-SR-{info.clip_id.replace('/', '_')}.tar"
        write_release_tar(out / name, release_frames(src, clip))
        tars.append(name)
        frames += info.num_frames
    return {"tars": tars, "frames": frames}
