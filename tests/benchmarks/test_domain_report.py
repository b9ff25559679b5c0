"""The domain report's metric functions (benchmarks/domain_report.py) on images with known values."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "domain_report.py"
_spec = importlib.util.spec_from_file_location("domain_report", _PATH)
report = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("domain_report", report)  # dataclasses look their module up
_spec.loader.exec_module(report)


def test_hf_energy_of_flat_ramp_and_checkerboard():
    flat = np.full((8, 10, 3), 77, np.uint8)
    assert report.hf_energy(flat) == pytest.approx(0.0, abs=1e-24)
    ramp = np.repeat(np.repeat((np.arange(10) * 20).astype(np.uint8)[None, :, None], 8, 0), 3, 2)
    assert report.hf_energy(ramp) == pytest.approx(0.0, abs=1e-24)  # a linear ramp has no curvature
    # a one-pixel grey checkerboard 0/255: the Laplacian of luma is +-4 on every interior pixel
    board = ((np.indices((8, 10)).sum(0) % 2) * 255).astype(np.uint8)[..., None].repeat(3, 2)
    assert report.hf_energy(board) == pytest.approx(16.0, rel=1e-12)
    with pytest.raises(ValueError, match=r"hf_energy: expected an \(H, W, 3\) image"):
        report.hf_energy(flat[:2])


def test_box_downsample_and_psnr():
    hr = np.zeros((4, 4, 3), np.uint8)
    hr[0::2, 0::2] = 255  # one white sample in each 2 x 2 block: linear mean 0.25
    down = report.box_downsample_rgb(hr, 2)
    assert down.shape == (2, 2, 3)
    assert (down == 137).all()  # sRGB code of linear 0.25 (0.537 x 255 = 136.9)
    a = np.full((4, 4, 3), 100, np.uint8)
    assert report.psnr8(a + 10, a) == pytest.approx(20 * np.log10(255 / 10), rel=1e-12)


def test_grid_motion_swaps_the_jitter_change():
    motion = np.full((2, 3, 2), (1.0, -2.0), np.float16)
    stored = (np.array([0.25, -0.1]), np.array([-0.2, 0.3]))  # the motion holds +(0.45, -0.4)
    # TAA output lies on the unjittered grid: the stored jitter change comes out
    out = report.grid_motion(motion, stored, (np.zeros(2), np.zeros(2)))
    np.testing.assert_allclose(out[0, 0], (1.0 - 0.45, -2.0 + 0.4), atol=1e-6)
    # frames on the stored grid keep the motion as is; another grid's change replaces it
    np.testing.assert_allclose(report.grid_motion(motion, stored, stored), motion.astype(np.float32), atol=1e-7)
    out = report.grid_motion(motion, stored, (np.array([0.1, 0.0]), np.array([0.0, 0.1])))
    np.testing.assert_allclose(out[1, 2], (1.0 - 0.45 + 0.1, -2.0 + 0.4 - 0.1), atol=1e-6)


def test_warp_errors_of_a_translating_ramp():
    # frame t-1 is a horizontal ramp; in frame t the surface at x was at x + 2 in frame t-1
    h, w, d, a = 6, 20, 2, 10
    x = np.arange(w)
    prev = np.repeat(np.repeat((a * x).astype(np.uint8)[None, :, None], h, 0), 3, 2)
    cur = np.repeat(np.repeat((a * np.minimum(x + d, w - 1)).astype(np.uint8)[None, :, None], h, 0), 3, 2)
    motion = np.zeros((h, w, 2), np.float32)
    motion[..., 0] = d
    still, warped = report.warp_errors(cur, prev, motion)
    # the last d columns point outside frame t-1 and are left out of both errors
    assert still == pytest.approx((a * d / 255.0) ** 2, rel=1e-9)
    assert warped == pytest.approx(0.0, abs=1e-12)
    # no motion given: warping changes nothing
    s0, w0 = report.warp_errors(cur, prev, np.zeros_like(motion))
    assert s0 == pytest.approx(w0, rel=1e-12) and s0 > 0


def test_edge_mask_marks_a_band_on_both_sides_of_a_boundary():
    ids = np.zeros((5, 8), np.uint16)
    ids[:, 4:] = 7  # a vertical boundary between columns 3 and 4
    edge = report.edge_mask(ids, 2)
    # columns 2..5 lie within 2 pixels of the other id, columns 0, 1, 6, 7 do not
    assert edge[:, 2:6].all() and not edge[:, :2].any() and not edge[:, 6:].any()
    assert not report.edge_mask(np.full((4, 4), 3), 1).any()  # one id: no edges
    with pytest.raises(ValueError, match="radius_px"):
        report.edge_mask(ids, 0)


def test_warp_errors_mask_scores_only_the_masked_pixels():
    h, w = 4, 6
    prev = np.zeros((h, w, 3), np.uint8)
    cur = prev.copy()
    cur[:, :3] = 51  # the left half changed by 0.2
    mask = np.zeros((h, w), bool)
    mask[:, 3:] = True
    assert report.warp_errors(cur, prev, np.zeros((h, w, 2), np.float32), mask) == (0.0, 0.0)
    still, warped = report.warp_errors(cur, prev, np.zeros((h, w, 2), np.float32), ~mask)
    assert still == pytest.approx(0.2 ** 2, rel=1e-9) and warped == pytest.approx(still, rel=1e-12)
