"""Depth-based forward warping of one view into another (a novel-view-synthesis baseline)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.scene.camera import opengl_to_opencv_c2w

__all__ = ["WarpResult", "warp_views"]


@dataclass
class WarpResult:
    """Output of :func:`warp_views` at the destination resolution.

    Attributes:
        rgb: (H, W, C) array, dtype of the source image; holes filled unless ``fill_holes=False``
            (then zero).
        depth: (H, W) float32 z-depth in the destination camera, metres; +inf where no source point
            landed (filled pixels keep +inf).
        valid: (H, W) bool, True where a source point landed (before hole filling).
    """

    rgb: np.ndarray
    depth: np.ndarray
    valid: np.ndarray


def _check(name: str, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.shape != shape or not np.isfinite(a).all():
        raise ValueError(f"warp_views: {name} must be a finite {shape} matrix, got shape {a.shape}")
    return a


def _nearest_known(known: np.ndarray, axis: int, reverse: bool) -> np.ndarray:
    """Index along ``axis`` of the nearest known pixel before each pixel (after it if ``reverse``);
    -1 where there is none."""
    n = known.shape[axis]
    shape = [1, 1]
    shape[axis] = n
    pos = np.arange(n).reshape(shape)
    if not reverse:
        return np.maximum.accumulate(np.where(known, pos, -1), axis=axis)
    flipped = np.flip(np.where(known, n - 1 - pos, -1), axis=axis)
    idx = np.flip(np.maximum.accumulate(flipped, axis=axis), axis=axis)
    return np.where(idx >= 0, n - 1 - idx, -1)


def _fill_holes(rgb: np.ndarray, depth: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Fill each hole with the farthest of the nearest known pixels left, right, above and below.

    Disocclusions uncover background, so of the surfaces bordering a hole the farthest is the
    better guess (a 'background-first' fill); inside a surface (cracks from magnification) all
    candidates agree anyway. Holes with no known pixel in their row or column stay as they are.
    """
    h, w = valid.shape
    out = rgb.copy()
    rows, cols = np.nonzero(~valid)
    best_z = np.full(rows.shape, -np.inf)
    best_src = np.full(rows.shape, -1, dtype=np.int64)
    for axis in (0, 1):
        for reverse in (False, True):
            near = _nearest_known(valid, axis, reverse)[rows, cols]
            has = near >= 0
            r = np.where(axis == 0, near, rows)[has]
            c = np.where(axis == 1, near, cols)[has]
            z = depth[r, c].astype(np.float64)
            better = z > best_z[has]
            sel = np.nonzero(has)[0][better]
            best_z[sel] = z[better]
            best_src[sel] = (r * w + c)[better]
    ok = best_src >= 0
    out.reshape(h * w, -1)[(rows * w + cols)[ok]] = out.reshape(h * w, -1)[best_src[ok]]
    return out


