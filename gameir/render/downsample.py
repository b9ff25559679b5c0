"""Box-downsampling of supersampled (SSAA) buffers to the output resolution (numpy).

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

import numpy as np

from gameir.scene.material import linear_to_srgb, srgb_to_linear

__all__ = ["downsample_buffers"]

_SRGB_TO_LINEAR = srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)


def _blocks(a: np.ndarray, s: int) -> np.ndarray:
    h, w = a.shape[0] // s, a.shape[1] // s
    return a.reshape((h, s, w, s) + a.shape[2:])


def _mean(a: np.ndarray, s: int) -> np.ndarray:
    return _blocks(a.astype(np.float32), s).mean(axis=(1, 3))


def _srgb_mean(a: np.ndarray, s: int) -> np.ndarray:
    lin = _blocks(_SRGB_TO_LINEAR[a], s).mean(axis=(1, 3))
    return np.clip(np.rint(linear_to_srgb(lin) * 255.0), 0, 255).astype(np.uint8)


def downsample_buffers(buffers: dict[str, np.ndarray], s: int) -> dict[str, np.ndarray]:
    """Downsample each (sH, sW, ...) buffer to (H, W, ...) as described in the module docstring.

    Args:
        buffers: name -> array at s times the output resolution (``depth`` must be present if any
            of ``normal``/``motion`` is, to know which samples hit geometry).
        s: integer supersampling factor >= 1.
    """
    if s == 1:
        return buffers
    c = s // 2
    out: dict[str, np.ndarray] = {}
    geo = centre_geo = None
    if "depth" in buffers:
        geo = _blocks(np.isfinite(buffers["depth"]), s)          # (H, s, W, s)
        centre_geo = geo[:, c, :, c]
    for name, arr in buffers.items():
        if name in ("rgb", "basecolor"):
            out[name] = _srgb_mean(arr, s)
        elif name == "hdr":
            out[name] = _mean(arr, s).astype(np.float16)
        elif name == "material":
            out[name] = np.clip(np.rint(_mean(arr, s)), 0, 255).astype(np.uint8)
        elif name in ("semantic", "instance"):
            out[name] = np.ascontiguousarray(_blocks(arr, s)[:, c, :, c])
        elif name in ("depth", "normal", "motion"):
            if geo is None:
                raise ValueError(f"downsampling {name!r} needs the 'depth' buffer to know the coverage")
            b = _blocks(arr.astype(np.float32), s)
            same = geo == centre_geo[:, None, :, None]            # samples like the centre one
            if b.ndim == 5:
                sel = same[..., None]
            else:
                sel = same
            summed = np.where(sel, np.where(np.isfinite(b), b, 0.0), 0.0).sum(axis=(1, 3))
            count = same.sum(axis=(1, 3)).astype(np.float32)
            mean = summed / (count[..., None] if b.ndim == 5 else count)
            if name == "depth":
                out[name] = np.where(centre_geo, mean, np.inf).astype(np.float32)
            elif name == "normal":
                length = np.linalg.norm(mean, axis=-1, keepdims=True)
                n = np.where(length > 1e-6, mean / np.maximum(length, 1e-6), 0.0)
                out[name] = np.where(centre_geo[..., None], n, 0.0).astype(np.float16)
            else:
                out[name] = (mean / s).astype(np.float16)
        else:
            raise ValueError(f"cannot downsample unknown buffer {name!r}")
    return out
