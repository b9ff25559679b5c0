"""MS-SSIM against an independent scipy formula (Wang et al. 2003), and its special cases."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from gameir.metrics import MS_SSIM_WEIGHTS, ms_ssim, ssim


def _reference(pred: np.ndarray, target: np.ndarray, r: float, weights=MS_SSIM_WEIGHTS) -> float:
    """(H, W, C) float64 -> MS-SSIM: scipy Gaussian (sigma 1.5, 11 taps), crop 5, 2x2 means."""
    c1, c2 = (0.01 * r) ** 2, (0.03 * r) ** 2
    f = lambda a: gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")[5:-5, 5:-5]  # noqa: E731
    x, y = pred, target
    value = 1.0
    for j, w in enumerate(weights):
        ss, css = [], []
        for k in range(x.shape[2]):
            a, b = x[..., k], y[..., k]
            mx, my = f(a), f(b)
            vx, vy, vxy = f(a * a) - mx ** 2, f(b * b) - my ** 2, f(a * b) - mx * my
            cs = (2 * vxy + c2) / (vx + vy + c2)
            css.append(cs.mean())
            ss.append((cs * (2 * mx * my + c1) / (mx ** 2 + my ** 2 + c1)).mean())
        last = j == len(weights) - 1
        value *= max(np.mean(ss if last else css), 0.0) ** w
        h2, w2 = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
        x = x[:h2, :w2].reshape(h2 // 2, 2, w2 // 2, 2, -1).mean(axis=(1, 3))
        y = y[:h2, :w2].reshape(h2 // 2, 2, w2 // 2, 2, -1).mean(axis=(1, 3))
    return value


def to_tensor(hwc: np.ndarray, dtype=torch.float64) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))[None].to(dtype)


# The torch path is slow on CPU (grouped conv2d): it runs on the smallest photo only.
@pytest.mark.parametrize("backend,photo,kind", [("opencv", "astronaut", "noise"), ("opencv", "chelsea", "blur"),
                                                ("opencv", "coffee", "noise"), ("torch", "chelsea", "blur")])
def test_ms_ssim_matches_reference_formula(photo_pairs, photo, kind, backend):
    pred, target = photo_pairs[(photo, kind)]
    ref = _reference(pred, target, 1.0)
    got = ms_ssim(to_tensor(pred), to_tensor(target), 1.0, backend=backend)
    assert got.shape == (1,) and abs(got.item() - ref) < 1e-9
    got32 = ms_ssim(to_tensor(pred, torch.float32), to_tensor(target, torch.float32), 1.0, backend=backend)
    assert abs(got32.item() - ref) < 1e-5


def test_ms_ssim_single_scale_is_ssim_and_identical_is_one(photo_pairs):
    pred, target = photo_pairs[("chelsea", "noise")]
    p, t = to_tensor(pred), to_tensor(target)
    torch.testing.assert_close(ms_ssim(p, t, 1.0, weights=(1.0,)), ssim(p, t, 1.0))
    assert ms_ssim(t, t, 1.0).item() == pytest.approx(1.0, abs=1e-12)
    y = ms_ssim(p * 255, t * 255, 255.0, y_channel=True, crop_border=2)
    assert abs(y.item() - ms_ssim(p, t, 1.0, y_channel=True, crop_border=2).item()) < 1e-9


def test_ms_ssim_errors():
    x = torch.rand(1, 3, 170, 200)
    with pytest.raises(ValueError, match=r"ms_ssim: images of 170x200 \(HxW\) with crop_border=0 leave 170x200; need at least 176x176"):
        ms_ssim(x, x, 1.0)
    with pytest.raises(ValueError, match=r"ms_ssim: weights must be a non-empty sequence"):
        ms_ssim(x, x, 1.0, weights=())
