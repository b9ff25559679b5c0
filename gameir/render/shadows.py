"""Fitting the sun's orthographic shadow projection to the view frustum (pure numpy)."""

from __future__ import annotations

import numpy as np

__all__ = ["fit_sun_shadow", "frustum_corners", "ortho"]


def ortho(left: float, right: float, bottom: float, top: float, near: float, far: float) -> np.ndarray:
    """(4, 4) float64 OpenGL orthographic projection (glOrtho), column-vector convention."""
    m = np.eye(4)
    m[0, 0], m[0, 3] = 2.0 / (right - left), -(right + left) / (right - left)
    m[1, 1], m[1, 3] = 2.0 / (top - bottom), -(top + bottom) / (top - bottom)
    m[2, 2], m[2, 3] = -2.0 / (far - near), -(far + near) / (far - near)
    return m


def frustum_corners(K: np.ndarray, c2w: np.ndarray, width: int, height: int, near: float, far: float) -> np.ndarray:
    """(8, 3) world positions of the view frustum's corners at depths ``near`` and ``far`` (metres)."""
    Kinv = np.linalg.inv(np.asarray(K, dtype=np.float64))
    pix = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], dtype=np.float64)
    rays_cv = pix @ Kinv.T  # OpenCV camera, z = 1
    rays_gl = rays_cv * [1.0, -1.0, -1.0]
    pts = np.concatenate([rays_gl * near, rays_gl * far])
    return pts @ np.asarray(c2w)[:3, :3].T + np.asarray(c2w)[:3, 3]


def fit_sun_shadow(light_dir: np.ndarray, K: np.ndarray, c2w: np.ndarray, width: int, height: int,
                   near: float, far: float, scene_min: np.ndarray, scene_max: np.ndarray,
                   map_size: int) -> tuple[np.ndarray, float]:
    """Orthographic light view-projection covering the visible part of the scene.

    The x/y extent is the light-space box of the view frustum (cut at the farthest scene point)
    intersected with the light-space box of the scene bounds; the depth range spans the whole scene
    so casters outside the frustum still shadow it. The extent is snapped to whole shadow texels.

    Args:
        light_dir: (3,) unit direction the sunlight travels (world).
        K, c2w, width, height, near, far: the viewing camera (pixel-corner K, OpenGL c2w, metres).
        scene_min, scene_max: (3,) world AABB of all instances, metres.
        map_size: shadow map resolution in texels.

    Returns:
        ``(view_proj, texel_m)``: (4, 4) float64 world -> light clip matrix and the world size of one
        shadow texel in metres (used for the normal-offset bias).
    """
    d = np.asarray(light_dir, dtype=np.float64)
    d = d / np.linalg.norm(d)
    z = -d  # light space +z points towards the sun
    helper = np.array([0.0, 0.0, 1.0]) if abs(z[2]) < 0.99 else np.array([1.0, 0.0, 0.0])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = x, y, z
    lo, hi = np.asarray(scene_min, dtype=np.float64), np.asarray(scene_max, dtype=np.float64)
    box = np.array([[a, b, c] for a in (lo[0], hi[0]) for b in (lo[1], hi[1]) for c in (lo[2], hi[2])])
    # Cut the frustum at the farthest scene corner (depth along the optical axis).
    fwd = -np.asarray(c2w)[:3, 2]
    depths = (box - np.asarray(c2w)[:3, 3]) @ fwd
    far_eff = float(np.clip(depths.max(), near * 1.001, far))
    fr = frustum_corners(K, c2w, width, height, near, far_eff)
    fr_l = fr @ view[:3, :3].T
    box_l = box @ view[:3, :3].T
    xy_lo = np.maximum(fr_l[:, :2].min(0), box_l[:, :2].min(0))
    xy_hi = np.minimum(fr_l[:, :2].max(0), box_l[:, :2].max(0))
    if (xy_hi <= xy_lo).any():  # frustum misses the scene: any valid box
        xy_lo, xy_hi = box_l[:, :2].min(0), box_l[:, :2].max(0)
    extent = float(max((xy_hi - xy_lo).max(), 1e-3)) * 1.02
    texel = extent / map_size
    centre = 0.5 * (xy_lo + xy_hi)
    centre = np.round(centre / texel) * texel
    z_lo, z_hi = box_l[:, 2].min(), box_l[:, 2].max()
    margin = 0.01 * max(z_hi - z_lo, 1e-3) + 0.05
    proj = ortho(centre[0] - extent / 2, centre[0] + extent / 2, centre[1] - extent / 2, centre[1] + extent / 2,
                 -(z_hi + margin), -(z_lo - margin))
    return proj @ view, texel
