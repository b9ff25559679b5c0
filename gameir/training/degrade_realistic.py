"""Realistic second-order degradation of HR frames (Real-ESRGAN's recipe), deterministic per seed.

Wang et al. 2021 (Real-ESRGAN, "high-order degradation model"; the ranges below are those of its
``train_realesrnet_x4plus.yml``) degrade HR twice, each order being blur -> resize -> noise -> JPEG,
then resize to the LR size:

1. order 1: Gaussian blur (isotropic or anisotropic, odd kernel 7..21 px, sigma 0.2..3 px, random
   angle); random resize by a factor in 0.15..1.5 (up 20 %, down 70 %, keep 10 %; area, bilinear or
   bicubic); Gaussian noise (sigma 1..30 on the 0..255 scale, 40 % grey) or Poisson noise (scale
   0.05..3), each half the time; JPEG quality 30..95.
2. order 2: blur with probability 0.8 (sigma 0.2..1.5); resize by 0.3..1.2; Gaussian noise sigma
   1..25 or Poisson scale 0.05..2.5; then, in random order, [resize to (H/s, W/s) (area, bilinear or
   bicubic)] and [JPEG quality 30..95].

Simplifications (stated so results can be compared): no generalized-Gaussian / plateau kernels, no
sinc filter, no sharpening of the target; Poisson noise uses 256 intensity levels (Real-ESRGAN
counts the image's distinct values). Every random choice is drawn from the ``np.random.Generator``
passed in, one image after the other, so a (seed, step) pair gives the same LR batch every time
(the trainer seeds it with ``[seed, step]``: a resumed run sees the same degradations).
JPEG is OpenCV's encoder (``cv2.imencode``, libjpeg, 4:2:0 chroma subsampling).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["gaussian_kernel", "blur", "add_gaussian_noise", "add_poisson_noise", "jpeg_compress",
           "realistic_degrade", "RESIZE_MODES"]

#: interpolation modes drawn for the random resizes (``F.interpolate`` names).
RESIZE_MODES = ("area", "bilinear", "bicubic")


def gaussian_kernel(size: int, sigma_x: float, sigma_y: float, theta_rad: float = 0.0) -> np.ndarray:
    """(size, size) float64 anisotropic Gaussian kernel, normalised to sum to 1.

    Args:
        size: odd side in pixels.
        sigma_x, sigma_y: standard deviations along the kernel's own axes, pixels (> 0).
        theta_rad: rotation of the x axis, radians (counter-clockwise in image x-right, y-down axes).
    """
    if size < 1 or size % 2 == 0:
        raise ValueError(f"gaussian_kernel: size must be a positive odd int, got {size}")
    if sigma_x <= 0 or sigma_y <= 0:
        raise ValueError(f"gaussian_kernel: sigmas must be > 0, got {sigma_x}, {sigma_y}")
    r = np.arange(size, dtype=np.float64) - size // 2
    xx, yy = np.meshgrid(r, r)
    c, s = math.cos(theta_rad), math.sin(theta_rad)
    u, v = c * xx + s * yy, -s * xx + c * yy
    k = np.exp(-0.5 * ((u / sigma_x) ** 2 + (v / sigma_y) ** 2))
    return k / k.sum()


def blur(x: torch.Tensor, kernel: np.ndarray) -> torch.Tensor:
    """Convolve (C, H, W) ``x`` with a (k, k) kernel per channel, reflect-padded (replicate when too small)."""
    k = torch.as_tensor(kernel, dtype=x.dtype, device=x.device)
    pad = k.shape[-1] // 2
    mode = "reflect" if pad < min(x.shape[-2:]) else "replicate"
    y = F.pad(x[None], (pad, pad, pad, pad), mode=mode)
    weight = k.expand(x.shape[0], 1, *k.shape).contiguous()
    return F.conv2d(y, weight, groups=x.shape[0])[0]


def add_gaussian_noise(x: torch.Tensor, sigma: float, rng: np.random.Generator, grey: bool = False) -> torch.Tensor:
    """``x + N(0, sigma^2)`` per pixel (one draw shared by the channels when ``grey``); sigma on x's scale."""
    shape = (1, *x.shape[1:]) if grey else tuple(x.shape)
    noise = torch.as_tensor(rng.normal(0.0, sigma, shape), dtype=x.dtype, device=x.device)
    return x + noise


def add_poisson_noise(x: torch.Tensor, scale: float, rng: np.random.Generator, grey: bool = False,
                      levels: int = 256) -> torch.Tensor:
    """Shot noise: ``x + scale (Poisson(levels x) / levels - x)`` on [0, 1] data (grey: from the luma)."""
    base = x.clamp(0.0, 1.0).double().cpu().numpy()
    if grey:
        base = (0.299 * base[0] + 0.587 * base[1] + 0.114 * base[2])[None]
    noise = rng.poisson(base * levels) / levels - base
    return x + scale * torch.as_tensor(noise, dtype=x.dtype, device=x.device)


