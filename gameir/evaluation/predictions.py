"""Checking model outputs and reading predictions saved as PNG by other tools."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import torch

__all__ = ["RANGE_TOLERANCE", "PredictionError", "PredictionTypeError", "check_prediction", "read_png_prediction",
           "prediction_path"]

#: How far outside [0, 1] a float prediction may stray and still be scored (clamped): a network
#: without a final clamp overshoots by a few hundredths to a few tenths at edges and highlights.
#: Beyond it the output is taken for a wrong convention (0..255, [-1, 1]) and refused.
RANGE_TOLERANCE = 0.25


class PredictionError(ValueError):
    """A method gave no usable prediction for a frame (wrong shape, range, NaN / Inf, or it raised).

    The message names the method, the frame (clip and index), what was expected and what was found.
    """


class PredictionTypeError(PredictionError, TypeError):
    """A method returned the wrong kind of object (not a tensor, or an integer tensor)."""


def _kind(pred: object) -> str:
    if isinstance(pred, (tuple, list)):
        inner = ", ".join(type(v).__name__ for v in pred[:4]) + (", ..." if len(pred) > 4 else "")
        return f"a {type(pred).__name__} of {len(pred)} item(s) ({inner}); return only the image tensor"
    if type(pred).__module__ == "numpy":
        return (f"a numpy {type(pred).__name__}; return a torch tensor (e.g. "
                f"torch.from_numpy(hwc).permute(2, 0, 1)[None])")
    if isinstance(pred, dict):
        return f"a dict with keys {sorted(map(str, pred))[:6]}; return only the image tensor"
    return type(pred).__name__


def check_prediction(pred: object, expected: tuple[int, ...], where: str,
                     tolerance: float = RANGE_TOLERANCE) -> torch.Tensor:
    """Validate one model output; return it as float32 clamped to [0, 1].

    Args:
        pred: what the model returned.
        expected: expected shape, e.g. (1, 3, 1440, 1920).
        where: the method and frame it is for, e.g. ``"--method bicubic: clip town-002000 frame 3"``,
            used in messages.
        tolerance: values in [-tolerance, 1 + tolerance] are clamped to [0, 1]; values outside are
            refused (:data:`RANGE_TOLERANCE`).

    Raises:
        PredictionTypeError: not a tensor, or not a floating dtype (a ``TypeError`` and a ``ValueError``).
        PredictionError: wrong shape, NaN / Inf values (counted), or values outside
            [-tolerance, 1 + tolerance] (the observed range is named).
    """
    if not isinstance(pred, torch.Tensor):
        raise PredictionTypeError(f"{where}: the model returned {_kind(pred)}; expected a float tensor of shape "
                                  f"{list(expected)} (sRGB in [0, 1])")
    if not pred.is_floating_point():
        raise PredictionTypeError(f"{where}: prediction has dtype {pred.dtype}, expected a floating dtype (sRGB in "
                                  f"[0, 1]) of shape {list(expected)}; for 0..255 integer output return "
                                  f"pred.float() / 255")
    if tuple(pred.shape) != tuple(expected):
        raise PredictionError(f"{where}: prediction has shape {list(pred.shape)}, expected {list(expected)} "
                              f"(N, 3, scale*h, scale*w)")
    pred = pred.float()
    lo, hi = (float(v) for v in torch.aminmax(pred))  # one pass; NaN and +-Inf show up here
    if not (math.isfinite(lo) and math.isfinite(hi)):
        n_nan = int(torch.isnan(pred).sum())
        n_inf = int(torch.isinf(pred).sum())
        raise PredictionError(f"{where}: prediction of shape {list(pred.shape)} has {n_nan} NaN and {n_inf} Inf values")
    if lo < -tolerance or hi > 1.0 + tolerance:
        hint = (" (looks like 0..255: divide by 255)" if hi > 2.0 and lo >= -tolerance else
                " (looks like [-1, 1]: map with (x + 1) / 2)" if lo < -tolerance and hi <= 1.0 + tolerance else "")
        raise PredictionError(f"{where}: prediction values span [{lo:.4g}, {hi:.4g}], expected float sRGB in [0, 1] "
                              f"(overshoot up to {tolerance:g} beyond it is clamped){hint}")
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
