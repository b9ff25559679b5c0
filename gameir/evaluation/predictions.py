"""Checking model outputs and reading predictions saved as PNG by other tools."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import torch

__all__ = ["check_prediction", "read_png_prediction", "prediction_path"]


def check_prediction(pred: object, expected: tuple[int, ...], where: str) -> torch.Tensor:
    """Validate one model output; return it as float32 clamped to [0, 1].

    Args:
        pred: what the model returned.
        expected: expected shape, e.g. (1, 3, 1440, 1920).
        where: the frame it is for, e.g. ``"clip town-002000 frame 3"``, used in messages.

    Raises:
        TypeError: not a tensor, or not a floating dtype.
        ValueError: wrong shape, or NaN / Inf values (counted).
    """
    if not isinstance(pred, torch.Tensor):
        raise TypeError(f"{where}: the model returned {type(pred).__name__}, expected a float tensor of shape "
                        f"{list(expected)}")
    if not pred.is_floating_point():
        raise TypeError(f"{where}: prediction has dtype {pred.dtype}, expected a floating dtype (sRGB in [0, 1]) "
                        f"of shape {list(expected)}")
    if tuple(pred.shape) != tuple(expected):
        raise ValueError(f"{where}: prediction has shape {list(pred.shape)}, expected {list(expected)} "
                         f"(N, 3, scale*h, scale*w)")
    pred = pred.float()
    lo, hi = (float(v) for v in torch.aminmax(pred))  # one pass; NaN and +-Inf show up here
    if not (math.isfinite(lo) and math.isfinite(hi)):
        n_nan = int(torch.isnan(pred).sum())
        n_inf = int(torch.isinf(pred).sum())
        raise ValueError(f"{where}: prediction of shape {list(pred.shape)} has {n_nan} NaN and {n_inf} Inf values")
    return pred if lo >= 0.0 and hi <= 1.0 else pred.clamp(0.0, 1.0)


def prediction_path(folder: str | os.PathLike, clip_id: str, frame: int, view: int | None = None) -> Path:
    """Where ``folder:DIR`` predictions live: ``DIR/<clip_id>/<frame:08d>.png`` (SR) or
    ``DIR/<clip_id>/<view:02d>/<frame:08d>.png`` (NVS, one folder per held-out view)."""
    base = Path(folder) / clip_id
    if view is not None:
        base = base / f"{int(view):02d}"
    return base / f"{int(frame):08d}.png"


def read_png_prediction(path: Path, expected_hw: tuple[int, int], where: str) -> torch.Tensor:
    """Read an RGB PNG (8- or 16-bit) as a (1, 3, H, W) float32 tensor in [0, 1].

    Raises:
        FileNotFoundError: the file is missing (the message names it).
        ValueError: unreadable, not 3-channel RGB (alpha is dropped), or of the wrong size.
    """
    import cv2

    if not path.is_file():
        raise FileNotFoundError(f"{where}: missing prediction file {path} (expected layout "
                                f"DIR/<clip_id>/<frame:08d>.png, RGB PNG at the ground truth's size)")
    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f"{where}: {path} is not a readable PNG")
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"{where}: {path} has shape {img.shape}, expected an RGB image (H, W, 3)")
    if img.shape[:2] != tuple(expected_hw):
        raise ValueError(f"{where}: {path} is {img.shape[0]}x{img.shape[1]} (HxW), expected "
                         f"{expected_hw[0]}x{expected_hw[1]} (the ground truth's size)")
    if img.dtype == np.uint8:
        scale = 1.0 / 255.0
    elif img.dtype == np.uint16:
        scale = 1.0 / 65535.0
    else:
        raise ValueError(f"{where}: {path} has dtype {img.dtype}, expected 8- or 16-bit PNG")
    rgb = np.ascontiguousarray(img[:, :, ::-1]).astype(np.float32) * np.float32(scale)
    return torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0).contiguous()
