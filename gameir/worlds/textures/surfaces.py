"""Opaque building and ground surfaces: bricks, tiles, asphalt, concrete, wood, metal, bark.

Every generator takes an ``np.random.Generator`` and a power-of-two ``size`` and returns
:class:`TextureMaps` whose texture tiles seamlessly (features wrap at the borders).
"""

from __future__ import annotations

import cv2
import numpy as np

from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import check_size, fbm, tint, to_rgba, value_noise

__all__ = ["bricks", "tiles", "asphalt", "concrete", "wood", "metal_panels", "bark", "lawn", "dirt", "water", "puddle"]


def _jitter_colour(rng: np.random.Generator, base: tuple[float, float, float], amount: float) -> np.ndarray:
    return np.clip(np.asarray(base, np.float32) * (1.0 + rng.uniform(-amount, amount, 3)), 0.0, 1.0)


def bricks(rng: np.random.Generator, size: int = 256, rows: int = 16, cols: int = 8) -> TextureMaps:
    """Running-bond bricks with mortar joints, per-brick colour and grime.

    Args:
        rng: random generator.
        size: side in pixels (power of two).
        rows, cols: bricks per tile side (one texture repeat ~ 1 m of wall with the defaults).
    """
    size = check_size(size)
    base = _jitter_colour(rng, (0.55, 0.25, 0.18), 0.25)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    bh, bw = size / rows, size / cols
    row = np.floor(y / bh).astype(int)
    xs = (x + (row % 2) * bw * 0.5) % size
    col = np.floor(xs / bw).astype(int)
    fy, fx = (y % bh) / bh, (xs % bw) / bw
    mortar_w = 0.08
    mortar = (fy < mortar_w) | (fx < mortar_w * bh / bw)
    per_brick = rng.uniform(0.7, 1.15, (rows, cols)).astype(np.float32)
    grime = fbm(rng, size, 4, 5)
    shade = per_brick[row % rows, col % cols] * (0.8 + 0.35 * grime)
    rgb = base[None, None, :] * shade[..., None]
    rgb = np.where(mortar[..., None], np.float32(0.62) * (0.85 + 0.2 * grime[..., None]), rgb)
    height = np.where(mortar, 0.0, 0.8 + 0.2 * grime).astype(np.float32)
    # mortar is the roughest; glazed-looking bricks and worn (smoothed) spots less so
    rough = np.where(mortar, 0.97, 0.7 + 0.25 * grime + 0.1 * (per_brick[row % rows, col % cols] - 1.0)).astype(np.float32)
    return TextureMaps("bricks", to_rgba(rgb), height, roughness=0.9, roughness_map=np.clip(rough, 0, 1))


