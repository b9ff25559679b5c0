"""Tileable noise fields and small image helpers shared by the texture generators (numpy/OpenCV)."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["check_size", "value_noise", "fbm", "normal_from_height", "to_rgba", "tint"]


def check_size(size: int) -> int:
    """Return ``size`` if it is a power of two in 8..4096, else raise ``ValueError``."""
    if not isinstance(size, (int, np.integer)) or size < 8 or size > 4096 or (size & (size - 1)) != 0:
        raise ValueError(f"texture size must be a power of two in 8..4096, got {size!r}")
    return int(size)


def value_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Tileable value noise: a random ``cells`` x ``cells`` lattice upsampled bicubically with wrap.

    Args:
        rng: random generator (consumed).
        size: output side in pixels.
        cells: lattice cells per side (feature size = size / cells pixels).

    Returns:
        (size, size) float32 in [0, 1], tileable (left edge continues the right one).
    """
    cells = max(1, int(cells))
    grid = rng.random((cells, cells), dtype=np.float32)
    tiled = np.tile(grid, (3, 3))
    big = cv2.resize(tiled, (3 * size, 3 * size), interpolation=cv2.INTER_CUBIC)
    out = big[size:2 * size, size:2 * size]
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def fbm(rng: np.random.Generator, size: int, base_cells: int = 4, octaves: int = 5,
        persistence: float = 0.5) -> np.ndarray:
    """Fractal sum of :func:`value_noise` octaves, normalised to [0, 1]; (size, size) float32, tileable."""
    acc = np.zeros((size, size), np.float32)
    amp, total = 1.0, 0.0
    cells = base_cells
    for _ in range(octaves):
        acc += amp * value_noise(rng, size, min(cells, size))
        total += amp
        amp *= persistence
        cells *= 2
    acc /= total
    lo, hi = float(acc.min()), float(acc.max())
    return ((acc - lo) / max(hi - lo, 1e-6)).astype(np.float32)


def normal_from_height(height: np.ndarray, strength: float = 2.0) -> np.ndarray:
    """Tangent-space normal map from a height field (wrap-around central differences).

    Args:
        height: (H, W) float, any range; larger = closer to the viewer.
        strength: slope multiplier (height units per pixel, scaled by the side length / 64).

    Returns:
        (H, W, 4) uint8 RGBA: RGB = (n * 0.5 + 0.5) * 255 with +Z out of the surface, A = 255.
    """
    h = np.asarray(height, dtype=np.float32)
    if h.ndim != 2:
        raise ValueError(f"height: expected a 2-D array, got shape {h.shape}")
    scale = strength * h.shape[1] / 64.0
    dx = (np.roll(h, -1, axis=1) - np.roll(h, 1, axis=1)) * 0.5 * scale
    dy = (np.roll(h, -1, axis=0) - np.roll(h, 1, axis=0)) * 0.5 * scale
    # v (texture +y) points up in GL uv space while rows go down, hence +dy.
    n = np.stack([-dx, dy, np.ones_like(h)], axis=-1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    rgb = np.clip(np.round((n * 0.5 + 0.5) * 255.0), 0, 255).astype(np.uint8)
    return np.concatenate([rgb, np.full(h.shape + (1,), 255, np.uint8)], axis=-1)


def to_rgba(rgb: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Stack float RGB in [0, 1] (H, W, 3) and optional alpha (H, W) in [0, 1] into (H, W, 4) uint8."""
    rgb8 = np.clip(np.round(np.asarray(rgb, np.float32) * 255.0), 0, 255).astype(np.uint8)
    if alpha is None:
        a8 = np.full(rgb8.shape[:2] + (1,), 255, np.uint8)
    else:
        a8 = np.clip(np.round(np.asarray(alpha, np.float32) * 255.0), 0, 255).astype(np.uint8)[..., None]
    return np.concatenate([rgb8, a8], axis=-1)


def tint(field: np.ndarray, dark: tuple[float, float, float], light: tuple[float, float, float]) -> np.ndarray:
    """Map a (H, W) field in [0, 1] linearly between two RGB colours in [0, 1]; (H, W, 3) float32."""
    d = np.asarray(dark, np.float32)
    l_ = np.asarray(light, np.float32)
    return (d + (l_ - d) * field[..., None]).astype(np.float32)
