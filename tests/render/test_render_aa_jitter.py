"""Anti-aliasing modes, SSAA downsampling, determinism and sub-pixel jitter."""

import numpy as np
import pytest

from gameir.render import Renderer, downsample_buffers
from gameir.scene import Camera, DirectionalLight, Environment, Instance, Material, Scene, box, look_at, plane, \
    rotate, translate


def _edge_scene() -> Scene:
    scene = Scene(name="edges", environment=Environment(fog_density=0.02, fog_height_falloff=0.2))
    scene.add(Instance(plane(40, 40), Material(base_color=(0.2, 0.2, 0.2, 1.0)), np.eye(4), semantic=1))
    scene.add(Instance(box((1.0, 1.0, 1.0)), Material(base_color=(0.9, 0.9, 0.9, 1.0)),
                       translate(0.0, 5.0, 0.5) @ rotate((0, 0, 1), 20.0), semantic=14, instance_id=4))
    scene.add(DirectionalLight(direction=(0.4, 0.6, -0.7)))
    return scene


CAM = Camera(32, 24, look_at([0.0, 0.0, 1.2], [0.0, 5.0, 0.5]), fov_y_deg=40.0)


@pytest.mark.parametrize("aa,kw", [("none", {}), ("fxaa", {}), ("msaa", {"msaa_samples": 4}),
                                   ("ssaa", {"ssaa": 2}), ("ssaa", {"ssaa": 3})])
def test_aa_modes_produce_complete_finite_frames(aa, kw):
    with Renderer(32, 24, aa=aa, **kw) as r:
        f = r.render(_edge_scene(), CAM, 0.0)
    f.check()
    for name, arr in f.buffers.items():
        assert not np.isnan(arr.astype(np.float64)).any(), name
    assert f.settings["aa"] == aa
    box_px = f.buffers["instance"] == 4
    assert 20 < box_px.sum() < 400
    assert (np.isfinite(f.buffers["depth"]) == (np.abs(f.buffers["normal"].astype(np.float32)).sum(-1) > 0)).all()


def test_aa_softens_edges_but_keeps_interiors():
    out = {}
    for aa, kw in (("none", {}), ("fxaa", {}), ("msaa", {"msaa_samples": 4}), ("ssaa", {"ssaa": 4})):
        with Renderer(32, 24, aa=aa, **kw) as r:
            out[aa] = r.render(_edge_scene(), CAM, 0.0).buffers["rgb"].astype(np.float64)
    ids = Renderer(32, 24)
    with ids:
        inst = ids.render(_edge_scene(), CAM, 0.0).buffers["instance"]
    edge = np.zeros_like(inst, bool)
    edge[:, 1:] |= inst[:, 1:] != inst[:, :-1]
    edge[1:, :] |= inst[1:, :] != inst[:-1, :]
    for aa in ("fxaa", "msaa", "ssaa"):
        diff = np.abs(out[aa] - out["none"]).mean(-1)
        assert diff[edge].mean() > 3.0, aa                         # edges change
    interior = ~np.zeros_like(edge)
    for k in range(-2, 3):
        for axis in (0, 1):
            interior &= ~np.roll(edge, k, axis=axis)
    assert np.abs(out["msaa"] - out["none"]).mean(-1)[interior & (inst == 4)].max() <= 2.0


def test_ssaa_downsample_rules():
    s = 2
    depth = np.full((4, 4), np.inf, np.float32)
    depth[:2, :2] = [[2.0, 4.0], [6.0, 8.0]]        # a fully covered block
    depth[2, 2] = 3.0                                # partial block, centre sample (3, 3) is sky
    depth[3, 1] = 5.0                                # partial block, centre sample (3, 1) hits geometry
    normal = np.zeros((4, 4, 3), np.float16)
    normal[np.isfinite(depth)] = [0, 0, 1]
    motion = np.ones((4, 4, 2), np.float16) * 4
    ids = np.arange(16, dtype=np.uint16).reshape(4, 4)
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[0, 0] = 255
    out = downsample_buffers({"depth": depth, "normal": normal, "motion": motion, "instance": ids, "rgb": rgb}, s)
    np.testing.assert_allclose(out["depth"], [[5.0, np.inf], [5.0, np.inf]])
    np.testing.assert_array_equal(out["normal"][0, 0], [0, 0, 1])
    np.testing.assert_array_equal(out["normal"][1, 1], [0, 0, 0])
    np.testing.assert_array_equal(out["instance"], [[5, 7], [13, 15]])
    np.testing.assert_allclose(out["motion"], 2.0)  # divided by s
    assert out["rgb"][0, 0, 0] == 137  # linear-light mean of one white and three black samples
    with pytest.raises(ValueError, match="needs the 'depth' buffer"):
        downsample_buffers({"normal": normal}, 2)


