"""Decal textures: cut-out cracks, stains, manhole covers and wall grime (alpha = the footprint).

Each returns :class:`TextureMaps` whose alpha is 0 outside the decal (drawn alpha-tested at 0.5 on
top of a road, pavement, floor or wall; see ``Material.decal``) and a roughness map (and for the
manhole a metalness map) so the decal changes the material buffer as well as the base colour.
"""

from __future__ import annotations

import cv2
import numpy as np

from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import check_size, fbm, tint, to_rgba, value_noise
from gameir.worlds.textures.surfaces import crack_mask

__all__ = ["crack_decal", "stain_decal", "manhole_decal", "grime_decal", "DECAL_GENERATORS"]


def _radial(size: int) -> np.ndarray:
    y, x = (np.mgrid[0:size, 0:size].astype(np.float32) + 0.5) / size - 0.5
    return np.hypot(x, y)


def crack_decal(rng: np.random.Generator, size: int = 128, count: int = 3) -> TextureMaps:
    """Dark branching cracks (random walks from the centre region), widened to 2-3 texels."""
    size = check_size(size)
    mask = crack_mask(rng, size, count).astype(np.float32) / 255.0
    mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
    mask *= (_radial(size) < 0.45)  # stay inside the quad: no cut at its border
    rgb = tint(fbm(rng, size, 4, 3), (0.02, 0.02, 0.02), (0.16, 0.14, 0.12))
    return TextureMaps("crack", to_rgba(rgb, (mask > 0.3).astype(np.float32)), None, roughness=0.95,
                       roughness_map=np.full((size, size), 0.95, np.float32))


def stain_decal(rng: np.random.Generator, size: int = 128, oily: bool | None = None) -> TextureMaps:
    """A blotch with a ragged fractal outline: oil (dark, smooth) or dirt/water marks (brown, rough)."""
    size = check_size(size)
    oily = bool(rng.random() < 0.5) if oily is None else bool(oily)
    f = fbm(rng, size, 4, 4)
    alpha = (_radial(size) + 0.22 * (f - 0.5) < 0.3 + 0.1 * rng.random()).astype(np.float32)
    shade = fbm(rng, size, 8, 3)
    if oily:
        rgb, rough = tint(shade, (0.01, 0.01, 0.012), (0.06, 0.055, 0.05)), 0.2 + 0.2 * shade
    else:
        rgb, rough = tint(shade, (0.12, 0.09, 0.05), (0.3, 0.24, 0.16)), 0.85 + 0.1 * shade
    return TextureMaps("stain", to_rgba(rgb, alpha), None, roughness=float(rough.mean()),
                       roughness_map=rough.astype(np.float32))


def manhole_decal(rng: np.random.Generator, size: int = 128) -> TextureMaps:
    """Round cast-iron cover: a ring, a raised grid pattern, rust; metallic where the iron is bare."""
    size = check_size(size)
    r = _radial(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    alpha = (r < 0.48).astype(np.float32)
    pitch = float(rng.choice([10.0, 12.0, 14.0]))
    grid = ((np.abs(np.sin(np.pi * pitch * (x + y))) < 0.3) | (np.abs(np.sin(np.pi * pitch * (x - y))) < 0.3))
    ring = (r > 0.42) & (r < 0.48)
    rust = fbm(rng, size, 4, 4) > 0.62
    worn = grid | ring  # raised parts, polished by tyres
    rgb = np.where(worn[..., None], np.float32(0.32), np.float32(0.12)) * np.ones(3, np.float32)
    rgb = np.where(rust[..., None], np.array([0.3, 0.14, 0.06], np.float32), rgb)
    metal = np.where(worn & ~rust, 1.0, 0.0).astype(np.float32)
    rough = np.where(rust, 0.9, np.where(worn, 0.35, 0.75)).astype(np.float32)
    height = np.where(worn, 1.0, 0.4).astype(np.float32)
    return TextureMaps("manhole", to_rgba(rgb, alpha), height, roughness=0.6, metallic=0.5,
                       roughness_map=rough, metallic_map=metal)


def grime_decal(rng: np.random.Generator, size: int = 128) -> TextureMaps:
    """Dirt at the foot of a wall: a dark band with a ragged top edge and run-down streaks (the
    texture's bottom row sits on the ground)."""
    size = check_size(size)
    y, x = (np.mgrid[0:size, 0:size].astype(np.float32) + 0.5) / size
    streaks = value_noise(rng, size, max(8, size // 8))
    edge = 0.35 + 0.3 * fbm(rng, size, 4, 3) + 0.3 * (streaks - 0.5)
    alpha = ((1.0 - y) < edge).astype(np.float32)  # rows grow downwards: bottom rows are grimy
    rgb = tint(streaks, (0.05, 0.045, 0.04), (0.16, 0.14, 0.11))
    return TextureMaps("grime", to_rgba(rgb, alpha), None, roughness=0.95,
                       roughness_map=np.full((size, size), 0.95, np.float32))


#: decal kind -> generator(rng, size)
DECAL_GENERATORS = {"crack": crack_decal, "stain": stain_decal, "manhole": manhole_decal, "grime": grime_decal}
