"""Material maps in the G-buffer: metallic-roughness, emissive and detail textures, stochastic tiling
and decals, checked against analytic values at known pixels (32x24, plane at 5 m)."""

import math

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import Camera, Environment, Instance, Material, Scene, Texture, look_at, plane, rotate, translate
from gameir.scene.material import linear_to_srgb, srgb_to_linear

DARK = Environment(sky_zenith=(0, 0, 0), sky_horizon=(0, 0, 0), sky_ground=(0, 0, 0), sun_disc_deg=0.0,
                   ambient_sky=(0, 0, 0), ambient_ground=(0, 0, 0))
FACING = translate(0, 5, 0) @ rotate((1, 0, 0), 90.0)  # plane normal +Z -> -Y, towards the camera
#: vertical fov at which a 4 m plane 5 m away covers exactly 16 of 24 rows (cols 8..24, rows 4..20)
FOV_16PX = math.degrees(2 * math.atan(0.6))


@pytest.fixture(scope="module")
def renderer():
    with Renderer(32, 24, shadow_map_size=0) as r:
        yield r


def _camera() -> Camera:
    return Camera(32, 24, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=FOV_16PX)


def _render(renderer, material: Material, *, uv_scale: float = 1.0, env: Environment = DARK, extra=()):
    scene = Scene(name="maps", environment=env)
    scene.add(Instance(plane(4, 4, uv_scale=uv_scale), material, FACING, semantic=1, instance_id=3))
    for inst in extra:
        scene.add(inst)
    return renderer.render(scene, _camera(), 0.0).buffers


def _halves(left: tuple[int, ...], right: tuple[int, ...]) -> np.ndarray:
    img = np.zeros((8, 8, 4), np.uint8)
    img[:, :4], img[:, 4:] = left, right
    return img


def test_metallic_roughness_map_sets_material_buffer(renderer):
    mr = Texture(_halves((0, 64, 200, 255), (0, 230, 20, 255)), srgb=False)
    mat = Material(roughness=1.0, metallic=0.5, metallic_roughness_texture=mr)
    m = _render(renderer, mat)["material"].astype(int)
    # left half: roughness 1.0 * 64/255, metallic 0.5 * 200/255; right: 230/255, 0.5 * 20/255
    assert abs(m[12, 10, 2] - 64) <= 1 and abs(m[12, 10, 0] - 100) <= 1
    assert abs(m[12, 21, 2] - 230) <= 1 and abs(m[12, 21, 0] - 10) <= 1
    assert (m[12, 10, 1] == m[12, 21, 1]).all() and abs(m[12, 10, 1] - 128) <= 1  # specular untouched
    plain = _render(renderer, Material(roughness=0.25, metallic=0.5))["material"].astype(int)
    assert abs(plain[12, 10, 2] - 64) <= 1 and abs(plain[12, 21, 2] - 64) <= 1  # no map: the factor everywhere


def test_emissive_map_masks_emission(renderer):
    em = Texture(_halves((255, 128, 0, 255), (0, 0, 0, 255)), srgb=True)
    mat = Material(base_color=(0, 0, 0, 1), emissive=(1.0, 1.0, 1.0), emissive_strength=2.0, emissive_texture=em)
    hdr = _render(renderer, mat)["hdr"].astype(float)
    np.testing.assert_allclose(hdr[12, 10], [2.0, 2.0 * float(srgb_to_linear(128 / 255)), 0.0], rtol=5e-3, atol=1e-3)
    np.testing.assert_allclose(hdr[12, 21], [0.0, 0.0, 0.0], atol=1e-4)


def test_detail_map_modulates_base_colour_and_roughness(renderer):
    detail = Texture(np.full((4, 4, 4), (64, 64, 64, 96), np.uint8), srgb=False)
    mat = Material(base_color=(0.8, 0.8, 0.8, 1.0), roughness=0.6, detail_texture=detail, detail_scale=2.3)
    b = _render(renderer, mat)
    expect_bc = linear_to_srgb(0.8 * 2 * 64 / 255) * 255
    assert abs(int(b["basecolor"][12, 16, 0]) - expect_bc) <= 1.5
    assert abs(int(b["material"][12, 16, 2]) - 0.6 * 2 * 96 / 255 * 255) <= 1.5


