"""upscale(): exact nearest replication, OpenCV equality, layout and dtype handling, errors."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gameir.baselines import upscale


def test_nearest_replicates_blocks_exactly():
    lr = torch.rand(2, 3, 5, 7, generator=torch.Generator().manual_seed(0))
    for s in (1, 2, 3, 4):
        hr = upscale(lr, s, "nearest")
        assert hr.shape == (2, 3, 5 * s, 7 * s)
        # LR pixel (i, j) covers HR pixels s*i .. s*i+s-1, s*j .. s*j+s-1
        for i, j in ((0, 0), (4, 6), (2, 3)):
            assert torch.equal(hr[:, :, s * i:s * i + s, s * j:s * j + s],
                               lr[:, :, i:i + 1, j:j + 1].expand(-1, -1, s, s))
        # box-averaging the replicated image gives the LR image back exactly
        torch.testing.assert_close(F.avg_pool2d(hr, s), lr, rtol=1e-6, atol=0)
    # the numpy path (OpenCV INTER_NEAREST) gives the same blocks
    img = (np.arange(5 * 7 * 3) % 256).astype(np.uint8).reshape(5, 7, 3)
    np.testing.assert_array_equal(upscale(img, 3, "nearest"), img.repeat(3, 0).repeat(3, 1))


@pytest.mark.parametrize("method,flag", [("bicubic", cv2.INTER_CUBIC), ("bilinear", cv2.INTER_LINEAR),
                                         ("lanczos", cv2.INTER_LANCZOS4)])
def test_matches_cv2_resize(method, flag):
    rng = np.random.default_rng(1)
    hwc = rng.random((12, 17, 3)).astype(np.float32)
    ref = cv2.resize(hwc, (17 * 2, 12 * 2), interpolation=flag)
    np.testing.assert_array_equal(upscale(hwc, 2, method), ref)
    t = torch.from_numpy(hwc.transpose(2, 0, 1).copy())[None].repeat(2, 1, 1, 1)
    got = upscale(t, 2, method)
    assert got.dtype == torch.float32 and got.shape == (2, 3, 24, 34)
    np.testing.assert_array_equal(got[1].permute(1, 2, 0).numpy(), ref)
    u8 = (hwc * 255).round().astype(np.uint8)
    np.testing.assert_array_equal(upscale(u8, 4, method), cv2.resize(u8, (68, 48), interpolation=flag))


def test_bilinear_half_pixel_convention_analytic():
    """A linear ramp v(x) = x (LR pixel centres at x + 0.5) stays linear away from the borders:
    HR pixel X samples the LR image at (X + 0.5) / s - 0.5."""
    s = 4
    lr = torch.arange(8, dtype=torch.float64).view(1, 1, 1, 8).expand(1, 1, 3, 8).contiguous()
    hr = upscale(lr, s, "bilinear")[0, 0, 1]
    xs = torch.arange(8 * s, dtype=torch.float64)
    expected = ((xs + 0.5) / s - 0.5).clamp(0, 7)
    torch.testing.assert_close(hr, expected, rtol=0, atol=1e-12)


def test_single_channel_and_clamp():
    x = np.zeros((6, 6), np.float32)
    x[:, 3:] = 1.0
    up = upscale(x, 2, "bicubic")
    assert up.shape == (12, 12) and up.min() < 0 and up.max() > 1  # Keys cubic overshoots
    up = upscale(x, 2, "bicubic", data_range=1.0)
    assert up.min() == 0 and up.max() == 1
    t = torch.from_numpy(x)[None, None]
    assert upscale(t, 2, "lanczos", data_range=1.0).max() == 1


def test_upscale_errors():
    x = torch.rand(1, 3, 4, 4)
    with pytest.raises(ValueError, match=r"method must be one of \['bicubic', 'bilinear', 'lanczos', 'nearest'\], got 'area'"):
        upscale(x, 2, "area")
    with pytest.raises(ValueError, match=r"scale must be an int >= 1, got 1.5"):
        upscale(x, 1.5, "nearest")
    with pytest.raises(ValueError, match=r"tensor input must be \(N, C, h, w\) float, got shape \(3, 4, 4\)"):
        upscale(x[0], 2, "nearest")
    with pytest.raises(TypeError, match=r"expected a torch.Tensor .* or a numpy array, got list"):
        upscale([[0.0]], 2, "nearest")
