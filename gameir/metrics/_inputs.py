"""Shared input checks and preprocessing (crop, BT.601 luma) for PSNR and SSIM.

Every public metric calls :func:`prepare_pair` first, so the same inputs are accepted and the same
messages are raised everywhere.
"""

from __future__ import annotations

import math
from numbers import Real

import torch

__all__ = ["prepare_pair", "rgb_to_y_bt601", "compute_dtype", "Y_DATA_RANGE"]

#: Dynamic range of the BT.601 luma returned by :func:`rgb_to_y_bt601` (the 0..255 scale).
Y_DATA_RANGE = 255.0

# Relative slack allowed outside [0, data_range] (float rounding of e.g. x * 255 / 255).
_RANGE_TOL = 1e-5


def compute_dtype(device: torch.device) -> torch.dtype:
    """float64 wherever the device supports it (MPS does not)."""
    return torch.float32 if device.type == "mps" else torch.float64


def rgb_to_y_bt601(rgb: torch.Tensor, data_range: float) -> torch.Tensor:
    """BT.601 luma on the 0..255 scale, as BasicSR's ``rgb2ycbcr(y_only=True)`` and MATLAB.

    ``Y = 16 + 65.481 R' + 128.553 G' + 24.966 B'`` with ``R' = R / data_range`` in [0, 1], so
    ``Y`` lies in [16, 235] whatever ``data_range`` the RGB input used. No rounding is applied
    (BasicSR does not round; MATLAB's uint8 ``rgb2ycbcr`` does).

    Args:
        rgb: (N, 3, H, W) float tensor, RGB order, values in [0, data_range].
        data_range: peak value of ``rgb`` (1.0 for [0, 1] images, 255.0 for 0..255 images).

    Returns:
        (N, 1, H, W) tensor of the same dtype, values in [16, 235].

    Example:
        >>> import torch
        >>> rgb_to_y_bt601(torch.ones(1, 3, 2, 2), 1.0)[0, 0, 0, 0].item()
        235.0
    """
    w = torch.tensor([65.481, 128.553, 24.966], dtype=rgb.dtype, device=rgb.device) / data_range
    return 16.0 + (rgb * w.view(1, 3, 1, 1)).sum(dim=1, keepdim=True)


def _as_nchw(x: object, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: expected a torch.Tensor (N, C, H, W) or (C, H, W), got "
                        f"{type(x).__name__}; for an (H, W, C) numpy image use "
                        f"torch.from_numpy(img).permute(2, 0, 1)")
    if x.dim() == 3:
        x = x.unsqueeze(0)
    elif x.dim() != 4:
        raise ValueError(f"{name}: expected 4 dims (N, C, H, W) or 3 dims (C, H, W), got "
                         f"{x.dim()} dims with shape {tuple(x.shape)}")
    if x.dtype == torch.bool or x.is_complex():
        raise TypeError(f"{name}: expected a real float or integer tensor, got {x.dtype}")
    return x


def _check_values(x: torch.Tensor, name: str, data_range: float) -> None:
    lo, hi = torch.aminmax(x)  # one pass; NaN propagates, +-Inf shows up as lo or hi
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        n_nan = int(torch.isnan(x).sum())
        n_inf = int(torch.isinf(x).sum())
        raise ValueError(f"{name}: has {n_nan} NaN and {n_inf} +-Inf values; metrics need finite "
                         f"images")
    tol = _RANGE_TOL * data_range
    if lo < -tol or hi > data_range + tol:
        raise ValueError(f"{name}: values span [{lo:.6g}, {hi:.6g}], outside [0, data_range="
                         f"{data_range:g}]; clamp the output (e.g. x.clamp(0, {data_range:g})) or "
                         f"pass the data_range the images use")


def prepare_pair(pred: torch.Tensor, target: torch.Tensor, data_range: float, crop_border: int,
                 y_channel: bool, metric: str, min_size: int = 1,
                 ) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Check a pair of image batches and apply crop and luma conversion.

    Args:
        pred, target: (N, C, H, W) or (C, H, W) real tensors in [0, data_range], same shape and
            device.
        data_range: positive finite peak value (1.0 or 255.0 typically).
        crop_border: pixels removed on each of the four sides, >= 0.
        y_channel: convert RGB (C == 3) to BT.601 luma on the 0..255 scale.
        metric: metric name for messages.
        min_size: smallest height and width allowed after cropping.

    Returns:
        ``(pred, target, data_range)``: (N, C', H', W') float tensors (float32 unless the input was
        float64; Y conversion in the compute dtype) and the data range that applies to them (255
        after Y conversion).
    """
    pred = _as_nchw(pred, f"{metric}: pred")
    target = _as_nchw(target, f"{metric}: target")
    if pred.shape != target.shape:
        raise ValueError(f"{metric}: pred and target shapes differ: pred {tuple(pred.shape)} vs "
                         f"target {tuple(target.shape)}")
    if pred.device != target.device:
        raise ValueError(f"{metric}: pred is on {pred.device} but target is on {target.device}")
    if isinstance(data_range, bool) or not isinstance(data_range, Real):
        raise TypeError(f"{metric}: data_range must be a real number (e.g. 1.0 or 255.0), got "
                        f"{type(data_range).__name__}")
    data_range = float(data_range)
    if not (math.isfinite(data_range) and data_range > 0):
        raise ValueError(f"{metric}: data_range must be positive and finite, got {data_range}")
    if isinstance(crop_border, bool) or not isinstance(crop_border, int) or crop_border < 0:
        raise ValueError(f"{metric}: crop_border must be an int >= 0, got {crop_border!r}")
    n, c, h, w = pred.shape
    if n == 0:
        raise ValueError(f"{metric}: empty batch (N = 0)")
    if y_channel and c != 3:
        raise ValueError(f"{metric}: y_channel=True needs 3 RGB channels, got C = {c} "
                         f"(shape {tuple(pred.shape)})")
    if h - 2 * crop_border < min_size or w - 2 * crop_border < min_size:
        raise ValueError(f"{metric}: images of {h}x{w} (HxW) with crop_border={crop_border} leave "
                         f"{h - 2 * crop_border}x{w - 2 * crop_border}; need at least "
                         f"{min_size}x{min_size}")
    _check_values(pred, f"{metric}: pred", data_range)
    _check_values(target, f"{metric}: target", data_range)
    if crop_border:
        sl = (slice(None), slice(None), slice(crop_border, h - crop_border),
              slice(crop_border, w - crop_border))
        pred, target = pred[sl], target[sl]
    if not pred.is_floating_point() or pred.dtype in (torch.float16, torch.bfloat16):
        pred, target = pred.float(), target.float()
    if y_channel:
        # Luma in float64 where available: 235 * 2^-24 would already be 1.4e-5 in float32.
        dt = compute_dtype(pred.device)
        pred = rgb_to_y_bt601(pred.to(dt), data_range)
        target = rgb_to_y_bt601(target.to(dt), data_range)
        data_range = Y_DATA_RANGE
    return pred, target, data_range
