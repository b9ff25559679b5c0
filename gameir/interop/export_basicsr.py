"""Export rgb LR/HR pairs in the layouts BasicSR's own dataset classes read unchanged (BasicSR 1.4.2).

``layout="paired"`` — for ``basicsr.data.paired_image_dataset.PairedImageDataset``::

    OUT/HR/<clip>_<frame:08d>.png    dataroot_gt; ``paired_paths_from_folder`` lists this folder (not
    OUT/LR/<clip>_<frame:08d>.png    dataroot_lq   its subfolders) and pairs files of the same name
    OUT/meta_info.txt                ``<clip>_<frame:08d>.png (H,W,3)`` per line, HR shape: the
                                     ``meta_info_file`` form (``paired_paths_from_meta_info_file``)

``layout="reds"`` — for ``REDSDataset`` (training) and ``VideoTestDataset`` (testing)::

    OUT/HR/<clip>/<i:08d>.png        i = 0 .. F-1, the frame's position in the clip (both classes
    OUT/LR/<clip>/<i:08d>.png        count frames from 0, whatever the shard's frame_index)
    OUT/meta_info.txt                ``<clip> <F> (H,W,3)`` per clip, HR shape, as meta_info_REDS_GT.txt

``REDSDataset`` draws centre frames from 0..99 (REDS clips have 100 frames), so it needs clips of
at least 100 frames; shorter clips warn. Multi-view clips are written per view as ``<clip>.v<view>``.
``OUT/export.json``, written last, maps every file back to its shard, frame index and view.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from gameir.version import __version__
from gameir.fileio import atomic_write_bytes, atomic_write_json
from gameir.interop.export_folders import shard_paths
from gameir.interop.layout import view_clip_name, write_png_bytes
from gameir.interop.staging import StagedFiles
from gameir.interop.target import require_empty_target
from gameir.shards.reader import ShardReader

__all__ = ["BASICSR_LAYOUTS", "META_INFO_NAME", "REDS_CLIP_FRAMES", "export_basicsr"]

BASICSR_LAYOUTS = ("paired", "reds")
META_INFO_NAME = "meta_info.txt"
REDS_CLIP_FRAMES = 100  # REDSDataset.__getitem__ keeps its centre frame in 0..99


def export_basicsr(source: str | os.PathLike, out: str | os.PathLike, *, layout: str = "paired",
                   split: str | None = None, lq_level: str = "lr", gt_level: str = "hr",
                   quiet: bool = True) -> dict[str, Any]:
    """Write the rgb frames of ``lq_level`` / ``gt_level`` as a BasicSR paired or REDS-style dataset.

    Args:
        source: dataset root with ``manifest.json``, or one shard file.
        out: output folder; must not exist or be empty.
        layout: ``"paired"`` (flat folders for PairedImageDataset) or ``"reds"`` (one folder per clip).
        split: only this split of a dataset root (default: every split).
        lq_level, gt_level: shard levels written to ``LR/`` (dataroot_lq) and ``HR/`` (dataroot_gt).
        quiet: no progress bar.

    Returns:
        The ``export.json`` content: layout, scale, clips with their frame count, shard and frame indices.
    """
    if layout not in BASICSR_LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(BASICSR_LAYOUTS)}, got {layout!r}")
    shards = shard_paths(source, split)
    if not shards:
        raise ValueError(f"{source}: no shards to export" + (f" in split {split!r}" if split else ""))
    out = require_empty_target(out)
    plan, scale, total = [], None, 0
    for shard in shards:
        with ShardReader(shard) as reader:
            for level in (lq_level, gt_level):
                if level not in reader.levels:
                    raise ValueError(f"{shard}: no level {level!r}; levels: {', '.join(reader.levels)}")
            if "rgb" not in reader.buffers:
                raise ValueError(f"{shard}: no 'rgb' buffer; BasicSR datasets read images")
            (lh, lw), (gh, gw) = reader.shape_hw(lq_level), reader.shape_hw(gt_level)
            s = gh // lh
            if s * lh != gh or s * lw != gw or s < 1:
                raise ValueError(f"{shard}: {gt_level} {gh}x{gw} is not an integer multiple of {lq_level} {lh}x{lw}; "
                                 "BasicSR needs HR = scale x LR")
            if scale is not None and s != scale:
                raise ValueError(f"{shard}: scale {s} differs from the other shards' {scale}; export them separately")
            scale = s
            for view in (range(reader.num_views) if reader.num_views else [None]):
                plan.append((Path(shard), view_clip_name(reader.clip_id, view), view, reader.num_frames, (gh, gw)))
                total += reader.num_frames
    names = [p[1] for p in plan]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{source}: clip ids {dup} occur in more than one shard; BasicSR names files by clip")
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="frame", desc=f"export basicsr ({layout})", dynamic_ncols=True)
    meta_lines, clips = [], []
    try:
        for shard, clip, view, num_frames, (gh, gw) in plan:
            with ShardReader(shard) as reader, StagedFiles() as files:
                frame_index = reader.frame_indices().tolist()
                for i in range(num_frames):
                    name = f"{clip}_{frame_index[i]:08d}.png" if layout == "paired" else f"{clip}/{i:08d}.png"
                    files.submit(out / "LR" / name, write_png_bytes, reader.read("rgb", lq_level, i, view=view))
                    files.submit(out / "HR" / name, write_png_bytes, reader.read("rgb", gt_level, i, view=view))
                    if layout == "paired":
                        meta_lines.append(f"{name} ({gh},{gw},3)")
                    if bar is not None:
                        bar.update(1)
            if layout == "reds":
                meta_lines.append(f"{clip} {num_frames} ({gh},{gw},3)")
            clips.append({"clip": clip, "shard": os.fspath(shard), "view": view, "frames": num_frames,
                          "frame_index": frame_index})
    finally:
        if bar is not None:
            bar.close()
    atomic_write_bytes(out / META_INFO_NAME, ("\n".join(meta_lines) + "\n").encode("utf-8"))
    short = [c["clip"] for c in clips if c["frames"] < REDS_CLIP_FRAMES]
    if layout == "reds" and short:
        warnings.warn(f"{out}: clips {short[:3]}{' ...' if len(short) > 3 else ''} have fewer than {REDS_CLIP_FRAMES} "
                      "frames; BasicSR's REDSDataset draws centre frames from 0..99 and will fail on them "
                      "(VideoTestDataset reads any length)", UserWarning, stacklevel=2)
    summary = {"format": "gameir-basicsr", "format_version": 1, "generator": f"gameir {__version__}",
               "layout": layout, "scale": scale, "lq_level": lq_level, "gt_level": gt_level,
               "meta_info_file": META_INFO_NAME, "source": os.fspath(source), "split": split,
               "frames": sum(c["frames"] for c in clips), "clips": clips}
    atomic_write_json(out / "export.json", summary)
    return summary
