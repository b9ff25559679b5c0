"""Peak signal-to-noise ratio, one value per image."""

from __future__ import annotations

import numpy as np
import torch

from gameir.metrics._inputs import compute_dtype, prepare_pair

__all__ = ["psnr"]


def psnr(pred: torch.Tensor, target: torch.Tensor, data_range: float, *, crop_border: int = 0,
         y_channel: bool = False) -> torch.Tensor:
    """Peak signal-to-noise ratio of each image in a batch.

    ``PSNR = 10 log10(R^2 / MSE)`` with ``MSE`` the mean of ``(pred - target)^2`` over the
    channels and pixels of ONE image (after cropping), computed in float64. The MSE is never pooled
    over the batch: average the returned values to get the usual dataset PSNR. Identical images give
    ``+inf``. Matches ``skimage.metrics.peak_signal_noise_ratio`` per image and BasicSR's
    ``calculate_psnr`` (see docs/METRICS.md).

    Args:
        pred: (N, C, H, W) or (C, H, W) tensor, float or integer, values in [0, data_range].
        target: same shape, dtype kind and device as ``pred``.
        data_range: peak value R of the inputs, e.g. 1.0 for [0, 1] or 255.0 for 0..255 images. No
            default on purpose: a wrong range silently shifts PSNR by 20 log10 of the ratio.
        crop_border: pixels removed on each side before computing (BasicSR uses the scale factor).
        y_channel: compare BT.601 luma ``Y = 16 + 65.481 R' + 128.553 G' + 24.966 B'`` (on the
            0..255 scale, ``R' = R / data_range``) with R = 255, as BasicSR ``test_y_channel``;
            needs C == 3 (RGB order).

    Returns:
        (N,) float64 tensor of PSNR in dB on the input's device (float32 on MPS).

    Raises:
        TypeError: inputs are not tensors or ``data_range`` is not a number.
        ValueError: shape/device mismatch, wrong number of dims, NaN/Inf, values outside
            [0, data_range], bad ``crop_border``.

    Reference:
        Standard definition; Huynh-Thu & Ghanbari, "Scope of validity of PSNR in image/video
        quality assessment", Electronics Letters 44(13), 2008.

    Example:
        >>> import torch
        >>> target = torch.full((1, 3, 8, 8), 0.5)
        >>> psnr(target + 0.1, target, data_range=1.0)  # 10 log10(1 / 0.01) = 20 dB
        tensor([20.0000], dtype=torch.float64)
    """
    pred, target, data_range = prepare_pair(pred, target, data_range, crop_border, y_channel, "psnr")
    if pred.device.type == "cpu":
        mse = torch.from_numpy(_mse_cpu(pred.detach().numpy(), target.detach().numpy()))
    else:
        # Difference in the input precision (exact for nearby float32 values), squares summed in
        # float64.
        diff = (pred - target).flatten(1)
        dt = compute_dtype(pred.device)
        mse = torch.linalg.vector_norm(diff, dim=1, dtype=dt).square() / diff.shape[1]
    return 10.0 * torch.log10(data_range ** 2 / mse)


def _mse_cpu(pred: np.ndarray, target: np.ndarray, chunk: int = 1 << 18) -> np.ndarray:
    """(N,) float64 per-image MSE of two (N, ...) arrays, in cache-sized chunks.

    Differences and squares stay in the input precision (float32: relative error 2^-24 per term),
    sums are float64; single-threaded numpy, which is faster here than torch's threaded kernels.
    """
    n = pred.shape[0]
    p = pred.reshape(n, -1)
    t = target.reshape(n, -1)
    out = np.empty(n)
    buf = np.empty(min(chunk, p.shape[1]), dtype=p.dtype)
    for i in range(n):
        acc = 0.0
        for j in range(0, p.shape[1], chunk):
            d = buf[:min(chunk, p.shape[1] - j)]
            np.subtract(p[i, j:j + chunk], t[i, j:j + chunk], out=d)
            np.square(d, out=d)
            acc += float(d.sum(dtype=np.float64))
        out[i] = acc / p.shape[1]
    return out
