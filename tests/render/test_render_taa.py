"""TAA: Halton phases, reprojection of known motion, history resets, convergence, ghosting, errors."""

from fractions import Fraction

import numpy as np
import pytest

from gameir.render import PairRenderer, Renderer
from gameir.scene import Camera, DirectionalLight, Environment, Instance, Material, Scene, box, look_at, plane, \
    rotate, translate
from gameir.scene.camera import halton_jitter
from gameir.scene.material import checker_texture, noise_texture

W, H = 64, 48
DT = 1.0 / 30.0


def _psnr8(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / mse))


def _edge_scene() -> Scene:
    """A checkered ground and a rotated box: edges and texture detail that one sample aliases."""
    scene = Scene(name="taa-edges", environment=Environment())
    scene.add(Instance(plane(40, 40, uv_scale=20), Material(base_color_texture=checker_texture(64, 8)), np.eye(4),
                       semantic=1, instance_id=1))
    scene.add(Instance(box((1.0, 1.0, 1.0)), Material(base_color=(0.9, 0.9, 0.9, 1.0)),
                       translate(0.0, 5.0, 0.5) @ rotate((0, 0, 1), 20.0), semantic=14, instance_id=4))
    scene.add(DirectionalLight(direction=(0.4, 0.6, -0.7)))
    return scene


CAM = Camera(W, H, look_at([0.0, 0.0, 1.2], [0.0, 5.0, 0.5]), fov_y_deg=40.0)


def _taa_clip(renderer: Renderer, scene: Scene, cameras: list[Camera], jitter: bool = True) -> list:
    """Render ``cameras`` in order as one clip (jittered by the renderer's Halton phases)."""
    frames, prev = [], None
    for i, cam in enumerate(cameras):
        cam = cam.with_jitter(renderer.taa_jitter(i)) if jitter else cam
        frames.append(renderer.render(scene, cam, i * DT, dt=DT, prev_camera=prev or cam, reset=i == 0))
        prev = cam
    return frames


def test_halton_offsets_are_exact():
    # indices 1..8 of the radical inverses in bases 2 and 3, minus one half
    b2 = [Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(1, 8), Fraction(5, 8), Fraction(3, 8),
          Fraction(7, 8), Fraction(1, 16)]
    b3 = [Fraction(1, 3), Fraction(2, 3), Fraction(1, 9), Fraction(4, 9), Fraction(7, 9), Fraction(2, 9),
          Fraction(5, 9), Fraction(8, 9)]
    for i in range(8):
        # exact to float64 rounding (the radical inverse sums powers of 1/3)
        assert halton_jitter(i, 8) == pytest.approx((float(b2[i] - Fraction(1, 2)), float(b3[i] - Fraction(1, 2))),
                                                    abs=4e-16)
    with Renderer(8, 8, aa="taa", taa_phases=4, buffers=("rgb",)) as r:
        assert [r.taa_jitter(i) for i in range(8)] == [halton_jitter(i % 4, 8) for i in range(8)]
        assert r.taa_jitter(4) == pytest.approx((0.0, -1.0 / 6.0), abs=4e-16)  # the cycle restarts after 4


def test_reprojection_follows_a_translating_textured_plane():
    # A fronto-parallel noise-textured wall d metres away; the camera slides right by 3 pixels per
    # frame. If the history is fetched where the motion says, it equals the current frame exactly
    # (an integer shift, no jitter) and the blended output is the one-sample frame.
    d = 4.0
    scene = Scene(name="wall", environment=Environment(fog_density=0.0))
    wall = Instance(plane(30, 30, uv_scale=6), Material(base_color_texture=noise_texture(256, np.random.default_rng(3)),
                                                         roughness=1.0, specular=0.0),
                    translate(0.0, d, 0.0) @ rotate((1, 0, 0), 90.0), semantic=3, instance_id=2)
    scene.add(wall)
    scene.add(DirectionalLight(direction=(0.0, 1.0, -0.2)))
    f_px = (H / 2) / np.tan(np.radians(45.0) / 2)
    step_m = 3.0 * d / f_px  # 3 pixels per frame
    cams = [Camera(W, H, look_at([i * step_m, 0.0, 0.0], [i * step_m, d, 0.0]), fov_y_deg=45.0) for i in range(3)]
    with Renderer(W, H, aa="taa", taa_blend=0.5, shadow_map_size=0, buffers=("rgb", "hdr", "motion")) as r:
        taa = _taa_clip(r, scene, cams, jitter=False)
    with Renderer(W, H, shadow_map_size=0, buffers=("rgb",)) as r:
        plain = [r.render(scene, c, i * DT).buffers["rgb"] for i, c in enumerate(cams)]
    # the stored motion is the analytic shift: the surface at x was at x + 3 in the previous frame
    np.testing.assert_allclose(taa[1].buffers["motion"][..., 0].astype(np.float64), 3.0, atol=0.01)
    np.testing.assert_allclose(taa[1].buffers["motion"][..., 1].astype(np.float64), 0.0, atol=0.01)
    # columns whose previous position was inside the image: output == the one-sample frame
    inside = slice(0, W - 3)
    for i in (1, 2):
        diff = np.abs(taa[i].buffers["rgb"][:, inside].astype(int) - plain[i][:, inside].astype(int))
        # float16 history storage and rounding: a fraction of a code on average
        assert diff.mean() <= 0.5 and np.percentile(diff, 99) <= 2 and diff.max() <= 6, i
        # the 3 newly revealed columns have no history: exactly the rejected fraction
        assert taa[i].stats["taa_rejected_fraction"] == pytest.approx(3 / W, abs=1 / (W * H))
    # a wrong reprojection would blend two different noise images: history one pixel off would
    # differ by 10 codes on average (0.5 x that after the blend), 10 x the bound above
    assert np.abs(plain[1][:, 1:].astype(int) - plain[1][:, :-1].astype(int)).mean() > 8


