"""Built structures: building shells with inset windows, roads, lane-marking decals, sidewalks, stairs."""

from __future__ import annotations

import numpy as np

from gameir.scene.mesh import Mesh, merge_meshes
from gameir.scene.primitives import box, quad, quads

__all__ = ["building_shell", "road_strip", "lane_markings", "sidewalk", "stairs"]


def _facade_side(origin: np.ndarray, along: np.ndarray, out: np.ndarray, length: float, floors: int,
                 floor_h: float, win_frac: tuple[float, float], depth: float, uv_scale: float,
                 col_offset: int) -> tuple[Mesh, Mesh, int]:
    """Wall quads around a grid of recessed windows on one side (vectorised).

    Returns:
        (wall mesh, glass mesh with one quad per window, number of window columns).
    """
    up = np.array([0.0, 0.0, 1.0])
    bays = max(1, int(round(length / 3.5)))
    bw = length / bays
    ww, wh = bw * win_frac[0], floor_h * win_frac[1]
    x0 = (bw - ww) / 2
    z0 = (floor_h - wh) * 0.6
    # Ground floor is plain wall (shop fronts and doors are left to textures); windows from floor 1 up.
    walls = [quad(origin, along * length, up * floor_h, uv_scale)]
    ii, jj = np.meshgrid(np.arange(1, floors), np.arange(bays), indexing="ij")
    ii, jj = ii.ravel().astype(np.float64), jj.ravel().astype(np.float64)
    if len(ii) == 0:
        return merge_meshes(walls), merge_meshes([]), bays
    c = origin[None] + up[None] * (ii * floor_h)[:, None] + along[None] * (jj * bw)[:, None]
    one = np.ones((len(ii), 1))
    w0 = c + up * z0 + along * x0
    back = -out * depth
    u0, v0 = jj * bw / uv_scale, ii * floor_h / uv_scale
    o_list = [c, c + up * (z0 + wh), c + up * z0, c + up * z0 + along * (x0 + ww),
              w0, w0 + along * ww + back, w0, w0 + up * wh + back]
    eu_list = [along * bw * one, along * bw * one, along * x0 * one, along * x0 * one,
               back * one, -back * one, along * ww * one, along * ww * one]
    ev_list = [up * z0 * one, up * (floor_h - z0 - wh) * one, up * wh * one, up * wh * one,
               up * wh * one, up * wh * one, back * one, -back * one]
    off_list = [np.stack([u0, v0], -1), np.stack([u0, v0 + (z0 + wh) / uv_scale], -1),
                np.stack([u0, v0 + z0 / uv_scale], -1), np.stack([u0 + (x0 + ww) / uv_scale, v0 + z0 / uv_scale], -1)]
    off_list += [np.zeros((len(ii), 2))] * 4
    walls.append(quads(np.concatenate(o_list), np.concatenate(eu_list), np.concatenate(ev_list), uv_scale,
                       np.concatenate(off_list)))
    glass = quads(w0 + back, along * ww * one, up * wh * one, np.array([[ww, wh]]),
                  np.stack([col_offset + jj, ii], -1))
    return merge_meshes(walls), glass, bays


