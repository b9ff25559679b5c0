"""Decal textures: cut-out cracks, stains, manhole covers, wall grime and spray-painted graffiti
tags (alpha = the footprint).

Each returns :class:`TextureMaps` whose alpha is 0 outside the decal (drawn alpha-tested at 0.5 on
top of a road, pavement, floor or wall; see ``Material.decal``) and a roughness map (and for the
manhole a metalness map) so the decal changes the material buffer as well as the base colour.
"""

from __future__ import annotations

import cv2
import numpy as np

from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import check_size, fbm, tint, to_rgba, value_noise
from gameir.worlds.textures.printed import HERSHEY_FONTS, fit_text, random_words
from gameir.worlds.textures.surfaces import crack_mask

__all__ = ["crack_decal", "stain_decal", "manhole_decal", "grime_decal", "graffiti_decal", "GRAFFITI_PALETTES",
           "DECAL_GENERATORS"]


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


#: graffiti palettes: (fill colours, outline colour) in linear-ish sRGB [0, 1]
GRAFFITI_PALETTES: tuple[tuple[tuple[tuple[float, float, float], ...], tuple[float, float, float]], ...] = (
    (((0.95, 0.2, 0.55), (1.0, 0.55, 0.1), (0.98, 0.9, 0.15)), (0.05, 0.04, 0.1)),    # hot pink-orange
    (((0.15, 0.75, 0.95), (0.2, 0.35, 0.9), (0.6, 0.95, 1.0)), (0.98, 0.98, 0.95)),   # blue, white outline
    (((0.78, 0.8, 0.82), (0.6, 0.62, 0.66)), (0.03, 0.03, 0.03)),                     # chrome
    (((0.3, 0.85, 0.25), (0.85, 0.95, 0.2)), (0.35, 0.05, 0.45)),                     # lime, purple outline
    (((0.92, 0.92, 0.9),), (0.03, 0.03, 0.03)),                                       # thin white tag, black rim
)


def graffiti_decal(rng: np.random.Generator, size: int = 128, palette: int | None = None) -> TextureMaps:
    """A spray-painted tag on a wall: a word from the sign/brand text generator in a bold or
    script Hershey font, a fill graded between the palette's colours, an outline, speckled
    overspray around the letters and a few paint drips (alpha: paint; drawn alpha-tested at 0.5).

    The letters are laid out on a 2:1 canvas and stretched to the square texture, so the decal is
    meant for a quad twice as wide as high. ``palette``: index into :data:`GRAFFITI_PALETTES`.
    """
    size = check_size(size)
    pal = int(rng.integers(len(GRAFFITI_PALETTES))) if palette is None else int(palette)
    if not 0 <= pal < len(GRAFFITI_PALETTES):
        raise ValueError(f"graffiti_decal: palette must be in [0, {len(GRAFFITI_PALETTES)}), got {palette}")
    fills, outline_col = GRAFFITI_PALETTES[pal]
    marker = len(fills) == 1  # a one-colour palette is a quick thin tag in a script font
    h, w = size // 2, size
    font = HERSHEY_FONTS[int(rng.choice([6, 7] if marker else [0, 1, 3, 7]))]
    text = random_words(rng, 1).split(" ")[0][:7]
    text = text.lower() if marker or rng.random() < 0.5 else text
    letters = np.zeros((h, w), np.float32)
    stroke = max(2, size // (40 if marker else 14))
    fit_text(letters, text, (w // 10, h // 10, w - w // 10, h - h // 10), font, (1.0,), stroke)
    letters = (letters > 0.5).astype(np.uint8)
    ring = max(1, size // 64)
    outlined = cv2.dilate(letters, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring + 1,) * 2))
    # overspray: a blurred halo of the outline, thresholded against noise into speckles
    halo = cv2.GaussianBlur(outlined.astype(np.float32), (0, 0), max(1.0, size / 64))
    spray = rng.random((h, w)).astype(np.float32) < 0.8 * halo ** 1.5
    # drips: short vertical runs down from random paint texels
    drips = np.zeros((h, w), np.uint8)
    ys, xs = np.nonzero(letters)
    for i in rng.integers(0, max(1, len(ys)), int(rng.integers(2, 6))) if len(ys) else ():
        y0, x0 = int(ys[i]), int(xs[i])
        drips[y0:min(h, y0 + int(rng.integers(h // 8, h // 3))), x0:x0 + max(1, size // 96)] = 1
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    f = np.asarray(fills, np.float32)
    grade = f[0] * (1.0 - y) + f[-1] * y if len(f) > 1 else np.broadcast_to(f[0], (h, w, 3))
    grain = 0.9 + 0.2 * fbm(rng, size, 8, 3)[:h, :w, None]
    out_rgb = np.asarray(outline_col, np.float32)
    paint = letters.astype(bool) | (drips.astype(bool) & ~outlined.astype(bool))
    rgb = np.where(paint[..., None], grade * grain, out_rgb * grain)
    rgb = np.where((spray & ~outlined.astype(bool))[..., None], grade if marker else out_rgb, rgb)
    alpha = (outlined.astype(bool) | spray | drips.astype(bool)).astype(np.float32)
    rgb, alpha = (cv2.resize(a, (size, size), interpolation=cv2.INTER_NEAREST) for a in (np.clip(rgb, 0, 1), alpha))
    rough = np.where(alpha > 0.5, 0.45 + 0.1 * fbm(rng, size, 8, 2), 0.9).astype(np.float32)  # satin paint
    return TextureMaps("graffiti_tag", to_rgba(rgb, alpha), None, roughness=float(rough[alpha > 0.5].mean()),
                       roughness_map=rough)


#: decal kind -> generator(rng, size)
DECAL_GENERATORS = {"crack": crack_decal, "stain": stain_decal, "manhole": manhole_decal, "grime": grime_decal,
                    "graffiti_tag": graffiti_decal}
