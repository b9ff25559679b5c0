"""FLIP (LDR-FLIP and HDR-FLIP): NVIDIA's perceptual difference evaluator, per image, in PyTorch.

This follows the reference C++ implementation of ``flip-evaluator`` 1.7 (NVlabs/flip, ``FLIP.h``)
step by step, including its separable filters, its clamp-to-edge borders and its constants, so
that the mean FLIP of an image pair matches the reference to float32 rounding
(docs/METRICS.md gives the measured differences).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from gameir.metrics._inputs import prepare_pair

__all__ = ["flip", "flip_map", "hdr_flip", "hdr_flip_map", "FLIP_DEFAULT_PPD", "flip_ppd"]

_PI = 3.14159265358979


def flip_ppd(distance_m: float, width_px: float, width_m: float) -> float:
    """Pixels per degree of visual angle for a display ``width_m`` wide with ``width_px`` columns
    seen from ``distance_m`` (FLIP's ``calculatePPD``)."""
    return distance_m * (width_px / width_m) * (_PI / 180.0)


#: FLIP's default observer: a 0.7 m wide 4K (3840 px) monitor seen from 0.7 m, about 67.02 px/deg.
FLIP_DEFAULT_PPD = flip_ppd(0.7, 3840.0, 0.7)

# Constants of FLIP.h (FLIPConstants, GaussianConstants).
_QC, _PC, _PT, _GW, _QF = 0.7, 0.4, 0.95, 0.082, 0.5
_A1 = (1.0, 1.0, 34.1)
_B1 = (0.0047, 0.0053, 0.04)
_A2 = (0.0, 0.0, 13.5)
_B2 = (1.0e-5, 1.0e-5, 0.025)
_ILLUMINANT = (0.950428545, 1.000000000, 1.088900371)   # D65 white, XYZ
_INV_ILLUMINANT = (1.052156925, 1.000000000, 0.918357670)
_RGB2XYZ = ((10135552.0 / 24577794.0, 8788810.0 / 24577794.0, 4435075.0 / 24577794.0),
            (2613072.0 / 12288897.0, 8788810.0 / 12288897.0, 887015.0 / 12288897.0),
            (1425312.0 / 73733382.0, 8788810.0 / 73733382.0, 70074185.0 / 73733382.0))
_XYZ2RGB = ((3.241003275, -1.537398934, -0.498615861),
            (-0.969224334, 1.875930071, 0.041554224),
            (0.055639423, -0.204011202, 1.057148933))
# Tone curves of HDR-FLIP: (k0 x^2 + k1 x + k2) / (k3 x^2 + k4 x + k5), FLIP.h ToneMappingCoefficients.
_TONE_CURVES = {
    "aces": (0.6 * 0.6 * 2.51, 0.6 * 0.03, 0.0, 0.6 * 0.6 * 2.43, 0.6 * 0.59, 0.14),
    "hable": (0.231683, 0.013791, 0.0, 0.18, 0.3, 0.018),
    "reinhard": (0.0, 1.0, 0.0, 0.0, 1.0, 1.0),
}


def _matmul3(x: torch.Tensor, m: tuple[tuple[float, ...], ...]) -> torch.Tensor:
    """(N, 3, H, W) colours times a 3x3 matrix, per pixel, as element-wise multiply-adds (the same
    result whatever the thread count, unlike a BLAS call, so distributed means stay exact)."""
    c0, c1, c2 = x.unbind(1)
    return torch.stack([r[0] * c0 + r[1] * c1 + r[2] * c2 for r in m], 1)


def _pow(x: torch.Tensor, exponent: float | torch.Tensor) -> torch.Tensor:
    """``x ** exponent``. On the CPU through numpy: torch's threaded ``pow`` rounds elements at
    its thread-chunk edges differently, so the result (and a distributed run's exact means) would
    depend on the thread count."""
    if x.device.type != "cpu":
        return torch.pow(x, exponent)
    base = x.detach().numpy()
    e = exponent.detach().numpy() if isinstance(exponent, torch.Tensor) else base.dtype.type(exponent)
    return torch.from_numpy(np.power(base, e, dtype=base.dtype))


def _vec3(v: tuple[float, float, float], like: torch.Tensor) -> torch.Tensor:
    return torch.tensor(v, dtype=like.dtype, device=like.device).view(1, 3, 1, 1)


def _srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= 0.04045, x / 12.92, _pow((x + 0.055) / 1.055, 2.4))


