"""Detail textures: small, tileable, zero-mean grain layered over a base texture at another scale."""

from __future__ import annotations

import numpy as np

from gameir.worlds.textures.noise import check_size, fbm

__all__ = ["detail_grain"]


def detail_grain(rng: np.random.Generator, size: int = 64, colour_amp: float = 0.14,
                 roughness_amp: float = 0.12) -> np.ndarray:
    """Linear RGBA detail map (see ``Material.detail_texture``): 2 x RGB multiplies the base colour,
    2 x A the roughness, so 128 is neutral.

    Args:
        rng: random generator.
        size: side in pixels (power of two; small: it repeats every 1 / detail_scale of the base).
        colour_amp: half-range of the colour factor 2 x RGB around 1.
        roughness_amp: half-range of the roughness factor 2 x A around 1.

    Returns:
        (size, size, 4) uint8, tileable; each channel's mean over the tile is 128 +- 1, so the
        mip chain fades the detail out to neutral with distance.
    """
    size = check_size(size)
    out = np.empty((size, size, 4), np.uint8)
    for ch, amp in ((slice(0, 3), colour_amp), (slice(3, 4), roughness_amp)):
        f = fbm(rng, size, max(2, size // 8), 3)
        f = (f - f.mean()) / max(float(np.abs(f - f.mean()).max()), 1e-6)  # zero mean, in [-1, 1]
        out[..., ch] = np.clip(np.rint(127.5 * (1.0 + amp * f)), 0, 255).astype(np.uint8)[..., None]
    return out
