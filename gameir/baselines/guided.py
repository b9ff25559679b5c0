"""G-buffer-guided upscaling: joint bilateral upsampling of demodulated lighting (Kopf et al. 2007)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
import torch.nn.functional as F

__all__ = ["joint_bilateral_upscale", "GUIDE_NAMES"]

#: G-buffers the range weights can use, in the order they are stacked.
GUIDE_NAMES = ("depth", "normal", "basecolor")

_BAND_ELEMENTS = 1 << 17  # LR pixels (times batch) per band of rows
_GUIDE_CHANNELS = {"depth": 1, "normal": 3, "basecolor": 3}
_DEPTH_CLAMP_M = (1e-3, 1e4)  # log-depth is taken of depth clamped to this; sky (+inf) -> far end


def _check_guides(guides: Mapping[str, torch.Tensor], n: int, h: int, w: int, which: str) -> None:
    unknown = set(guides) - set(GUIDE_NAMES)
    if unknown:
        raise ValueError(f"joint_bilateral_upscale: {which} has unknown buffers {sorted(unknown)}; "
                         f"allowed {list(GUIDE_NAMES)}")
    for name, t in guides.items():
        want = (n, _GUIDE_CHANNELS[name], h, w)
        if not isinstance(t, torch.Tensor) or tuple(t.shape) != want:
            got = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(f"joint_bilateral_upscale: {which} buffer {name!r}: expected shape {want}, got {got}")
        if name != "depth" and not bool(torch.isfinite(t).all()):
            raise ValueError(f"joint_bilateral_upscale: {which} buffer {name!r} has NaN or Inf")
        if name == "depth" and bool(torch.isnan(t).any()):
            raise ValueError(f"joint_bilateral_upscale: {which} buffer 'depth' has NaN")


def _features(guides: Mapping[str, torch.Tensor], names: list[str], sigmas: dict[str, float],
              dtype: torch.dtype) -> torch.Tensor:
    """Stack guides scaled so that exp(-||f_p - f_q||^2) is the product of the range Gaussians."""
    feats = []
    for name in names:
        g = guides[name].to(dtype)
        if name == "depth":  # relative depth differences: compare log depth; sky (+inf) -> far clamp
            g = torch.log(g.clamp(*_DEPTH_CLAMP_M))
        feats.append(g / (math.sqrt(2.0) * sigmas[name]))
    return torch.cat(feats, dim=1)


def _lr_sampled(hr: torch.Tensor, scale: int) -> torch.Tensor:
    """HR guide point-sampled at the HR pixel at (or just after) each LR pixel centre."""
    o = scale // 2
    return hr[:, :, o::scale, o::scale]


def joint_bilateral_upscale(lr_rgb: torch.Tensor, scale: int, hr_guides: Mapping[str, torch.Tensor],
                            lr_guides: Mapping[str, torch.Tensor] | None = None, *, radius: int = 2,
                            sigma_spatial: float = 1.0, sigma_depth: float = 0.05,
                            sigma_normal: float = 0.25, sigma_basecolor: float = 0.1,
                            demodulate: bool = True, albedo_floor: float = 0.02) -> torch.Tensor:
    """Upscale LR colour guided by HR G-buffers, as a G-buffer-aware baseline for game SR.

    Joint bilateral upsampling (Kopf et al. 2007): each HR pixel p is a normalised sum over the
    (2 radius)^2 LR pixels q nearest to it::

        out(p) = sum_q I(q) w_s(p, q) w_r(p, q) / sum_q w_s(p, q) w_r(p, q)
        w_s = exp(-|c_p - c_q|^2 / (2 sigma_spatial^2))          (distance in LR pixels)
        w_r = exp(-(log z_p - log z_q)^2 / (2 sigma_depth^2)
                  - |n_p - n_q|^2 / (2 sigma_normal^2) - |a_p - a_q|^2 / (2 sigma_basecolor^2))

    where c are pixel centres in LR pixel units (docs/FORMAT.md: HR centre x maps to (x + 0.5) / s),
    z, n, a the depth, normal and basecolor of p (HR) and of q (LR guide). Only the guides passed
    are used. With ``demodulate`` (needs ``basecolor``), as game upscalers do, the filtered quantity
    is the lighting ``I = rgb / max(a_LR, albedo_floor)``, and the result is remultiplied by
    ``max(a_HR, albedo_floor)``, so texture edges come from the HR basecolor. Demodulating the
    sRGB-encoded values directly is close to demodulating linear ones because the sRGB curve is
    near a power law, and power laws commute with products. A tiny spatial-only term keeps pixels
    whose neighbours all differ from them (thin features) finite. Output is clamped to [0, 1].

    Vectorised over pixels: the HR pixels of one sub-pixel phase share their taps' offsets and
    spatial weights, so each tap is a shifted view of the padded LR arrays (16 taps for radius 2),
    processed in bands of rows. A 1920x1440 x2 frame with three guides takes 0.6-0.8 s on 2 idle
    CPU cores (docs/BENCHMARKS.md); oversubscribed cores slow torch's threaded ops far more.

    Args:
        lr_rgb: (N, 3, h, w) float tensor in [0, 1], sRGB-encoded colour at LR.
        scale: integer factor s; HR is (s*h) x (s*w).
        hr_guides: HR G-buffers, a subset of ``depth`` (N, 1, H, W) metres, +inf for sky;
            ``normal`` (N, 3, H, W) unit vectors (any frame, the same at both resolutions);
            ``basecolor`` (N, 3, H, W) in [0, 1], sRGB-encoded.
        lr_guides: the same buffers at LR (native LR G-buffers, as the dataset ships). Default: the
            HR guides point-sampled at LR pixel centres (Kopf et al.'s setting).
        radius: LR taps per side of the HR sample position (window (2 radius)^2).
        sigma_spatial: spatial Gaussian sigma in LR pixels.
        sigma_depth: range sigma on log depth (0.05 ~ 5 % relative depth difference).
        sigma_normal: range sigma on the normal difference vector.
        sigma_basecolor: range sigma on the basecolor difference, [0, 1] units.
        demodulate: filter lighting = rgb / basecolor instead of rgb.
        albedo_floor: smallest basecolor divided by (per channel).

    Returns:
        (N, 3, H, W) tensor in [0, 1], dtype of ``lr_rgb``, on its device.

    Reference:
        J. Kopf, M. F. Cohen, D. Lischinski, M. Uyttendaele, "Joint bilateral upsampling",
        ACM SIGGRAPH 2007.

    Example:
        >>> import torch
        >>> lr = torch.full((1, 3, 4, 4), 0.5)
        >>> hr_bc = torch.full((1, 3, 8, 8), 0.8)
        >>> joint_bilateral_upscale(lr, 2, {"basecolor": hr_bc}).sub(0.5).abs().max().item() < 1e-6
        True
    """
    if not isinstance(lr_rgb, torch.Tensor) or lr_rgb.dim() != 4 or lr_rgb.shape[1] != 3 \
            or not lr_rgb.is_floating_point():
        got = (f"{tuple(lr_rgb.shape)} {lr_rgb.dtype}" if isinstance(lr_rgb, torch.Tensor)
               else type(lr_rgb).__name__)
        raise ValueError(f"joint_bilateral_upscale: lr_rgb must be an (N, 3, h, w) float tensor, got {got}")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"joint_bilateral_upscale: scale must be an int >= 1, got {scale!r}")
    if not isinstance(radius, int) or radius < 1:
        raise ValueError(f"joint_bilateral_upscale: radius must be an int >= 1, got {radius!r}")
    for name, v in (("sigma_spatial", sigma_spatial), ("sigma_depth", sigma_depth),
                    ("sigma_normal", sigma_normal), ("sigma_basecolor", sigma_basecolor),
                    ("albedo_floor", albedo_floor)):
        if not v > 0:
            raise ValueError(f"joint_bilateral_upscale: {name} must be > 0, got {v}")
    n, _, h, w = lr_rgb.shape
    H, W = h * scale, w * scale
    _check_guides(hr_guides, n, H, W, "hr_guides")
    if lr_guides is None:
        lr_guides = {k: _lr_sampled(v, scale) for k, v in hr_guides.items()}
    else:
        _check_guides(lr_guides, n, h, w, "lr_guides")
        if set(lr_guides) != set(hr_guides):
            raise ValueError(f"joint_bilateral_upscale: lr_guides {sorted(lr_guides)} and hr_guides "
                             f"{sorted(hr_guides)} must name the same buffers")
    if demodulate and "basecolor" not in hr_guides:
        raise ValueError("joint_bilateral_upscale: demodulate=True needs a 'basecolor' guide "
                         "(or pass demodulate=False)")

    dev = lr_rgb.device
    dt = torch.float32 if lr_rgb.dtype in (torch.float16, torch.bfloat16) else lr_rgb.dtype
    sigmas = {"depth": sigma_depth, "normal": sigma_normal, "basecolor": sigma_basecolor}
    names = [k for k in GUIDE_NAMES if k in hr_guides]
    f_hr = _features(hr_guides, names, sigmas, dt) if names else None
    f_lr = _features(lr_guides, names, sigmas, dt) if names else None
    signal = lr_rgb.to(dt)
    if demodulate:
        signal = signal / lr_guides["basecolor"].to(dt).clamp(min=albedo_floor)

    # Pad LR by replication so every tap is a plain shifted view (outside: the edge pixel).
    pad = radius + 1
    sig_p = F.pad(signal, (pad, pad, pad, pad), mode="replicate")
    f_lr_p = F.pad(f_lr, (pad, pad, pad, pad), mode="replicate") if f_lr is not None else None
    taps = range(-radius + 1, radius + 1)
    tiny = 1e-12 if dt == torch.float64 else 1e-30
    out = torch.empty(n, 3, H, W, device=dev, dtype=dt)
    band = max(1, _BAND_ELEMENTS // max(1, w * n))  # LR rows per band: temporaries stay small
    # HR pixels of one phase (a, b) = (y mod s, x mod s) share their taps' offsets and weights:
    # HR row s*i + a sits at LR row coordinate i + (a + 0.5) / s, its first tap is row i + k_a.
    for a in range(scale):
        off_y = (a + 0.5) / scale - 0.5
        k_a = math.floor(off_y)
        for b in range(scale):
            off_x = (b + 0.5) / scale - 0.5
            k_b = math.floor(off_x)
            f_ph = f_hr[:, :, a::scale, b::scale] if f_hr is not None else None
            for i0 in range(0, h, band):
                i1 = min(h, i0 + band)
                num = torch.zeros(n, 3, i1 - i0, w, device=dev, dtype=dt)
                den = torch.zeros(n, 1, i1 - i0, w, device=dev, dtype=dt)
                f_band = f_ph[:, :, i0:i1].contiguous() if f_ph is not None else None
                for dy in taps:
                    r0 = pad + k_a + dy + i0
                    for dx in taps:
                        c0 = pad + k_b + dx
                        # spatial term: distance from the HR centre to LR centre (i+k_a+dy+0.5)
                        log_ws = -((off_y - k_a - dy) ** 2 + (off_x - k_b - dx) ** 2) / (2 * sigma_spatial ** 2)
                        if f_band is not None:
                            q = f_lr_p[:, :, r0:r0 + i1 - i0, c0:c0 + w]
                            wgt = (f_band - q).square_().sum(dim=1, keepdim=True)
                            wgt = wgt.neg_().add_(log_ws).exp_().add_(tiny * math.exp(log_ws))
                            num.addcmul_(wgt, sig_p[:, :, r0:r0 + i1 - i0, c0:c0 + w])
                            den += wgt
                        else:
                            num.add_(sig_p[:, :, r0:r0 + i1 - i0, c0:c0 + w], alpha=math.exp(log_ws))
                            den += math.exp(log_ws)
                out[:, :, a + scale * i0:a + scale * i1:scale, b::scale] = num / den
    if demodulate:
        out = out * hr_guides["basecolor"].to(dt).clamp(min=albedo_floor)
    return out.clamp_(0.0, 1.0).to(lr_rgb.dtype)