def tiles(rng: np.random.Generator, size: int = 256, n: int = 8) -> TextureMaps:
    """Square floor/wall tiles (chequer or single colour) with grout lines and slight gloss."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    t = size / n
    iy, ix = np.floor(y / t).astype(int), np.floor(x / t).astype(int)
    c1 = _jitter_colour(rng, (0.8, 0.78, 0.72), 0.2)
    c2 = _jitter_colour(rng, (0.25, 0.3, 0.35), 0.4) if rng.random() < 0.5 else c1 * 0.9
    cheq = ((ix + iy) % 2 == 0)[..., None]
    rgb = np.where(cheq, c1, c2) * (0.92 + 0.1 * value_noise(rng, size, 16))[..., None]
    grout = ((y % t) < max(1.0, t * 0.06)) | ((x % t) < max(1.0, t * 0.06))
    rgb = np.where(grout[..., None], np.float32(0.45), rgb)
    height = np.where(grout, 0.0, 1.0).astype(np.float32)
    scuff = value_noise(rng, size, 8)  # drawn last: the colour above is what it was without the map
    rough = np.where(grout, 0.9, 0.15 + 0.3 * scuff).astype(np.float32)
    return TextureMaps("tiles", to_rgba(rgb), height, roughness=0.3, roughness_map=rough)


def crack_mask(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    """(size, size) uint8 mask of random-walk cracks drawn with anti-aliased lines."""
    mask = np.zeros((size, size), np.uint8)
    for _ in range(count):
        p = rng.uniform(0, size, 2)
        ang = rng.uniform(0, 2 * np.pi)
        for _ in range(int(rng.integers(6, 20))):
            ang += rng.normal(0, 0.5)
            q = p + rng.uniform(size / 64, size / 20) * np.array([np.cos(ang), np.sin(ang)])
            cv2.line(mask, tuple(int(v) for v in p), tuple(int(v) for v in q), 255, 1, cv2.LINE_AA)
            p = q
    return mask


def asphalt(rng: np.random.Generator, size: int = 256, lane_markings: bool = True,
            cracks: int = 6) -> TextureMaps:
    """Asphalt with aggregate speckle, patches, cracks and (optionally) painted lane markings.

    The painted markings run along texture +v (image columns): a dashed centre line at u = 0.5 and
    solid edge lines near u = 0 and 1. Geometry decals tagged ``road_line`` are preferred for
    semantics; these are for colour only.
    """
    size = check_size(size)
    speck = rng.random((size, size), dtype=np.float32)
    base = 0.18 + 0.08 * fbm(rng, size, 4, 4) + 0.06 * (speck > 0.93) - 0.04 * (speck < 0.05)
    patch = value_noise(rng, size, 3) > 0.75
    base = np.where(patch, base * 0.8, base)
    crack = crack_mask(rng, size, cracks).astype(np.float32) / 255.0
    base = base * (1.0 - 0.7 * crack)
    rgb = np.repeat(base[..., None], 3, axis=-1) * np.array([1.0, 1.0, 1.04], np.float32)
    height = np.clip(0.6 + 0.4 * speck * 0.5 - 0.6 * crack, 0, 1).astype(np.float32)
    # roughness: coarse aggregate, rougher cracks, polished wheel tracks and smooth patches; the
    # low-lying smooth dips are where water would stand (puddle-ish variation)
    rough = 0.78 + 0.12 * (speck - 0.5) + 0.15 * crack - 0.2 * patch
    if lane_markings:
        paint = np.zeros((size, size), np.float32)
        w = max(1, size // 64)
        c = size // 2
        dash = (np.arange(size) % (size // 2)) < size // 4
        paint[:, c - w:c + w] = dash[:, None]
        paint[:, 2 * w:4 * w] = 1.0
        paint[:, size - 4 * w:size - 2 * w] = 1.0
        wear = value_noise(rng, size, 32) > 0.25
        paint *= wear
        colour = np.array([0.85, 0.85, 0.8], np.float32)
        rgb = rgb * (1 - paint[..., None]) + colour * paint[..., None]
        rough = rough * (1 - paint) + 0.55 * paint  # worn paint is smoother than the asphalt
    dips = fbm(rng, size, 2, 3)  # drawn last, so the colour is what it was without the map
    rough = rough - 0.35 * np.clip((dips - 0.6) / 0.4, 0, 1)
    return TextureMaps("asphalt", to_rgba(rgb), height, roughness=0.85,
                       roughness_map=np.clip(rough, 0.05, 1).astype(np.float32))


def concrete(rng: np.random.Generator, size: int = 256, slabs: int = 2) -> TextureMaps:
    """Grey concrete with stains, pores and slab joints every ``size / slabs`` pixels."""
    size = check_size(size)
    f = fbm(rng, size, 4, 6)
    pores = rng.random((size, size), dtype=np.float32) > 0.985
    g = 0.5 + 0.2 * f - 0.15 * pores
    g = g * (1 - 0.25 * (value_noise(rng, size, 2) > 0.7))
    y, x = np.mgrid[0:size, 0:size]
    joint = ((x % (size // slabs)) < 2) | ((y % (size // slabs)) < 2)
    g = np.where(joint, g * 0.55, g)
    rgb = np.repeat(g[..., None], 3, axis=-1) * _jitter_colour(rng, (1.0, 0.98, 0.94), 0.05)
    height = np.where(joint, 0.0, 0.7 + 0.3 * f - 0.5 * pores).astype(np.float32)
    rough = np.where(joint, 1.0, 0.8 + 0.15 * f + 0.05 * pores).astype(np.float32)  # stains are smoother
    return TextureMaps("concrete", to_rgba(rgb), np.clip(height, 0, 1), roughness=0.95,
                       roughness_map=np.clip(rough, 0, 1))


def wood(rng: np.random.Generator, size: int = 256, planks: int = 4) -> TextureMaps:
    """Wooden planks along image columns with growth rings, knots and gaps."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    pw = size / planks
    plank = np.floor(x / pw).astype(int)
    warp = fbm(rng, size, 2, 3)
    offs = rng.uniform(0, 20, planks).astype(np.float32)
    rings = np.sin((x % pw) * 0.35 + warp * 12.0 + offs[plank] + 0.02 * y) * 0.5 + 0.5
    c = _jitter_colour(rng, (0.55, 0.36, 0.2), 0.2)
    shade = (0.75 + 0.25 * rings) * rng.uniform(0.8, 1.1, planks).astype(np.float32)[plank]
    rgb = c[None, None, :] * shade[..., None]
    gap = (x % pw) < max(1.0, pw * 0.03)
    rgb = np.where(gap[..., None], np.float32(0.08), rgb)
    height = np.where(gap, 0.0, 0.8 + 0.2 * rings).astype(np.float32)
    rough = np.where(gap, 0.95, 0.45 + 0.25 * rings + 0.1 * warp).astype(np.float32)  # varnish worn along the grain
    return TextureMaps("wood", to_rgba(rgb), height, roughness=0.6, roughness_map=np.clip(rough, 0, 1))