def test_catmull_rom_history_follows_a_subpixel_shift_better_than_bilinear():
    # A fronto-parallel noise wall; the camera slides right by 2.5 pixels between two unjittered
    # frames. Frame 1's output is 0.5 x (history fetched at x + 2.5 in frame 0, clamped) + 0.5 x
    # frame 1, so 2 x |output - frame 1| is the error of the history fetch against the frame
    # rendered at the analytic shift: interpolating frame 0's samples between pixel centres.
    d, shift = 4.0, 2.5
    scene = Scene(name="wall", environment=Environment(fog_density=0.0))
    scene.add(Instance(plane(30, 30, uv_scale=4), Material(base_color_texture=noise_texture(64, np.random.default_rng(3)),
                                                           roughness=1.0, specular=0.0),
                       translate(0.0, d, 0.0) @ rotate((1, 0, 0), 90.0), semantic=3, instance_id=2))
    scene.add(DirectionalLight(direction=(0.0, 1.0, -0.2)))
    f_px = (H / 2) / np.tan(np.radians(45.0) / 2)
    cams = [Camera(W, H, look_at([i * shift * d / f_px, 0.0, 0.0], [i * shift * d / f_px, d, 0.0]), fov_y_deg=45.0)
            for i in range(2)]
    with Renderer(W, H, shadow_map_size=0, buffers=("rgb",)) as r:
        truth = r.render(scene, cams[1], DT).buffers["rgb"].astype(float)[:, :W - 4]
    errors = {}
    for history in ("bilinear", "catmull-rom-5"):
        with Renderer(W, H, aa="taa", taa_history=history, shadow_map_size=0, buffers=("rgb",)) as r:
            frames = _taa_clip(r, scene, cams, jitter=False)
        assert frames[1].settings["taa"]["history_fetch"] == history
        errors[history] = 2 * np.abs(frames[1].buffers["rgb"].astype(float)[:, :W - 4] - truth).mean()
    # measured 6.90 (bilinear: it blurs the noise) and 5.45 codes (Catmull-Rom keeps its contrast;
    # the 5-lookup form drops only the corner taps, whose weights vanish for this horizontal shift)
    assert errors["catmull-rom-5"] <= 0.85 * errors["bilinear"], errors
    assert errors["bilinear"] > 4.0, errors  # the shift is a real test: bilinear loses detail


def test_variance_clip_converges_and_is_recorded():
    scene = _edge_scene()
    with Renderer(W, H, aa="ssaa", ssaa=4, buffers=("rgb",)) as r:
        reference = r.render(scene, CAM, 15 * DT).buffers["rgb"]
    outs = {}
    for clip in ("minmax", "variance"):
        with Renderer(W, H, aa="taa", taa_clip=clip, lod_bias=-1.0, buffers=("rgb",)) as r:
            outs[clip] = _taa_clip(r, scene, [CAM] * 16)[-1]
    assert outs["variance"].settings["taa"]["clamp"] == "ycocg-variance-clip-3x3-gamma-1"
    assert outs["minmax"].settings["taa"]["clamp"] == "ycocg-minmax-3x3"
    # the tighter box changes the resolved edges, and still converges towards 16 spp
    diff = np.abs(outs["variance"].buffers["rgb"].astype(int) - outs["minmax"].buffers["rgb"].astype(int))
    assert diff.max() >= 8, diff.max()
    with Renderer(W, H, lod_bias=-1.0, buffers=("rgb",)) as r:
        one = r.render(scene, CAM.with_jitter(halton_jitter(15)), 15 * DT).buffers["rgb"]
    assert _psnr8(outs["variance"].buffers["rgb"], reference) - _psnr8(one, reference) >= 5.0


