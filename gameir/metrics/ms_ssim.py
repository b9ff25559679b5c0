"""Multi-scale structural similarity (Wang, Simoncelli, Bovik 2003), one value per image."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from gameir.metrics._inputs import prepare_pair
from gameir.metrics.ssim import _BACKENDS, SSIM_K1, SSIM_K2, SSIM_WINDOW, _ssim_opencv, _ssim_torch

__all__ = ["ms_ssim", "MS_SSIM_WEIGHTS"]

#: Per-scale exponents of Wang et al. 2003 (finest scale first).
MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ms_ssim(pred: torch.Tensor, target: torch.Tensor, data_range: float, *, crop_border: int = 0,
            y_channel: bool = False, weights: Sequence[float] = MS_SSIM_WEIGHTS,
            backend: str = "auto") -> torch.Tensor:
    """Multi-scale SSIM of each image in a batch.

    With M = ``len(weights)`` scales (scale 1 is the input; scale j+1 is scale j averaged over 2x2
    blocks, odd last rows/columns dropped)::

        MS-SSIM = prod_{j=1}^{M-1} max(cs_j, 0)^{w_j} * max(ssim_M, 0)^{w_M}

    where ``cs_j`` is the mean contrast-structure term ``(2 sigma_xy + C2) / (sigma_x^2 + sigma_y^2
    + C2)`` and ``ssim_M`` the mean SSIM at the coarsest scale, both computed exactly as in
    :func:`gameir.metrics.ssim` (11x11 Gaussian, sigma 1.5, population covariance, valid region
    only, C1/C2 from ``data_range``) and averaged over channels at each scale before the product.
    Negative means (rare; strongly anti-correlated images) are clamped to 0 so the fractional powers
    stay real. ``weights=(1.0,)`` gives plain SSIM.

    Args:
        pred: (N, C, H, W) or (C, H, W) tensor in [0, data_range]; H and W after cropping must be
            at least 11 * 2^(M-1) (176 for the default five scales).
        target: same shape and device as ``pred``.
        data_range: peak value R of the inputs; required.
        crop_border: pixels removed on each side first.
        y_channel: compare BT.601 luma on the 0..255 scale with R = 255 (as :func:`ssim`).
        weights: per-scale exponents, finest first; default Wang et al.'s five.
        backend: ``"auto"``, ``"opencv"`` or ``"torch"`` as in :func:`ssim`.

    Returns:
        (N,) float64 tensor (float32 on MPS) in [0, 1]; 1 for identical images.

    Reference:
        Z. Wang, E. P. Simoncelli, A. C. Bovik, "Multiscale structural similarity for image quality
        assessment", 37th Asilomar Conference on Signals, Systems and Computers, 2003.

    Example:
        >>> import torch
        >>> x = torch.rand(1, 3, 176, 176, generator=torch.Generator().manual_seed(0))
        >>> ms_ssim(x, x, data_range=1.0)
        tensor([1.], dtype=torch.float64)
    """
    weights = tuple(float(w) for w in weights)
    if not weights or any(w < 0 for w in weights):
        raise ValueError(f"ms_ssim: weights must be a non-empty sequence of numbers >= 0, got {weights}")
    if backend not in _BACKENDS:
        raise ValueError(f"ms_ssim: backend must be one of {_BACKENDS}, got {backend!r}")
    n_scales = len(weights)
    pred, target, data_range = prepare_pair(pred, target, data_range, crop_border, y_channel,
                                            "ms_ssim", min_size=SSIM_WINDOW * 2 ** (n_scales - 1))
    c1 = (SSIM_K1 * data_range) ** 2
    c2 = (SSIM_K2 * data_range) ** 2
    if backend == "auto":
        backend = "opencv" if pred.device.type == "cpu" else "torch"
    if backend == "opencv" and pred.device.type != "cpu":
        raise ValueError(f"ms_ssim: backend='opencv' needs CPU tensors, got {pred.device}")
    result = None
    for j, w in enumerate(weights):
        last = j == n_scales - 1
        if backend == "opencv":
            s, cs = _ssim_opencv(pred, target, c1, c2, with_cs=not last)
        else:
            s, cs = _ssim_torch(pred, target, c1, c2)
        term = (s if last else cs).mean(dim=1).clamp(min=0.0) ** w
        result = term if result is None else result * term
        if not last:
            pred = F.avg_pool2d(pred, 2)
            target = F.avg_pool2d(target, 2)
    return result
