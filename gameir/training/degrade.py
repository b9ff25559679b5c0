"""Where the LR training input comes from: the natively rendered LR frame, or HR degraded to LR.

``--lr-source`` values (:data:`LR_SOURCES`):

* ``native``: the LR frame the renderer produced at LR (aliased, 1 sample per pixel in the
  ``gameir-sr`` preset) — what a game upscaler receives.
* ``bicubic``: MATLAB ``imresize(hr, 1/s, 'bicubic')``, the pseudo-pair recipe of BasicSR / DIV2K
  "bicubic" tracks: Keys cubic with a = -0.5, widened by s for antialiasing (4 s taps per output
  pixel, weights normalised to sum to 1), symmetric (edge-inclusive mirror) padding. Computed as
  ``F.interpolate(mode="bicubic", antialias=True)`` (PIL's filter, identical to MATLAB's away from
  the border) on the HR image mirrored by 2 s pixels per side, which makes it equal to MATLAB at
  the border too.
* ``bilinear-aa``: box (area) average of each s x s HR block — ``cv2.INTER_AREA`` /
  ``F.avg_pool2d(s)``; the LR pixel footprint of docs/FORMAT.md (LR pixel (i, j) covers HR pixels
  ``s*i .. s*i+s-1``). Note: at integer scales this is a box filter, not PIL's triangle
  ("bilinear antialiased") filter.
* ``realistic``: Real-ESRGAN's second-order degradation (blur, resize, noise, JPEG, twice, then
  resize to LR; :mod:`gameir.training.degrade_realistic`), random per image and deterministic in
  the ``rng`` passed (the trainer seeds it with ``[seed, step]``).

All degradations clamp to [0, 1] and round to 1/255 steps, like the uint8 LR PNGs such pipelines
store (and like the native LR frames, which are uint8 too). On random training crops the
degradation sees only the crop, so the outermost 2 LR pixels of each crop (the filter's reach)
differ slightly from degrading the full frame.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from gameir.training.degrade_realistic import realistic_degrade

__all__ = ["LR_SOURCES", "RANDOM_SOURCES", "degrade_hr", "matlab_bicubic_downscale"]

LR_SOURCES = ("native", "bicubic", "bilinear-aa", "realistic")
#: sources that draw random numbers (they need ``rng``)
RANDOM_SOURCES = ("realistic",)


def _mirror_pad(x: torch.Tensor, pad: int) -> torch.Tensor:
    """Symmetric (edge-inclusive, MATLAB 'symmetric') padding of the last two dims by ``pad``."""
    H, W = x.shape[-2:]
    rows = torch.arange(-pad, H + pad, device=x.device)
    cols = torch.arange(-pad, W + pad, device=x.device)
    rows = torch.where(rows < 0, -rows - 1, torch.where(rows >= H, 2 * H - rows - 1, rows)).clamp(0, H - 1)
    cols = torch.where(cols < 0, -cols - 1, torch.where(cols >= W, 2 * W - cols - 1, cols)).clamp(0, W - 1)
    return x.index_select(-2, rows).index_select(-1, cols)


def matlab_bicubic_downscale(hr: torch.Tensor, scale: int) -> torch.Tensor:
    """MATLAB ``imresize(hr, 1/scale, 'bicubic')`` (antialiased) of (N, C, H, W) float images, unrounded.

    H and W must be multiples of ``scale`` (and >= 2 * scale for the mirror padding).
    """
    n, c, H, W = hr.shape
    pad = 2 * scale
    if H % scale or W % scale or H < pad or W < pad:
        raise ValueError(f"matlab_bicubic_downscale: HR {H}x{W} must be multiples of scale {scale} and >= {pad}")
    work = hr if hr.dtype == torch.float64 else hr.float()
    padded = _mirror_pad(work, pad)
    lr = F.interpolate(padded, size=((H + 2 * pad) // scale, (W + 2 * pad) // scale), mode="bicubic",
                       antialias=True, align_corners=False)
    return lr[:, :, 2:-2, 2:-2].to(hr.dtype)


def degrade_hr(hr: torch.Tensor, scale: int, method: str, rng: np.random.Generator | None = None) -> torch.Tensor:
    """Degrade HR colour to an LR training input (module docstring for each ``method``).

    Args:
        hr: (..., 3, H, W) float sRGB in [0, 1] (any leading dims, e.g. (N, T, 3, H, W)); H, W
            multiples of ``scale``.
        scale: integer factor s.
        method: ``"bicubic"``, ``"bilinear-aa"`` or ``"realistic"`` (``"native"`` has nothing to degrade).
        rng: the random source of ``"realistic"`` (required there, unused otherwise).

    Returns:
        (..., 3, H/s, W/s) tensor of ``hr``'s dtype and device, in [0, 1], multiples of 1/255.
    """
    if not isinstance(hr, torch.Tensor) or hr.dim() < 3 or not hr.is_floating_point():
        raise ValueError(f"degrade_hr: expected a float tensor (..., C, H, W), got "
                         f"{tuple(hr.shape) if isinstance(hr, torch.Tensor) else type(hr).__name__}")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"degrade_hr: scale must be an int >= 1, got {scale!r}")
    lead, (C, H, W) = hr.shape[:-3], hr.shape[-3:]
    if H % scale or W % scale:
        raise ValueError(f"degrade_hr: HR {H}x{W} is not a multiple of scale {scale}")
    flat = hr.reshape(-1, C, H, W)
    if method == "bicubic":
        lr = matlab_bicubic_downscale(flat, scale)
    elif method == "bilinear-aa":
        lr = F.avg_pool2d(flat, scale)
    elif method == "realistic":
        if rng is None:
            raise ValueError("degrade_hr: method 'realistic' needs rng=np.random.default_rng([seed, step])")
        lr = realistic_degrade(flat, scale, rng)
    elif method == "native":
        raise ValueError("degrade_hr: method 'native' uses the rendered LR frame; nothing to degrade")
    else:
        raise ValueError(f"degrade_hr: method must be one of bicubic, bilinear-aa, realistic, got {method!r}")
    lr = torch.round(lr.clamp(0.0, 1.0) * 255.0) / 255.0
    return lr.reshape(*lead, C, H // scale, W // scale)
