"""Depth, normals and ids against analytic values."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import Camera, Instance, Material, Scene, box, look_at, sphere, translate
from gameir.scene.camera import project_points


@pytest.fixture(scope="module")
def renderer():
    with Renderer(32, 24) as r:
        yield r


def test_plane_depth_normal_ids_and_sky(renderer, make_plane_scene, make_camera):
    scene = make_plane_scene(5.0, size=4.0, semantic=3, instance_id=42)
    cam = make_camera()
    f = renderer.render(scene, cam, 0.0)
    f.check()
    depth, sem, ins = f.buffers["depth"], f.buffers["semantic"], f.buffers["instance"]
    # The plane spans x in [-2, 2], z in [-2, 2] at y = 5: pixel centres inside that square see it.
    j, i = np.meshgrid(np.arange(32) + 0.5, np.arange(24) + 0.5)
    fx, cx, cy = cam.K[0, 0], cam.K[0, 2], cam.K[1, 2]
    x_w, z_w = (j - cx) * 5.0 / fx, -(i - cy) * 5.0 / fx
    inside = (np.abs(x_w) < 1.95) & (np.abs(z_w) < 1.95)
    outside = (np.abs(x_w) > 2.05) | (np.abs(z_w) > 2.05)
    assert inside.sum() > 100 and outside.sum() > 100
    np.testing.assert_allclose(depth[inside], 5.0, rtol=1e-5)
    assert np.isposinf(depth[outside]).all()
    np.testing.assert_allclose(f.buffers["normal"][inside].astype(np.float32), np.tile([0, -1, 0], (inside.sum(), 1)),
                               atol=1e-3)
    assert (f.buffers["normal"][outside] == 0).all()
    assert (sem[inside] == 3).all() and (ins[inside] == 42).all()
    assert (sem[outside] == 11).all() and (ins[outside] == 0).all()  # sky tag, no instance
    assert (f.buffers["basecolor"][outside] == 0).all()
    # Default material: metallic 0, specular 0.5, roughness 0.5; base colour 0.8 linear -> sRGB 231.
    np.testing.assert_array_equal(f.buffers["material"][inside][0], [0, 128, 128])
    assert (f.buffers["basecolor"][inside] == 231).all()


def test_sphere_normals_and_depth_match_analytic(make_camera):
    centre, radius = np.array([0.2, 4.0, -0.1]), 1.0
    scene = Scene(name="sphere")
    scene.add(Instance(sphere(radius, 192, 96), Material(), translate(*centre), instance_id=1))
    cam = make_camera(64, 48, fov=45.0)
    with Renderer(64, 48) as r:
        f = r.render(scene, cam, 0.0)
    j, i = np.meshgrid(np.arange(64) + 0.5, np.arange(48) + 0.5)
    rays_cv = np.stack([(j - cam.K[0, 2]) / cam.K[0, 0], (i - cam.K[1, 2]) / cam.K[1, 1], np.ones_like(j)], -1)
    rays_w = rays_cv @ (cam.c2w[:3, :3] @ np.diag([1, -1, -1])).T       # world, z_cv = 1
    # |t r - c|^2 = R^2
    a = np.sum(rays_w ** 2, -1)
    b = -2 * rays_w @ centre
    c = centre @ centre - radius ** 2
    disc = b * b - 4 * a * c
    hit = disc > 0
    tt = (-b - np.sqrt(np.where(hit, disc, 0))) / (2 * a)
    normal = (rays_w * tt[..., None] - centre) / radius
    solid = hit & (np.abs(np.sqrt(np.maximum(disc, 0)) / (2 * a)) > 0.15)  # away from the silhouette
    n = f.buffers["normal"].astype(np.float64)
    n /= np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-12)  # float16 storage: |n| = 1 +- 5e-4
    assert solid.sum() > 300
    cosang = np.sum(n[solid] * normal[solid], -1)
    assert np.degrees(np.arccos(np.clip(cosang, -1, 1))).max() < 0.3
    np.testing.assert_allclose(f.buffers["depth"][solid], tt[solid], rtol=2e-3)  # tt = depth (z_cv = 1)
    assert np.isfinite(f.buffers["depth"][hit & solid]).all() and np.isinf(f.buffers["depth"][disc < -0.5]).all()


def test_ids_on_the_right_pixels(renderer, make_camera):
    scene = Scene(name="ids")
    positions = {7: (-1.5, 6.0, 0.0), 9: (1.5, 6.0, 0.8)}
    for iid, pos in positions.items():
        scene.add(Instance(box((0.8, 0.8, 0.8)), Material(), translate(*pos), semantic=14 if iid == 7 else 12,
                           instance_id=iid))
    cam = make_camera()
    f = renderer.render(scene, cam, 0.0)
    for iid, pos in positions.items():
        uv, _ = project_points(cam.K, cam.c2w, np.array([pos]) - [0, 0.4, 0])  # front face centre
        col, row = int(uv[0, 0]), int(uv[0, 1])
        assert f.buffers["instance"][row, col] == iid
        assert f.buffers["semantic"][row, col] == (14 if iid == 7 else 12)
    assert set(np.unique(f.buffers["instance"])) == {0, 7, 9}
    assert ((f.buffers["instance"] == 9) == (f.buffers["semantic"] == 12)).all()


def test_camera_orientation_top_row_first(renderer, make_camera):
    # A box above the optical axis must appear in the top half, one to the right in the right half.
    scene = Scene(name="orient")
    scene.add(Instance(box((0.5, 0.5, 0.5)), Material(), translate(0.0, 5.0, 1.2), instance_id=1))
    scene.add(Instance(box((0.5, 0.5, 0.5)), Material(), translate(1.5, 5.0, 0.0), instance_id=2))
    f = renderer.render(scene, make_camera(), 0.0)
    rows1, cols1 = np.nonzero(f.buffers["instance"] == 1)
    rows2, cols2 = np.nonzero(f.buffers["instance"] == 2)
    assert rows1.mean() < 12 and abs(cols1.mean() - 16) < 1.5
    assert cols2.mean() > 16 and abs(rows2.mean() - 12) < 1.5


def test_camera_helpers_agree_with_render(renderer):
    cam = Camera(32, 24, look_at([3, -4, 2], [0, 0, 0.5]), fov_y_deg=50.0)
    scene = Scene(name="probe")
    target = np.array([0.4, 0.3, 0.6])
    scene.add(Instance(sphere(0.1, 16, 8), Material(), translate(*target), instance_id=5))
    f = renderer.render(scene, cam, 0.0)
    rows, cols = np.nonzero(f.buffers["instance"] == 5)
    uv, depth = project_points(cam.K, cam.c2w, target[None])
    assert abs(cols.mean() + 0.5 - uv[0, 0]) < 0.6 and abs(rows.mean() + 0.5 - uv[0, 1]) < 0.6
    assert f.buffers["depth"][rows, cols].min() == pytest.approx(depth[0] - 0.1, abs=0.02)
