"""Novel-view-synthesis baselines: copy the nearest source view, or forward-warp and blend the two nearest."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from gameir.baselines.warp import _fill_holes, warp_views
from gameir.scene.camera import c2w_to_w2c_opencv, opengl_to_opencv_c2w

__all__ = ["nearest_views", "nearest_view_copy", "warp_blend"]

#: Relative depth band in which splats from two views count as the same surface and are blended.
_SAME_SURFACE_REL = 0.02


def nearest_views(src_c2w: Sequence[np.ndarray], dst_c2w: np.ndarray, k: int = 1) -> list[int]:
    """Indices of the ``k`` source cameras nearest to the destination camera.

    Distance: between camera centres (metres), plus the angle between viewing directions (radians)
    times 1 m, so that at equal distance the view looking the same way wins. Ties keep the lower index.

    Args:
        src_c2w: V (4, 4) OpenGL camera-to-world matrices.
        dst_c2w: (4, 4) destination camera-to-world.
        k: how many to return (at most V).
    """
    dst = np.asarray(dst_c2w, np.float64)
    scores = []
    for c2w in src_c2w:
        c2w = np.asarray(c2w, np.float64)
        dist = float(np.linalg.norm(c2w[:3, 3] - dst[:3, 3]))
        cos = float(np.clip(np.dot(-c2w[:3, 2], -dst[:3, 2]), -1.0, 1.0))  # OpenGL looks along -Z
        scores.append(dist + float(np.arccos(cos)))
    order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
    return order[:max(1, min(k, len(order)))]


def nearest_view_copy(src_rgb: Sequence[np.ndarray], src_c2w: Sequence[np.ndarray], dst_c2w: np.ndarray) -> np.ndarray:
    """The image of the nearest source view (:func:`nearest_views`), unchanged: the floor any
    NVS method should beat. Returns a copy of one ``src_rgb`` entry (H, W, C)."""
    return np.array(src_rgb[nearest_views(src_c2w, dst_c2w, 1)[0]], copy=True)


def warp_blend(src_rgb: Sequence[np.ndarray], src_depth: Sequence[np.ndarray], src_K: Sequence[np.ndarray],
               src_c2w: Sequence[np.ndarray], dst_K: np.ndarray, dst_c2w: np.ndarray,
               dst_hw: tuple[int, int], *, n_views: int = 2) -> np.ndarray:
    """Forward-splat the ``n_views`` nearest source views into the destination, z-buffer, blend, fill holes.

    Each chosen view is warped with :func:`gameir.baselines.warp_views` (z-buffered point splat,
    no hole filling). Per destination pixel the nearest splatted depth wins; splats of the other
    views within 2 % of that depth are the same surface and are averaged with it, weighted by the
    inverse distance of their camera centre to the destination's (so the nearer view dominates).
    Sky (depth +inf) is not splatted; unreached pixels whose ray sees sky in a chosen source view
    (mapped by the infinite homography ``K_src R K_dst^-1``) take that sky colour. Other pixels no
    view reached are filled background-first from their nearest splatted neighbours
    (as :func:`~gameir.baselines.warp_views`).

    Args:
        src_rgb: V (H, W, C) images (float or uint8).
        src_depth: V (H, W) z-depths, metres, +inf for sky.
        src_K, src_c2w: V (3, 3) intrinsics (pixels) and (4, 4) OpenGL camera-to-world.
        dst_K, dst_c2w: destination intrinsics and pose.
        dst_hw: destination (height, width).
        n_views: how many nearest source views to splat.

    Returns:
        (H, W, C) float32 image.
    """
    if not (len(src_rgb) == len(src_depth) == len(src_K) == len(src_c2w)) or not src_rgb:
        raise ValueError(f"warp_blend: need as many images, depths, K and c2w (>= 1), got "
                         f"{len(src_rgb)}, {len(src_depth)}, {len(src_K)}, {len(src_c2w)}")
    chosen = nearest_views(src_c2w, dst_c2w, n_views)
    H, W = int(dst_hw[0]), int(dst_hw[1])
    warps = [warp_views(src_rgb[i], src_depth[i], src_K[i], src_c2w[i], dst_K, dst_c2w, (H, W), fill_holes=False)
             for i in chosen]
    depths = np.stack([w.depth for w in warps]).astype(np.float64)        # (k, H, W), +inf unreached
    zmin = depths.min(axis=0)
    dst_centre = np.asarray(dst_c2w, np.float64)[:3, 3]
    weights = []
    for i, w in zip(chosen, warps):
        d = float(np.linalg.norm(np.asarray(src_c2w[i], np.float64)[:3, 3] - dst_centre))
        same = w.valid & (w.depth <= zmin * (1 + _SAME_SURFACE_REL))
        weights.append(same / max(d, 1e-3))
    wsum = np.sum(weights, axis=0)
    rgb = np.zeros((H, W, warps[0].rgb.shape[2]), np.float64)
    for wt, w in zip(weights, warps):
        rgb += wt[..., None] * w.rgb.astype(np.float64)
    valid = wsum > 0
    rgb[valid] /= wsum[valid][:, None]
    rgb = rgb.astype(np.float32)
    for i in chosen:  # sky is at infinity: it moves with the camera's rotation only
        if valid.all():
            break
        valid |= _sky_fill(rgb, valid, src_rgb[i], src_depth[i], src_K[i], src_c2w[i], dst_K, dst_c2w)
    if valid.any() and not valid.all():
        rgb = _fill_holes(rgb, np.where(valid, zmin, np.inf).astype(np.float32), valid)
    return rgb


def _sky_fill(rgb: np.ndarray, valid: np.ndarray, src_rgb: np.ndarray, src_depth: np.ndarray, src_K: np.ndarray,
              src_c2w: np.ndarray, dst_K: np.ndarray, dst_c2w: np.ndarray) -> np.ndarray:
    """Fill (in place) holes whose ray hits sky in the source view; return the filled mask."""
    H, W = valid.shape
    h, w = src_depth.shape
    rel = c2w_to_w2c_opencv(src_c2w) @ opengl_to_opencv_c2w(dst_c2w)
    hom = np.asarray(src_K, np.float64) @ rel[:3, :3] @ np.linalg.inv(np.asarray(dst_K, np.float64))
    rows, cols = np.nonzero(~valid)
    p = hom @ np.stack([cols + 0.5, rows + 0.5, np.ones(len(rows))])
    with np.errstate(divide="ignore", invalid="ignore"):
        u, v = np.floor(p[0] / p[2]), np.floor(p[1] / p[2])
        ok = (p[2] > 0) & (u >= 0) & (u < w) & (v >= 0) & (v < h)
    ui, vi = u[ok].astype(np.int64), v[ok].astype(np.int64)
    sky = ~np.isfinite(np.asarray(src_depth)[vi, ui])
    r, c = rows[ok][sky], cols[ok][sky]
    rgb[r, c] = np.asarray(src_rgb)[vi[sky], ui[sky]]
    filled = np.zeros_like(valid)
    filled[r, c] = True
    return filled
