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

Beside it, for the reference 3D Gaussian Splatting loader and instant-ngp (see
:mod:`gameir.interop.export_blender`): ``transforms_train.json`` (train views only) and
``transforms_test.json`` (held-out views), and ``points3d.ply``, up to 100,000 points lifted from
the train views' depth with their colours (3DGS's initial point cloud; without it 3DGS draws
random points in a [-1.3, 1.3]^3 box meant for the Blender scenes).

A dataset is one static scene. A shard whose scene is ``dynamic`` (actors move) is refused when
more than one frame would go into it; :func:`export_nerfstudio_per_frame` writes one dataset per
timestep instead.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from gameir.version import __version__
from gameir.fileio import atomic_write_bytes, atomic_write_json
from gameir.interop.export_blender import blender_transforms, check_blender_intrinsics
from gameir.interop.layout import write_png_bytes
from gameir.interop.nvs_geometry import depth_bounds, fit_ngp_cube, ply_bytes, unproject_depth
from gameir.interop.staging import StagedFiles
from gameir.interop.target import require_empty_target
from gameir.shards.reader import ShardReader

__all__ = ["DEPTH_MAX_MM", "PLY_POINTS", "export_nerfstudio", "export_nerfstudio_per_frame", "depth_to_png_mm"]

DEPTH_MAX_MM = 65535
PLY_POINTS = 100_000  # as many as 3DGS's random initialisation draws


def depth_to_png_mm(depth_m: np.ndarray) -> np.ndarray:
    """(H, W) float32 metres (+inf = none) -> (H, W) uint16 millimetres, 0 where none or > 65.535 m."""
    with np.errstate(invalid="ignore", over="ignore"):
        mm = np.rint(depth_m.astype(np.float64) * 1000.0)
    valid = np.isfinite(mm) & (mm >= 1) & (mm <= DEPTH_MAX_MM)
    return np.where(valid, mm, 0).astype(np.uint16)


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
    blender: bool = True,
    quiet: bool = True,
) -> dict[str, Any]:
    """Write one shard's frames as one static scene: ``transforms.json``, ``images/``, ``depths/`` and,
    with ``blender``, ``transforms_train.json``, ``transforms_test.json`` and ``points3d.ply``.

    Args:
        shard: a shard file; multi-view (``nvs``) or single-view.
        out: output folder; must not exist or be empty.
        level: resolution level to export (default: ``"hr"`` if present, else the shard's first).
        frames: frame indices within the clip to export (default: all). More than one frame of a
            dynamic scene is refused (see :func:`export_nerfstudio_per_frame`).
        test_views: views held out for evaluation (default: the last view of a multi-view shard;
            for a single-view shard, every 8th frame, 7, 15, ..., is held out instead). At least
            one image must be held out and one left for training.
        depth: also write depth PNGs (needs a ``depth`` buffer).
        blender: also write the 3DGS / instant-ngp files; needs square pixels, a centred principal
            point and one focal length for all images.
        quiet: no progress bar.

    Returns:
        The ``transforms.json`` content.
    """
    out = require_empty_target(out)
    with ShardReader(shard) as reader:
        level, frame_ids = _selection(reader, shard, level, frames, depth)
        if reader.scene.get("dynamic") and len(frame_ids) > 1:
            fix = ("export one timestep (frames=[F], CLI --frames F) or one dataset per timestep "
                   "(export_nerfstudio_per_frame, CLI --per-frame)") if reader.num_views > 1 else \
                  "a single moving camera in a dynamic scene cannot be reconstructed; export a multi-view rig shard"
            raise ValueError(f"{shard}: scene is dynamic (actors move between frames), so frames "
                             f"{_span(frame_ids)} cannot form one static scene; {fix}")
        return _export(reader, shard, out, level, frame_ids, test_views, depth, blender, quiet)


