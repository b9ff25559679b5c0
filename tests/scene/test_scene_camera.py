"""Camera math: K conventions, look_at, OpenCV conversion, projection matrix, Halton jitter."""

import math

import numpy as np
import pytest

from gameir.scene import (
    Camera, c2w_to_w2c_opencv, halton, halton_jitter, intrinsics_from_fov, look_at, project_points,
    projection_from_K, scale_intrinsics, w2c_opencv_to_c2w,
)


def test_intrinsics_from_fov_centre_and_focal():
    K = intrinsics_from_fov(960, 720, 90.0)
    assert K[0, 2] == 480.0 and K[1, 2] == 360.0
    assert K[0, 0] == pytest.approx(360.0) and K[1, 1] == pytest.approx(360.0)
    # A point on the top edge of the frustum projects to v = 0 (pixel-corner convention).
    c2w = np.eye(4)
    uv, z = project_points(K, c2w, [[0.0, 1.0, -1.0], [0.0, 0.0, -5.0]])
    assert uv[0].tolist() == pytest.approx([480.0, 0.0])
    assert uv[1].tolist() == pytest.approx([480.0, 360.0]) and z[1] == pytest.approx(5.0)


def test_scale_intrinsics_corner_convention():
    K_lr = intrinsics_from_fov(960, 720, 60.0)
    K_hr = scale_intrinsics(K_lr, 2)
    np.testing.assert_allclose(K_hr, intrinsics_from_fov(1920, 1440, 60.0))
    # LR pixel (i, j) covers HR pixels (2i..2i+1, 2j..2j+1): a point's HR coordinate is 2x its LR one.
    pts = np.random.default_rng(0).normal(size=(20, 3)) + [0, 0, -10]
    uv_lr, _ = project_points(K_lr, np.eye(4), pts)
    uv_hr, _ = project_points(K_hr, np.eye(4), pts)
    np.testing.assert_allclose(uv_hr, 2 * uv_lr, atol=1e-9)


def test_look_at_orthonormal_and_direction():
    eye, target = np.array([3.0, -4.0, 2.0]), np.array([0.0, 1.0, 0.5])
    c2w = look_at(eye, target)
    R = c2w[:3, :3]
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)
    assert np.linalg.det(R) == pytest.approx(1.0)
    fwd = (target - eye) / np.linalg.norm(target - eye)
    np.testing.assert_allclose(-R[:, 2], fwd, atol=1e-12)  # OpenGL looks along -Z
    assert R[2, 0] == pytest.approx(0.0, abs=1e-12)  # camera x stays horizontal (world up = +Z)
    assert R[2, 1] > 0  # camera up points up
    np.testing.assert_allclose(c2w[:3, 3], eye)
    # The target projects to the principal point.
    K = intrinsics_from_fov(64, 48, 50.0)
    uv, z = project_points(K, c2w, target[None])
    np.testing.assert_allclose(uv[0], [32.0, 24.0], atol=1e-9)
    assert z[0] == pytest.approx(np.linalg.norm(target - eye))


def test_look_at_errors():
    with pytest.raises(ValueError, match="coincide"):
        look_at([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="parallel"):
        look_at([0, 0, 5], [0, 0, 0])


def test_opencv_round_trip_and_axes():
    c2w = look_at([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    w2c = c2w_to_w2c_opencv(c2w)
    np.testing.assert_allclose(w2c_opencv_to_c2w(w2c), c2w, atol=1e-12)
    # A point in front of the camera has +Z in OpenCV coordinates; a point above has -Y.
    fwd = -c2w[:3, 2]
    up = c2w[:3, 1]
    p = np.r_[c2w[:3, 3] + 4 * fwd + up, 1.0]
    cam = w2c @ p
    assert cam[2] == pytest.approx(4.0) and cam[1] == pytest.approx(-1.0)


def test_projection_matches_K_with_jitter():
    K = intrinsics_from_fov(64, 48, 60.0)
    K[0, 2] += 1.3  # off-centre principal point
    jit = (0.25, -0.4)
    P = projection_from_K(K, 64, 48, 0.1, 100.0, jit)
    rng = np.random.default_rng(1)
    cam = np.c_[rng.uniform(-2, 2, (50, 2)), rng.uniform(-50, -1, 50), np.ones(50)]
    clip = cam @ P.T
    ndc = clip[:, :3] / clip[:, 3:4]
    u = (ndc[:, 0] + 1) / 2 * 64
    v = (1 - ndc[:, 1]) / 2 * 48
    uv, z = project_points(K, np.eye(4), cam[:, :3])
    np.testing.assert_allclose(u, uv[:, 0] + jit[0], atol=1e-9)
    np.testing.assert_allclose(v, uv[:, 1] + jit[1], atol=1e-9)
    # Depth maps near -> -1, far -> +1.
    for d, expected in ((0.1, -1.0), (100.0, 1.0)):
        c = P @ [0, 0, -d, 1]
        assert c[2] / c[3] == pytest.approx(expected)


def test_halton_values():
    assert [halton(i, 2) for i in range(1, 6)] == pytest.approx([0.5, 0.25, 0.75, 0.125, 0.625])
    assert [halton(i, 3) for i in range(1, 5)] == pytest.approx([1 / 3, 2 / 3, 1 / 9, 4 / 9])
    assert halton_jitter(0) == pytest.approx((0.0, -1 / 6))
    assert halton_jitter(1) == pytest.approx((-0.25, 1 / 6))
    js = np.array([halton_jitter(f) for f in range(8)])
    assert (np.abs(js) < 0.5).all() and len({tuple(j) for j in js}) == 8
    assert halton_jitter(8) == halton_jitter(0)


def test_camera_defaults_scaled_and_errors():
    cam = Camera(64, 48, look_at([0, -5, 2], [0, 0, 0]), fov_y_deg=45.0, jitter_px=(0.2, -0.1))
    assert cam.K[1, 1] == pytest.approx(24 / math.tan(math.radians(22.5)))
    hr = cam.scaled(2)
    assert (hr.width, hr.height) == (128, 96)
    np.testing.assert_allclose(hr.K, scale_intrinsics(cam.K, 2))
    assert hr.jitter_px == pytest.approx((0.4, -0.2))
    assert cam.scaled(2, jitter=False).jitter_px == (0.0, 0.0)
    np.testing.assert_allclose(cam.K_jittered[:2, 2], [32.2, 23.9])
    with pytest.raises(ValueError, match="positive integers"):
        Camera(0, 48)
    with pytest.raises(ValueError, match="near"):
        Camera(64, 48, near=5.0, far=1.0)
    with pytest.raises(ValueError, match="c2w"):
        Camera(64, 48, c2w=np.full((4, 4), np.nan))
    with pytest.raises(ValueError, match="not both"):
        Camera(64, 48, K=np.eye(3), fov_y_deg=40.0)
