"""warp_views(): analytic planes (fronto-parallel shift, ground plane), z-buffer, hole filling."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.baselines.warp import warp_views
from gameir.scene.camera import intrinsics_from_fov, look_at, opengl_to_opencv_c2w

K50 = np.array([[50.0, 0, 30], [0, 50.0, 20], [0, 0, 1]])


def shifted(tx: float) -> np.ndarray:
    c2w = np.eye(4)
    c2w[0, 3] = tx
    return c2w


def test_fronto_parallel_plane_shifts_by_f_t_over_z():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    depth = np.full((40, 60), 5.0, np.float32)
    out = warp_views(rgb, depth, K50, np.eye(4), K50, shifted(0.3))  # 50 * 0.3 / 5 = 3 px
    np.testing.assert_array_equal(out.rgb[:, :57], rgb[:, 3:])
    np.testing.assert_allclose(out.depth[:, :57], 5.0, rtol=1e-6)
    assert out.valid[:, :57].all() and not out.valid[:, 57:].any()
    assert np.isinf(out.depth[:, 57:]).all()
    np.testing.assert_array_equal(out.rgb[:, 57:], np.repeat(out.rgb[:, 56:57], 3, axis=1))  # filled
    empty = warp_views(rgb, depth, K50, np.eye(4), K50, shifted(0.3), fill_holes=False)
    assert (empty.rgb[:, 57:] == 0).all()


def _ground_truth(K, c2w, hw):
    """Per pixel: depth of the z=0 ground plane along the optical axis (inf above the horizon) and
    the world point hit."""
    h, w = hw
    jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    rays = np.stack([jj, ii, np.ones_like(jj)], -1) @ np.linalg.inv(K).T  # OpenCV camera, z = 1
    c2w_cv = opengl_to_opencv_c2w(c2w)
    d = rays @ c2w_cv[:3, :3].T
    eye = c2w_cv[:3, 3]
    with np.errstate(divide="ignore"):
        t = np.where(d[..., 2] < -1e-9, -eye[2] / d[..., 2], np.inf)
    pts = eye + np.where(np.isfinite(t), t, 0)[..., None] * d
    return t, pts


def texture(pts):
    return 0.5 + 0.4 * np.sin(pts[..., 0] * 0.7) * np.cos(pts[..., 1] * 0.9)


def test_ground_plane_depth_and_colour_match_analytic():
    hw = (96, 128)
    K = intrinsics_from_fov(hw[1], hw[0], 60.0)
    src_c2w = look_at([0.0, 0.0, 1.5], [10.0, 0.0, 0.0])
    dst_c2w = look_at([0.4, 0.3, 1.6], [10.0, 1.0, 0.0])
    src_depth, src_pts = _ground_truth(K, src_c2w, hw)
    src_rgb = np.where(np.isfinite(src_depth), texture(src_pts), 0.0)[..., None].astype(np.float32)
    out = warp_views(src_rgb, src_depth.astype(np.float32), K, src_c2w, K, dst_c2w)
    dst_depth, dst_pts = _ground_truth(K, dst_c2w, hw)
    v = out.valid
    assert v.sum() > 0.4 * v.size and np.isfinite(dst_depth[v]).all()
    # a splatted point lies within about half a pixel of the destination pixel centre, so depth
    # and colour match the analytic plane up to that offset (which grows with distance)
    near = v & (dst_depth < 10)
    assert near.sum() > 0.3 * v.size
    rel = np.abs(out.depth[near] - dst_depth[near]) / dst_depth[near]
    assert np.median(rel) < 0.01 and rel.max() < 0.05
    closest = v & (dst_depth < 5)
    err = np.abs(out.rgb[..., 0] - texture(dst_pts))[closest]
    assert np.median(err) < 0.01 and err.max() < 0.05
    assert np.isinf(out.depth[dst_depth == np.inf]).all()  # nothing lands in the sky


def test_zbuffer_keeps_nearest_and_disocclusions_take_background():
    rgb = np.full((40, 60, 1), 0.2, np.float32)
    depth = np.full((40, 60), 10.0, np.float32)
    rgb[10:30, 20:30] = 1.0
    depth[10:30, 20:30] = 2.0
    out = warp_views(rgb, depth, K50, np.eye(4), K50, shifted(0.4))  # fg moves 10 px, bg 2 px
    assert (out.rgb[10:30, 10:20] == 1.0).all()          # foreground wins over background points
    np.testing.assert_allclose(out.depth[10:30, 10:20], 2.0, rtol=1e-6)
    assert not out.valid[10:30, 20:28].any()              # background hidden in the source view
    assert (out.rgb[10:30, 20:28] == np.float32(0.2)).all()         # filled from background, not foreground


def test_warp_errors():
    rgb = np.zeros((4, 5, 3), np.uint8)
    with pytest.raises(ValueError, match=r"src_rgb must be \(H, W, C\) and src_depth \(H, W\) of the same size, got \(4, 5, 3\) and \(4, 4\)"):
        warp_views(rgb, np.ones((4, 4)), K50, np.eye(4), K50, np.eye(4))
    with pytest.raises(ValueError, match=r"dst_c2w must be a finite \(4, 4\) matrix, got shape \(3, 4\)"):
        warp_views(rgb, np.ones((4, 5)), K50, np.eye(4), K50, np.eye(4)[:3])