def _linear_to_ycxcz(rgb: torch.Tensor) -> torch.Tensor:
    xyz = _matmul3(rgb, _RGB2XYZ) * _vec3(_INV_ILLUMINANT, rgb)
    x, y, z = xyz.unbind(1)
    return torch.stack([116.0 * y - 16.0, 500.0 * (x - y), 200.0 * (y - z)], 1)


def _ycxcz_to_linear(ycxcz: torch.Tensor) -> torch.Tensor:
    yy, cx, cz = ycxcz.unbind(1)
    y = (yy + 16.0) / 116.0
    xyz = torch.stack([y + cx / 500.0, y, y - cz / 200.0], 1) * _vec3(_ILLUMINANT, ycxcz)
    return _matmul3(xyz, _XYZ2RGB)


def _linear_to_hunt_lab(rgb: torch.Tensor) -> torch.Tensor:
    """Linear RGB -> CIELab (D65) with the Hunt adjustment of a and b (``0.01 L a``, ``0.01 L b``)."""
    delta = 6.0 / 29.0
    xyz = _matmul3(rgb, _RGB2XYZ) * _vec3(_INV_ILLUMINANT, rgb)
    f = torch.where(xyz > delta ** 3, _pow(xyz.clamp_min(0.0), 1.0 / 3.0),
                    xyz / (3.0 * delta * delta) + 4.0 / 29.0)
    fx, fy, fz = f.unbind(1)
    lum = 116.0 * fy - 16.0
    return torch.stack([lum, 0.01 * lum * 500.0 * (fx - fy), 0.01 * lum * 200.0 * (fy - fz)], 1)


def _hyab(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    d = a - b
    return d[:, 0].abs() + torch.sqrt(d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])


def _max_colour_distance() -> float:
    """``cmax``: HyAB distance of Hunt-adjusted Lab green and blue, to the power ``qc``."""
    g = _linear_to_hunt_lab(torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64).view(1, 3, 1, 1))
    b = _linear_to_hunt_lab(torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64).view(1, 3, 1, 1))
    return float(_hyab(g, b).item()) ** _QC


