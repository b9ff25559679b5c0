"""Motion vectors: analytic camera and object motion, and warping frame t-1 onto frame t."""

import cv2
import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import (
    Camera, DirectionalLight, Instance, Material, Scene, Texture, look_at, plane, project_points, sphere, translate,
)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(32, 24) as r:
        yield r


def _moved(cam: Camera, offset) -> Camera:
    c2w = cam.c2w.copy()
    c2w[:3, 3] += offset
    return Camera(cam.width, cam.height, c2w, K=cam.K, near=cam.near, far=cam.far)


def test_static_scene_static_camera_has_zero_motion(renderer, make_plane_scene, make_camera):
    f = renderer.render(make_plane_scene(5.0, size=40.0), make_camera(), 1.0)
    assert (f.buffers["motion"] == 0).all()


def test_sideways_camera_motion_is_analytic(renderer, make_plane_scene, make_camera):
    cam = make_camera()
    prev = _moved(cam, [-0.1, 0.0, 0.0])  # the camera moved 0.1 m to the right since t - dt
    f = renderer.render(make_plane_scene(5.0, size=4.0), cam, 1.0, prev_camera=prev)
    mot = f.buffers["motion"].astype(np.float64)
    on = np.isfinite(f.buffers["depth"])
    assert on.sum() > 100
    np.testing.assert_allclose(mot[on][:, 0], cam.K[0, 0] * 0.1 / 5.0, atol=2e-3)
    np.testing.assert_allclose(mot[on][:, 1], 0.0, atol=2e-3)
    np.testing.assert_allclose(mot[~on], 0.0, atol=1e-3)  # the sky (at infinity) does not move


def test_forward_camera_motion_is_analytic(renderer, make_plane_scene, make_camera):
    cam = make_camera()
    prev = _moved(cam, [0.0, -0.5, 0.0])  # dolly in by 0.5 m
    f = renderer.render(make_plane_scene(5.0, size=40.0), cam, 1.0, prev_camera=prev)
    j, i = np.meshgrid(np.arange(32) + 0.5, np.arange(24) + 0.5)
    scale = 5.0 / 5.5 - 1.0
    mot = f.buffers["motion"].astype(np.float64)
    np.testing.assert_allclose(mot[..., 0], (j - cam.K[0, 2]) * scale, atol=3e-3)
    np.testing.assert_allclose(mot[..., 1], (i - cam.K[1, 2]) * scale, atol=3e-3)


def test_sky_motion_follows_camera_rotation(renderer, make_camera):
    scene = Scene(name="far-box")
    scene.add(Instance(plane(1.0, 1.0), Material(), translate(0.0, 0.0, -50.0)))  # out of view
    cam = Camera(32, 24, look_at([0, 0, 0], [0, 1, 0.2]), fov_y_deg=60.0)
    prev = Camera(32, 24, look_at([0, 0, 0], [0.05, 1, 0.25]), fov_y_deg=60.0)
    f = renderer.render(scene, cam, 0.0, prev_camera=prev)
    assert np.isinf(f.buffers["depth"]).all()
    j, i = np.meshgrid(np.arange(32) + 0.5, np.arange(24) + 0.5)
    rays_cv = np.stack([(j - cam.K[0, 2]) / cam.K[0, 0], (i - cam.K[1, 2]) / cam.K[1, 1], np.ones_like(j)], -1)
    far_pts = (rays_cv * [1, -1, -1]) @ cam.c2w[:3, :3].T * 1e5 + cam.c2w[:3, 3]
    uv_prev, _ = project_points(prev.K, prev.c2w, far_pts.reshape(-1, 3))
    expected = uv_prev.reshape(24, 32, 2) - np.stack([j, i], -1)
    np.testing.assert_allclose(f.buffers["motion"].astype(np.float64), expected, atol=0.02)


