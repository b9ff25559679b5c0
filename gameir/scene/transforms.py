"""4x4 affine transforms (float64, column vectors: world = M @ object) for placing meshes."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["translate", "scale", "rotate", "compose"]


def translate(x: float, y: float, z: float) -> np.ndarray:
    """(4, 4) float64 translation by (x, y, z) metres."""
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


def scale(sx: float, sy: float | None = None, sz: float | None = None) -> np.ndarray:
    """(4, 4) float64 scale (uniform when only ``sx`` is given)."""
    return np.diag([sx, sx if sy is None else sy, sx if sz is None else sz, 1.0])


def rotate(axis: tuple[float, float, float], angle_deg: float) -> np.ndarray:
    """(4, 4) float64 right-handed rotation of ``angle_deg`` degrees about ``axis`` (Rodrigues)."""
    a = np.asarray(axis, dtype=np.float64)
    a = a / np.linalg.norm(a)
    th = math.radians(angle_deg)
    kx = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    m = np.eye(4)
    m[:3, :3] = np.eye(3) + math.sin(th) * kx + (1 - math.cos(th)) * kx @ kx
    return m


def compose(*mats: np.ndarray) -> np.ndarray:
    """Product ``mats[0] @ mats[1] @ ...`` (the last one is applied first)."""
    out = np.eye(4)
    for m in mats:
        out = out @ np.asarray(m, dtype=np.float64)
    return out
