"""Structural similarity (Wang et al. 2004), one value per image; OpenCV path on CPU, torch elsewhere."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F

from gameir.metrics._inputs import prepare_pair

__all__ = ["ssim", "gaussian_window_1d", "SSIM_WINDOW", "SSIM_SIGMA", "SSIM_K1", "SSIM_K2"]

SSIM_WINDOW = 11
SSIM_SIGMA = 1.5
SSIM_K1 = 0.01
SSIM_K2 = 0.03

_BACKENDS = ("auto", "opencv", "torch")


def gaussian_window_1d(size: int = SSIM_WINDOW, sigma: float = SSIM_SIGMA) -> np.ndarray:
    """Normalised 1-D Gaussian taps ``exp(-x^2 / (2 sigma^2))`` for ``x = -(size-1)/2 ... (size-1)/2``.

    Identical to the taps of ``scipy.ndimage.gaussian_filter`` with ``truncate=3.5`` (what
    scikit-image uses for SSIM) and to ``cv2.getGaussianKernel(11, 1.5)``.

    Returns:
        (size,) float64 array summing to 1.
    """
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def _ssim_map(ux, uy, uxx, uyy, uxy, m, c1: float, c2: float):
    """SSIM and contrast-structure maps from local moments of the centred images ``x - m`` and
    ``y - m`` (numpy or torch)."""
    vx = uxx - ux * ux
    vy = uyy - uy * uy
    vxy = uxy - ux * uy
    ux = ux + m
    uy = uy + m
    cs = (2 * vxy + c2) / (vx + vy + c2)
    return cs * (2 * ux * uy + c1) / (ux * ux + uy * uy + c1), cs


def _ssim_plane_opencv(x: np.ndarray, y: np.ndarray, c1: float, c2: float, dt: type,
                       bufs: list[np.ndarray], with_cs: bool = False) -> tuple[float, float]:
    """Mean SSIM (and mean contrast-structure term if ``with_cs``, else NaN) of one (H, W) plane
    pair; ``bufs``: 8 scratch (H, W) arrays of ``dt``."""
    import cv2

    h, w = x.shape
    r = (SSIM_WINDOW - 1) // 2
    g = gaussian_window_1d().astype(dt)
    # Centre both images on one constant: SSIM's variances are shift invariant, and the centred
    # moments lose far less to cancellation (E[x^2] - E[x]^2) in float32.
    m = 0.5 * (float(x.mean(dtype=np.float64)) + float(y.mean(dtype=np.float64)))
    xc, yc, prod = bufs[0], bufs[1], bufs[2]
    np.subtract(x, m, out=xc, casting="same_kind")
    np.subtract(y, m, out=yc, casting="same_kind")
    full = bufs[3:]
    # Border mode is irrelevant: rows/cols it influences are cropped below ('valid' region).
    cv2.sepFilter2D(xc, -1, g, g, dst=full[0], borderType=cv2.BORDER_REFLECT)
    cv2.sepFilter2D(yc, -1, g, g, dst=full[1], borderType=cv2.BORDER_REFLECT)
    for a, b, dst in ((xc, xc, full[2]), (yc, yc, full[3]), (xc, yc, full[4])):
        cv2.sepFilter2D(np.multiply(a, b, out=prod), -1, g, g, dst=dst, borderType=cv2.BORDER_REFLECT)
    ux, uy, vx, vy, vxy = (f[r:h - r, r:w - r] for f in full)
    t1, t2 = xc[r:h - r, r:w - r], yc[r:h - r, r:w - r]  # the centred images are no longer needed
    # In place from here (fresh temporaries would cost more than the arithmetic).
    vx -= np.multiply(ux, ux, out=t1)
    vy -= np.multiply(uy, uy, out=t1)
    vxy -= np.multiply(ux, uy, out=t1)
    ux += m
    uy += m
    np.multiply(ux, uy, out=t1)
    t1 *= 2
    t1 += c1                      # A1 = 2 mu_x mu_y + C1
    vxy *= 2
    vxy += c2                     # A2 = 2 sigma_xy + C2
    t1 *= vxy                     # numerator
    np.multiply(ux, ux, out=t2)
    t2 += np.multiply(uy, uy, out=ux)
    t2 += c1                      # B1 = mu_x^2 + mu_y^2 + C1
    vx += vy
    vx += c2                      # B2 = sigma_x^2 + sigma_y^2 + C2
    cs = float(np.divide(vxy, vx, out=vy).mean(dtype=np.float64)) if with_cs else float("nan")
    t2 *= vx                      # denominator
    t1 /= t2
    return float(t1.mean(dtype=np.float64)), cs


def _opencv_workers() -> int:
    """Threads for the per-plane loop: torch's intra-op thread count (the user's CPU budget)."""
    return torch.get_num_threads()


def _ssim_opencv(pred: torch.Tensor, target: torch.Tensor, c1: float, c2: float,
                 with_cs: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C) float64 mean SSIM and mean contrast-structure (NaN unless ``with_cs``) per plane."""
    dt = np.float64 if pred.dtype == torch.float64 else np.float32
    n, c, h, w = pred.shape
    p_np = pred.detach().numpy()
    t_np = target.detach().numpy()
    planes = [(i, k) for i in range(n) for k in range(c)]
    n_workers = max(1, min(len(planes), _opencv_workers()))
    bufs = [[np.empty((h, w), dtype=dt) for _ in range(8)] for _ in range(n_workers)]
    out = torch.empty(n, c, dtype=torch.float64)
    out_cs = torch.empty(n, c, dtype=torch.float64)

    def work(wi: int) -> None:
        # numpy and OpenCV release the GIL on whole-plane operations, so threads overlap.
        for i, k in planes[wi::n_workers]:
            out[i, k], out_cs[i, k] = _ssim_plane_opencv(p_np[i, k], t_np[i, k], c1, c2, dt,
                                                         bufs[wi], with_cs)

    if n_workers == 1:
        work(0)
    else:
        with ThreadPoolExecutor(n_workers) as ex:
            list(ex.map(work, range(n_workers)))
    return out, out_cs


