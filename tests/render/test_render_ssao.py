"""Optional SSAO: a crease darkens its ambient light, an open floor and direct light are untouched."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import Camera, DirectionalLight, Environment, Instance, Material, Scene, look_at, plane, rotate, \
    translate

W, H = 256, 192  # SSAO runs at half this size
CAM = Camera(W, H, look_at([0, 0, 1.5], [0, 5, 0.3]), fov_y_deg=60.0)
AMBIENT_ONLY = Environment(sky_zenith=(0, 0, 0), sky_horizon=(0, 0, 0), sky_ground=(0, 0, 0), sun_disc_deg=0.0,
                           ambient_sky=(1, 1, 1), ambient_ground=(1, 1, 1))


def _scene(env: Environment, wall: bool) -> Scene:
    scene = Scene(name="crease", environment=env)
    grey = Material(base_color=(0.8, 0.8, 0.8, 1), specular=0.0)
    scene.add(Instance(plane(40, 40), grey, np.eye(4)))  # floor z = 0
    if wall:  # a wall at y = 5 facing the camera: a 90-degree crease along the floor
        scene.add(Instance(plane(40, 40), grey, translate(0.0, 5.0, 0.0) @ rotate((1, 0, 0), 90.0)))
    return scene


def _render(scene: Scene, radius: float):
    with Renderer(W, H, ssao_radius=radius, shadow_map_size=0) as r:
        f = r.render(scene, CAM, 0.0)
    return f, f.buffers["hdr"].astype(np.float64)[..., 0]


def _floor_distance_to_wall(depth: np.ndarray) -> np.ndarray:
    """Metres from each floor pixel's surface point to the wall (nan elsewhere)."""
    v, u = np.mgrid[0:H, 0:W] + 0.5
    K = CAM.K
    ray = np.stack([(u - K[0, 2]) / K[0, 0], -(v - K[1, 2]) / K[1, 1], -np.ones_like(u)], -1)  # GL camera axes
    P = CAM.c2w[:3, 3] + (ray * depth[..., None]) @ CAM.c2w[:3, :3].T
    return np.where(np.isfinite(depth) & (np.abs(P[..., 2]) < 1e-2), 5.0 - P[..., 1], np.nan)


def test_crease_darkens_ambient_near_the_wall_only():
    f, with_ao = _render(_scene(AMBIENT_ONLY, wall=True), 0.5)
    _, without = _render(_scene(AMBIENT_ONLY, wall=True), 0.0)
    assert f.settings["ssao_radius"] == 0.5
    dist = _floor_distance_to_wall(f.buffers["depth"].astype(np.float64))
    ratio = with_ao / without
    # far: beyond what the 4 x 4 blur of the half-size AO (8 render rows, ~0.7 m at this grazing view) reaches
    near, mid, far = dist < 0.3, (dist >= 0.3) & (dist < 0.6), dist > 0.7
    assert near.sum() >= W and mid.sum() >= W and far.sum() > 1000
    assert ratio[near].mean() < 0.9            # the wall takes part of the hemisphere
    assert ratio[near].mean() < ratio[mid].mean() < 0.99  # less of it farther away
    np.testing.assert_allclose(ratio[far], 1.0, atol=2e-3)  # open floor: no occlusion at all


def test_open_floor_and_direct_light_are_unchanged():
    _, with_ao = _render(_scene(AMBIENT_ONLY, wall=False), 0.5)
    _, without = _render(_scene(AMBIENT_ONLY, wall=False), 0.0)
    np.testing.assert_allclose(with_ao, without, rtol=2e-3)  # a flat floor never occludes itself
    sun_only = Environment(**{**AMBIENT_ONLY.__dict__, "ambient_sky": (0, 0, 0), "ambient_ground": (0, 0, 0)})
    lit = _scene(sun_only, wall=True)
    lit.add(DirectionalLight(direction=(0.3, 0.6, -0.7), intensity=3.0))
    _, a = _render(lit, 0.5)
    _, b = _render(lit, 0.0)
    assert b.max() > 0.1
    np.testing.assert_array_equal(a, b)  # occlusion scales ambient light only


def test_ssao_arguments_are_checked():
    with pytest.raises(ValueError, match="ssao_radius must be a finite number of metres >= 0"):
        Renderer(8, 8, ssao_radius=-1.0)
    with pytest.raises(ValueError, match="aa='msaa' shades forward"):
        Renderer(8, 8, aa="msaa", ssao_radius=0.5)