def jpeg_compress(x: torch.Tensor, quality: int) -> torch.Tensor:
    """JPEG round trip of a (3, H, W) RGB image in [0, 1] at ``quality`` (1..100) with OpenCV."""
    import cv2

    if not 1 <= int(quality) <= 100:
        raise ValueError(f"jpeg_compress: quality must be in 1..100, got {quality}")
    img = (x.clamp(0.0, 1.0) * 255.0).round().byte().permute(1, 2, 0).cpu().numpy()[:, :, ::-1]
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img), [int(cv2.IMWRITE_JPEG_QUALITY), int(quality)])
    if not ok:
        raise ValueError(f"jpeg_compress: OpenCV could not encode a {img.shape[1]}x{img.shape[0]} image")
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1]
    return torch.from_numpy(np.ascontiguousarray(out)).permute(2, 0, 1).to(x.device, x.dtype) / 255.0


def _resize(x: torch.Tensor, size_hw: tuple[int, int], mode: str) -> torch.Tensor:
    kw = {} if mode == "area" else {"align_corners": False, "antialias": size_hw[0] < x.shape[-2]}
    return F.interpolate(x[None], size=size_hw, mode=mode, **kw)[0]


def _random_blur(x: torch.Tensor, rng: np.random.Generator, sigma_range: tuple[float, float]) -> torch.Tensor:
    size = int(rng.choice(np.arange(7, 22, 2)))
    if rng.random() < 0.5:  # isotropic
        s = rng.uniform(*sigma_range)
        kernel = gaussian_kernel(size, s, s)
    else:
        kernel = gaussian_kernel(size, rng.uniform(*sigma_range), rng.uniform(*sigma_range), rng.uniform(-math.pi, math.pi))
    return blur(x, kernel)


def _random_resize(x: torch.Tensor, rng: np.random.Generator, range_: tuple[float, float]) -> torch.Tensor:
    kind = rng.choice(3, p=(0.2, 0.7, 0.1))  # up, down, keep
    factor = rng.uniform(1.0, range_[1]) if kind == 0 else rng.uniform(range_[0], 1.0) if kind == 1 else 1.0
    mode = RESIZE_MODES[int(rng.integers(len(RESIZE_MODES)))]
    h, w = x.shape[-2:]
    return _resize(x, (max(4, int(round(h * factor))), max(4, int(round(w * factor)))), mode)


def _random_noise(x: torch.Tensor, rng: np.random.Generator, sigma_range: tuple[float, float],
                  poisson_range: tuple[float, float]) -> torch.Tensor:
    grey = bool(rng.random() < 0.4)
    if rng.random() < 0.5:
        return add_gaussian_noise(x, rng.uniform(*sigma_range) / 255.0, rng, grey)
    return add_poisson_noise(x, rng.uniform(*poisson_range), rng, grey)


def _degrade_one(x: torch.Tensor, out_hw: tuple[int, int], rng: np.random.Generator) -> torch.Tensor:
    x = _random_blur(x, rng, (0.2, 3.0))
    x = _random_resize(x, rng, (0.15, 1.5))
    x = _random_noise(x, rng, (1.0, 30.0), (0.05, 3.0)).clamp(0.0, 1.0)
    x = jpeg_compress(x, int(rng.integers(30, 96)))
    if rng.random() < 0.8:
        x = _random_blur(x, rng, (0.2, 1.5))
    x = _random_resize(x, rng, (0.3, 1.2))
    x = _random_noise(x, rng, (1.0, 25.0), (0.05, 2.5)).clamp(0.0, 1.0)
    mode = RESIZE_MODES[int(rng.integers(len(RESIZE_MODES)))]
    quality = int(rng.integers(30, 96))
    if rng.random() < 0.5:
        x = jpeg_compress(_resize(x, out_hw, mode).clamp(0.0, 1.0), quality)
    else:
        x = _resize(jpeg_compress(x, quality), out_hw, mode)
    return x


def realistic_degrade(hr: torch.Tensor, scale: int, rng: np.random.Generator) -> torch.Tensor:
    """Second-order Real-ESRGAN-style degradation of HR colour to LR (module docstring).

    Args:
        hr: (N, 3, H, W) float sRGB in [0, 1]; H, W multiples of ``scale``.
        scale: integer factor s.
        rng: source of every random choice (images are degraded in batch order).

    Returns:
        (N, 3, H/s, W/s) tensor of ``hr``'s dtype and device, clamped to [0, 1], not yet rounded.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"realistic_degrade: rng must be a numpy Generator, got {type(rng).__name__}")
    if hr.dim() != 4 or hr.shape[1] != 3:
        raise ValueError(f"realistic_degrade: expected (N, 3, H, W), got {tuple(hr.shape)}")
    out_hw = (hr.shape[-2] // scale, hr.shape[-1] // scale)
    work = hr.float()
    return torch.stack([_degrade_one(img, out_hw, rng).clamp(0.0, 1.0) for img in work]).to(hr.dtype)
