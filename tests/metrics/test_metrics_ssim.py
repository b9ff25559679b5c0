"""SSIM against scikit-image (float64 reference) on natural photographs, and known values."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from gameir.metrics import SSIM, ssim

PHOTOS = ("astronaut", "coffee", "chelsea")  # as in conftest.py

TOL = 1e-5


def sk_ssim(pred: np.ndarray, target: np.ndarray, data_range: float) -> float:
    return structural_similarity(pred, target, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=data_range,
                                 channel_axis=2 if pred.ndim == 3 else None)


def y601(rgb01: np.ndarray) -> np.ndarray:
    """Independent BT.601 luma on the 0..255 scale (BasicSR's rgb2ycbcr, y_only)."""
    return 16.0 + rgb01 @ np.array([65.481, 128.553, 24.966])


def to_tensor(hwc: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(hwc.transpose(2, 0, 1)))[None].to(dtype)


def crop(a: np.ndarray, b: int) -> np.ndarray:
    return a[b:a.shape[0] - b, b:a.shape[1] - b] if b else a


# float64 on the torch path is slow on CPU (grouped conv2d), so it runs on the smallest photo only.
COMBOS = [("opencv", torch.float32, p) for p in PHOTOS] + [("opencv", torch.float64, p) for p in PHOTOS] \
    + [("torch", torch.float32, p) for p in PHOTOS] + [("torch", torch.float64, "chelsea")]


@pytest.mark.parametrize("backend,dtype,photo", COMBOS)
@pytest.mark.parametrize("kind", ["noise", "blur"])
def test_ssim_rgb_01_matches_skimage(photo_pairs, photo, kind, backend, dtype):
    pred, target = photo_pairs[(photo, kind)]
    if dtype == torch.float32:  # reference on the exact values we pass
        pred, target = pred.astype(np.float32).astype(np.float64), target.astype(np.float32).astype(np.float64)
    ref = sk_ssim(pred, target, 1.0)
    got = ssim(to_tensor(pred, dtype), to_tensor(target, dtype), 1.0, backend=backend)
    assert got.shape == (1,) and got.dtype == torch.float64
    assert abs(got.item() - ref) < TOL


@pytest.mark.parametrize("photo", PHOTOS)
@pytest.mark.parametrize("backend", ["opencv", "torch"])
@pytest.mark.parametrize("crop_border", [0, 4])
def test_ssim_y_channel_and_crop_match_skimage(photo_pairs, photo, backend, crop_border):
    pred, target = photo_pairs[(photo, "noise")]
    ref = sk_ssim(crop(y601(pred), crop_border), crop(y601(target), crop_border), 255.0)
    got = ssim(to_tensor(pred, torch.float32), to_tensor(target, torch.float32), 1.0,
               crop_border=crop_border, y_channel=True, backend=backend)
    # float32 inputs: compare against the reference computed on the same float32 values
    p32, t32 = pred.astype(np.float32).astype(np.float64), target.astype(np.float32).astype(np.float64)
    ref32 = sk_ssim(crop(y601(p32), crop_border), crop(y601(t32), crop_border), 255.0)
    assert abs(got.item() - ref32) < TOL
    assert abs(ref32 - ref) < 1e-4  # sanity: float32 rounding of the inputs is immaterial


@pytest.mark.parametrize("backend,crop_border", [("opencv", 0), ("opencv", 3), ("torch", 3)])
def test_ssim_uint8_range_batch_matches_skimage(photo_pairs, backend, crop_border):
    """0..255 data (uint8 tensors and integer-valued floats), a batch of two photos."""
    pairs = [photo_pairs[("coffee", "noise")], photo_pairs[("coffee", "blur")]]
    preds = np.stack([np.round(p * 255) for p, _ in pairs])
    targets = np.stack([np.round(t * 255) for _, t in pairs])
    refs = [sk_ssim(crop(p, crop_border), crop(t, crop_border), 255.0) for p, t in zip(preds, targets)]
    as_u8 = torch.from_numpy(preds.transpose(0, 3, 1, 2).astype(np.uint8))
    tgt_u8 = torch.from_numpy(targets.transpose(0, 3, 1, 2).astype(np.uint8))
    for p, t in ((as_u8, tgt_u8), (as_u8.float(), tgt_u8.float())):
        got = ssim(p, t, 255, crop_border=crop_border, backend=backend)
        assert got.shape == (2,)
        np.testing.assert_allclose(got.numpy(), refs, atol=TOL, rtol=0)


def test_ssim_identical_is_one_and_chw_accepted():
    x = torch.rand(3, 40, 50, generator=torch.Generator().manual_seed(0))
    for backend in ("opencv", "torch"):
        assert ssim(x, x, 1.0, backend=backend).tolist() == pytest.approx([1.0], abs=1e-12)


def test_ssim_backends_agree_on_batch_and_module():
    g = torch.Generator().manual_seed(3)
    t = torch.rand(3, 2, 37, 29, generator=g)
    p = (t + 0.1 * torch.randn(t.shape, generator=g)).clamp(0, 1)
    a = ssim(p, t, 1.0, backend="opencv")
    b = ssim(p, t, 1.0, backend="torch")
    torch.testing.assert_close(a, b, atol=1e-6, rtol=0)
    # the torch path's plane chunking (bounded device memory) does not change the result
    ssim_module = importlib.import_module("gameir.metrics.ssim")
    chunked = ssim_module._ssim_torch(p, t, 1e-4, 9e-4, max_elements=5 * 37 * 29 * 2)
    whole = ssim_module._ssim_torch(p, t, 1e-4, 9e-4)
    torch.testing.assert_close(chunked, whole)
    # the contrast-structure means (for MS-SSIM) agree between the backends too
    torch.testing.assert_close(ssim_module._ssim_opencv(p, t, 1e-4, 9e-4, with_cs=True)[1], whole[1],
                               atol=1e-6, rtol=0)
    torch.testing.assert_close(SSIM(1.0)(p, t), a)
    # per-image: the batch result equals the images computed one at a time
    for i in range(3):
        torch.testing.assert_close(ssim(p[i], t[i], 1.0), a[i:i + 1])


def test_ssim_constant_images_analytic():
    """Constant images a, b: variances vanish, SSIM = (2ab + C1) / (a^2 + b^2 + C1)."""
    a, b, r = 0.3, 0.5, 1.0
    c1 = (0.01 * r) ** 2
    x = torch.full((1, 1, 16, 16), a, dtype=torch.float64)
    y = torch.full((1, 1, 16, 16), b, dtype=torch.float64)
    expected = (2 * a * b + c1) / (a * a + b * b + c1)
    for backend in ("opencv", "torch"):
        assert ssim(x, y, r, backend=backend).item() == pytest.approx(expected, abs=1e-12)


def test_ssim_errors():
    x = torch.rand(1, 3, 20, 20)
    with pytest.raises(ValueError, match=r"ssim: images of 20x20 \(HxW\) with crop_border=5 leave 10x10; need at least 11x11"):
        ssim(x, x, 1.0, crop_border=5)
    with pytest.raises(ValueError, match=r"backend must be one of .* got 'cuda'"):
        ssim(x, x, 1.0, backend="cuda")
    with pytest.raises(ValueError, match=r"ssim: pred and target shapes differ: pred \(1, 3, 20, 20\) vs target \(1, 3, 20, 21\)"):
        ssim(x, torch.rand(1, 3, 20, 21), 1.0)


def _basicsr_style_ssim(img: np.ndarray, img2: np.ndarray) -> float:
    """BasicSR's numpy ``_ssim`` formula on one 0..255 plane: a 2-D 11x11 window applied with
    cv2.filter2D in float64, the [5:-5, 5:-5] valid region kept."""
    import cv2

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    k = cv2.getGaussianKernel(11, 1.5)
    win = np.outer(k, k.T)
    f = lambda a: cv2.filter2D(a, -1, win)[5:-5, 5:-5]  # noqa: E731
    mu1, mu2 = f(img), f(img2)
    s11, s22, s12 = f(img * img) - mu1 ** 2, f(img2 * img2) - mu2 ** 2, f(img * img2) - mu1 * mu2
    return float((((2 * mu1 * mu2 + c1) * (2 * s12 + c2))
                  / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))).mean())


def test_ssim_y_equals_basicsr_formula(photo_pairs):
    pred, target = photo_pairs[("chelsea", "blur")]
    ref = _basicsr_style_ssim(y601(pred)[4:-4, 4:-4], y601(target)[4:-4, 4:-4])
    got = ssim(to_tensor(pred, torch.float64), to_tensor(target, torch.float64), 1.0, crop_border=4,
               y_channel=True)
    assert abs(got.item() - ref) < 1e-9
