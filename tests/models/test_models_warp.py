"""Backward warping with motion vectors (docs/FORMAT.md convention) and the warping error."""

from __future__ import annotations

import torch

from gameir.models import TemporalSR, SRConfig, upsample_motion, warp_backward, warp_error


def test_constant_integer_motion_shifts_history_exactly():
    # surface at (x, y) in t was at (x + 1, y - 2) in t-1 (LR pixels); HR history is 2x: shift by (2, -4)
    prev = torch.rand(1, 3, 16, 20, dtype=torch.float64)
    motion = torch.zeros(1, 2, 8, 10, dtype=torch.float64)
    motion[:, 0], motion[:, 1] = 1.0, -2.0
    warped, valid = warp_backward(prev, motion, scale=2)
    # output pixel (Y, X) = prev(Y - 4, X + 2) wherever that lies inside the frame (exact up to the
    # float64 rounding of grid_sample's normalised coordinates)
    assert torch.allclose(warped[:, :, 4:, :18], prev[:, :, :12, 2:], rtol=0, atol=1e-12)
    assert valid[:, :, 4:, :18].all()
    assert not valid[:, :, :4].any() and not valid[:, :, :, 19:].any()


def test_fractional_motion_interpolates_bilinearly():
    prev = torch.arange(10, dtype=torch.float64).repeat(1, 1, 4, 1)  # value = x index
    motion = torch.zeros(1, 2, 4, 10, dtype=torch.float64)
    motion[:, 0] = 0.25
    warped, _ = warp_backward(prev, motion, scale=1)
    assert torch.allclose(warped[..., :9], prev[..., :9] + 0.25)


def test_upsample_motion_is_nearest_times_scale():
    m = torch.tensor([[[[1.0, 2.0]], [[3.0, 4.0]]]])  # (1, 2, 1, 2)
    up = upsample_motion(m, 2)
    assert up.shape == (1, 2, 2, 4)
    assert torch.equal(up[0, 0], torch.tensor([[2.0, 2.0, 4.0, 4.0]] * 2))


def test_warp_error_zero_for_consistent_motion_and_positive_otherwise():
    torch.manual_seed(0)
    prev = torch.rand(1, 3, 12, 16)
    motion = torch.zeros(1, 2, 12, 16)
    motion[:, 0] = 2.0
    current, _ = warp_backward(prev, motion)
    assert float(warp_error(current, prev, motion)[0]) < 1e-12
    assert float(warp_error(prev, current, torch.zeros_like(motion))[0]) > 1e-3


def test_temporal_model_uses_warped_history():
    # A temporal model whose output depends on history: shifting the history by the motion must give
    # the same result as a static history with zero motion when both describe the same pixels.
    torch.manual_seed(3)
    model = TemporalSR(SRConfig(kind="temporal", scale=2, n_feats=8, n_blocks=1)).eval()
    with torch.no_grad():
        model.upsample.weight.normal_(0, 0.1)
    x = torch.rand(1, 3, 6, 8)
    hist = torch.rand(1, 3, 12, 16)
    motion = torch.zeros(1, 2, 6, 8)
    motion[:, 0] = -1.0  # each surface was 1 LR px (2 HR px) further left in frame t-1
    shifted = torch.zeros_like(hist)  # the history as frame t-1 saw it
    shifted[..., :-2] = hist[..., 2:]
    with torch.no_grad():
        a = model(x, shifted, motion)
        # the warp of `shifted` by -2 HR px recovers `hist` except in the 2 columns entering the view
        warped, valid = warp_backward(shifted, motion, 2)
        assert torch.allclose(warped[..., 2:], hist[..., 2:], atol=1e-6)
        b = model(x, hist, torch.zeros_like(motion))
    # identical away from the left border (3x3 convolutions spread the difference by a few pixels)
    assert torch.allclose(a[..., 12:], b[..., 12:], atol=1e-5)