def test_moving_object_has_its_own_motion(renderer, make_plane_scene, make_camera):
    scene = make_plane_scene(8.0, size=40.0, instance_id=1)
    velocity = np.array([0.5, 0.0, 0.3])  # m/s
    scene.add(Instance(sphere(0.8, 48, 24), Material(), lambda t: translate(*(velocity * t + [0, 5.0, 0])),
                       instance_id=2, name="ball"))
    cam = make_camera()
    dt = 0.4
    f = renderer.render(scene, cam, 1.0, dt=dt)
    ins, mot, depth = f.buffers["instance"], f.buffers["motion"].astype(np.float64), f.buffers["depth"]
    np.testing.assert_array_equal(mot[ins == 1], 0.0)  # static background
    ball = ins == 2
    assert ball.sum() > 20
    j, i = np.meshgrid(np.arange(32) + 0.5, np.arange(24) + 0.5)
    rays_cv = np.stack([(j - cam.K[0, 2]) / cam.K[0, 0], (i - cam.K[1, 2]) / cam.K[1, 1], np.ones_like(j)], -1)
    pts = (rays_cv * depth[..., None] * [1, -1, -1]) @ cam.c2w[:3, :3].T + cam.c2w[:3, 3]
    uv_prev, _ = project_points(cam.K, cam.c2w, pts[ball] - velocity * dt)
    expected = uv_prev - np.stack([j[ball], i[ball]], -1)
    np.testing.assert_allclose(mot[ball], expected, atol=0.02)
    assert (mot[ball][:, 0] < -0.5).all()  # moving right: it came from the left


def _smooth_texture(size: int = 64) -> Texture:
    y, x = np.mgrid[0:size, 0:size] / size * 2 * np.pi
    img = np.stack([128 + 100 * np.sin(x), 128 + 100 * np.sin(y), 128 + 100 * np.sin(x + y)], -1)
    return Texture(img.astype(np.uint8), name="smooth")


def test_warping_previous_frame_by_motion_reproduces_current():
    scene = Scene(name="warp")
    tex = _smooth_texture()
    scene.add(Instance(plane(30.0, 30.0, uv_scale=3.0), Material(base_color_texture=tex), np.eye(4)))
    scene.add(Instance(sphere(1.0, 48, 24), Material(base_color_texture=tex), lambda t: translate(0.6 * t, 6.0, 1.0),
                       instance_id=3))
    scene.add(DirectionalLight(casts_shadows=False))
    W, H = 96, 72
    cam_prev = Camera(W, H, look_at([0.0, -2.0, 2.5], [0.0, 6.0, 0.5]), fov_y_deg=55.0)
    cam_cur = Camera(W, H, look_at([0.25, -1.8, 2.5], [0.3, 6.0, 0.45]), fov_y_deg=55.0)
    dt = 1.0 / 30.0
    with Renderer(W, H) as r:
        prev = r.render(scene, cam_prev, 1.0 - dt, dt=dt)
        cur = r.render(scene, cam_cur, 1.0, dt=dt, prev_camera=cam_prev)
    mot = cur.buffers["motion"].astype(np.float32)
    j, i = np.meshgrid(np.arange(W, dtype=np.float32), np.arange(H, dtype=np.float32))
    warped = cv2.remap(prev.buffers["rgb"], j + mot[..., 0], i + mot[..., 1], cv2.INTER_LINEAR)
    src_x, src_y = j + mot[..., 0], i + mot[..., 1]
    valid = (src_x > 1) & (src_x < W - 2) & (src_y > 1) & (src_y < H - 2)
    # Skip pixels next to depth discontinuities (disocclusions, silhouettes).
    d = np.where(np.isfinite(cur.buffers["depth"]), cur.buffers["depth"], 1e3)
    edges = cv2.dilate((np.abs(cv2.Laplacian(np.log(d), cv2.CV_32F)) > 0.05).astype(np.uint8), np.ones((5, 5)))
    valid &= edges == 0
    assert valid.mean() > 0.5
    err_warp = np.abs(warped.astype(np.float32) - cur.buffers["rgb"]).mean(-1)[valid].mean()
    err_none = np.abs(prev.buffers["rgb"].astype(np.float32) - cur.buffers["rgb"]).mean(-1)[valid].mean()
    assert err_warp < 3.0
    assert err_warp < err_none / 4