def _ssim_torch(pred: torch.Tensor, target: torch.Tensor, c1: float, c2: float,
                max_elements: int = 1 << 26) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C) mean SSIM and mean contrast-structure per plane (float64; float32 on MPS)."""
    dt = torch.float64 if pred.dtype == torch.float64 else torch.float32
    acc = torch.float32 if pred.device.type == "mps" else torch.float64
    n, c, h, w = pred.shape
    xs = pred.reshape(n * c, 1, h, w)
    ys = target.reshape(n * c, 1, h, w)
    g = torch.from_numpy(gaussian_window_1d()).to(device=pred.device, dtype=dt)
    wv = g.view(1, 1, -1, 1).expand(5, 1, -1, 1)
    wh = g.view(1, 1, 1, -1).expand(5, 1, 1, -1)
    out, out_cs = [], []
    step = max(1, max_elements // (5 * h * w))  # planes per chunk: bounded device memory
    for p0 in range(0, n * c, step):
        x = xs[p0:p0 + step].to(dt)
        y = ys[p0:p0 + step].to(dt)
        m = 0.5 * (x.mean(dim=(2, 3), keepdim=True, dtype=acc) + y.mean(dim=(2, 3), keepdim=True, dtype=acc))
        x = x - m.to(dt)  # centred: see _ssim_plane_opencv
        y = y - m.to(dt)
        stack = torch.cat([x, y, x * x, y * y, x * y], dim=1)  # (planes, 5, H, W)
        # 'valid' separable filtering: exactly the region scikit-image keeps after cropping.
        f = F.conv2d(F.conv2d(stack, wv, groups=5), wh, groups=5)
        ux, uy, uxx, uyy, uxy = f.unbind(dim=1)
        s, cs = _ssim_map(ux, uy, uxx, uyy, uxy, m.view(-1, 1, 1).to(dt), c1, c2)
        out.append(s.mean(dim=(1, 2), dtype=acc))
        out_cs.append(cs.mean(dim=(1, 2), dtype=acc))
    return torch.cat(out).view(n, c), torch.cat(out_cs).view(n, c)


def ssim(pred: torch.Tensor, target: torch.Tensor, data_range: float, *, crop_border: int = 0,
         y_channel: bool = False, backend: str = "auto") -> torch.Tensor:
    """Structural similarity of each image in a batch (Wang et al. 2004).

    For each channel, with Gaussian-weighted local statistics (window 11x11, sigma 1.5, population
    covariance)::

        SSIM(x, y) = mean over valid pixels of
                     (2 mu_x mu_y + C1)(2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2))
        C1 = (0.01 R)^2,  C2 = (0.03 R)^2

    "Valid" pixels are those whose whole window lies inside the (cropped) image: the map is
    (H - 10) x (W - 10), no padding is used. Channels are averaged. This equals
    ``skimage.metrics.structural_similarity(..., gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False, data_range=R, channel_axis=...)`` (which filters with 'reflect'
    borders then crops 5 pixels per side before the mean) and BasicSR's ``calculate_ssim``.

    Numerics: both images are centred on one constant (their joint mean) before filtering, local
    moments are filtered in float32 (float64 inputs: float64), the map is averaged in float64.
    Agreement with scikit-image in float64 is ~1e-7 on photographs.

    Args:
        pred: (N, C, H, W) or (C, H, W) tensor, float or integer, values in [0, data_range].
        target: same shape and device as ``pred``.
        data_range: peak value R of the inputs (1.0, 255.0, ...); required.
        crop_border: pixels removed on each side before computing.
        y_channel: compare BT.601 luma on the 0..255 scale with R = 255 (as BasicSR); C must be 3.
        backend: ``"auto"`` (OpenCV ``sepFilter2D`` for CPU tensors, PyTorch grouped ``conv2d``
            otherwise), ``"opencv"`` (CPU tensors only) or ``"torch"``.

    Returns:
        (N,) float64 tensor (float32 on MPS) on the input's device, in [-1, 1]; 1 for identical
        images.

    Raises:
        TypeError, ValueError: as :func:`gameir.metrics.psnr`; also images smaller than 11x11
            after cropping and an unknown ``backend``.

    Reference:
        Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli, "Image quality assessment: from error
        visibility to structural similarity", IEEE TIP 13(4), 2004.

    Example:
        >>> import torch
        >>> x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        >>> ssim(x, x, data_range=1.0)
        tensor([1., 1.], dtype=torch.float64)
    """
    if backend not in _BACKENDS:
        raise ValueError(f"ssim: backend must be one of {_BACKENDS}, got {backend!r}")
    pred, target, data_range = prepare_pair(pred, target, data_range, crop_border, y_channel,
                                            "ssim", min_size=SSIM_WINDOW)
    c1 = (SSIM_K1 * data_range) ** 2
    c2 = (SSIM_K2 * data_range) ** 2
    if backend == "auto":
        backend = "opencv" if pred.device.type == "cpu" else "torch"
    if backend == "opencv":
        if pred.device.type != "cpu":
            raise ValueError(f"ssim: backend='opencv' needs CPU tensors, got {pred.device}; "
                             f"use backend='torch' or 'auto'")
        per_channel = _ssim_opencv(pred, target, c1, c2)[0]
    elif backend == "torch":
        per_channel = _ssim_torch(pred, target, c1, c2)[0]
    else:  # pragma: no cover - checked above
        raise ValueError(f"ssim: unknown backend {backend!r}")
    return per_channel.mean(dim=1)
