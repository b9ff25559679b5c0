"""Bloom: the thresholded excess is spread, energy kept; nothing below the threshold changes."""

import cv2
import numpy as np
import pytest

from gameir.render import Renderer
from gameir.render.passes import BloomPass
from gameir.render.passes.bloom import bloom_levels, bloom_weights
from gameir.scene import Camera, Environment, Instance, Material, Scene, look_at, plane, translate, box

from tests.render.post_harness import read_texture, run_post_pass

W = H = 64
THRESHOLD, INTENSITY = 1.0, 0.1


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H, post=["bloom", "tonemap"], shadow_map_size=0) as r:
        yield r


def _bloom(renderer, hdr):
    """Radiance the bloom adds at full size: intensity x the bloom texture upsampled bilinearly
    (cv2's INTER_LINEAR: pixel-centre aligned, edge replicated, as GL's linear filter)."""
    bloom, name = run_post_pass(renderer, BloomPass(THRESHOLD, INTENSITY, bloom_levels(W, H)), hdr)
    assert name == "bloom_up_1" and bloom.shape == (H // 2, W // 2, 4)
    return INTENSITY * cv2.resize(bloom[..., :3].astype(np.float64), (W, H), interpolation=cv2.INTER_LINEAR)


def test_weights_and_levels():
    w = bloom_weights()
    assert w[0] + 2 * w[1:].sum() == pytest.approx(1.0, abs=1e-6) and np.all(np.diff(w) < 0)
    assert bloom_levels(64, 64) == 5 and bloom_levels(1920, 1440) == 5 and bloom_levels(32, 24) == 4


@pytest.mark.parametrize("pixel", [(32, 32), (10, 45), (0, 0), (63, 20)])
def test_bright_pixel_energy_is_threshold_excess_times_intensity(renderer, pixel):
    hdr = np.zeros((H, W, 3))  # black: float16 keeps the faint far spread (not so over a bright background)
    value = np.array([9.0, 5.0, 3.0])  # brightness 9: excess = value * (9 - 1) / 9
    hdr[pixel] = value
    added = _bloom(renderer, hdr)
    expected = INTENSITY * value * (value.max() - THRESHOLD) / value.max()
    # energy (sum of radiance over pixels) per channel, within 1 % (float16 storage of each level)
    np.testing.assert_allclose(added.sum(axis=(0, 1)), expected, rtol=0.01)
    assert (added >= 0).all()  # only ever adds
    # spread: most of it away from the pixel itself, falling with distance
    y, x = np.mgrid[0:H, 0:W]
    r = np.hypot(y - pixel[0], x - pixel[1])
    lum = added.sum(-1)
    assert lum[r <= 1].sum() < 0.5 * lum.sum()
    assert lum[(r > 2) & (r <= 6)].mean() > lum[(r > 12) & (r <= 20)].mean() > 0


def test_below_threshold_changes_nothing(renderer):
    rng = np.random.default_rng(7)
    hdr = rng.uniform(0.0, 0.99, (H, W, 3))
    np.testing.assert_array_equal(_bloom(renderer, hdr), 0.0)


def _lamp_scene(strength: float) -> Scene:
    env = Environment(sky_zenith=(0, 0, 0), sky_horizon=(0, 0, 0), sky_ground=(0, 0, 0), sun_disc_deg=0.0,
                      ambient_sky=(0.2, 0.2, 0.2), ambient_ground=(0.2, 0.2, 0.2))
    scene = Scene(name="lamp", environment=env)
    scene.add(Instance(plane(40, 40), Material(base_color=(0.5, 0.5, 0.5, 1)), translate(0, 6, 0) @
                       np.array([[1, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1.0]])))
    scene.add(Instance(box((0.3, 0.3, 0.3)), Material(base_color=(0, 0, 0, 1), emissive=(1, 1, 1),
                                                     emissive_strength=strength), translate(0, 5, 0)))
    return scene


def test_renderer_bloom_around_a_lamp_only():
    cam = Camera(W, H, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=40.0)
    frames = {}
    for steps in (None, ["bloom", "tonemap"]):
        for strength in (0.5, 20.0):
            with Renderer(W, H, post=steps, shadow_map_size=0) as r:
                frames[steps is not None, strength] = r.render(_lamp_scene(strength), cam, 0.0)
                if steps and strength == 20.0:
                    bloom = read_texture(r, "bloom_up_1")[..., :3].astype(np.float64)
    bloomed = frames[True, 20.0]
    # the tone map pass adds intensity x the bloom, upsampled bilinearly: an independent composite
    hdr = bloomed.buffers["hdr"].astype(np.float64)
    x = np.maximum(hdr + INTENSITY * cv2.resize(bloom, (W, H), interpolation=cv2.INTER_LINEAR), 0)
    mapped = np.clip((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0, 1)
    srgb = np.where(mapped <= 0.0031308, 12.92 * mapped, 1.055 * mapped ** (1 / 2.4) - 0.055)
    assert np.abs(np.round(srgb * 255) - bloomed.buffers["rgb"]).max() <= 1
    assert bloomed.settings["post"] == ["bloom", "tonemap"]
    assert bloomed.settings["bloom"]["threshold"] == 1.0 and bloomed.settings["bloom"]["intensity"] == 0.1
    assert "post" not in frames[False, 20.0].settings  # the default chain records nothing new
    # the hdr buffer stays the pre-post radiance
    np.testing.assert_array_equal(bloomed.buffers["hdr"], frames[False, 20.0].buffers["hdr"])
    diff = bloomed.buffers["rgb"].astype(int) - frames[False, 20.0].buffers["rgb"].astype(int)
    assert diff.min() >= -1 and diff.max() > 10  # the lamp's glow brightens the wall around it
    # a dim lamp (below the threshold): the same image, but for the tone map of float16 radiance
    dim = frames[True, 0.5].buffers["rgb"].astype(int) - frames[False, 0.5].buffers["rgb"].astype(int)
    assert np.abs(dim).max() <= 1


@pytest.mark.parametrize("aa, kw", [("ssaa", {"ssaa": 2}), ("msaa", {"msaa_samples": 4}), ("fxaa", {})])
def test_bloom_in_every_aa_mode_keeps_hdr_and_brightens_rgb(aa, kw):
    cam = Camera(W, H, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=40.0)
    frames = {}
    for steps in (None, ["bloom", "tonemap"]):
        with Renderer(W, H, aa=aa, post=steps, shadow_map_size=0, **kw) as r:
            frames[steps is None] = r.render(_lamp_scene(20.0), cam, 0.0)
    np.testing.assert_array_equal(frames[False].buffers["hdr"], frames[True].buffers["hdr"])
    diff = frames[False].buffers["rgb"].astype(int) - frames[True].buffers["rgb"].astype(int)
    assert diff.min() >= -2 and diff.max() > 10