def test_taa_tone_maps_its_output_itself_when_nothing_comes_between():
    from gameir.render.passes.film import TonemapPass
    from gameir.render.post_chain import PostChain
    scene = _edge_scene()
    with Renderer(W, H, aa="taa", buffers=("rgb",)) as r:
        assert r.taa.tonemap and not any(isinstance(p, TonemapPass) for p in r.passes)
        fused = _taa_clip(r, scene, [CAM] * 4)[-1].buffers["rgb"].astype(int)
    # a vignette of strength 0 changes nothing but needs the tone map pass (the TAA output read
    # back from float16): the same frame to one 8-bit code
    with Renderer(W, H, aa="taa", post=PostChain(("tonemap", "vignette"), vignette_intensity=0.0),
                  buffers=("rgb",)) as r:
        assert not r.taa.tonemap and any(isinstance(p, TonemapPass) for p in r.passes)
        separate = _taa_clip(r, scene, [CAM] * 4)[-1].buffers["rgb"].astype(int)
    assert np.abs(fused - separate).max() <= 1 and np.abs(fused - separate).mean() < 0.2


def test_history_resets_on_the_first_frame_and_on_a_cut():
    scene = _edge_scene()
    other = Camera(W, H, look_at([3.0, -2.0, 2.0], [0.0, 5.0, 0.5]), fov_y_deg=40.0)
    with Renderer(W, H, aa="taa", buffers=("rgb",)) as r:
        frames = _taa_clip(r, scene, [CAM] * 3)
        assert [f.stats["taa_history_frames"] for f in frames] == [1.0, 2.0, 3.0]
        assert frames[0].stats["taa_rejected_fraction"] == 1.0
        assert frames[2].stats["taa_rejected_fraction"] < 0.02  # a static view keeps its history
        # a cut: the previous camera given is not the one in the history -> a new history
        cut = other.with_jitter(r.taa_jitter(3))
        f = r.render(scene, cut, 3 * DT, dt=DT, prev_camera=cut)
        assert f.stats["taa_history_frames"] == 1.0 and f.stats["taa_rejected_fraction"] == 1.0
        prev, cam = cut, other.with_jitter(r.taa_jitter(4))
        f = r.render(scene, cam, 4 * DT, dt=DT, prev_camera=prev)
        assert f.stats["taa_history_frames"] == 2.0
        # an explicit reset (a new clip) at any time
        f = r.render(scene, cam, 0.0, dt=DT, prev_camera=cam, reset=True)
        assert f.stats["taa_history_frames"] == 1.0


def test_static_scene_converges_towards_16_spp():
    # TAA with the texture LOD bias engines pair it with (-1: history averages finer mips, as the
    # 16-spp reference's 4x render does); without the bias the checker's mip mismatch caps the gain
    # at about 4.6 dB in this scene (docs/RENDERER.md, "TAA")
    scene = _edge_scene()
    with Renderer(W, H, aa="ssaa", ssaa=4, buffers=("rgb",)) as r:
        reference = r.render(scene, CAM, 15 * DT).buffers["rgb"]
    with Renderer(W, H, aa="taa", lod_bias=-1.0, buffers=("rgb", "hdr")) as r:
        frames = _taa_clip(r, scene, [CAM] * 16)
    with Renderer(W, H, buffers=("rgb", "hdr")) as r:
        one = r.render(scene, CAM.with_jitter(halton_jitter(15)), 15 * DT)
    with Renderer(W, H, lod_bias=-1.0, buffers=("rgb", "hdr")) as r:
        one_biased = r.render(scene, CAM.with_jitter(halton_jitter(15)), 15 * DT)
    gain = _psnr8(frames[-1].buffers["rgb"], reference) - _psnr8(one.buffers["rgb"], reference)
    assert gain >= 6.0, gain
    assert _psnr8(frames[-1].buffers["rgb"], reference) - _psnr8(one_biased.buffers["rgb"], reference) >= 6.0
    # the hdr buffer stays the one-sample lit radiance before TAA (the upscaler-input domain)
    np.testing.assert_array_equal(frames[-1].buffers["hdr"], one_biased.buffers["hdr"])
    assert frames[-1].stats["taa_history_frames"] == 16.0


