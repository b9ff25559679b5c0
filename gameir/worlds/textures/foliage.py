"""Cut-out vegetation textures with alpha: leaf clusters for tree cards, grass blades, chain-link fence."""

from __future__ import annotations

import cv2
import numpy as np

from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import check_size, fbm, to_rgba

__all__ = ["leaves", "grass", "chain_link"]


def leaves(rng: np.random.Generator, size: int = 256, count: int | None = None) -> TextureMaps:
    """Leaf cluster on a transparent background (alpha 0 between leaves), for foliage cards.

    Leaves are filled ellipses with a midrib, green hues varying per leaf; the cluster fills a
    rounded crown so a crossed-quad card looks like a tree top.
    """
    size = check_size(size)
    count = int(count if count is not None else max(60, size * size // 48))
    rgb = np.zeros((size, size, 3), np.float32)
    alpha = np.zeros((size, size), np.uint8)
    hue = rng.uniform(0.0, 1.0)
    for _ in range(count):
        r = np.sqrt(rng.random()) * 0.45 * size
        a = rng.uniform(0, 2 * np.pi)
        cx, cy = size / 2 + r * np.cos(a), size / 2 + r * np.sin(a)
        ln = rng.uniform(0.025, 0.05) * size
        ang = rng.uniform(0, 180)
        col = np.array([0.12 + 0.15 * hue, 0.3 + 0.25 * rng.random(), 0.06 + 0.08 * rng.random()], np.float32)
        col *= rng.uniform(0.6, 1.2)
        centre = (int(cx), int(cy))
        axes = (max(1, int(ln)), max(1, int(ln * 0.45)))
        cv2.ellipse(rgb, centre, axes, ang, 0, 360, col.tolist(), -1, cv2.LINE_AA)
        cv2.ellipse(alpha, centre, axes, ang, 0, 360, 255, -1, cv2.LINE_8)
        d = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))]) * ln
        cv2.line(rgb, (int(cx - d[0]), int(cy - d[1])), (int(cx + d[0]), int(cy + d[1])),
                 (col * 0.6).tolist(), 1, cv2.LINE_AA)
    rgb = np.clip(rgb, 0, 1)
    return TextureMaps("leaves", to_rgba(rgb, alpha.astype(np.float32) / 255.0), None, roughness=0.7)


def grass(rng: np.random.Generator, size: int = 256, blades: int | None = None) -> TextureMaps:
    """Grass blades growing from the bottom edge on a transparent background (for grass cards).

    The image's bottom row is the ground (texture v = 0 with GL's bottom-up v).
    """
    size = check_size(size)
    blades = int(blades if blades is not None else size // 2)
    rgb = np.zeros((size, size, 3), np.float32)
    alpha = np.zeros((size, size), np.uint8)
    for _ in range(blades):
        x0 = rng.uniform(0, size)
        h = rng.uniform(0.35, 0.98) * size
        bend = rng.normal(0, 0.15) * h
        n = 8
        t = np.linspace(0, 1, n)
        xs = x0 + bend * t ** 2
        ys = size - 1 - h * t
        width = max(1.0, size / 96) * (1 - t) + 0.5
        col = np.array([0.15 + 0.2 * rng.random(), 0.35 + 0.3 * rng.random(), 0.08], np.float32)
        for k in range(n - 1):
            p, q = (int(xs[k]), int(ys[k])), (int(xs[k + 1]), int(ys[k + 1]))
            th = max(1, int(round(width[k])))
            shade = (col * (0.6 + 0.5 * t[k])).tolist()
            cv2.line(rgb, p, q, shade, th, cv2.LINE_AA)
            cv2.line(alpha, p, q, 255, th, cv2.LINE_8)
    return TextureMaps("grass", to_rgba(np.clip(rgb, 0, 1), alpha.astype(np.float32) / 255.0), None,
                       roughness=0.8)


def chain_link(rng: np.random.Generator, size: int = 256, cells: int = 16) -> TextureMaps:
    """Diamond chain-link mesh (thin wires, alpha elsewhere) - a hard case for upscalers."""
    size = check_size(size)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    p = size / cells
    u, v = (x + y) % p, (x - y) % p
    w = max(1.0, size / 256)
    wire = (np.minimum(u, p - u) < w) | (np.minimum(v, p - v) < w)
    g = 0.55 + 0.2 * fbm(rng, size, 4, 3)
    rgb = np.repeat(g[..., None], 3, -1)
    return TextureMaps("chain_link", to_rgba(rgb, wire.astype(np.float32)), None, roughness=0.4, metallic=1.0)