def _spatial_filters(ppd: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """1D separable contrast-sensitivity filters (Y, Cx, and the two Gaussians of Cz), FLIP.h."""
    radius = int(math.ceil(3.0 * math.sqrt(max(_B1 + _B2) / (2.0 * _PI * _PI)) * ppd))
    x2 = ((torch.arange(-radius, radius + 1, dtype=torch.float64) / ppd) ** 2)

    def gauss(a: float, b: float) -> torch.Tensor:
        return a * math.sqrt(_PI / b) * torch.exp(-_PI * _PI * x2 / b)

    def gauss_sqrt(a: float, b: float) -> torch.Tensor:
        return math.sqrt(a * math.sqrt(_PI / b)) * torch.exp(-_PI * _PI * x2 / b)

    g_y, g_cx = gauss(_A1[0], _B1[0]), gauss(_A1[1], _B1[1])
    g_cz1, g_cz2 = gauss_sqrt(_A1[2], _B1[2]), gauss_sqrt(_A2[2], _B2[2])
    norm_cz = math.sqrt(float(g_cz1.sum()) ** 2 + float(g_cz2.sum()) ** 2)
    return g_y / g_y.sum(), g_cx / g_cx.sum(), g_cz1 / norm_cz, g_cz2 / norm_cz


def _feature_filters(ppd: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gaussian and its 1st and 2nd derivatives (positive / negative lobes normalised to +-1), FLIP.h."""
    sd = 0.5 * _GW * ppd
    radius = int(math.ceil(3.0 * sd))
    x = torch.arange(-radius, radius + 1, dtype=torch.float64)
    g = torch.exp(-(x * x) / (2.0 * sd * sd))
    dg = -x * g
    ddg = (x * x / (sd * sd) - 1.0) * g

    def lobes(v: torch.Tensor) -> torch.Tensor:
        pos, neg = v.clamp_min(0).sum(), (-v).clamp_min(0).sum()
        return torch.where(v > 0, v / pos, v / neg)
    return g / g.sum(), lobes(dg), lobes(ddg)


def _separable(x: torch.Tensor, kx: list[torch.Tensor], ky: list[torch.Tensor], opencv: bool | None = None,
               ) -> torch.Tensor:
    """Correlate channel c of x (N, C, H, W) with ``kx[c]`` along x then ``ky[c]`` along y, edges
    clamped (replicate) as FLIP.h's ``Min(Max(0, x + ix), w - 1)``. CPU: OpenCV ``sepFilter2D``
    (float32, several times faster than ``conv2d``); other devices: grouped ``conv2d``. ``opencv``
    forces one path (None: by device)."""
    if opencv if opencv is not None else x.device.type == "cpu":
        import cv2

        planes = x.detach().contiguous().numpy()
        out = np.empty_like(planes)
        for c in range(planes.shape[1]):
            kxc = kx[c].to(torch.float32).numpy()
            kyc = ky[c].to(torch.float32).numpy()
            for i in range(planes.shape[0]):
                out[i, c] = cv2.sepFilter2D(planes[i, c], cv2.CV_32F, kxc, kyc, borderType=cv2.BORDER_REPLICATE)
        return torch.from_numpy(out)
    for kernels, axis in ((kx, "x"), (ky, "y")):
        k = torch.stack(kernels).to(x.dtype).to(x.device)  # (C, K)
        r = k.shape[1] // 2
        if axis == "x":
            x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="replicate"), k.view(k.shape[0], 1, 1, -1), groups=k.shape[0])
        else:
            x = F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), k.view(k.shape[0], 1, -1, 1), groups=k.shape[0])
    return x


def _ldr_flip_linear(ref: torch.Tensor, test: torch.Tensor, ppd: float) -> torch.Tensor:
    """FLIP.h ``LDR_FLIP``: (N, 3, H, W) linear RGB in [0, 1] -> (N, H, W) error in [0, 1]."""
    n = ref.shape[0]
    both = _linear_to_ycxcz(torch.cat([ref, test], 0))  # (2N, 3, H, W)
    # Colour pipeline: contrast-sensitivity filtering in YCxCz (Cz as a sum of two Gaussians).
    f_y, f_cx, f_cz1, f_cz2 = _spatial_filters(ppd)
    chans = torch.stack([both[:, 0], both[:, 1], both[:, 2], both[:, 2]], 1)
    kernels = [f_y, f_cx, f_cz1, f_cz2]
    filt = _separable(chans.contiguous(), kernels, kernels)
    ycxcz = torch.stack([filt[:, 0], filt[:, 1], filt[:, 2] + filt[:, 3]], 1)
    lab = _linear_to_hunt_lab(_ycxcz_to_linear(ycxcz).clamp(0.0, 1.0))
    cmax = _max_colour_distance()
    pccmax = _PC * cmax
    colour = _pow(_hyab(lab[:n], lab[n:]), _QC)
    colour = torch.where(colour < pccmax, colour * (_PT / pccmax),
                         _PT + ((colour - pccmax) / (cmax - pccmax)) * (1.0 - _PT))
    # Feature pipeline: edges (1st derivative) and points (2nd derivative) of normalised luminance.
    y = (both[:, 0:1] + 16.0) / 116.0
    g, dg, ddg = _feature_filters(ppd)
    res = _separable(y.expand(-1, 4, -1, -1).contiguous(), [dg, ddg, g, g], [g, g, dg, ddg])  # dx, ddx, dy, ddy
    edge = torch.sqrt(res[:, 0] ** 2 + res[:, 2] ** 2)
    point = torch.sqrt(res[:, 1] ** 2 + res[:, 3] ** 2)
    feature = _pow(torch.maximum((edge[:n] - edge[n:]).abs(), (point[:n] - point[n:]).abs()) / math.sqrt(2.0), _QF)
    return _pow(colour, 1.0 - feature)


def _prepare(pred: torch.Tensor, target: torch.Tensor, data_range: float, crop_border: int, name: str,
             ) -> tuple[torch.Tensor, torch.Tensor]:
    pred, target, data_range = prepare_pair(pred, target, data_range, crop_border, False, name)
    if pred.shape[1] != 3:
        raise ValueError(f"{name}: expected 3 RGB channels, got C = {pred.shape[1]} (shape {tuple(pred.shape)})")
    pred = pred.float() / data_range if data_range != 1.0 else pred.float()
    target = target.float() / data_range if data_range != 1.0 else target.float()
    return pred, target


def _check_ppd(ppd: float, name: str) -> float:
    if isinstance(ppd, bool) or not isinstance(ppd, (int, float)) or not math.isfinite(ppd) or ppd <= 0:
        raise ValueError(f"{name}: pixels_per_degree must be a positive number, got {ppd!r}")
    return float(ppd)


def flip_map(pred: torch.Tensor, target: torch.Tensor, data_range: float, *, crop_border: int = 0,
             pixels_per_degree: float = FLIP_DEFAULT_PPD) -> torch.Tensor:
    """Per-pixel LDR-FLIP error of sRGB images; see :func:`flip` for the definition.

    Returns:
        (N, H', W') float32 tensor in [0, 1] on the input's device (0: no visible difference);
        H' = H - 2 crop_border.
    """
    ppd = _check_ppd(pixels_per_degree, "flip")
    pred, target = _prepare(pred, target, data_range, crop_border, "flip")
    return _ldr_flip_linear(_srgb_to_linear(target.clamp(0.0, 1.0)), _srgb_to_linear(pred.clamp(0.0, 1.0)), ppd)


def flip(pred: torch.Tensor, target: torch.Tensor, data_range: float, *, crop_border: int = 0,
         pixels_per_degree: float = FLIP_DEFAULT_PPD) -> torch.Tensor:
    """Mean LDR-FLIP error of each image in a batch (0 = identical, 1 = maximal difference).

    FLIP models what a viewer sees when flipping between ``target`` (reference) and ``pred`` at
    ``pixels_per_degree``. Both images go sRGB -> linear RGB -> YCxCz (opponent space). Colour:
    each channel is filtered with its contrast sensitivity function (Gaussians of widths set by
    ``ppd``), mapped to Hunt-adjusted CIELab, and compared with HyAB,
    ``dC = (|dL| + ||(da, db)||)^qc`` with ``qc = 0.7``, then compressed into [0, 1]
    (``dC' = pt dC / (pc cmax)`` below ``pc cmax``, else ``pt + (dC - pc cmax) / (cmax - pc cmax) (1 - pt)``;
    ``pc = 0.4``, ``pt = 0.95``, ``cmax`` the distance of green to blue). Features: the luminance's
    edges and points (1st / 2nd Gaussian derivatives, ``sigma = 0.5 * 0.082 * ppd`` pixels),
    ``dF = (max(|d|edge||, |d|point||) / sqrt 2)^qf`` with ``qf = 0.5``. Per pixel
    ``FLIP = dC'^(1 - dF)``; this returns its mean over the image, computed in float32 with
    clamp-to-edge borders exactly as the reference C++ code of ``flip-evaluator``.

    Args:
        pred: (N, 3, H, W) or (3, H, W) sRGB image(s) in [0, data_range] (the test image).
        target: same shape and device (the reference image).
        data_range: peak value (1.0 for [0, 1], 255.0 for 0..255); no default, as for :func:`psnr`.
        crop_border: pixels removed on each side first (the images FLIP sees are the cropped ones,
            so the filters' clamp-to-edge borders start at the crop).
        pixels_per_degree: observer's pixels per degree of visual angle (default 67.02: a 0.7 m
            wide 4K monitor at 0.7 m, FLIP's default; :func:`flip_ppd` for other displays).

    Returns:
        (N,) float64 tensor of mean FLIP on the input's device.

    Raises:
        TypeError, ValueError: as :func:`gameir.metrics.psnr` (shapes, devices, NaN, range), and
            when C != 3 or ``pixels_per_degree`` is not positive.

    Reference:
        Andersson, Nilsson, Akenine-Moller, Oskarsson, Astrom, Fairchild, "FLIP: A Difference
        Evaluator for Alternating Images", Proc. ACM Comput. Graph. Interact. Tech. 3(2), 2020
        (High Performance Graphics); reference code https://github.com/NVlabs/flip.

    Example:
        >>> import torch
        >>> target = torch.full((1, 3, 16, 16), 0.5)
        >>> float(flip(target, target, 1.0)[0])
        0.0
    """
    err = flip_map(pred, target, data_range, crop_border=crop_border, pixels_per_degree=pixels_per_degree)
    return err.flatten(1).to(torch.float64).mean(dim=1)


def _tone_map(x: torch.Tensor, tone_mapper: str) -> torch.Tensor:
    if tone_mapper == "reinhard":  # FLIP.h: colour / (1 + luminance)
        lum = 0.2126 * x[:, 0:1] + 0.7152 * x[:, 1:2] + 0.0722 * x[:, 2:3]
        return x * (1.0 / (1.0 + lum))
    k0, k1, k2, k3, k4, k5 = _TONE_CURVES[tone_mapper]
    return ((x * x) * k0 + x * k1 + k2) / ((x * x) * k3 + x * k4 + k5)


def _exposures(ref: torch.Tensor, curve: tuple[float, ...]) -> tuple[float, float]:
    """Start and stop exposure of one (3, H, W) linear reference (FLIP.h ``computeExposures``)."""
    t = 0.85
    a, b, c = curve[0] - t * curve[3], curve[1] - t * curve[4], curve[2] - t * curve[5]
    if a == 0.0:
        x_max = -c / b
    else:
        d1 = -0.5 * (b / a)
        x_max = d1 + math.sqrt(d1 * d1 - c / a)
    lum = (0.2126 * ref[0] + 0.7152 * ref[1] + 0.0722 * ref[2]).flatten()
    y_max = float(lum.max())
    y_median = float(torch.kthvalue(lum.cpu(), lum.numel() // 2 + 1).values)  # upper median, as nth_element(n / 2)
    return math.log2(x_max / y_max), math.log2(x_max / y_median)


def hdr_flip_map(pred: torch.Tensor, target: torch.Tensor, *, pixels_per_degree: float = FLIP_DEFAULT_PPD,
                 tone_mapper: str = "aces") -> torch.Tensor:
    """Per-pixel HDR-FLIP of linear-radiance images; see :func:`hdr_flip`. Returns (N, H, W) float32."""
    ppd = _check_ppd(pixels_per_degree, "hdr_flip")
    if tone_mapper not in _TONE_CURVES:
        raise ValueError(f"hdr_flip: tone_mapper must be one of {', '.join(_TONE_CURVES)}, got {tone_mapper!r}")
    for name, x in (("pred", pred), ("target", target)):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"hdr_flip: {name} must be a torch.Tensor (N, 3, H, W), got {type(x).__name__}")
    if pred.dim() == 3:
        pred, target = pred.unsqueeze(0), target.unsqueeze(0)
    if pred.shape != target.shape or pred.dim() != 4 or pred.shape[1] != 3:
        raise ValueError(f"hdr_flip: expected two (N, 3, H, W) tensors of one shape, got {tuple(pred.shape)} "
                         f"and {tuple(target.shape)}")
    pred, target = pred.float(), target.float()
    for name, x in (("pred", pred), ("target", target)):
        if not bool(torch.isfinite(x).all()) or float(x.min()) < 0:
            raise ValueError(f"hdr_flip: {name} must be finite and non-negative (linear radiance)")
    curve = _TONE_CURVES[tone_mapper]
    out = []
    for i in range(pred.shape[0]):
        start, stop = _exposures(target[i], curve)
        count = int(max(2.0, math.ceil(stop - start)))
        step = (stop - start) / (count - 1)
        best = torch.zeros(target.shape[2:], dtype=torch.float32, device=target.device)
        for k in range(count):
            m = 2.0 ** (start + k * step)
            ref = _tone_map(target[i:i + 1] * m, tone_mapper).clamp(0.0, 1.0)
            test = _tone_map(pred[i:i + 1] * m, tone_mapper).clamp(0.0, 1.0)
            best = torch.maximum(best, _ldr_flip_linear(ref, test, ppd)[0])
        out.append(best)
    return torch.stack(out)


def hdr_flip(pred: torch.Tensor, target: torch.Tensor, *, pixels_per_degree: float = FLIP_DEFAULT_PPD,
             tone_mapper: str = "aces") -> torch.Tensor:
    """Mean HDR-FLIP of each image pair of linear radiance (e.g. GameIR's ``hdr`` buffer).

    The reference is exposed over ``[c_start, c_stop]`` stops, where ``c_start`` maps its brightest
    luminance and ``c_stop`` its (upper) median luminance to 0.85 of the tone curve, in
    ``max(2, ceil(c_stop - c_start))`` equal steps; at each exposure both images are tone-mapped
    (``aces``, ``hable`` or ``reinhard``), clamped and compared with LDR-FLIP (in linear RGB);
    the per-pixel maximum over exposures is HDR-FLIP (Andersson et al., "Visualizing Errors in
    Rendered High Dynamic Range Images", Eurographics 2021), as ``flip_evaluator.evaluate(...,
    "HDR")``.

    Args:
        pred, target: (N, 3, H, W) or (3, H, W) non-negative linear RGB (test and reference).
        pixels_per_degree: observer's pixels per degree (see :func:`flip`).
        tone_mapper: ``"aces"`` (FLIP's default), ``"hable"`` or ``"reinhard"``.

    Returns:
        (N,) float64 tensor of mean HDR-FLIP.
    """
    return hdr_flip_map(pred, target, pixels_per_degree=pixels_per_degree,
                        tone_mapper=tone_mapper).flatten(1).to(torch.float64).mean(dim=1)
