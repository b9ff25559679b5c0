"""Export one shard as a nerfstudio / instant-ngp dataset: ``transforms.json``, images, depth PNGs.

Conventions match ours, so no value is converted (nerfstudio docs, "Data conventions"):

* ``transform_matrix`` is camera-to-world in OpenGL axes (+X right, +Y up, looking along -Z), the
  same as our ``c2w``; world +Z up, metres.
* nerfstudio casts the ray of pixel (i, j) through (j + 0.5, i + 0.5), so ``cx``, ``cy`` are in the
  pixel-corner convention like our ``K``: a centred principal point is (W/2, H/2).
* ``depth_file_path`` images are 16-bit grey PNGs of z-depth along the optical axis in millimetres
  (nerfstudio's default ``depth_unit_scale_factor`` 1e-3); 0 means no depth: sky (+inf), or farther
  than 65.535 m, which 16 bits cannot hold.

Intrinsics go at the top of the file when every exported image shares them, else into each frame
(jittered renders have a per-frame principal point). The held-out views are listed in
``test_filenames`` and ``val_filenames``, the others in ``train_filenames``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gameir import __version__
from gameir.fileio import atomic_write_json
from gameir.interop.layout import write_png_bytes
from gameir.interop.staging import StagedFiles
from gameir.shards.reader import ShardReader

__all__ = ["DEPTH_MAX_MM", "export_nerfstudio", "depth_to_png_mm"]

DEPTH_MAX_MM = 65535


def depth_to_png_mm(depth_m: np.ndarray) -> np.ndarray:
    """(H, W) float32 metres (+inf = none) -> (H, W) uint16 millimetres, 0 where none or > 65.535 m."""
    with np.errstate(invalid="ignore", over="ignore"):
        mm = np.rint(depth_m.astype(np.float64) * 1000.0)
    valid = np.isfinite(mm) & (mm >= 1) & (mm <= DEPTH_MAX_MM)
    return np.where(valid, mm, 0).astype(np.uint16)


def _depth_png(depth_m: np.ndarray) -> bytes:
    return write_png_bytes(depth_to_png_mm(depth_m))


def _intrinsics(K: np.ndarray) -> dict[str, float]:
    return {"fl_x": float(K[0, 0]), "fl_y": float(K[1, 1]), "cx": float(K[0, 2]), "cy": float(K[1, 2])}


def export_nerfstudio(
    shard: str | os.PathLike,
    out: str | os.PathLike,
    *,
    level: str | None = None,
    frames: Sequence[int] | None = None,
    test_views: Sequence[int] | None = None,
    depth: bool = True,
    quiet: bool = True,
) -> dict[str, Any]:
    """Write ``out/transforms.json``, ``out/images/*.png`` and ``out/depths/*.png`` from one shard.

    Args:
        shard: a shard file; multi-view (``nvs``) or single-view.
        out: output folder (created).
        level: resolution level to export (default: ``"hr"`` if present, else the shard's first).
        frames: frame indices within the clip to export (default: all).
        test_views: views held out for evaluation (default: the last view of a multi-view shard;
            for a single-view shard, every 8th frame is held out instead).
        depth: also write depth PNGs (needs a ``depth`` buffer).
        quiet: no progress bar.

    Returns:
        The ``transforms.json`` content.
    """
    out = Path(out)
    with ShardReader(shard) as reader, StagedFiles() as files:
        level = level or ("hr" if "hr" in reader.levels else reader.levels[0])
        if level not in reader.levels:
            raise ValueError(f"{shard}: no level {level!r}; levels: {', '.join(reader.levels)}")
        if depth and "depth" not in reader.buffers:
            raise ValueError(f"{shard}: no 'depth' buffer to export; pass depth=False (--no-depth)")
        if "rgb" not in reader.buffers:
            raise ValueError(f"{shard}: no 'rgb' buffer; nerfstudio needs images")
        frame_ids = list(range(reader.num_frames)) if frames is None else [int(f) for f in frames]
        for f in frame_ids:
            if not 0 <= f < reader.num_frames:
                raise ValueError(f"{shard}: frame {f} out of range 0..{reader.num_frames - 1}")
        views: list[int | None] = list(range(reader.num_views)) if reader.num_views else [None]
        if test_views is None:
            held = {views[-1]} if reader.num_views > 1 else set()
        else:
            held = {int(v) for v in test_views}
            if reader.num_views == 0 or not held <= set(range(reader.num_views)):
                raise ValueError(f"{shard}: test_views {sorted(held)} must be views of 0..{max(reader.num_views, 1) - 1}"
                                 + (" (a single-view shard holds out every 8th frame instead)" if not reader.num_views else ""))
        h, w = reader.size(level)
        bar = None
        if not quiet:
            from tqdm import tqdm

            bar = tqdm(total=len(frame_ids) * len(views), unit="image", desc="export nerfstudio", dynamic_ncols=True)
        cams = reader.cameras(level)
        times = reader.times()
        entries, split_of = [], {}
        for f in frame_ids:
            for view in views:
                stem = f"{f:08d}" if view is None else f"{f:08d}_v{view}"
                idx = (f,) if view is None else (f, view)
                entry: dict[str, Any] = {
                    "file_path": f"images/{stem}.png",
                    "transform_matrix": cams["c2w"][idx].tolist(),
                    **_intrinsics(cams["K"][idx]),
                    "frame": f, "view": view, "time_s": float(times[f]),
                }
                files.submit(out / entry["file_path"], write_png_bytes, reader.read("rgb", level, f, view=view))
                if depth:
                    entry["depth_file_path"] = f"depths/{stem}.png"
                    files.submit(out / entry["depth_file_path"], _depth_png, reader.read("depth", level, f, view=view))
                is_test = (view in held) if view is not None else (reader.num_views == 0 and f % 8 == 7)
                split_of[entry["file_path"]] = "test" if is_test else "train"
                entries.append(entry)
                if bar is not None:
                    bar.update(1)
        if bar is not None:
            bar.close()
        meta: dict[str, Any] = {"camera_model": "OPENCV", "w": w, "h": h}
        shared = {k: entries[0][k] for k in ("fl_x", "fl_y", "cx", "cy")}
        if all(all(abs(e[k] - shared[k]) <= 1e-9 for k in shared) for e in entries):
            meta.update(shared)
            for e in entries:
                for k in shared:
                    del e[k]
        train = [p for p, s in split_of.items() if s == "train"]
        test = [p for p, s in split_of.items() if s == "test"]
        meta.update({
            "frames": entries,
            "train_filenames": train,
            "val_filenames": test,
            "test_filenames": test,
            "depth_unit_scale_factor": 1e-3,
            "gameir": {"generator": f"gameir {__version__}", "shard": os.fspath(shard), "clip_id": reader.clip_id,
                       "level": level, "scene": reader.scene, "test_views": sorted(v for v in held if v is not None),
                       "depth_png": "uint16 millimetres of z-depth; 0 = sky or beyond 65.535 m"},
        })
    atomic_write_json(out / "transforms.json", meta)
    return meta