def test_a_moving_box_leaves_a_bounded_trail():
    # a bright box slides right by 2 px per frame over a dark still wall, static camera
    scene = Scene(name="ghost", environment=Environment(fog_density=0.0))
    scene.add(Instance(plane(40, 40), Material(base_color=(0.05, 0.05, 0.05, 1.0), roughness=1.0, specular=0.0),
                       translate(0.0, 10.0, 0.0) @ rotate((1, 0, 0), 90.0), semantic=3, instance_id=1))
    f_px = (H / 2) / np.tan(np.radians(45.0) / 2)
    speed = 2.0 * 6.0 / f_px * 30.0  # metres per second at 6 m for 2 px per frame
    scene.add(Instance(box((1.0, 0.2, 1.0)), Material(base_color=(1.0, 1.0, 1.0, 1.0), emissive=(1.0, 1.0, 1.0),
                                                      emissive_strength=2.0),
                       lambda t: translate(-1.5 + speed * t, 6.0, 0.0), semantic=14, instance_id=7))
    cam = Camera(W, H, look_at([0.0, 0.0, 0.0], [0.0, 10.0, 0.0]), fov_y_deg=45.0)
    n = 12
    with Renderer(W, H, aa="taa", shadow_map_size=0, buffers=("rgb", "instance")) as r:
        frames = _taa_clip(r, scene, [cam] * n)
    with Renderer(W, H, aa="ssaa", ssaa=4, shadow_map_size=0, buffers=("rgb", "instance")) as r:
        truth = r.render(scene, cam, (n - 1) * DT)
    out, ref = frames[-1].buffers["rgb"].astype(int), truth.buffers["rgb"].astype(int)
    background = truth.buffers["instance"] == 1
    cols = np.nonzero((truth.buffers["instance"] == 7).any(axis=0))[0]
    trail = background.copy()
    trail[:, :max(cols.min() - 24, 0)] = False  # the 12 frames' path behind the box
    trail[:, cols.min() - 2:] = False  # the clamp's reach: the 3 x 3 of an edge pixel holds the box
    assert trail.sum() > 100
    residual = np.abs(out - ref).max(axis=-1)
    # behind the box, beyond the clamp's reach: no ghost (the box is 235 codes above the wall)
    assert residual[trail].max() <= 3, residual[trail].max()


def test_taa_errors_and_settings():
    scene = _edge_scene()
    with Renderer(W, H, aa="taa", taa_phases=4, taa_blend=0.2, buffers=("rgb",)) as r:
        f = r.render(scene, CAM, 0.0, dt=DT, reset=True)
        assert f.settings["aa"] == "taa" and f.settings["taa"]["phases"] == 4 and f.settings["taa"]["blend"] == 0.2
        assert f.settings["taa"]["clamp"] == "ycocg-minmax-3x3" and f.stats["exposure"] == 1.0
        with pytest.raises(ValueError, match=r"aa='taa' needs frames in clip order: got t=0\.5"):
            r.render(scene, CAM, 0.5, dt=DT, prev_camera=CAM)
        r.render(scene, CAM, 0.5, dt=DT, prev_camera=CAM, reset=True)  # a new history is fine
    with pytest.raises(ValueError, match="taa_phases must be an integer >= 2"):
        Renderer(W, H, aa="taa", taa_phases=1)
    with pytest.raises(ValueError, match="taa_history must be one of bilinear, catmull-rom-5 .* got 'bicubic'"):
        Renderer(W, H, aa="taa", taa_history="bicubic")
    with pytest.raises(ValueError, match="taa_clip must be one of minmax, variance .* got 'clamp'"):
        PairRenderer((16, 12), 2, aa_lr="taa", taa_clip="clamp")
    with pytest.raises(ValueError, match="ssaa must be at most 4"):
        Renderer(W, H, aa="ssaa", ssaa=5)
    with PairRenderer((16, 12), 2, aa_lr="taa", aa_hr="taa", buffers=("rgb",)) as pair:
        cam = Camera(16, 12, CAM.c2w, fov_y_deg=40.0)
        with pytest.raises(ValueError, match="aa_hr='taa' needs frame_index"):
            pair.render(scene, cam, 0.0)
        lr, hr = pair.render(scene, cam.with_jitter(pair.lr.taa_jitter(0)), 0.0, frame_index=0, reset=True)
        assert hr.jitter_px.tolist() == list(pair.hr.taa_jitter(0))  # HR's own phase, in HR pixels
        with pytest.raises(ValueError, match="needs frames in clip order"):
            pair.render(scene, cam, 1.0, prev_camera=cam, frame_index=5)


def test_ssaa_4_renders_at_a_small_size():
    with Renderer(16, 12, aa="ssaa", ssaa=4, buffers=("rgb", "hdr", "depth")) as r:
        f = r.render(_edge_scene(), Camera(16, 12, CAM.c2w, fov_y_deg=40.0), 0.0)
    f.check()
    assert f.settings["ssaa"] == 4 and f.buffers["rgb"].std() > 5
