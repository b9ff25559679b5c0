"""Procedural textures: determinism, shapes, tiling, alpha, text, normal maps."""

import numpy as np
import pytest

from gameir.worlds import textures as T


@pytest.mark.parametrize("name", sorted(T.GENERATORS))
def test_generator_deterministic_rgba(name):
    gen = T.GENERATORS[name]
    a = gen(np.random.default_rng(7), 64)
    b = gen(np.random.default_rng(7), 64)
    c = gen(np.random.default_rng(8), 64)
    assert a.rgba.shape == (64, 64, 4) and a.rgba.dtype == np.uint8
    assert np.array_equal(a.rgba, b.rgba)
    assert not np.array_equal(a.rgba, c.rgba)
    assert a.rgba[..., :3].std() > 3.0  # not flat
    if a.height is not None:
        assert a.height.shape == (64, 64) and a.height.dtype == np.float32
        assert 0.0 <= a.height.min() and a.height.max() <= 1.0


@pytest.mark.parametrize("name,alpha", [("leaves", True), ("grass", True), ("chain_link", True),
                                        ("graffiti", True), ("bricks", False), ("asphalt", False)])
def test_cutout_alpha(name, alpha):
    m = T.GENERATORS[name](np.random.default_rng(0), 128)
    a = m.rgba[..., 3]
    assert m.has_alpha == alpha
    if alpha:
        cov = (a > 127).mean()
        assert 0.02 < cov < 0.9, cov


def test_bad_size_rejected():
    with pytest.raises(ValueError, match="power of two"):
        T.bricks(np.random.default_rng(0), 100)


def test_value_noise_tiles_seamlessly():
    n = T.value_noise(np.random.default_rng(1), 64, 8)
    # the jump across the wrap edge is no bigger than jumps between neighbouring columns inside
    inner = np.abs(np.diff(n, axis=1)).max()
    assert np.abs(n[:, 0] - n[:, -1]).max() <= inner * 1.5 + 1e-6


def test_sign_prints_text_in_letter_colour():
    m = T.sign(np.random.default_rng(0), 128, text="STOP", shape="octagon")
    rgb = m.rgba[..., :3].astype(int)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 60)
    white_inside = (rgb.min(-1) > 200)[40:90, 20:108]
    assert red.mean() > 0.3 and white_inside.mean() > 0.05
    with pytest.raises(ValueError, match="sign shape"):
        T.sign(np.random.default_rng(0), 64, shape="star")


def test_normal_from_height_analytic_slope():
    x = np.tile(np.linspace(0, 1, 64, endpoint=False, dtype=np.float32), (64, 1))
    ramp = np.sin(2 * np.pi * x)  # periodic so wrap differences are fine
    n = T.normal_from_height(ramp, strength=4.0).astype(np.float32)[..., :3] / 255 * 2 - 1
    assert np.allclose(np.linalg.norm(n, axis=-1), 1.0, atol=0.02)
    # slope zero at the peak (x = 0.25): normal points out (+z); rising slope at x=0 tilts to -x
    assert n[10, 16, 2] > 0.99
    slope = 4.0 * np.sin(2 * np.pi / 64)  # central difference of sin, times strength * 64 / 64
    assert n[10, 0, 0] == pytest.approx(-slope / np.sqrt(1 + slope ** 2), abs=0.01)
    assert abs(n[10, 0, 1]) < 0.01


def test_facade_emissive_only_on_windows():
    m = T.facade(np.random.default_rng(3), 128, floors=4, columns=4, lit_fraction=1.0)
    lit = m.emissive.max(-1) > 0
    assert lit.mean() > 0.1
    assert np.all(m.height[lit] == 0.0)  # lit pixels are window panes (recessed)



def test_nbytes_gpu_counts_mips_and_maps():
    m = T.bricks(np.random.default_rng(0), 64)
    mr = 32 * 32 * 4 * 4 // 3  # the half-side metallic-roughness map
    assert m.nbytes_gpu() == 2 * 64 * 64 * 4 * 4 // 3 + mr  # colour + normal map, each with a mip chain
    f = T.facade(np.random.default_rng(0), 64)
    assert f.nbytes_gpu() == 3 * 64 * 64 * 4 * 4 // 3 + mr  # + emissive
    assert T.lawn(np.random.default_rng(0), 64).nbytes_gpu() == 2 * 64 * 64 * 4 * 4 // 3  # no roughness map
