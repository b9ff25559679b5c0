"""Export shards to plain folders of PNG / NPY frames plus camera JSON (layout: :mod:`gameir.interop.layout`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Sequence

from gameir.version import __version__
from gameir.fileio import atomic_write_json
from gameir.interop.layout import BUFFER_FILES, buffer_dir, encode_buffer, frame_name, view_clip_name
from gameir.interop.staging import StagedFiles
from gameir.interop.target import require_empty_target
from gameir.shards.manifest import MANIFEST_NAME, load_manifest, manifest_shards
from gameir.shards.reader import ShardReader

__all__ = ["EXPORT_NAME", "export_folders", "export_shard_folders", "shard_paths", "cameras_json"]

EXPORT_NAME = "export.json"


def shard_paths(source: str | os.PathLike, split: str | None = None) -> list[Path]:
    """The shards to export: ``source`` itself if it is a shard, else the manifest's (``split``, or all)."""
    source = Path(source)
    if source.is_file() and source.name != MANIFEST_NAME:
        return [source]
    root = source if source.is_dir() else source.parent
    return [root / e["path"] for e in manifest_shards(load_manifest(root), split)]


def cameras_json(reader: ShardReader, view: int | None) -> dict[str, Any]:
    """Everything but pixels of one clip (one view of a multi-view clip), as JSON-ready lists.

    Returns:
        ``{"clip_id", "split", "kind", "view", "num_views", "scene", "render", "conventions",
        "frame_index": [F], "time_s": [F], "levels": {level: {"height", "width", "K": [F][3][3],
        "c2w": [F][4][4], "jitter_px": [F][2]}}}``; K in pixels (pixel-corner), c2w OpenGL axes, metres.
    """
    levels = {}
    for level in reader.levels:
        cams = reader.cameras(level)
        h, w = reader.shape_hw(level)
        levels[level] = {"height": h, "width": w,
                         **{k: (v if view is None else v[:, view]).tolist() for k, v in cams.items()}}
    return {
        "clip_id": reader.clip_id, "split": reader.split, "kind": reader.kind, "view": view,
        "num_views": reader.num_views, "scene": reader.scene, "render": reader.render_settings,
        "conventions": reader.meta.get("conventions", {}),
        "frame_index": reader.frame_indices().tolist(), "time_s": reader.times().tolist(),
        "levels": levels,
    }


def export_shard_folders(shard: str | os.PathLike, out: str | os.PathLike, *, buffers: Sequence[str] | None = None,
                         on_frame: Callable[[], None] | None = None) -> int:
    """Write one shard's frames into the folder layout under ``out``; return frames written (x views).

    Args:
        shard: a shard file.
        out: export root (created).
        buffers: buffers to write (default: all the shard has); rgb goes to ``LR/``, ``HR/``.
        on_frame: called after each frame (and view), e.g. to advance a progress bar.
    """
    out = Path(out)
    with ShardReader(shard) as reader, StagedFiles() as files:
        names = reader.buffers if buffers is None else list(buffers)
        for name in names:
            if name not in reader.buffers:
                raise ValueError(f"{shard}: no buffer {name!r}; buffers: {', '.join(reader.buffers)}")
        frame_index = reader.frame_indices()
        views: list[int | None] = list(range(reader.num_views)) if reader.num_views else [None]
        count = 0
        for view in views:
            clip = view_clip_name(reader.clip_id, view)
            for f in range(reader.num_frames):
                for level in reader.levels:
                    for name in names:
                        files.submit(out / buffer_dir(level, name) / clip / frame_name(frame_index[f], name),
                                     encode_buffer, name, reader.read(name, level, f, view=view))
                count += 1
                if on_frame is not None:
                    on_frame()
            files.commit()  # frames before their cameras file: a cameras file means the clip is complete
            atomic_write_json(out / "cameras" / f"{clip}.json", cameras_json(reader, view))
    return count


def export_folders(source: str | os.PathLike, out: str | os.PathLike, *, split: str | None = None,
                   buffers: Sequence[str] | None = None, quiet: bool = True) -> dict[str, Any]:
    """Export a dataset root (or one shard) to folders; ``out/export.json`` is written last.

    Args:
        source: dataset root with ``manifest.json``, or a single shard file.
        out: export root; must not exist or be empty.
        split: only this split of a dataset root (default: every split).
        buffers: buffers to export (default: all of each shard's).
        quiet: no progress bar.

    Returns:
        The ``export.json`` content: source, clips, frames, buffer encodings.
    """
    shards = shard_paths(source, split)
    if not shards:
        raise ValueError(f"{source}: no shards to export" + (f" in split {split!r}" if split else ""))
    require_empty_target(out)
    total = 0
    for shard in shards:
        with ShardReader(shard) as reader:
            total += reader.num_frames * max(1, reader.num_views)
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="frame", desc="export folders", dynamic_ncols=True)
    frames, clips = 0, []
    try:
        for shard in shards:
            frames += export_shard_folders(shard, out, buffers=buffers, on_frame=bar.update if bar else None)
            clips.append(Path(shard).stem)
    finally:
        if bar is not None:
            bar.close()
    summary = {
        "format": "gameir-folders", "format_version": 1, "generator": f"gameir {__version__}",
        "source": os.fspath(source), "split": split, "clips": clips, "frames": frames,
        "encodings": {name: BUFFER_FILES[name] for name in BUFFER_FILES},
        "notes": "depth .npy float32 metres (+inf = no geometry); normal/motion/hdr .npy float16; "
                 "semantic 8-bit PNG; instance 16-bit PNG; rgb/basecolor/material 8-bit RGB PNG",
    }
    atomic_write_json(Path(out) / EXPORT_NAME, summary)
    return summary

