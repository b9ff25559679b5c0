"""Wet reflections appear only on wet materials; rain streaks only with rain, deterministic, outside the G-buffers."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import (Camera, Environment, Instance, Material, Rain, Scene, box, look_at, plane, project_points,
                          rain_streaks, translate)
from gameir.worlds import build_world
from gameir.worlds.weather import apply_weather

W, H = 96, 64
GBUFFERS = ("depth", "normal", "basecolor", "semantic", "instance", "motion")


def _scene(wet_left: float, rain: Rain | None = None) -> Scene:
    """Two dark glossy ground planes side by side (left one with ``wet_left``) and a bright
    emissive wall standing beyond them, in view."""
    s = Scene(name="wet-dry", environment=Environment(sun_disc_deg=0.0, rain=rain))
    ground = dict(base_color=(0.2, 0.2, 0.2, 1.0), roughness=0.1)
    s.add(Instance(plane(4.0, 12.0), Material(**ground, wetness=wet_left), translate(-2.0, 6.0, 0.0), 1, 1, "left"))
    s.add(Instance(plane(4.0, 12.0), Material(**ground), translate(2.0, 6.0, 0.0), 1, 2, "right"))
    s.add(Instance(box((8.0, 0.5, 3.0)), Material(base_color=(0.0, 0.0, 0.0, 1.0), emissive=(1.0, 1.0, 1.0),
                                                  emissive_strength=4.0), translate(0.0, 10.0, 2.5), 3, 3, "lamp"))
    return s


@pytest.fixture(scope="module")
def frames():
    cam = Camera(W, H, look_at([0, 0, 1.2], [0, 8, 0.8]), fov_y_deg=60.0)
    with Renderer(W, H) as r:
        out = {"dry": r.render(_scene(0.0), cam, 1.0), "wet": r.render(_scene(1.0), cam, 1.0),
               "rain": r.render(_scene(0.0, Rain(seed=3)), cam, 1.0),
               "rain_again": r.render(_scene(0.0, Rain(seed=3)), cam, 1.0),
               "rain_later": r.render(_scene(0.0, Rain(seed=3)), cam, 1.1),
               "rain_seed4": r.render(_scene(0.0, Rain(seed=4)), cam, 1.0)}
    out["cam"] = cam
    return out


def test_reflections_only_on_wet_materials(frames):
    dry, wet, cam = frames["dry"], frames["wet"], frames["cam"]
    ins = dry.buffers["instance"]
    lum = lambda f: f.buffers["hdr"].astype(np.float64).mean(-1)
    diff = lum(wet) - lum(dry)
    # the dry plane and everything else keep every byte
    for name in ("rgb", "hdr") + GBUFFERS:
        np.testing.assert_array_equal(wet.buffers[name][ins != 1], dry.buffers[name][ins != 1], err_msg=name)
    left = ins == 1
    assert left.sum() > 500
    # the wall's mirror image in the wet plane: points (x, 10, -z) for the wall's (x, 10, z), seen
    # through the plane (the left half, x < 0): far brighter than the dry plane there
    mirror = np.array([[x, 9.75, -z] for x in np.linspace(-3.5, -0.3, 12) for z in np.linspace(1.3, 3.7, 12)])
    uv, _ = project_points(cam.K, cam.c2w, mirror)
    i, j = np.floor(uv[:, 1]).astype(int), np.floor(uv[:, 0]).astype(int)
    keep = (i >= 0) & (i < H) & (j >= 0) & (j < W)
    i, j = i[keep], j[keep]
    assert len(i) > 20 and left[i, j].all()
    assert np.median(diff[i, j]) > 0.2, "the bright wall should be reflected in the wet plane"
    # outside the mirror image the wet plane reflects the (dimmer) sky: a smaller change
    elsewhere = left.copy()
    elsewhere[i.min() - 1:i.max() + 2, j.min() - 1:j.max() + 2] = False
    assert np.median(diff[elsewhere]) < 0.5 * np.median(diff[i, j])


def test_rain_streaks_only_with_rain_and_deterministic(frames):
    dry, rain = frames["dry"], frames["rain"]
    streak = (rain.buffers["rgb"] != dry.buffers["rgb"]).any(-1)
    assert 50 < streak.sum() < 0.5 * W * H
    for name in GBUFFERS:  # streaks are composited into rgb / hdr only
        np.testing.assert_array_equal(rain.buffers[name], dry.buffers[name], err_msg=name)
    np.testing.assert_array_equal(rain.buffers["rgb"], frames["rain_again"].buffers["rgb"])
    for other in ("rain_later", "rain_seed4"):  # drops fall with time and depend on the seed
        assert (frames[other].buffers["rgb"] != rain.buffers["rgb"]).any(-1).sum() > 50


def test_rain_drops_fall_at_their_velocity():
    rain = Rain(seed=1, density=0.5, box_m=10.0)
    a, b = rain_streaks(rain, 2.0, [0, 0, 0]), rain_streaks(rain, 2.05, [0, 0, 0])
    assert a.shape == (500, 2, 3)
    assert (np.abs(a[:, 0]) <= 5.0 + 1e-4).all()  # heads fill the 10 m box around the centre
    step = b[:, 0] - a[:, 0]
    inside = np.linalg.norm(step - np.array(rain.velocity) * 0.05, axis=1) < 1e-4  # not wrapped
    assert inside.mean() > 0.9
    np.testing.assert_allclose(a[:, 0] - a[:, 1], np.tile(np.array(rain.velocity) * rain.streak_s, (500, 1)), atol=1e-5)
    with pytest.raises(ValueError, match="density"):
        Rain(density=0.0)
    with pytest.raises(ValueError, match="wetness"):
        Material(wetness=1.5)


def test_rainy_weathers_only_get_rain_and_standing_water():
    w = build_world("town", 0, weather="HardRain", detail="low", dynamic=False)
    assert w.scene.environment.rain is not None and w.scene.environment.rain.seed == 0
    assert any(i.material.wetness > 0 for i in w.scene.instances)
    for name in ("ClearNoon", "Fog", "Night"):
        apply_weather(w, name)
        assert w.scene.environment.rain is None
        assert all(i.material.wetness == 0 for i in w.scene.instances), name
    indoor = build_world("interior", 0, weather="HardRain", detail="low", dynamic=False)
    assert indoor.scene.environment.rain is None
    assert all(i.material.wetness == 0 for i in indoor.scene.instances)