def export_nerfstudio_per_frame(
    shard: str | os.PathLike,
    out: str | os.PathLike,
    *,
    level: str | None = None,
    frames: Sequence[int] | None = None,
    test_views: Sequence[int] | None = None,
    depth: bool = True,
    blender: bool = True,
    quiet: bool = True,
) -> dict[int, dict[str, Any]]:
    """One static scene per timestep of a multi-view rig: ``out/frame_<F:08d>/`` as :func:`export_nerfstudio` writes.

    For dynamic scenes, where the rig's views at one instant are the only consistent set. Arguments
    as for :func:`export_nerfstudio`; returns ``{frame: transforms.json content}``.
    """
    out = require_empty_target(out)
    with ShardReader(shard) as reader:
        if reader.num_views < 2:
            raise ValueError(f"{shard}: a per-timestep export needs a multi-view rig, but this shard has "
                             f"{'one view' if reader.num_views == 1 else 'a single moving camera'}, "
                             "so each timestep would hold one image")
        level, frame_ids = _selection(reader, shard, level, frames, depth)
        return {f: _export(reader, shard, out / f"frame_{f:08d}", level, [f], test_views, depth, blender, quiet)
                for f in frame_ids}


def _span(frame_ids: Sequence[int]) -> str:
    return ", ".join(map(str, frame_ids)) if len(frame_ids) <= 4 else f"{frame_ids[0]}..{frame_ids[-1]} ({len(frame_ids)})"


def _selection(reader: ShardReader, shard: object, level: str | None, frames: Sequence[int] | None,
               depth: bool) -> tuple[str, list[int]]:
    level = level or ("hr" if "hr" in reader.levels else reader.levels[0])
    if level not in reader.levels:
        raise ValueError(f"{shard}: no level {level!r}; levels: {', '.join(reader.levels)}")
    if depth and "depth" not in reader.buffers:
        raise ValueError(f"{shard}: no 'depth' buffer to export; pass depth=False (--no-depth)")
    if "rgb" not in reader.buffers:
        raise ValueError(f"{shard}: no 'rgb' buffer; nerfstudio needs images")
    frame_ids = list(range(reader.num_frames)) if frames is None else [int(f) for f in frames]
    if not frame_ids:
        raise ValueError(f"{shard}: no frames selected")
    for f in frame_ids:
        if not 0 <= f < reader.num_frames:
            raise ValueError(f"{shard}: frame {f} out of range 0..{reader.num_frames - 1}")
    return level, frame_ids


def _held_out(reader: ShardReader, shard: object, frame_ids: list[int],
              test_views: Sequence[int] | None) -> set[tuple[int, int | None]]:
    """The (frame, view) pairs held out for test; at least one, and not all."""
    n = reader.num_views
    if n == 0:
        if test_views is not None:
            raise ValueError(f"{shard}: test_views {sorted(int(v) for v in test_views)} must be views of 0..0"
                             " (a single-view shard holds out every 8th frame instead)")
        held: set[tuple[int, int | None]] = {(f, None) for f in frame_ids if f % 8 == 7}
        if not held:
            raise ValueError(f"{shard}: no image held out for test: a single-camera shard holds out every 8th "
                             f"frame (7, 15, ...) and frames {_span(frame_ids)} include none; export at least 8 frames")
        if len(held) == len(frame_ids):
            raise ValueError(f"{shard}: frames {_span(frame_ids)} are all held out for test (every 8th frame); "
                             "add frames for training")
        return held
    if test_views is None:
        if n < 2:
            raise ValueError(f"{shard}: no view held out for test: the rig has one view, which is needed for "
                             "training; export a rig with two or more views")
        views = {n - 1}
    else:
        views = {int(v) for v in test_views}
        if not views:
            raise ValueError(f"{shard}: test_views is empty, so no view is held out for test; name at least one "
                             f"of 0..{n - 1}")
        if not views <= set(range(n)):
            raise ValueError(f"{shard}: test_views {sorted(views)} must be views of 0..{n - 1}")
        if len(views) == n:
            raise ValueError(f"{shard}: test_views {sorted(views)} hold out every view, leaving none for training; "
                             f"keep at least one of 0..{n - 1} for training")
    return {(f, v) for f in frame_ids for v in views}


