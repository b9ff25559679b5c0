"""Box-downsampling of supersampled (SSAA) buffers to the output resolution: the numpy reference.

The renderer resolves SSAA on the GL side with the same rules (``resolve_color.glsl``,
``resolve_geometry.glsl``); this module is the specification they are tested against.

Per buffer:
- ``rgb``, ``basecolor``: mean of the s x s samples in linear light (sRGB decoded, averaged,
  re-encoded); ``hdr``: mean; ``material``: mean, rounded.
- ``semantic``, ``instance``: the centre sample, i.e. sample (s//2, s//2) of the block (exactly
  the pixel centre for odd s, half a sample right/down of it for even s).
- ``depth``, ``normal``, ``motion``: follow the centre sample's coverage. If it hits geometry,
  the mean over the block's geometry samples (normals renormalised); if it is sky, +inf / 0 /
  the mean of the sky samples' motion. Motion is divided by s (output pixels).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from gameir.scene.material import srgb_to_linear
from gameir.threads import cpu_threads

__all__ = ["downsample_buffers", "SRGB_TO_LINEAR", "CODE_STEPS"]

_RULES = ("rgb", "basecolor", "hdr", "material", "semantic", "instance", "depth", "normal", "motion")

#: 8-bit sRGB code -> linear value (float32): the decoding both implementations use.
SRGB_TO_LINEAR = srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)
# Linear value at which the 8-bit sRGB code steps from c - 1 to c (index c), with -inf / +inf ends:
# code c is right for x iff _CODE_STEPS[c] <= x < _CODE_STEPS[c + 1].
_CODE_STEPS = np.concatenate([[-np.inf], srgb_to_linear((np.arange(1, 256) - 0.5) / 255.0), [np.inf]])
#: The same boundaries as float32 for the GL resolve pass (index 0 unused).
CODE_STEPS = np.concatenate([[0.0], _CODE_STEPS[1:256]]).astype(np.float32)


def _box_mean(a: np.ndarray, s: int) -> np.ndarray:
    """Mean of each s x s block of a float32 (sH, sW[, C]) array (OpenCV's area resize: exact for an
    integer factor, and an order of magnitude faster than a numpy reduction over block axes)."""
    h, w = a.shape[0] // s, a.shape[1] // s
    out = cv2.resize(np.ascontiguousarray(a, dtype=np.float32), (w, h), interpolation=cv2.INTER_AREA)
    return out.reshape((h, w) + a.shape[2:])


def _encode_srgb8(x: np.ndarray) -> np.ndarray:
    """Linear float32 values -> 8-bit sRGB codes, equal to ``rint(linear_to_srgb(x) * 255)``.

    A float32 power gives each code to within one step, then a comparison with the exact (float64)
    code boundaries fixes it: several times faster than the float64 power over every sample.
    """
    x = np.clip(x, 0.0, 1.0)
    enc = np.where(x <= 0.0031308, x * 12.92, 1.055 * cv2.pow(x, 1.0 / 2.4) - 0.055)
    code = np.clip(np.rint(enc * 255.0), 0, 255).astype(np.int16)
    code -= x < _CODE_STEPS[code]
    code += x >= _CODE_STEPS[code + 1]
    return code.astype(np.uint8)


def _srgb_mean(a: np.ndarray, s: int) -> np.ndarray:
    lin = cv2.LUT(a, SRGB_TO_LINEAR) if a.shape[-1] <= 4 else SRGB_TO_LINEAR[a]
    return _encode_srgb8(_box_mean(lin, s))


def _centre(a: np.ndarray, s: int) -> np.ndarray:
    return np.ascontiguousarray(a[s // 2::s, s // 2::s])


def downsample_buffers(buffers: dict[str, np.ndarray], s: int) -> dict[str, np.ndarray]:
    """Downsample each (sH, sW, ...) buffer to (H, W, ...) as described in the module docstring.

    Args:
        buffers: name -> array at s times the output resolution (``depth`` must be present if any
            of ``normal``/``motion`` is, to know which samples hit geometry).
        s: integer supersampling factor >= 1.
    """
    if s == 1:
        return buffers
    same = count = centre_geo = None
    if "depth" in buffers:
        geo = np.isfinite(buffers["depth"])
        centre_geo = _centre(geo, s)
        # Samples whose coverage (geometry or sky) equals their block's centre sample.
        same = (geo == np.repeat(np.repeat(centre_geo, s, axis=0), s, axis=1)).astype(np.float32)
        count = _box_mean(same, s)  # > 0: the centre sample always counts
    for name in buffers:
        if name not in _RULES:
            raise ValueError(f"cannot downsample unknown buffer {name!r}")
        if name in ("depth", "normal", "motion") and same is None:
            raise ValueError(f"downsampling {name!r} needs the 'depth' buffer to know the coverage")

    def one(name: str) -> np.ndarray:
        arr = buffers[name]
        if name in ("rgb", "basecolor"):
            return _srgb_mean(arr, s)
        if name == "hdr":
            return _box_mean(arr, s).astype(np.float16)
        if name == "material":
            return np.clip(np.rint(_box_mean(arr, s)), 0, 255).astype(np.uint8)
        if name in ("semantic", "instance"):
            return _centre(arr, s)
        b = arr.astype(np.float32)  # depth, normal, motion
        b[~np.isfinite(b)] = 0.0
        weight = same if b.ndim == 2 else same[..., None]
        mean = _box_mean(b * weight, s) / (count if b.ndim == 2 else count[..., None])
        if name == "depth":
            return np.where(centre_geo, mean, np.inf).astype(np.float32)
        if name == "normal":
            length = np.linalg.norm(mean, axis=-1, keepdims=True)
            n = np.where(length > 1e-6, mean / np.maximum(length, 1e-6), 0.0)
            return np.where(centre_geo[..., None], n, 0.0).astype(np.float16)
        return (mean / s).astype(np.float16)

    # numpy and OpenCV release the GIL: buffers are reduced concurrently.
    with ThreadPoolExecutor(max_workers=max(1, min(cpu_threads(), len(buffers)))) as pool:
        return dict(zip(buffers, pool.map(one, buffers)))
