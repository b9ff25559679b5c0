"""CARLA's 24-bit RGB depth encoding (the GameIR release's ``*.depth.png``).

``metres = 1000 * (R + 256 * G + 65536 * B) / (2**24 - 1)``: a 24-bit fixed-point fraction of the
1000 m far plane, about 0.06 mm per step. The largest code (255, 255, 255) is the far plane, which
is where CARLA puts the sky; :func:`decode_carla_depth` maps it to +inf (GameIR's "no geometry")
unless ``far_as_inf=False``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CARLA_FAR_M", "CARLA_MAX_CODE", "decode_carla_depth", "encode_carla_depth"]

CARLA_FAR_M = 1000.0
CARLA_MAX_CODE = (1 << 24) - 1


def decode_carla_depth(rgb: np.ndarray, *, far_as_inf: bool = True) -> np.ndarray:
    """Decode CARLA depth pixels to metres.

    Args:
        rgb: (H, W, 3) uint8 in R, G, B channel order (as PIL reads a PNG; OpenCV gives B, G, R).
        far_as_inf: map the far-plane code (255, 255, 255) to +inf (sky) instead of 1000 m.

    Returns:
        (H, W) float32 metres along the optical axis, ``float32(1000 * code / (2**24 - 1))``
        computed in float64 then rounded once.
    """
    if rgb.ndim != 3 or rgb.shape[-1] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"CARLA depth must be (H, W, 3) uint8, got {rgb.shape} {rgb.dtype}")
    code = rgb[..., 0].astype(np.int64) + 256 * rgb[..., 1].astype(np.int64) + 65536 * rgb[..., 2].astype(np.int64)
    metres = (CARLA_FAR_M * code.astype(np.float64) / CARLA_MAX_CODE).astype(np.float32)
    if far_as_inf:
        metres[code == CARLA_MAX_CODE] = np.inf
    return metres


def encode_carla_depth(depth_m: np.ndarray) -> np.ndarray:
    """Encode metres as CARLA 24-bit RGB depth.

    Args:
        depth_m: (H, W) float metres; +inf (sky) becomes the far-plane code (255, 255, 255);
            finite values are rounded to the nearest code and clipped to ``[0, 2**24 - 2]``
            (so they never read back as sky). NaN or negative values are rejected.

    Returns:
        (H, W, 3) uint8 in R, G, B order.
    """
    depth_m = np.asarray(depth_m, dtype=np.float64)
    if depth_m.ndim != 2:
        raise ValueError(f"depth must be (H, W), got shape {depth_m.shape}")
    if np.isnan(depth_m).any() or (depth_m < 0).any():
        raise ValueError("depth must be >= 0 metres (or +inf for sky) and free of NaN")
    finite = np.isfinite(depth_m)
    code = np.full(depth_m.shape, CARLA_MAX_CODE, np.int64)
    code[finite] = np.clip(np.rint(depth_m[finite] * (CARLA_MAX_CODE / CARLA_FAR_M)), 0, CARLA_MAX_CODE - 1)
    return np.stack([code & 255, (code >> 8) & 255, code >> 16], axis=-1).astype(np.uint8)