def _export(reader: ShardReader, shard: object, out: Path, level: str, frame_ids: list[int],
            test_views: Sequence[int] | None, depth: bool, blender: bool, quiet: bool) -> dict[str, Any]:
    held = _held_out(reader, shard, frame_ids, test_views)
    h, w = reader.shape_hw(level)
    cams, times = reader.cameras(level), reader.times()
    views: list[int | None] = list(range(reader.num_views)) if reader.num_views else [None]
    images = []
    for f in frame_ids:
        for view in views:
            idx = (f,) if view is None else (f, view)
            images.append({"stem": f"{f:08d}" if view is None else f"{f:08d}_v{view}", "frame": f, "view": view,
                           "c2w": cams["c2w"][idx], "K": cams["K"][idx], "time_s": float(times[f]),
                           "split": "test" if (f, view) in held else "train"})
    K_shared = check_blender_intrinsics(shard, images, w, h) if blender else None
    geometry = blender and "depth" in reader.buffers
    n_train = sum(im["split"] == "train" for im in images)
    stride = max(1, math.ceil(math.sqrt(n_train * h * w / PLY_POINTS)))
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=len(images), unit="image", desc="export nerfstudio", dynamic_ncols=True)
    extremes, cloud, colours, entries = [], [], [], []
    with StagedFiles() as files:
        for im in images:
            f, view = im["frame"], im["view"]
            rgb = reader.read("rgb", level, f, view=view)
            entry: dict[str, Any] = {"file_path": f"images/{im['stem']}.png", "transform_matrix": im["c2w"].tolist(),
                                     **_intrinsics(im["K"]), "frame": f, "view": view, "time_s": im["time_s"]}
            files.submit(out / entry["file_path"], write_png_bytes, rgb)
            if depth or geometry:
                mm = depth_to_png_mm(reader.read("depth", level, f, view=view))
                if depth:
                    entry["depth_file_path"] = f"depths/{im['stem']}.png"
                    files.submit(out / entry["depth_file_path"], write_png_bytes, mm)
                if geometry and im["split"] == "train":
                    depth_m = np.where(mm > 0, mm / 1000.0, np.inf)  # what the depth PNG tells a loader
                    bounds = depth_bounds(depth_m, im["K"], im["c2w"])
                    if bounds is not None:
                        extremes.append(bounds)
                    points, (ii, jj) = unproject_depth(depth_m, im["K"], im["c2w"], stride)
                    cloud.append(points)
                    colours.append(rgb[ii, jj])
            entries.append(entry)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    provenance = {"generator": f"gameir {__version__}", "shard": os.fspath(shard), "clip_id": reader.clip_id,
                  "level": level, "scene": reader.scene,
                  "test_views": sorted({v for _, v in held if v is not None}),
                  "depth_png": "uint16 millimetres of z-depth; 0 = sky or beyond 65.535 m"}
    if blender:
        ngp = fit_ngp_cube(np.array([im["c2w"][:3, 3] for im in images]), np.array(extremes).reshape(-1, 3))
        if cloud:
            atomic_write_bytes(out / "points3d.ply", ply_bytes(np.concatenate(cloud), np.concatenate(colours)))
        for split in ("train", "test"):
            atomic_write_json(out / f"transforms_{split}.json",
                              blender_transforms(images, w, h, K_shared, ngp, split, depth, provenance))
    meta: dict[str, Any] = {"camera_model": "OPENCV", "w": w, "h": h}
    shared = {k: entries[0][k] for k in ("fl_x", "fl_y", "cx", "cy")}
    if all(all(abs(e[k] - shared[k]) <= 1e-9 for k in shared) for e in entries):
        meta.update(shared)
        for e in entries:
            for k in shared:
                del e[k]
    split_of = {e["file_path"]: im["split"] for e, im in zip(entries, images)}
    test = [p for p, s in split_of.items() if s == "test"]
    meta.update({
        "frames": entries,
        "train_filenames": [p for p, s in split_of.items() if s == "train"],
        "val_filenames": test,
        "test_filenames": test,
        "depth_unit_scale_factor": 1e-3,
        "gameir": provenance,
    })
    atomic_write_json(out / "transforms.json", meta)  # last: its presence means the export is complete
    return meta
