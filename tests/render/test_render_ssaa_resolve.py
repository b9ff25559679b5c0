"""The GL-side SSAA resolve against the numpy reference (gameir.render.downsample) on real frames."""

import numpy as np
import pytest

from gameir.render import Renderer, downsample_buffers
from gameir.worlds.build import build_world
from gameir.worlds.cameras import make_path


@pytest.mark.parametrize("family,s,size", [("town", 2, (96, 72)), ("nature", 3, (64, 48))])
def test_gl_resolve_matches_numpy_reference(family, s, size):
    w, h = size
    world = build_world(family, 900001, detail="low")
    path = make_path(world, "vehicle" if family == "town" else "walk", 3, fps=30, width=w, height=h, fov_y_deg=70)
    cam, prev, t = path.camera(1), path.camera(0), float(path.times_s[1])
    with Renderer(w, h, aa="ssaa", ssaa=s) as r:
        ours = r.render(world.scene, cam, t, prev_camera=prev).buffers
    with Renderer(w * s, h * s) as r:  # the same supersampled frame, read back whole
        big = r.render(world.scene, cam.scaled(s), t, prev_camera=prev.scaled(s)).buffers
    ref = downsample_buffers(big, s)
    for name in ("rgb", "material", "semantic", "instance"):
        np.testing.assert_array_equal(ours[name], ref[name], err_msg=name)
    diff = ours["basecolor"].astype(int) - ref["basecolor"].astype(int)
    assert np.abs(diff).max() <= 1
    if s == 2:  # one bilinear lookup of the sRGB texture: GL's decode + filter, off by one code at times
        assert (diff != 0).mean() < 0.25 and abs(diff.mean()) < 0.05
    else:  # the exact loop: only float32 sums next to a code boundary differ
        assert (diff != 0).mean() < 1e-3
    np.testing.assert_array_equal(np.isinf(ours["depth"]), np.isinf(ref["depth"]))
    geo = np.isfinite(ref["depth"])
    assert geo.mean() > 0.2
    np.testing.assert_allclose(ours["depth"][geo], ref["depth"][geo], rtol=1e-6)
    for name in ("hdr", "normal", "motion"):  # float16 targets: within one float16 step
        a, b = ours[name].astype(np.float64), ref[name].astype(np.float64)
        np.testing.assert_allclose(a, b, rtol=2.0 ** -10, atol=2.0 ** -14, err_msg=name)
    assert np.abs(ref["motion"]).max() > 0.05  # the camera moved: motion is really compared
