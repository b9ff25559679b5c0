"""PSNR against scikit-image, BasicSR's Y-channel convention and analytic values; input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio

from gameir.metrics import PSNR, psnr, rgb_to_y_bt601

PHOTOS = ("astronaut", "coffee", "chelsea")  # as in conftest.py


def to_tensor(hwc: np.ndarray, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))[None].to(dtype)


@pytest.mark.parametrize("photo", PHOTOS)
@pytest.mark.parametrize("kind", ["noise", "blur"])
@pytest.mark.parametrize("crop_border", [0, 4])
def test_psnr_matches_skimage_rgb_and_y(photo_pairs, photo, kind, crop_border):
    pred, target = photo_pairs[(photo, kind)]
    b = crop_border
    c = (slice(b, pred.shape[0] - b), slice(b, pred.shape[1] - b))
    ref = peak_signal_noise_ratio(target[c], pred[c], data_range=1.0)
    got = psnr(to_tensor(pred), to_tensor(target), 1.0, crop_border=b)
    assert got.dtype == torch.float64 and got.shape == (1,)
    assert abs(got.item() - ref) < 1e-9
    # float32 inputs: same value up to float32 rounding of the inputs
    got32 = psnr(to_tensor(pred, torch.float32), to_tensor(target, torch.float32), 1.0, crop_border=b)
    assert abs(got32.item() - ref) < 1e-4
    # Y channel, 0..255 scale, data_range 255 (BasicSR test_y_channel)
    w = np.array([65.481, 128.553, 24.966])
    ref_y = peak_signal_noise_ratio(16 + target[c] @ w, 16 + pred[c] @ w, data_range=255.0)
    got_y = psnr(to_tensor(pred), to_tensor(target), 1.0, crop_border=b, y_channel=True)
    assert abs(got_y.item() - ref_y) < 1e-9
    # the same images on the 0..255 scale give the same Y PSNR
    got_y255 = psnr(to_tensor(pred * 255), to_tensor(target * 255), 255.0, crop_border=b, y_channel=True)
    assert abs(got_y255.item() - ref_y) < 1e-9


def test_psnr_analytic_constant_offset():
    """|pred - target| = d everywhere: PSNR = 10 log10(R^2 / d^2)."""
    for r, d in ((1.0, 0.125), (255.0, 3.0)):
        target = torch.full((2, 3, 8, 9), r / 2, dtype=torch.float64)
        pred = target.clone()
        pred[0] += d
        pred[1] -= d
        got = psnr(pred, target, r)
        assert got.tolist() == pytest.approx([10 * math.log10(r * r / (d * d))] * 2, abs=1e-12)


def test_psnr_uint8_per_image_not_pooled():
    g = torch.Generator().manual_seed(0)
    t = torch.randint(10, 240, (2, 3, 16, 16), dtype=torch.uint8, generator=g)
    p = t.clone()
    p[0] += 1        # MSE 1
    p[1, :, :8] += 4  # MSE 8 (half the pixels off by 4)
    got = psnr(p, t, 255)
    expected = [10 * math.log10(255 ** 2 / 1), 10 * math.log10(255 ** 2 / 8)]
    assert got.tolist() == pytest.approx(expected, abs=1e-9)
    # pooling the MSE over the batch would give 10 log10(255^2 / 4.5): not what we return
    assert got.mean().item() != pytest.approx(10 * math.log10(255 ** 2 / 4.5), abs=1e-3)


def test_psnr_identical_is_inf_and_module():
    x = torch.rand(3, 10, 10, generator=torch.Generator().manual_seed(0))
    assert psnr(x, x, 1.0).tolist() == [math.inf]
    assert PSNR(1.0, y_channel=True)(x, x).tolist() == [math.inf]


def test_rgb_to_y_bt601_endpoints():
    y = rgb_to_y_bt601(torch.tensor([[[[0.0]], [[0.0]], [[0.0]]], [[[255.0]], [[255.0]], [[255.0]]]],
                                    dtype=torch.float64), 255.0)
    assert y.flatten().tolist() == pytest.approx([16.0, 235.0], abs=1e-12)


def test_psnr_input_errors():
    x = torch.rand(1, 3, 8, 8)
    with pytest.raises(ValueError, match=r"psnr: pred and target shapes differ: pred \(1, 3, 8, 8\) vs target \(1, 3, 8, 9\)"):
        psnr(x, torch.rand(1, 3, 8, 9), 1.0)
    with pytest.raises(ValueError, match=r"psnr: pred: expected 4 dims \(N, C, H, W\) or 3 dims \(C, H, W\), got 2 dims"):
        psnr(x[0, 0], x[0, 0], 1.0)
    with pytest.raises(TypeError, match=r"psnr: pred: expected a torch.Tensor .* got ndarray"):
        psnr(np.zeros((3, 8, 8)), x[0], 1.0)
    bad = x.clone()
    bad[0, 0, 0, 0] = float("nan")
    bad[0, 0, 0, 1] = float("inf")
    with pytest.raises(ValueError, match=r"psnr: pred: has 1 NaN and 1 \+-Inf values"):
        psnr(bad, x, 1.0)
    with pytest.raises(ValueError, match=r"psnr: target: values span \[.*\], outside \[0, data_range=1\]; clamp"):
        psnr(x, x * 255, 1.0)
    neg = x.clone()
    neg[0, 1, 2, 3] = -0.5
    with pytest.raises(ValueError, match=r"psnr: pred: values span \[-0.5, .*\], outside \[0, data_range=1\]"):
        psnr(neg, x, 1.0)
    with pytest.raises(TypeError, match=r"psnr: data_range must be a real number"):
        psnr(x, x, None)
    with pytest.raises(ValueError, match=r"psnr: data_range must be positive and finite, got 0.0"):
        psnr(x, x, 0)
    with pytest.raises(ValueError, match=r"psnr: crop_border must be an int >= 0, got -1"):
        psnr(x, x, 1.0, crop_border=-1)
    with pytest.raises(ValueError, match=r"psnr: y_channel=True needs 3 RGB channels, got C = 1"):
        psnr(x[:, :1], x[:, :1], 1.0, y_channel=True)
    with pytest.raises(ValueError, match=r"psnr: images of 8x8 \(HxW\) with crop_border=4 leave 0x0"):
        psnr(x, x, 1.0, crop_border=4)
    # tiny float rounding above the range is tolerated
    psnr(x.clamp(0, 1) + 1e-7, x, 1.0)