def warp_views(src_rgb: np.ndarray, src_depth: np.ndarray, src_K: np.ndarray, src_c2w: np.ndarray,
               dst_K: np.ndarray, dst_c2w: np.ndarray, dst_hw: tuple[int, int] | None = None, *,
               fill_holes: bool = True) -> WarpResult:
    """Forward-splat a source view into a destination camera with a z-buffer, then fill holes.

    Every source pixel centre (j + 0.5, i + 0.5) with finite depth is unprojected with ``src_K``
    and ``src_c2w`` (docs/FORMAT.md conventions: pixel-corner ``K``, OpenGL ``c2w``), projected into
    the destination camera and written to the destination pixel that contains it
    (``floor(u), floor(v)``) if it is nearer than what is there (z-buffer). Points behind the
    destination camera or outside its image are dropped. Holes (disocclusions, cracks where the
    destination is magnified, the uncovered frame border) take the colour of the farthest of the
    nearest splatted pixels to their left, right, top and bottom (background-first fill).

    Args:
        src_rgb: (H, W, C) image (uint8 or float), top row first.
        src_depth: (H, W) z-depth along the source optical axis, metres; +inf (or <= 0, NaN) for
            no geometry, which is not splatted.
        src_K, dst_K: (3, 3) intrinsics in pixels.
        src_c2w, dst_c2w: (4, 4) camera-to-world, OpenGL axes, metres.
        dst_hw: destination (height, width); default the source size.
        fill_holes: fill holes as described; if False they stay 0 in ``rgb``.

    Returns:
        :class:`WarpResult` with the destination ``rgb``, ``depth`` and ``valid`` mask.

    Example:
        >>> import numpy as np
        >>> K = np.array([[50.0, 0, 8], [0, 50.0, 6], [0, 0, 1]])
        >>> dst = np.eye(4); dst[0, 3] = 0.2      # 0.2 m to the right: 50 * 0.2 / 5 = 2 px shift
        >>> rgb = np.arange(12 * 16, dtype=np.float32).reshape(12, 16, 1)
        >>> out = warp_views(rgb, np.full((12, 16), 5.0), K, np.eye(4), K, dst)
        >>> bool((out.rgb[:, :14] == rgb[:, 2:]).all())
        True
    """
    src_rgb = np.asarray(src_rgb)
    src_depth = np.asarray(src_depth)
    if src_rgb.ndim != 3 or src_depth.shape != src_rgb.shape[:2]:
        raise ValueError(f"warp_views: src_rgb must be (H, W, C) and src_depth (H, W) of the same size, "
                         f"got {src_rgb.shape} and {src_depth.shape}")
    src_K = _check("src_K", src_K, (3, 3))
    dst_K = _check("dst_K", dst_K, (3, 3))
    src_c2w = _check("src_c2w", src_c2w, (4, 4))
    dst_c2w = _check("dst_c2w", dst_c2w, (4, 4))
    h, w, c = src_rgb.shape
    H, W = (h, w) if dst_hw is None else (int(dst_hw[0]), int(dst_hw[1]))
    if H < 1 or W < 1:
        raise ValueError(f"warp_views: dst_hw must be positive, got {dst_hw}")

    # Source pixel (u, v) at depth z lands at z * M [u, v, 1] + K_dst t in the destination's
    # homogeneous pixel coordinates, with [R | t] = w2c_dst c2w_src in OpenCV axes and
    # M = K_dst R K_src^-1 (one affine map; cheaper than unprojecting to world points).
    rel = np.linalg.inv(opengl_to_opencv_c2w(dst_c2w)) @ opengl_to_opencv_c2w(src_c2w)
    M = dst_K @ rel[:3, :3] @ np.linalg.inv(src_K)
    kt = dst_K @ rel[:3, 3]
    z = src_depth.astype(np.float64)
    ok = np.isfinite(z) & (z > 0)
    ii, jj = np.nonzero(ok)
    zs = z[ii, jj]
    u0, v0 = jj + 0.5, ii + 0.5
    hom = [zs * (M[r, 0] * u0 + M[r, 1] * v0 + M[r, 2]) + kt[r] for r in range(3)]
    zd = hom[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        u, v = np.floor(hom[0] / zd), np.floor(hom[1] / zd)
        keep = (zd > 0) & (u >= 0) & (u < W) & (v >= 0) & (v < H)
    idx = (v[keep] * W + u[keep]).astype(np.int64)
    zd, src_flat = zd[keep], (ii * w + jj)[keep]

    # z-buffer: per destination pixel the nearest depth, then the points that reach it (an exact
    # tie in depth keeps one of them).
    depth = np.full(H * W, np.inf)
    np.minimum.at(depth, idx, zd)
    win = zd == depth[idx]
    idx, src_flat = idx[win], src_flat[win]
    depth = depth.astype(np.float32)

    rgb = np.zeros((H * W, c), dtype=src_rgb.dtype)
    rgb[idx] = src_rgb.reshape(-1, c)[src_flat]
    valid = np.zeros(H * W, dtype=bool)
    valid[idx] = True
    rgb, depth, valid = rgb.reshape(H, W, c), depth.reshape(H, W), valid.reshape(H, W)
    if fill_holes and not valid.all() and valid.any():
        rgb = _fill_holes(rgb, depth, valid)
    return WarpResult(rgb=rgb, depth=depth, valid=valid)
