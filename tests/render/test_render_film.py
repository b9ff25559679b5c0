"""Film steps after the tone map: vignette follows its formula; grain is deterministic and zero-mean."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.render.passes import TonemapPass
from gameir.render.passes.film import grain_key
from gameir.scene import Camera, Environment, Instance, Material, Scene, look_at, plane, rotate, translate

from tests.render.post_harness import run_post_pass

W, H = 128, 96
GREY = 0.3  # exposed linear radiance


def _aces(x):
    return np.clip((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0)


def _encode(c):
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H, post=["tonemap", "vignette", "grain"], shadow_map_size=0) as r:
        yield r


def _film(renderer, vignette=None, grain=None, time_s=0.0, hdr=None):
    hdr = np.full((H, W, 3), GREY) if hdr is None else hdr
    out, name = run_post_pass(renderer, TonemapPass(vignette, grain), hdr, time_s=time_s)
    assert name == "ldr"
    return out[..., :3].astype(np.float64)


@pytest.mark.parametrize("k", [0.3, 1.0])
def test_vignette_is_the_cos4_falloff(renderer, k):
    out = _film(renderer, vignette=k)
    y, x = np.mgrid[0:H, 0:W] + 0.5
    r2 = ((x - W / 2) ** 2 + (y - H / 2) ** 2) / ((W / 2) ** 2 + (H / 2) ** 2)
    mapped = _aces(np.float64(np.float16(GREY)))
    expected = _encode(mapped / (1 + k * r2) ** 2) * 255
    assert np.abs(out[..., 0] - expected).max() <= 0.51 + 1e-3  # the 8-bit rounding only
    assert out[H // 2, W // 2, 0] == np.round(_encode(mapped) * 255)  # the centre keeps its value
    assert out[0, 0, 0] < 0.8 * out[H // 2, W // 2, 0]


def test_grain_is_zero_mean_triangular_and_deterministic(renderer):
    amplitude = 0.02
    a = _film(renderer, grain=(amplitude, 7), time_s=0.5)
    exact = _encode(_aces(np.float64(np.float16(GREY)))) * 255  # the value before grain and rounding
    noise = a[..., 0] - exact
    assert abs(noise.mean()) < 0.05  # codes; the standard error is 0.02
    # triangular on (-1, 1) has variance 1/6; plus the 8-bit rounding's 1/12 code^2
    assert noise.std() == pytest.approx(np.sqrt((255 * amplitude) ** 2 / 6 + 1 / 12), rel=0.05)
    assert np.abs(noise).max() <= 255 * amplitude + 0.5
    assert (a[..., 0] == a[..., 1]).all() and (a[..., 1] == a[..., 2]).all()  # one grain for all channels
    np.testing.assert_array_equal(_film(renderer, grain=(amplitude, 7), time_s=0.5), a)  # same seed, frame
    for other in (_film(renderer, grain=(amplitude, 7), time_s=0.5 + 1 / 30),
                  _film(renderer, grain=(amplitude, 8), time_s=0.5)):
        assert np.mean(other != a) > 0.5  # another frame or seed: another pattern
        assert abs(np.corrcoef((other[..., 0] - exact).ravel(), noise.ravel())[0, 1]) < 0.05
    assert grain_key(7, 0.5) != grain_key(7, 0.5 + 1 / 30) and grain_key(7, 0.5) == grain_key(7, 0.5)
    assert grain_key(7, 0.5, "town-1") != grain_key(7, 0.5, "town-2")


def test_renderer_vignettes_and_grains_rgb_only():
    env = Environment(sun_disc_deg=0.0, ambient_sky=(1, 1, 1), ambient_ground=(0.5, 0.5, 0.5))
    scene = Scene(name="wall", environment=env)
    scene.add(Instance(plane(40, 40), Material(base_color=(0.6, 0.4, 0.2, 1)),
                       translate(0, 6, 0) @ rotate((1, 0, 0), 90.0)))
    cam = Camera(W, H, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=50.0)
    frames = {}
    for steps in (None, ["tonemap", "vignette", "grain"]):
        with Renderer(W, H, post=steps, shadow_map_size=0) as r:
            frames[steps is None] = (r.render(scene, cam, 0.25), r.render(scene, cam, 0.25))
    plain, film = frames[True][0], frames[False][0]
    np.testing.assert_array_equal(film.buffers["rgb"], frames[False][1].buffers["rgb"])  # deterministic
    np.testing.assert_array_equal(film.buffers["hdr"], plain.buffers["hdr"])  # hdr: pre-post
    assert film.settings["post"] == ["tonemap", "vignette", "grain"]
    assert film.settings["vignette"]["intensity"] == 0.3
    assert film.settings["grain"] == {"intensity": 0.02, "seed": 0,
                                      "distribution": "triangular, zero-mean, on sRGB codes"}
    diff = film.buffers["rgb"].astype(float) - plain.buffers["rgb"].astype(float)
    centre = diff[H // 2 - 8:H // 2 + 8, W // 2 - 8:W // 2 + 8]
    assert abs(centre.mean()) < 0.6 and centre.std() > 1.0  # grain around the unvignetted centre
    assert diff[:8, :8].mean() < -5  # darker corners
