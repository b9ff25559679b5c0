"""``transforms_train.json`` / ``transforms_test.json`` in the Blender-synthetic layout, with instant-ngp's keys.

Read by the reference 3D Gaussian Splatting loader (graphdeco-inria/gaussian-splatting,
``scene/dataset_readers.py``: ``readNerfSyntheticInfo`` picks it when the folder has
``transforms_train.json`` and no ``sparse/``) and by instant-ngp (``src/nerf_loader.cu``):

* ``camera_angle_x`` (radians) is the only intrinsic 3DGS reads; it derives the vertical field of
  view from it assuming square pixels and a centred principal point, so both are required here.
  instant-ngp reads ``fl_x``/``fl_y``/``cx``/``cy``/``w``/``h`` first, which are written too.
* ``frames[].file_path`` has no extension: 3DGS appends ``".png"``; instant-ngp tries its image
  extensions for a path without one. ``transform_matrix`` is our ``c2w`` (OpenGL/Blender axes).
* 3DGS opens each image as RGBA and composites over white or black (``--white_background``); our
  PNGs are opaque RGB (alpha 255), so the background setting changes no pixel.
* instant-ngp: ``scale``/``offset``/``aabb_scale`` from :func:`~gameir.interop.nvs_geometry.fit_ngp_cube`,
  ``frames[].depth_path`` with ``integer_depth_scale`` 0.001 (16-bit millimetre PNG -> metres; it
  multiplies by ``scale`` itself). Only the train views are in ``transforms_train.json``: give that
  file, not the folder, to instant-ngp (a folder makes it load every ``.json`` in it).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

__all__ = ["INTRINSICS_TOLERANCE", "check_blender_intrinsics", "blender_transforms"]

#: relative tolerance on fx == fy and on a centred principal point (in pixels, relative to w and h).
INTRINSICS_TOLERANCE = 1e-6


def check_blender_intrinsics(shard: object, images: Sequence[dict[str, Any]], w: int, h: int) -> np.ndarray:
    """Return the one K all ``images`` share, or raise ValueError naming the shard and frame that differ.

    ``camera_angle_x`` can only describe square pixels, a centred principal point and one focal
    length for all images (jittered renders move the principal point per frame).
    """
    K0 = np.asarray(images[0]["K"], dtype=np.float64)
    for im in images:
        K = np.asarray(im["K"], dtype=np.float64)
        where = f"{shard}: frame {im['frame']}" + ("" if im["view"] is None else f" view {im['view']}")
        fix = ("; export with blender=False (CLI --no-blender) to write only the nerfstudio transforms.json, "
               "which keeps per-image fl_x, fl_y, cx, cy")
        if abs(K[0, 0] - K[1, 1]) > INTRINSICS_TOLERANCE * K[0, 0]:
            raise ValueError(f"{where}: fl_x {K[0, 0]:.6f} != fl_y {K[1, 1]:.6f}; camera_angle_x (3DGS) needs "
                             "square pixels" + fix)
        if abs(K[0, 2] - w / 2) > INTRINSICS_TOLERANCE * w or abs(K[1, 2] - h / 2) > INTRINSICS_TOLERANCE * h:
            raise ValueError(f"{where}: principal point ({K[0, 2]:.6f}, {K[1, 2]:.6f}) is not the image centre "
                             f"({w / 2}, {h / 2}) (sub-pixel jitter?); camera_angle_x (3DGS) needs a centred "
                             "principal point" + fix)
        if abs(K[0, 0] - K0[0, 0]) > INTRINSICS_TOLERANCE * K0[0, 0]:
            raise ValueError(f"{where}: focal length {K[0, 0]:.6f} differs from frame {images[0]['frame']}'s "
                             f"{K0[0, 0]:.6f}; one camera_angle_x must hold for all images" + fix)
    return K0


def blender_transforms(images: Sequence[dict[str, Any]], w: int, h: int, K: np.ndarray, ngp: dict[str, Any],
                       split: str, depth: bool, extra: dict[str, Any]) -> dict[str, Any]:
    """Content of ``transforms_<split>.json`` for the ``images`` whose ``split`` matches.

    Args:
        images: per image ``{"stem", "c2w" (4, 4), "K", "frame", "view", "time_s", "split"}``;
            files are ``images/<stem>.png`` and ``depths/<stem>.png``.
        w, h: image size, pixels. K: (3, 3) shared intrinsics (see :func:`check_blender_intrinsics`).
        ngp: ``{"scale", "offset", "aabb_scale"}`` for instant-ngp.
        split: ``"train"`` or ``"test"``.
        depth: add instant-ngp's ``depth_path`` / ``integer_depth_scale``.
        extra: the ``gameir`` provenance block.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    frames = []
    for im in images:
        if im["split"] != split:
            continue
        frame: dict[str, Any] = {"file_path": f"images/{im['stem']}",
                                 "transform_matrix": np.asarray(im["c2w"]).tolist()}
        if depth:
            frame["depth_path"] = f"depths/{im['stem']}.png"
        frame.update({"frame": im["frame"], "view": im["view"], "time_s": im["time_s"]})
        frames.append(frame)
    fx, fy = float(K[0, 0]), float(K[1, 1])
    meta: dict[str, Any] = {
        "camera_angle_x": 2 * math.atan(w / (2 * fx)), "camera_angle_y": 2 * math.atan(h / (2 * fy)),
        "fl_x": fx, "fl_y": fy, "cx": float(K[0, 2]), "cy": float(K[1, 2]), "w": int(w), "h": int(h),
        "aabb_scale": int(ngp["aabb_scale"]), "scale": float(ngp["scale"]), "offset": list(ngp["offset"]),
    }
    if depth:
        meta["integer_depth_scale"] = 1e-3
    meta["frames"] = frames
    meta["gameir"] = {**extra, "split": split}
    return meta