def metal_panels(rng: np.random.Generator, size: int = 256, n: int = 2) -> TextureMaps:
    """Brushed metal panels with seams, rivets and rust spots (metallic)."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    k = max(3, size // 16)
    noise = rng.random((size, size), dtype=np.float32)
    brushed = sum(np.roll(noise, s, axis=1) for s in range(-(k // 2), k - k // 2)) / k
    p = size / n
    seam = ((x % p) < 2) | ((y % p) < 2)
    ry, rx = (y % p) - p * 0.06, (x % p) - p * 0.06
    rivet = (((np.abs(ry) < 2) | (np.abs(ry - p * 0.88) < 2))
             & ((np.abs(rx) < 2) | (np.abs(rx - p * 0.88) < 2)))
    rust = fbm(rng, size, 4, 5) > 0.72
    base = _jitter_colour(rng, (0.6, 0.62, 0.65), 0.1)
    rgb = base * (0.85 + 0.3 * brushed[..., None])
    rgb = np.where(rust[..., None], np.array([0.42, 0.22, 0.1], np.float32), rgb)
    rgb = np.where(seam[..., None], rgb * 0.4, rgb)
    height = np.clip(0.6 + 0.1 * brushed - 0.6 * seam + 0.4 * rivet, 0, 1).astype(np.float32)
    # bare brushed metal (metallic 1, rough along the brushing) vs rust and dirty seams (dielectric, rough)
    metal = np.where(rust | seam, 0.0, 1.0).astype(np.float32)
    rough = np.where(rust, 0.9, np.where(seam, 0.7, 0.25 + 0.25 * brushed)).astype(np.float32)
    return TextureMaps("metal_panels", to_rgba(rgb), height, roughness=0.35, metallic=1.0,
                       roughness_map=rough, metallic_map=metal)


def bark(rng: np.random.Generator, size: int = 256) -> TextureMaps:
    """Tree bark: vertical ridges (along image rows) with fractal warping."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    warp = fbm(rng, size, 2, 4)
    ridges = np.abs(np.sin(x / size * 2 * np.pi * 12 + warp * 6.0))
    fine = fbm(rng, size, 16, 3)
    h = np.clip(0.6 * ridges + 0.4 * fine, 0, 1)
    rgb = tint(h, (0.12, 0.08, 0.05), (0.45, 0.36, 0.27))
    return TextureMaps("bark", to_rgba(rgb), h.astype(np.float32), roughness=0.95)


def lawn(rng: np.random.Generator, size: int = 256) -> TextureMaps:
    """Ground grass seen from above: green fractal noise with blade-scale speckle and dry patches."""
    size = check_size(size)
    f = fbm(rng, size, 4, 5)
    speck = value_noise(rng, size, max(8, size // 2))
    dry = value_noise(rng, size, 3) > 0.7
    rgb = tint(0.6 * f + 0.4 * speck, (0.08, 0.2, 0.04), (0.3, 0.5, 0.12))
    rgb = np.where(dry[..., None], rgb * np.array([1.5, 1.1, 0.8], np.float32), rgb)
    return TextureMaps("lawn", to_rgba(np.clip(rgb, 0, 1)), (0.5 * f + 0.5 * speck).astype(np.float32), roughness=0.9)


def dirt(rng: np.random.Generator, size: int = 256) -> TextureMaps:
    """Dirt/gravel path: brown noise with pebbles."""
    size = check_size(size)
    f = fbm(rng, size, 4, 6)
    pebbles = value_noise(rng, size, max(8, size // 4)) > 0.8
    rgb = tint(f, (0.22, 0.16, 0.1), (0.5, 0.4, 0.28))
    rgb = np.where(pebbles[..., None], np.float32(0.55), rgb)
    h = np.clip(0.5 * f + 0.5 * pebbles, 0, 1).astype(np.float32)
    return TextureMaps("dirt", to_rgba(rgb), h, roughness=0.95)


def water(rng: np.random.Generator, size: int = 256) -> TextureMaps:
    """Water surface: dark blue-green colour with a ripple height field (for the normal map), glossy."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    h = 0.5 + 0.25 * np.sin(2 * np.pi * (3 * x + 2 * y)) + 0.25 * (fbm(rng, size, 8, 3) - 0.5) * 2
    rgb = tint(fbm(rng, size, 2, 3), (0.02, 0.06, 0.08), (0.05, 0.12, 0.14))
    return TextureMaps("water", to_rgba(rgb), np.clip(h, 0, 1).astype(np.float32), roughness=0.05)


def puddle(rng: np.random.Generator, size: int = 128) -> TextureMaps:
    """Puddle decal: a dark, smooth water film with a ragged fractal outline (alpha cut-out)."""
    size = check_size(size)
    y, x = (np.mgrid[0:size, 0:size].astype(np.float32) + 0.5) / size - 0.5
    r = np.hypot(x, y * rng.uniform(1.0, 1.8))
    edge = 0.32 + 0.14 * (fbm(rng, size, 4, 4) - 0.5) * 2
    alpha = (r < edge).astype(np.float32)
    rgb = tint(fbm(rng, size, 8, 3), (0.03, 0.035, 0.04), (0.16, 0.18, 0.2))
    return TextureMaps("puddle", to_rgba(rgb, alpha), None, roughness=0.02)