def test_ssaa_srgb_encoding_equals_the_float64_formula():
    from gameir.render.downsample import _CODE_STEPS, _encode_srgb8
    from gameir.scene.material import linear_to_srgb

    x = np.linspace(0.0, 1.0, 1_000_001, dtype=np.float32)
    # plus the float32 neighbours of every code boundary, where a float32 power alone goes wrong
    steps = _CODE_STEPS[1:-1].astype(np.float32)
    x = np.concatenate([x, steps, np.nextafter(steps, 0), np.nextafter(steps, 1), [-0.5, 1.5]]).astype(np.float32)
    ref = np.clip(np.rint(linear_to_srgb(x) * 255.0), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(_encode_srgb8(x), ref)


def test_same_inputs_give_identical_bytes():
    with Renderer(32, 24, aa="fxaa") as r:
        a = r.render(_edge_scene(), CAM, 0.5)
        b = r.render(_edge_scene(), CAM, 0.5)
    with Renderer(32, 24, aa="fxaa") as r2:
        c = r2.render(_edge_scene(), CAM, 0.5)
    for name in a.buffers:
        assert a.buffers[name].tobytes() == b.buffers[name].tobytes() == c.buffers[name].tobytes(), name


def test_depth_prepass_changes_nothing():
    out = []
    for prepass in (True, False):
        with Renderer(32, 24, depth_prepass=prepass) as r:
            out.append(r.render(_edge_scene(), CAM, 0.0).buffers)
    for name in out[0]:
        assert out[0][name].tobytes() == out[1][name].tobytes(), name


def test_jitter_shifts_image_by_recorded_amount():
    # A plane tilted about the vertical axis: 1/depth is affine in x, so a shift is measurable exactly.
    scene = Scene(name="tilted")
    scene.add(Instance(plane(60, 60), Material(), translate(0, 8, 0) @ rotate((0, 0, 1), 35.0) @ rotate((1, 0, 0), 90.0)))
    base = Camera(32, 24, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=50.0)
    jit = (0.3, -0.2)
    with Renderer(32, 24) as r:
        f0 = r.render(scene, base, 0.0)
        f1 = r.render(scene, base.with_jitter(jit), 0.0)
    np.testing.assert_allclose(f1.jitter_px, jit)
    np.testing.assert_allclose(f1.K[:2, 2], base.K[:2, 2] + jit)
    inv0, inv1 = 1.0 / f0.buffers["depth"].astype(np.float64), 1.0 / f1.buffers["depth"].astype(np.float64)
    j, i = np.meshgrid(np.arange(32) + 0.5, np.arange(24) + 0.5)
    A = np.stack([j.ravel(), i.ravel(), np.ones(j.size)], 1)
    coef0, *_ = np.linalg.lstsq(A, inv0.ravel(), rcond=None)
    np.testing.assert_allclose(A @ coef0, inv0.ravel(), rtol=2e-5, atol=1e-7)  # affine indeed
    # Content moved by +jitter: inv1(x, y) = inv0(x - jx, y - jy).
    pred = coef0[0] * (j - jit[0]) + coef0[1] * (i - jit[1]) + coef0[2]
    np.testing.assert_allclose(inv1, pred, rtol=2e-5, atol=1e-7)
    assert np.abs(inv1 - inv0).max() > 1e-4  # the shift is visible at all


def test_ssaa_with_a_subset_of_buffers():
    with Renderer(32, 24, aa="ssaa", ssaa=2, buffers=("normal", "instance")) as r:
        f = r.render(_edge_scene(), CAM, 0.0)
    assert set(f.buffers) == {"normal", "instance"}
    assert f.buffers["normal"].shape == (24, 32, 3)
