"""Native LR/HR pairs: shared frustum, K scaling, and LR is not a resampled HR."""

import numpy as np
import pytest

from gameir.render import PairRenderer, Renderer, render_pair
from gameir.scene import Camera, Instance, Material, Scene, look_at, noise_texture, plane, scale_intrinsics


def _ground(texture=None) -> Scene:
    scene = Scene(name="ground")
    scene.add(Instance(plane(200.0, 200.0, uv_scale=60.0), Material(base_color_texture=texture), np.eye(4),
                       semantic=1))
    return scene


@pytest.fixture(scope="module")
def pair():
    with PairRenderer((32, 24), 2, lod_bias_lr="auto", shadow_map_size=256) as p:
        yield p


def _block_mean(a: np.ndarray, s: int) -> np.ndarray:
    h, w = a.shape[0] // s, a.shape[1] // s
    return a.reshape((h, s, w, s) + a.shape[2:]).astype(np.float64).mean(axis=(1, 3))


def test_pair_shares_frustum_and_scales_K(pair):
    cam = Camera(32, 24, look_at([0, 0, 3.0], [0, 10, 0]), fov_y_deg=50.0, near=0.5)
    lr, hr = pair.render(_ground(), cam, 0.0)
    assert lr.buffers["rgb"].shape == (24, 32, 3) and hr.buffers["rgb"].shape == (48, 64, 3)
    np.testing.assert_allclose(hr.K, scale_intrinsics(lr.K, 2))
    np.testing.assert_allclose(hr.c2w, lr.c2w)
    assert lr.settings["lod_bias"] == -1.0 and hr.settings["lod_bias"] == 0.0
    assert lr.settings["pair_role"] == "lr" and hr.settings["pair_scale"] == 2
    # Depth of a smooth surface: the HR 2x2 block mean matches the LR pixel (same frustum).
    lr_d, hr_d = lr.buffers["depth"], hr.buffers["depth"]
    ground = np.isfinite(lr_d) & (_block_mean(hr_d, 2) < 15.0)  # where depth is close to affine in pixels
    assert ground.sum() > 200
    np.testing.assert_allclose(_block_mean(hr_d, 2)[ground], lr_d[ground], rtol=2e-3)
    np.testing.assert_array_equal(np.isinf(lr_d[:4]), True)  # sky at the top in both
    assert np.isinf(hr_d[:8]).all()


def test_lr_is_not_downsampled_hr_on_high_frequency_texture(pair, rng):
    # Looking straight down from 3 m: one noise texel (6.25 cm) is about one HR pixel (5.8 cm).
    cam = Camera(32, 24, look_at([0, 0, 3.0], [0, 0, 0], up=(0, 1, 0)), fov_y_deg=50.0, near=0.5)
    diffs = {}
    for label, tex in (("flat", None), ("noise", noise_texture(64, rng))):
        scene = Scene(name=label)
        scene.add(Instance(plane(4.0, 4.0), Material(base_color_texture=tex), np.eye(4)))
        lr, hr = pair.render(scene, cam, 0.0)
        for buf in ("basecolor", "rgb"):
            down = _block_mean(hr.buffers[buf], 2)
            diffs[label, buf] = np.abs(down - lr.buffers[buf]).mean()
    assert diffs["flat", "basecolor"] < 1.0 and diffs["flat", "rgb"] < 1.0
    # Aliasing of a native LR render, not a box-filtered HR (textures sampled at LR with LOD bias -1).
    assert diffs["noise", "basecolor"] > 15.0 and diffs["noise", "rgb"] > 3.0


def test_render_pair_function_and_jitter_policy(pair):
    cam = Camera(32, 24, look_at([0, 0, 3.0], [0, 10, 0]), fov_y_deg=50.0, jitter_px=(0.25, -0.125))
    lr, hr = render_pair(_ground(), cam, 0.0, pair.lr, pair.hr)
    np.testing.assert_allclose(lr.jitter_px, [0.25, -0.125])
    np.testing.assert_allclose(hr.jitter_px, [0.0, 0.0])
    lr2, hr2 = render_pair(_ground(), cam, 0.0, pair.lr, pair.hr, hr_jitter=True)
    np.testing.assert_allclose(hr2.jitter_px, [0.5, -0.25])
    np.testing.assert_allclose(hr2.K, scale_intrinsics(lr2.K, 2))  # jittered K scales too
    with Renderer(50, 24, share=pair.lr) as odd:
        with pytest.raises(ValueError, match="not an integer multiple"):
            render_pair(_ground(), cam, 0.0, pair.lr, odd)


def test_pair_renderer_size_is_named_width_height_and_the_former_name_warns():
    with PairRenderer(lr_size_wh=(16, 12), scale=2, shadow_map_size=0) as pair:
        assert (pair.lr.width, pair.lr.height, pair.hr.width, pair.hr.height) == (16, 12, 32, 24)
    with pytest.warns(DeprecationWarning, match=r"PairRenderer\(lr_size=...\) is now PairRenderer\(lr_size_wh=...\)"):
        with PairRenderer(lr_size=(16, 12), scale=2, shadow_map_size=0) as pair:
            assert (pair.lr.width, pair.lr.height) == (16, 12)
    with pytest.raises(ValueError, match=r"lr_size_wh must be \(width, height\)"):
        PairRenderer(lr_size_wh=(16,), scale=2)
