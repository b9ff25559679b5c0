"""Materials and lighting: cut-outs, two-sided faces, emissive + exposure, lights, shadows, fog,
anisotropic filtering and LOD bias."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import (
    Camera, DirectionalLight, Environment, Instance, Material, PointLight, Scene, SpotLight, Texture, box,
    checker_texture, look_at, plane, rotate, translate,
)

DARK = Environment(sky_zenith=(0, 0, 0), sky_horizon=(0, 0, 0), sky_ground=(0, 0, 0), sun_disc_deg=0.0,
                   ambient_sky=(0, 0, 0), ambient_ground=(0, 0, 0))


@pytest.fixture(scope="module")
def renderer():
    with Renderer(32, 24, shadow_map_size=512) as r:
        yield r


def test_alpha_cutoff_and_two_sided(renderer, make_camera):
    half = np.full((8, 8, 4), 255, np.uint8)
    half[:, :4, 3] = 0                              # left half of the texture transparent
    cut = Material(base_color_texture=Texture(half), alpha_cutoff=0.5)
    xform = translate(0, 5, 0) @ rotate((1, 0, 0), 90.0)  # faces the camera
    scene = Scene(name="cutout")
    scene.add(Instance(plane(4, 4), cut, xform, instance_id=1))
    f = renderer.render(scene, make_camera(), 0.0)
    ins = f.buffers["instance"]
    rows = slice(8, 16)
    assert (ins[rows, 10:15] == 0).all() and (ins[rows, 17:22] == 1).all()
    assert (f.buffers["semantic"][rows, 10:15] == 11).all()
    # Back faces: culled unless the material is two-sided; then the normal faces the camera.
    back = translate(0, 5, 0) @ rotate((1, 0, 0), -90.0)  # normal +Y, away from the camera
    for two_sided, expect in ((False, 0), (True, 2)):
        scene = Scene(name="back")
        scene.add(Instance(plane(4, 4), Material(two_sided=two_sided), back, instance_id=2))
        f = renderer.render(scene, make_camera(), 0.0)
        assert f.buffers["instance"][12, 16] == expect
        if two_sided:
            np.testing.assert_allclose(f.buffers["normal"][12, 16].astype(float), [0, -1, 0], atol=1e-3)


def test_emissive_and_exposure(renderer, make_camera):
    xform = translate(0, 5, 0) @ rotate((1, 0, 0), 90.0)
    out = {}
    for ev in (0.0, 1.0):
        scene = Scene(name="emissive", environment=Environment(**{**DARK.__dict__, "exposure_ev": ev}))
        scene.add(Instance(plane(4, 4), Material(base_color=(0, 0, 0, 1), emissive=(0.2, 0.1, 0.05),
                                                 emissive_strength=2.0), xform))
        out[ev] = renderer.render(scene, make_camera(), 0.0).buffers
    np.testing.assert_allclose(out[0.0]["hdr"][12, 16].astype(float), [0.4, 0.2, 0.1], rtol=2e-3)
    np.testing.assert_allclose(out[1.0]["hdr"][12, 16].astype(float), [0.8, 0.4, 0.2], rtol=2e-3)
    assert (out[0.0]["hdr"][0, 0] == 0).all()  # black sky
    assert out[1.0]["rgb"][12, 16, 0] > out[0.0]["rgb"][12, 16, 0]


def _ground_lit(renderer, light, cam) -> np.ndarray:
    scene = Scene(name="lit", environment=DARK)
    scene.add(Instance(plane(40, 40, segments=4), Material(roughness=1.0, specular=0.0), np.eye(4)))
    scene.add(light)
    return renderer.render(scene, cam, 0.0).buffers["hdr"].astype(np.float64).mean(-1)


def test_point_light_falloff_and_range(renderer):
    cam = Camera(32, 24, look_at([0, -0.01, 12], [0, 0, 0]), fov_y_deg=60.0)
    hdr = _ground_lit(renderer, PointLight(position=(0, 0, 1.0), intensity=10.0, range=4.0), cam)
    centre, mid = hdr[12, 16], hdr[12, 20]
    assert centre > 3 * mid > 0
    assert hdr[12, 31] == 0 and hdr[0, 16] == 0       # beyond the range: exactly dark
    # Lambert at the ground point seen by pixel (12, 16): albedo/pi * I * cos / d^2 * window.
    m_per_px = 2 * 12 * np.tan(np.radians(30)) / 24
    dx = dy = 0.5 * m_per_px  # the pixel centre is half a pixel off the optical axis in x and y
    d2 = 1.0 + dx * dx + dy * dy
    window = (1 - (d2 / 16.0) ** 2) ** 2
    assert centre == pytest.approx(0.8 / np.pi * 10.0 * (1 / np.sqrt(d2)) / d2 * window, rel=0.03)


def test_spot_light_cone(renderer):
    cam = Camera(32, 24, look_at([0, -0.01, 12], [0, 0, 0]), fov_y_deg=60.0)
    hdr = _ground_lit(renderer, SpotLight(position=(0, 0, 3.0), direction=(0, 0, -1), intensity=50.0, range=30.0,
                                          inner_cone_deg=10.0, outer_cone_deg=15.0), cam)
    assert hdr[12, 16] > 0 and hdr[12, 27] == 0 and hdr[2, 16] == 0


def test_sun_shadow_darkens_ground_behind_box(renderer):
    scene = Scene(name="shadow", environment=DARK)
    scene.add(Instance(plane(40, 40), Material(roughness=1.0), np.eye(4)))
    scene.add(Instance(box((2, 2, 2)), Material(), translate(0, 0, 1), instance_id=1))
    scene.add(DirectionalLight(direction=(1.0, 0.0, -1.0), intensity=3.0))
    cam = Camera(32, 24, look_at([0, -0.01, 15], [0, 0, 0]), fov_y_deg=60.0)
    hdr = renderer.render(scene, cam, 0.0).buffers["hdr"].astype(np.float64).mean(-1)
    # Ground at x in (1, 3) lies in the box's shadow, x in (-5, -2) is lit.
    px_per_m = 12 / (15 * np.tan(np.radians(30)))
    shadow_col, lit_col = int(16 + 2.0 * px_per_m), int(16 - 3.5 * px_per_m)
    assert hdr[12, shadow_col] < 0.1 * hdr[12, lit_col]
    scene.lights[0].casts_shadows = False
    hdr2 = renderer.render(scene, cam, 0.0).buffers["hdr"].astype(np.float64).mean(-1)
    assert hdr2[12, shadow_col] == pytest.approx(hdr2[12, lit_col], rel=0.05)


def test_height_fog_pulls_distant_pixels_to_fog_colour(renderer):
    fog_col = (0.5, 0.5, 0.5)
    env = Environment(**{**DARK.__dict__, "fog_density": 0.3, "fog_height_falloff": 0.01, "fog_color": fog_col})
    scene = Scene(name="fog", environment=env)
    scene.add(Instance(plane(400, 400), Material(base_color=(0, 0, 0, 1)), np.eye(4)))
    cam = Camera(32, 24, look_at([0, 0, 1.0], [0, 10, 0.5]), fov_y_deg=60.0)
    f = renderer.render(scene, cam, 0.0)
    hdr, depth = f.buffers["hdr"].astype(np.float64)[..., 0], f.buffers["depth"]
    near, far = np.unravel_index(np.argmin(depth), depth.shape), np.unravel_index(
        np.argmax(np.where(np.isfinite(depth), depth, 0)), depth.shape)
    assert hdr[near] < hdr[far] <= 0.5 + 1e-3
    assert hdr[far] > 0.45   # long ray: almost all fog


def test_height_fog_matches_the_analytic_transmittance(renderer):
    # Black wall 12 m ahead, no light: hdr = fog colour * exposure * (1 - T), with T the analytic
    # integral of density(z) = rho * exp(-b (z - h0)) along each pixel's ray from a camera 3 m up.
    rho, b, h0, fog_col = 0.04, 0.3, 1.0, (0.6, 0.6, 0.6)
    env = Environment(**{**DARK.__dict__, "fog_density": rho, "fog_height_falloff": b, "fog_height": h0,
                         "fog_color": fog_col})
    scene = Scene(name="fog-wall", environment=env)
    wall = translate(0.0, 12.0, 3.0) @ rotate((1, 0, 0), 90.0)  # z = 0 plane stood up, facing -y
    scene.add(Instance(plane(200, 200), Material(base_color=(0, 0, 0, 1), specular=0.0), wall))
    cam = Camera(32, 24, look_at([0, 0, 3.0], [0, 12.0, 3.0]), fov_y_deg=60.0)
    f = renderer.render(scene, cam, 0.0)
    depth, hdr = f.buffers["depth"].astype(np.float64), f.buffers["hdr"].astype(np.float64)[..., 0]
    np.testing.assert_allclose(depth, 12.0, rtol=1e-5)
    v, u = np.mgrid[0:24, 0:32] + 0.5
    ray = np.stack([(u - cam.K[0, 2]) / cam.K[0, 0], (v - cam.K[1, 2]) / cam.K[1, 1], np.ones_like(u)], -1)
    dist = depth * np.linalg.norm(ray, axis=-1)
    dz = -ray[..., 1] / np.linalg.norm(ray, axis=-1)  # image rows grow downwards, world z up
    a = rho * np.exp(-b * (3.0 - h0))
    bz = b * dz * dist
    T = np.exp(-a * dist * np.where(np.abs(bz) > 1e-4, (1 - np.exp(-bz)) / np.where(bz == 0, 1, bz), 1 - bz / 2))
    expected = fog_col[0] * 2.0 ** env.exposure_ev * (1 - T)
    assert np.ptp(expected) > 0.05  # the fog really varies with height across the image
    np.testing.assert_allclose(hdr, expected, rtol=4e-3, atol=1e-3)


def test_anisotropy_keeps_distant_texture_contrast():
    scene = Scene(name="aniso")
    scene.add(Instance(plane(200, 200, uv_scale=100), Material(base_color_texture=checker_texture(64, 2)), np.eye(4)))
    cam = Camera(64, 48, look_at([0, 0, 0.6], [0, 10, 0.3]), fov_y_deg=50.0)
    stds = {}
    for aniso in (1.0, 8.0):
        with Renderer(64, 48, anisotropy=aniso, shadow_map_size=0) as r:
            b = r.render(scene, cam, 0.0).buffers["basecolor"].astype(np.float64)
        stds[aniso] = np.mean([b[row].std() for row in range(26, 30)])  # ground 5-8 m away, grazing view
    assert stds[8.0] > 1.5 * stds[1.0]


def test_lod_bias_applies_with_anisotropic_filtering(rng):
    from gameir.scene import noise_texture

    scene = Scene(name="bias")
    scene.add(Instance(plane(4.0, 4.0), Material(base_color_texture=noise_texture(64, rng)), np.eye(4)))
    cam = Camera(32, 24, look_at([0, 0, 3.0], [0, 0, 0], up=(0, 1, 0)), fov_y_deg=50.0)
    std = {}
    for bias in (0.0, -1.0, 2.0):
        with Renderer(32, 24, lod_bias=bias, anisotropy=8.0, shadow_map_size=0) as r:
            std[bias] = r.render(scene, cam, 0.0).buffers["basecolor"].astype(np.float64).std()
    assert std[-1.0] > 1.5 * std[0.0] > 3.0 * std[2.0]  # sharper with negative bias, blurrier with positive


def test_extreme_radiance_stays_finite(renderer, make_camera):
    scene = Scene(name="blinding", environment=Environment(exposure_ev=20.0))
    scene.add(Instance(plane(4, 4), Material(emissive=(1e6, 1e6, 1e6), emissive_strength=1e6),
                       translate(0, 5, 0) @ rotate((1, 0, 0), 90.0)))
    scene.add(DirectionalLight(intensity=1e9))
    f = renderer.render(scene, make_camera(), 0.0)
    hdr = f.buffers["hdr"].astype(np.float64)
    assert np.isfinite(hdr).all() and hdr.max() <= 65504
    assert (f.buffers["rgb"][12, 16] == 255).all()


def test_cutout_coverage_is_the_same_with_and_without_depth_prepass(rng):
    """A grazing, high-frequency cut-out with LOD bias: every pixel is either sky or the cut-out in
    both modes (a pre-pass that disagrees with the G-buffer alpha test would leave depth-0 holes)."""
    alpha = np.full((64, 64, 4), 255, np.uint8)
    alpha[..., 3] = (rng.random((64, 64)) < 0.5) * 255
    leaves = Material(base_color_texture=Texture(alpha), alpha_cutoff=0.5, two_sided=True)
    scene = Scene(name="foliage")
    scene.add(Instance(plane(12, 40, uv_scale=8.0), leaves, translate(0, 22, -1.0), semantic=9, instance_id=5))
    cam = Camera(64, 48, look_at((0, 0, 0.2), (0, 10, -0.6)), fov_y_deg=60)
    for prepass in (True, False):
        with Renderer(64, 48, lod_bias=-1.0, depth_prepass=prepass) as r:
            f = r.render(scene, cam, 0.0)
        depth, sem = f.buffers["depth"], f.buffers["semantic"]
        leaf = sem == 9
        assert leaf.sum() > 200 and (~leaf).sum() > 200  # plenty of both
        assert np.all(np.isinf(depth[~leaf])) and (sem[~leaf] == 11).all()
        assert np.all(depth[leaf] > 0) and np.all(np.isfinite(depth[leaf]))


def test_zero_degree_sun_disc_adds_no_sun_to_the_sky(make_camera):
    scene = Scene(name="sky")
    scene.add(DirectionalLight(direction=(0.0, 1.0, -0.3), intensity=3.0))
    scene.add(Instance(box((0.2, 0.2, 0.2)), Material(), translate(0, -50, 0), instance_id=1))  # behind the camera
    skies = {}
    for disc in (0.0, 0.53):
        scene.environment = Environment(sun_disc_deg=disc, sun_disc_intensity=50.0)
        with Renderer(32, 24) as r:
            skies[disc] = r.render(scene, make_camera(), 0.0).buffers["hdr"].astype(np.float32)
    no_disc = Environment(sun_disc_deg=0.0, sun_disc_intensity=0.0)
    scene.environment = no_disc
    with Renderer(32, 24) as r:
        reference = r.render(scene, make_camera(), 0.0).buffers["hdr"].astype(np.float32)
    np.testing.assert_array_equal(skies[0.0], reference)  # a 0-degree disc contributes nothing anywhere
