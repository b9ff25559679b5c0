"""Classic single-image upscalers (nearest, bilinear, bicubic, Lanczos) with OpenCV semantics."""

from __future__ import annotations

from typing import overload

import cv2
import numpy as np
import torch

__all__ = ["upscale", "UPSCALE_METHODS"]

#: method name -> OpenCV interpolation flag.
UPSCALE_METHODS: dict[str, int] = {
    "nearest": cv2.INTER_NEAREST,
    "bilinear": cv2.INTER_LINEAR,
    "bicubic": cv2.INTER_CUBIC,
    "lanczos": cv2.INTER_LANCZOS4,
}


def _check_args(scale: int, method: str) -> int:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"upscale: scale must be an int >= 1, got {scale!r}")
    if method not in UPSCALE_METHODS:
        raise ValueError(f"upscale: method must be one of {sorted(UPSCALE_METHODS)}, got {method!r}")
    return UPSCALE_METHODS[method]


def _resize_hwc(img: np.ndarray, scale: int, flag: int) -> np.ndarray:
    h, w = img.shape[:2]
    out = cv2.resize(img, (w * scale, h * scale), interpolation=flag)
    return out.reshape(h * scale, w * scale, *img.shape[2:])  # OpenCV drops a trailing 1-channel axis


@overload
def upscale(lr: torch.Tensor, scale: int, method: str, *, data_range: float | None = None) -> torch.Tensor: ...
@overload
def upscale(lr: np.ndarray, scale: int, method: str, *, data_range: float | None = None) -> np.ndarray: ...


def upscale(lr: torch.Tensor | np.ndarray, scale: int, method: str, *,
            data_range: float | None = None) -> torch.Tensor | np.ndarray:
    """Upscale images by an integer factor with OpenCV's ``resize`` (half-pixel centres).

    Pixel grids follow docs/FORMAT.md: pixel (i, j) has its centre at (j + 0.5, i + 0.5), so LR
    pixel (i, j) covers HR pixels ``s*i ... s*i+s-1`` (rows) and ``s*j ... s*j+s-1`` (columns), and
    HR pixel centre ``x`` samples the LR image at ``(x + 0.5) / s - 0.5`` — OpenCV's (and
    ``torch.nn.functional.interpolate(align_corners=False)``'s) convention. ``"nearest"`` therefore
    replicates each LR pixel into an s x s block. ``"bicubic"`` is OpenCV's Keys cubic (a = -0.75),
    not MATLAB's ``imresize`` (a = -0.5, antialiased); ``"lanczos"`` is Lanczos-4 (8x8 taps).

    Primary form: a (N, C, h, w) float tensor (any device; the resampling runs in OpenCV on the CPU
    in float32, or float64 for float64 input, and the result returns to the input's device). Also
    accepted: a numpy image (h, w) or (h, w, C) of uint8 or float, returned in the same layout and
    dtype (uint8 results are rounded and saturated by OpenCV).

    Args:
        lr: (N, C, h, w) float tensor, or (h, w[, C]) numpy array.
        scale: integer upscaling factor s >= 1.
        method: ``"nearest"``, ``"bilinear"``, ``"bicubic"`` or ``"lanczos"``.
        data_range: if given, clamp float results to [0, data_range] (bicubic and Lanczos overshoot
            at edges; the metrics reject values outside the range).

    Returns:
        (N, C, s*h, s*w) tensor, or (s*h, s*w[, C]) array, same dtype as ``lr``.

    Example:
        >>> import torch
        >>> upscale(torch.tensor([[[[0.0, 1.0]]]]), 2, "nearest")
        tensor([[[[0., 0., 1., 1.],
                  [0., 0., 1., 1.]]]])
    """
    flag = _check_args(scale, method)
    if isinstance(lr, np.ndarray):
        if lr.ndim not in (2, 3) or lr.dtype not in (np.uint8, np.float32, np.float64):
            raise ValueError(f"upscale: numpy input must be (h, w) or (h, w, C) uint8/float32/float64, "
                             f"got shape {lr.shape} dtype {lr.dtype}")
        out = _resize_hwc(lr, scale, flag)
        if data_range is not None and out.dtype != np.uint8:
            np.clip(out, 0, data_range, out=out)
        return out
    if not isinstance(lr, torch.Tensor):
        raise TypeError(f"upscale: expected a torch.Tensor (N, C, h, w) or a numpy array, got {type(lr).__name__}")
    if lr.dim() != 4 or not lr.is_floating_point():
        raise ValueError(f"upscale: tensor input must be (N, C, h, w) float, got shape {tuple(lr.shape)} "
                         f"dtype {lr.dtype}")
    if method == "nearest":
        out = lr.repeat_interleave(scale, dim=2).repeat_interleave(scale, dim=3)
    else:
        work = torch.float64 if lr.dtype == torch.float64 else torch.float32
        hwc = lr.detach().to("cpu", work).permute(0, 2, 3, 1).numpy()
        res = np.stack([_resize_hwc(np.ascontiguousarray(img), scale, flag) for img in hwc])
        out = torch.from_numpy(res).permute(0, 3, 1, 2).to(device=lr.device, dtype=lr.dtype).contiguous()
    if data_range is not None:
        out = out.clamp(0, data_range)
    return out