def building_shell(width: float, depth: float, floors: int, floor_h: float = 3.2,
                   win_frac: tuple[float, float] = (0.55, 0.55), inset: float = 0.18,
                   uv_scale: float = 2.0) -> dict[str, Mesh]:
    """Rectangular building with recessed windows on all four sides and a flat roof with a parapet.

    The footprint spans x in [0, width], y in [0, depth] and z from 0 to ``floors * floor_h``.

    Returns:
        ``{"wall": ..., "glass": ..., "roof": ...}``. Glass panes have uv (window column, floor)
        + [0, 1] so a window-pane texture with one pane per unit cell lights windows individually.
    """
    if width <= 0 or depth <= 0 or floors < 1 or floor_h <= 0:
        raise ValueError(f"building_shell: need positive width/depth/floor_h and floors >= 1, got "
                         f"{width}, {depth}, {floors}, {floor_h}")
    X, Y = np.array([1.0, 0, 0]), np.array([0, 1.0, 0])
    sides = [  # origin, along, outward normal, length
        (np.zeros(3), X, -Y, width),
        (np.array([width, 0, 0]), Y, X, depth),
        (np.array([width, depth, 0]), -X, Y, width),
        (np.array([0, depth, 0]), -Y, -X, depth),
    ]
    walls, glass = [], []
    col = 0
    for o, a, n, ln in sides:
        w, g, bays = _facade_side(o, a, n, ln, floors, floor_h, win_frac, inset, uv_scale, col)
        walls.append(w)
        glass.append(g)
        col += bays
    h = floors * floor_h
    roof = [quad([0, 0, h], X * width, Y * depth, uv_scale)]
    t = 0.25
    for (cx, cy, sx, sy) in ((width / 2, t / 2, width, t), (width / 2, depth - t / 2, width, t),
                             (t / 2, depth / 2, t, depth), (width - t / 2, depth / 2, t, depth)):
        roof.append(box((sx, sy, 0.8), (cx, cy, h + 0.4), uv_scale, bottom=False))
    return {"wall": merge_meshes(walls), "glass": merge_meshes(glass), "roof": merge_meshes(roof)}


def road_strip(length: float, width: float, uv_period: float | None = None) -> Mesh:
    """Flat road surface along +X: x in [0, length], y in [-width/2, width/2], z = 0.

    uv: u across the road (0 at the right edge, 1 at the left), v along it in units of ``uv_period``
    metres (default: the width, so texels stay square).
    """
    if length <= 0 or width <= 0:
        raise ValueError(f"road_strip: need positive length and width, got {length}, {width}")
    period = float(uv_period or width)
    return quad([0, width / 2, 0], [0, -width, 0], [length, 0, 0], (width, period))


def lane_markings(length: float, width: float, lanes: int = 2, dash: float = 3.0, gap: float = 6.0,
                  line_w: float = 0.15, z: float = 0.01, uv_scale: float = 1.0, edge_offset: float = 0.3) -> Mesh:
    """Painted line decals for a road from :func:`road_strip`: dashed lane dividers, solid edge lines.

    Quads lie ``z`` metres above the road (tag them ``road_line``); a double solid line marks the
    centre of two-way roads with an even number of lanes. Edge lines lie ``edge_offset`` metres
    inside the road edges (e.g. beside parking strips); lanes divide the width between them.
    """
    if lanes < 1:
        raise ValueError(f"lane_markings: lanes must be >= 1, got {lanes}")
    parts = []
    inner = width - 2 * edge_offset
    lane_w = inner / lanes

    def strip(y: float, x0: float, x1: float) -> None:
        parts.append(quad([x0, y - line_w / 2, z], [x1 - x0, 0, 0], [0, line_w, 0], uv_scale))

    for y in (-width / 2 + edge_offset, width / 2 - edge_offset):
        strip(y, 0.0, length)
    for k in range(1, lanes):
        y = -inner / 2 + k * lane_w
        if lanes % 2 == 0 and k == lanes // 2:
            strip(y - line_w, 0.0, length)
            strip(y + line_w, 0.0, length)
            continue
        x = 0.0
        while x < length:
            strip(y, x, min(x + dash, length))
            x += dash + gap
    return merge_meshes(parts)


def sidewalk(length: float, width: float, kerb_h: float = 0.15, uv_scale: float = 1.0) -> Mesh:
    """Raised sidewalk slab along +X (x in [0, length], y in [0, width], top at ``kerb_h``); its sides are the kerbs."""
    return box((length, width, kerb_h), (length / 2, width / 2, kerb_h / 2), uv_scale, bottom=False)


def stairs(steps: int, width: float, rise: float = 0.18, run: float = 0.28, uv_scale: float = 1.0) -> Mesh:
    """Straight flight going up along +X from x = 0: ``steps`` solid blocks, y in [-width/2, width/2]."""
    if steps < 1:
        raise ValueError(f"stairs: steps must be >= 1, got {steps}")
    return merge_meshes([box((run, width, rise * (k + 1)), (run * (k + 0.5), 0.0, rise * (k + 1) / 2), uv_scale, bottom=False)
                  for k in range(steps)])