def test_stochastic_tiling_varies_repeats_deterministically(renderer):
    rng = np.random.default_rng(5)
    mr = np.zeros((4, 4, 4), np.uint8)
    mr[..., 1] = rng.integers(0, 256, (4, 4))  # roughness texels; 4 repeats of 4 px each: one texel per pixel
    mr[..., 3] = 255

    def rough(seed: int) -> np.ndarray:
        mat = Material(roughness=1.0, metallic_roughness_texture=Texture(mr, srgb=False), tile_variation=seed)
        return _render(renderer, mat, uv_scale=4.0)["material"][4:20, 8:24, 2].astype(float)

    flat = rough(0)
    tiles = flat.reshape(4, 4, 4, 4).transpose(0, 2, 1, 3)  # (tile row, tile col, 4, 4)
    assert np.abs(tiles - tiles[0, 0]).max() <= 1  # without variation every repeat is the same
    varied, again = rough(11), rough(11)
    np.testing.assert_array_equal(varied, again)  # same seed -> bit-identical
    vt = varied.reshape(4, 4, 4, 4).transpose(0, 2, 1, 3)
    differ = [np.abs(vt[i, j] - vt[i, j + 1]).max() > 8 for i in range(4) for j in range(3)]
    assert sum(differ) >= 10  # adjacent repeats differ
    # a shifted, quarter-turned periodic texture keeps its mean over one repeat (bilinear taps)
    np.testing.assert_allclose(vt.mean(axis=(2, 3)), np.full((4, 4), mr[..., 1].mean()), atol=1.0)
    assert not np.array_equal(varied, rough(12))  # another seed, other offsets


def test_decal_changes_basecolour_inside_footprint_only(renderer):
    disc = np.zeros((16, 16, 4), np.uint8)
    yy, xx = np.mgrid[0:16, 0:16]
    disc[..., :3] = (200, 30, 30)
    disc[..., 3] = np.where((yy - 7.5) ** 2 + (xx - 7.5) ** 2 < 36, 255, 0)
    decal_mat = Material(base_color_texture=Texture(disc), roughness=0.2, alpha_cutoff=0.5, decal=True)
    surface = Material(base_color=(0.2, 0.2, 0.2, 1.0), roughness=0.9)
    # a 2 m decal quad coplanar with the plane, centred; the surface's tags (semantic 1, instance 3)
    decal = Instance(plane(2, 2), decal_mat, FACING, semantic=1, instance_id=3)
    without = _render(renderer, surface)
    with_ = _render(renderer, surface, extra=(decal,))
    changed = (with_["basecolor"] != without["basecolor"]).any(axis=-1)
    # footprint: the disc of radius 6/16 * 2 m = 0.75 m = 3 px around the image centre (16, 12)
    yy, xx = np.mgrid[0:24, 0:32]
    r = np.hypot(xx + 0.5 - 16, yy + 0.5 - 12)
    assert changed[r < 2.5].all() and not changed[r > 3.6].any()
    assert (with_["material"][r < 2.5, 2] == round(0.2 * 255)).all()
    np.testing.assert_allclose(with_["depth"], without["depth"], rtol=1e-5)
    for name in ("semantic", "instance", "normal", "motion"):
        np.testing.assert_array_equal(with_[name], without[name])


def test_material_map_validation():
    with pytest.raises(ValueError, match="metallic_roughness_texture must be linear"):
        Material(metallic_roughness_texture=Texture(np.zeros((2, 2, 4), np.uint8), srgb=True))
    with pytest.raises(ValueError, match="emissive_texture must be sRGB"):
        Material(emissive_texture=Texture(np.zeros((2, 2, 4), np.uint8), srgb=False))
    with pytest.raises(ValueError, match="a decal needs alpha_cutoff"):
        Material(decal=True)
    with pytest.raises(ValueError, match="tile_variation must be an integer seed"):
        Material(tile_variation=-1)
    with pytest.raises(ValueError, match="detail_scale must be"):
        Material(detail_scale=0.0)


def test_forward_msaa_path_uses_the_maps():
    """The forward-shaded colour (aa="msaa") takes the same emissive map and tiling as the G-buffer."""
    em = Texture(_halves((255, 255, 255, 255), (0, 0, 0, 255)), srgb=True)
    mr = Texture(np.full((8, 8, 4), (255, 128, 0, 255), np.uint8), srgb=False)
    detail = Texture(np.full((4, 4, 4), 128, np.uint8), srgb=False)
    mat = Material(base_color=(0, 0, 0, 1), emissive=(1.0, 1.0, 1.0), emissive_texture=em, tile_variation=0,
                   metallic_roughness_texture=mr, detail_texture=detail)
    with Renderer(32, 24, aa="msaa", shadow_map_size=0) as r:
        scene = Scene(name="fwd", environment=DARK)
        scene.add(Instance(plane(4, 4), mat, FACING))
        hdr = r.render(scene, _camera(), 0.0).buffers["hdr"].astype(float)
    np.testing.assert_allclose(hdr[12, 10], [1.0, 1.0, 1.0], rtol=5e-3)
    np.testing.assert_allclose(hdr[12, 21], [0.0, 0.0, 0.0], atol=1e-3)
