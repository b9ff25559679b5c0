"""Motion blur: a moving box smears along its motion by shutter x motion; static pixels stay."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.render.constants import MOTION_BLUR_TILE
from gameir.render.passes import MotionBlurPass
from gameir.scene import Camera, Environment, Instance, Material, Scene, box, look_at, plane, rotate, translate

from tests.render.post_harness import run_post_pass

W, H = 96, 64
X0, X1, Y0, Y1 = 32, 56, 20, 40  # the box: columns X0..X1-1, rows Y0..Y1-1


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H, post=["motion_blur", "tonemap"], shadow_map_size=0) as r:
        yield r


def _box_inputs(motion_xy, background=0.1):
    hdr = np.full((H, W, 3), background)
    hdr[Y0:Y1, X0:X1] = 1.0
    motion = np.zeros((H, W, 2))
    motion[Y0:Y1, X0:X1] = motion_xy
    depth = np.full((H, W), 20.0)
    depth[Y0:Y1, X0:X1] = 5.0
    return hdr, motion, depth


def _blur(renderer, motion_xy, shutter=0.5, **kw):
    hdr, motion, depth = _box_inputs(motion_xy)
    out, name = run_post_pass(renderer, MotionBlurPass(shutter), hdr, motion=motion, depth=depth, **kw)
    assert name == "post_a"
    return hdr, out[..., 0].astype(np.float64)


def _box_filter_in_time(smear: float) -> np.ndarray:
    """(W,) the exact row through the box: the fraction of the exposure (instants centred on the
    frame) during which the box moving right by ``smear`` pixels covers each pixel centre."""
    c = np.arange(W) + 0.5
    lo, hi = np.maximum((c - X1) / smear, -0.5), np.minimum((c - X0) / smear, 0.5)
    return 0.1 + 0.9 * np.clip(hi - lo, 0.0, 1.0)


@pytest.mark.parametrize("speed, shutter", [(12.0, 0.5), (20.0, 1.0), (8.0, 1.0)])
def test_horizontal_motion_smears_by_shutter_times_motion(renderer, speed, shutter):
    # the box moves right by `speed` pixels per frame: backward motion (-speed, 0)
    hdr, out = _blur(renderer, (-speed, 0.0), shutter)
    smear = speed * shutter  # pixels covered during the exposure; the ramp spans smear/2 either side
    half = smear / 2
    rows = slice(Y0, Y1)
    # every row through the box is the exact box filter in time, to one of the 15 instants
    expected = _box_filter_in_time(smear)
    np.testing.assert_allclose(out[rows], np.broadcast_to(expected, out[rows].shape), atol=0.9 / 15 + 2e-3)
    np.testing.assert_allclose((out[rows] - 0.1).sum(axis=1), (expected - 0.1).sum(), rtol=0.02)  # energy kept
    spread = np.nonzero(out[rows].mean(axis=0) > 0.1 + 1e-3)[0]  # along x by half the smear each side
    assert X0 - half - 1 <= spread.min() <= X0 - half + 1
    assert X1 - 1 + half - 1 <= spread.max() <= X1 - 1 + half + 1
    # nothing moves vertically: rows above and below the box are unchanged
    np.testing.assert_array_equal(out[:Y0], hdr[:Y0, :, 0].astype(np.float16))
    np.testing.assert_array_equal(out[Y1:], hdr[Y1:, :, 0].astype(np.float16))
    # static pixels beyond the smear: exactly unchanged
    far = np.ones((H, W), bool)
    far[:, int(X0 - half - 1):int(np.ceil(X1 + half + 1))] = False
    np.testing.assert_array_equal(out[far], hdr[..., 0].astype(np.float16)[far])


def test_vertical_motion_spreads_vertically(renderer):
    hdr, out = _blur(renderer, (0.0, 10.0), 1.0)  # moving up (came from below)
    cols = slice(X0 + 2, X1 - 2)
    profile = out[:, cols].mean(axis=1)
    spread = np.nonzero(profile > 0.1 + 1e-3)[0]
    assert Y0 - 6 <= spread.min() <= Y0 - 4 and Y1 + 3 <= spread.max() <= Y1 + 5
    np.testing.assert_array_equal(out[:, :X0 - 1], hdr[:, :X0 - 1, 0].astype(np.float16))


def test_a_static_frame_and_the_jitter_change_blur_nothing(renderer):
    hdr, _, depth = _box_inputs((0.0, 0.0))
    # jitter moves everything by the jitter change; that part of motion is not blurred
    jit, prev_jit = (0.3, -0.2), (-0.4, 0.45)
    motion = np.zeros((H, W, 2)) + np.subtract(prev_jit, jit)
    out, _ = run_post_pass(renderer, MotionBlurPass(1.0), hdr, motion=motion, depth=depth, jitter=jit,
                           prev_jitter=prev_jit)
    np.testing.assert_array_equal(out[..., :3], hdr.astype(np.float16))


def test_smear_is_capped_at_the_tile_size(renderer):
    _, out = _blur(renderer, (-200.0, 0.0), 1.0)
    profile = out[Y0 + 2:Y1 - 2].mean(axis=0)
    spread = np.nonzero(profile > 0.12)[0]
    assert spread.max() <= X1 - 1 + MOTION_BLUR_TILE + 1


def test_renderer_blurs_a_moving_box_along_its_motion():
    env = Environment(sun_disc_deg=0.0, ambient_sky=(1, 1, 1), ambient_ground=(1, 1, 1))
    scene = Scene(name="mover", environment=env)
    wall = translate(0, 10, 0) @ rotate((1, 0, 0), 90.0)
    scene.add(Instance(plane(40, 40), Material(base_color=(0.1, 0.1, 0.1, 1)), wall, instance_id=1))
    speed = 8.0  # m/s along +x
    scene.add(Instance(box((1.0, 1.0, 1.0)), Material(base_color=(0.9, 0.9, 0.9, 1)),
                       lambda t: translate(speed * t, 6.0, 0.0), instance_id=2))
    cam = Camera(W, H, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=50.0)
    frames = {}
    for steps in (None, ["motion_blur", "tonemap"]):
        with Renderer(W, H, post=steps, shadow_map_size=0) as r:
            frames[steps is None] = r.render(scene, cam, 0.0, dt=1 / 10)
    sharp, blurred = frames[True], frames[False]
    assert blurred.settings["post"] == ["motion_blur", "tonemap"]
    assert blurred.settings["motion_blur"]["shutter"] == 0.5
    np.testing.assert_array_equal(blurred.buffers["hdr"], sharp.buffers["hdr"])
    motion = sharp.buffers["motion"].astype(np.float64)[sharp.buffers["instance"] == 2]
    dx = -np.median(motion[:, 0])  # pixels per frame, moving right
    assert dx > 8 and np.abs(motion[:, 1]).max() < 0.5
    diff = np.abs(blurred.buffers["rgb"].astype(int) - sharp.buffers["rgb"].astype(int)).max(-1)
    rows, cols = np.nonzero(sharp.buffers["instance"] == 2)
    changed_rows, changed_cols = np.nonzero(diff > 2)
    assert changed_cols.size > 0
    # changes only beside the box's left and right edges, within half the smear (+1 px), never above or below
    half = 0.5 * dx * 0.5
    assert changed_rows.min() >= rows.min() - 1 and changed_rows.max() <= rows.max() + 1
    assert changed_cols.min() >= cols.min() - half - 1 and changed_cols.max() <= cols.max() + half + 1
    assert (changed_cols < cols.min() + half + 1).any() and (changed_cols > cols.max() - half - 1).any()
    # the static wall away from the box: byte-identical (tone map of float16 radiance: within 1 code)
    far = np.ones_like(diff, bool)
    far[rows.min() - 2:rows.max() + 3, int(cols.min() - half - 2):int(cols.max() + half + 3)] = False
    assert diff[far].max() <= 1
