"""The primitive mesh library: planes, quads, boxes, cylinders, cones, spheres, extrusions, tubes,
heightfields (numpy only).

All in metres with +Z up. Texture coordinates follow glTF (v grows down the image rows; see
:mod:`gameir.scene.mesh`). Except where a function says otherwise, uvs are surface distances in metres
divided by ``uv_scale`` (the texture period in metres), so textures keep a constant physical size
whatever the object size, and images stand upright along each face's second edge (+Z on walls):
``v = 1 - distance_v / uv_scale``.
"""

from __future__ import annotations

import numpy as np

from gameir.scene.mesh import Mesh, merge_meshes, uv_from_surface

__all__ = ["plane", "quad", "quads", "box", "cylinder", "cone", "sphere", "extrude", "tube", "heightfield"]


def plane(size_x: float = 1.0, size_y: float = 1.0, uv_scale: float = 1.0, segments: int = 1,
          name: str = "plane") -> Mesh:
    """Rectangle in the z = 0 plane centred at the origin, normal +Z.

    Args:
        size_x, size_y: extent in metres along x and y.
        uv_scale: texture repeats across the plane (uv runs 0..uv_scale).
        segments: subdivisions per side (>= 1).
    """
    if segments < 1:
        raise ValueError(f"plane: segments must be >= 1, got {segments}")
    s = np.linspace(0.0, 1.0, segments + 1)
    u, v = np.meshgrid(s, s, indexing="xy")
    pos = np.stack([(u - 0.5) * size_x, (0.5 - v) * size_y, np.zeros_like(u)], axis=-1).reshape(-1, 3)
    uv = np.stack([u, v], axis=-1).reshape(-1, 2) * uv_scale
    n = segments + 1
    i, j = np.meshgrid(np.arange(segments), np.arange(segments), indexing="ij")
    a = (i * n + j).ravel()
    b, c, d = a + 1, a + n, a + n + 1
    # Row index grows towards -y; CCW seen from +Z: a(top-left) -> c(bottom-left) -> b(top-right).
    idx = np.concatenate([np.stack([a, c, b], 1), np.stack([b, c, d], 1)])
    normals = np.tile([0.0, 0.0, 1.0], (pos.shape[0], 1))
    return Mesh(pos, idx, normals=normals, uvs=uv, name=name)


def quads(origins: np.ndarray, edges_u: np.ndarray, edges_v: np.ndarray, uv_scale: np.ndarray | float = 1.0,
          uv_offsets: np.ndarray | None = None, name: str = "quads") -> Mesh:
    """Many parallelograms at once (vectorised :func:`quad`).

    Args:
        origins, edges_u, edges_v: (Q, 3) corner and edge vectors, metres.
        uv_scale: scalar or (Q, 2) texture period in metres along u and v.
        uv_offsets: (Q, 2) uv added to each quad (default 0).

    Returns:
        Mesh with 4 vertices and 2 triangles per quad, in input order.
    """
    o = np.asarray(origins, np.float64).reshape(-1, 3)
    eu = np.asarray(edges_u, np.float64).reshape(-1, 3)
    ev = np.asarray(edges_v, np.float64).reshape(-1, 3)
    q = len(o)
    n = np.empty((q, 3))
    n[:, 0] = eu[:, 1] * ev[:, 2] - eu[:, 2] * ev[:, 1]
    n[:, 1] = eu[:, 2] * ev[:, 0] - eu[:, 0] * ev[:, 2]
    n[:, 2] = eu[:, 0] * ev[:, 1] - eu[:, 1] * ev[:, 0]
    ln = np.sqrt((n * n).sum(1))
    if (ln < 1e-12).any():
        k = int(np.argmax(ln < 1e-12))
        raise ValueError(f"quad: edges {eu[k]} and {ev[k]} are parallel or zero")
    n /= ln[:, None]
    sc = np.broadcast_to(np.asarray(uv_scale, np.float64), (q, 2)) if np.ndim(uv_scale) else np.full((q, 2), float(uv_scale))
    lu = np.sqrt((eu * eu).sum(1)) / sc[:, 0]
    lv = np.sqrt((ev * ev).sum(1)) / sc[:, 1]
    p = np.empty((q, 4, 3))
    p[:, 0], p[:, 1], p[:, 2], p[:, 3] = o, o + eu, o + eu + ev, o + ev
    p = p.reshape(-1, 3)
    uv = np.zeros((q, 4, 2))  # corners (0, 0), (lu, 0), (lu, lv), (0, lv)
    uv[:, 1, 0], uv[:, 2, 0], uv[:, 2, 1], uv[:, 3, 1] = lu, lu, lv, lv
    if uv_offsets is not None:
        uv = uv + np.asarray(uv_offsets, np.float64).reshape(-1, 1, 2)
    base = (np.arange(q) * 4)[:, None, None]
    idx = (base + np.array([[0, 1, 2], [0, 2, 3]])[None]).reshape(-1, 3)
    return Mesh(p, idx, np.repeat(n, 4, axis=0), uv_from_surface(uv.reshape(-1, 2)), name=name)


def quad(origin: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray, uv_scale: float | tuple[float, float] = 1.0,
         uv_offset: tuple[float, float] = (0.0, 0.0), name: str = "quad") -> Mesh:
    """Planar parallelogram ``origin + a*edge_u + b*edge_v`` for a, b in [0, 1].

    The front (normal = edge_u x edge_v, normalised) is counter-clockwise. uv = (a*|edge_u|,
    b*|edge_v|) / uv_scale + uv_offset; ``uv_scale`` may be a (su, sv) pair.
    """
    sc = np.asarray(uv_scale, np.float64).reshape(1, -1) if np.ndim(uv_scale) else float(uv_scale)
    return quads(np.asarray(origin)[None], np.asarray(edge_u)[None], np.asarray(edge_v)[None], sc,
                 np.asarray(uv_offset, np.float64)[None], name)


def box(size: tuple[float, float, float] = (1.0, 1.0, 1.0), center: tuple[float, float, float] = (0, 0, 0),
        uv_scale: float = 1.0, bottom: bool = True, name: str = "box") -> Mesh:
    """Axis-aligned box of ``size`` (sx, sy, sz) metres centred at ``center``; 24 vertices, flat normals.

    Args:
        bottom: include the bottom face (omit for objects standing on the ground).
    """
    sx, sy, sz = (float(v) for v in size)
    if min(sx, sy, sz) <= 0:
        raise ValueError(f"box: size must be positive, got {size}")
    c = np.asarray(center, np.float64) - np.array([sx, sy, sz]) / 2
    X, Y, Z = np.array([sx, 0, 0]), np.array([0, sy, 0]), np.array([0, 0, sz])
    # faces -X, +X, -Y, +Y, +Z and (optionally) -Z as (origin, edge_u, edge_v), in one vectorised call
    origins = [c + Y, c + X, c, c + X + Y, c + Z, c + Y]
    edges_u = [-Y, Y, X, -X, X, X]
    edges_v = [Z, Z, Z, Z, Y, -Y]
    n = 6 if bottom else 5
    return quads(np.stack(origins[:n]), np.stack(edges_u[:n]), np.stack(edges_v[:n]), float(uv_scale),
                 np.zeros((n, 2)), name=name)


def _ring(radius: float, segments: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.linspace(0, 2 * np.pi, segments + 1)
    return a, np.stack([np.cos(a) * radius, np.sin(a) * radius], -1)


def cylinder(radius: float, height: float, segments: int = 16, caps: bool = True,
             uv_scale: float = 1.0, radius_top: float | None = None, name: str = "cylinder") -> Mesh:
    """Cylinder (or frustum if ``radius_top`` differs) along +Z from z = 0 to ``height``, smooth sides."""
    if radius <= 0 or height <= 0 or segments < 3:
        raise ValueError(f"cylinder: need radius > 0, height > 0, segments >= 3; got {radius}, {height}, {segments}")
    rt = radius if radius_top is None else float(radius_top)
    a, _ = _ring(1.0, segments)
    ca, sa = np.cos(a), np.sin(a)
    slope = (radius - rt) / height
    nrm = np.stack([ca, sa, np.full_like(a, slope)], -1)
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    bot = np.stack([ca * radius, sa * radius, np.zeros_like(a)], -1)
    top = np.stack([ca * rt, sa * rt, np.full_like(a, height)], -1)
    circ = 2 * np.pi * max(radius, rt) / uv_scale
    u = a / (2 * np.pi) * circ
    pos = np.concatenate([bot, top])
    nor = np.concatenate([nrm, nrm])
    uv = np.concatenate([np.stack([u, np.zeros_like(u)], -1), np.stack([u, np.full_like(u, height / uv_scale)], -1)])
    k = segments + 1
    i = np.arange(segments)
    idx = np.concatenate([np.stack([i, i + 1, i + 1 + k], -1), np.stack([i, i + 1 + k, i + k], -1)])
    parts = [Mesh(pos, idx, nor, uv_from_surface(uv))]
    if caps:
        for z, r, up in ((0.0, radius, False), (height, rt, True)):
            if r <= 0:
                continue
            ring = np.stack([ca[:-1] * r, sa[:-1] * r, np.full(segments, z)], -1)
            p = np.concatenate([[[0, 0, z]], ring])
            nz = 1.0 if up else -1.0
            n = np.tile([0, 0, nz], (segments + 1, 1))
            uvc = p[:, :2] / uv_scale
            j = np.arange(segments)
            tri = np.stack([np.zeros(segments, int), 1 + j, 1 + (j + 1) % segments], -1)
            parts.append(Mesh(p, tri if up else tri[:, ::-1], n, uv_from_surface(uvc)))
    return merge_meshes(parts, name)


def cone(radius: float, height: float, segments: int = 16, uv_scale: float = 1.0, name: str = "cone") -> Mesh:
    """Cone along +Z with its base disc at z = 0 and apex at ``height`` (a frustum with top radius ~0)."""
    return cylinder(radius, height, segments, True, uv_scale, radius_top=1e-4 * radius, name=name)


def sphere(radius: float, segments: int = 16, rings: int = 8, uv_scale: float | None = None,
           name: str = "sphere") -> Mesh:
    """UV sphere centred at the origin; uv = (longitude, latitude) in [0, 1] unless ``uv_scale`` given."""
    if radius <= 0 or segments < 3 or rings < 2:
        raise ValueError(f"sphere: need radius > 0, segments >= 3, rings >= 2; got {radius}, {segments}, {rings}")
    th = np.linspace(0, np.pi, rings + 1)[:, None]
    ph = np.linspace(0, 2 * np.pi, segments + 1)[None, :]
    n = np.stack(np.broadcast_arrays(np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)), -1).reshape(-1, 3)
    uv = np.stack(np.broadcast_arrays(ph / (2 * np.pi), 1 - th / np.pi), -1).reshape(-1, 2)
    if uv_scale:
        uv = uv * np.array([2 * np.pi * radius, np.pi * radius]) / uv_scale
    k = segments + 1
    r, s = np.meshgrid(np.arange(rings), np.arange(segments), indexing="ij")
    a, b = (r * k + s).ravel(), (r * k + s + 1).ravel()
    c, d = a + k, b + k
    idx = np.concatenate([np.stack([a, c, b], -1), np.stack([b, c, d], -1)])
    return Mesh(n * radius, idx, n, uv_from_surface(uv), name=name)


def extrude(polygon: np.ndarray, height: float, uv_scale: float = 1.0, caps: bool = True,
            name: str = "prism") -> Mesh:
    """Prism from a simple convex or star-shaped counter-clockwise (x, y) polygon, z = 0 … ``height``.

    Side walls have flat normals and uv (perimeter distance, z) / uv_scale; caps are fanned from
    the centroid (valid for star-shaped polygons).
    """
    poly = np.asarray(polygon, np.float64)
    if poly.ndim != 2 or poly.shape[1] != 2 or len(poly) < 3:
        raise ValueError(f"extrude: polygon must be (N >= 3, 2), got {poly.shape}")
    area = 0.5 * np.sum(poly[:, 0] * np.roll(poly[:, 1], -1) - np.roll(poly[:, 0], -1) * poly[:, 1])
    if area < 0:
        poly = poly[::-1]
    walls = []
    dist = 0.0
    for i in range(len(poly)):
        p, q = poly[i], poly[(i + 1) % len(poly)]
        e = np.array([q[0] - p[0], q[1] - p[1], 0.0])
        walls.append(quad([p[0], p[1], 0.0], e, [0, 0, height], uv_scale, (dist / uv_scale, 0.0)))
        dist += float(np.linalg.norm(e))
    parts = walls
    if caps:
        c = poly.mean(0)
        for z, up in ((height, True), (0.0, False)):
            p = np.concatenate([[[c[0], c[1], z]], np.column_stack([poly, np.full(len(poly), z)])])
            j = np.arange(len(poly))
            tri = np.stack([np.zeros(len(poly), int), 1 + j, 1 + (j + 1) % len(poly)], -1)
            parts.append(Mesh(p, tri if up else tri[:, ::-1], np.tile([0, 0, 1.0 if up else -1.0], (len(p), 1)),
                              uv_from_surface(p[:, :2] / uv_scale)))
    return merge_meshes(parts, name)


def tube(points: np.ndarray, radius: float, segments: int = 6, uv_scale: float = 1.0, name: str = "tube") -> Mesh:
    """Open tube of constant ``radius`` along a 3-D polyline (wires, rails, branches).

    Args:
        points: (P >= 2, 3) polyline vertices in metres.
    """
    pts = np.asarray(points, np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < 2:
        raise ValueError(f"tube: points must be (P >= 2, 3), got {pts.shape}")
    tang = np.gradient(pts, axis=0)
    tang /= np.maximum(np.linalg.norm(tang, axis=1, keepdims=True), 1e-12)
    ref = np.where(np.abs(tang[:, 2:3]) < 0.9, [[0, 0, 1.0]], [[1.0, 0, 0]])
    b1 = np.cross(tang, ref)
    b1 /= np.linalg.norm(b1, axis=1, keepdims=True)
    b2 = np.cross(tang, b1)
    a = np.linspace(0, 2 * np.pi, segments + 1)
    n = np.cos(a)[None, :, None] * b1[:, None] + np.sin(a)[None, :, None] * b2[:, None]
    pos = pts[:, None] + radius * n
    s = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    uv = np.stack(np.broadcast_arrays(a[None] / (2 * np.pi), s[:, None] / uv_scale), -1)
    k = segments + 1
    r, c = np.meshgrid(np.arange(len(pts) - 1), np.arange(segments), indexing="ij")
    i0 = (r * k + c).ravel()
    idx = np.concatenate([np.stack([i0, i0 + 1, i0 + k], -1), np.stack([i0 + 1, i0 + k + 1, i0 + k], -1)])
    return Mesh(pos.reshape(-1, 3), idx, n.reshape(-1, 3), uv_from_surface(uv.reshape(-1, 2)), name=name)


def heightfield(heights: np.ndarray, extent: tuple[float, float], origin: tuple[float, float] = (0.0, 0.0),
                uv_scale: float = 4.0, name: str = "terrain") -> Mesh:
    """Terrain grid from a height map.

    Args:
        heights: (R, C) float heights in metres; row r at y = origin_y + r * extent_y / (R - 1),
            column c at x = origin_x + c * extent_x / (C - 1).
        extent: (size_x, size_y) metres.
        origin: (x, y) of sample (0, 0).
        uv_scale: texture period in metres.
    """
    h = np.asarray(heights, np.float64)
    if h.ndim != 2 or min(h.shape) < 2:
        raise ValueError(f"heightfield: heights must be (R >= 2, C >= 2), got {h.shape}")
    R, C = h.shape
    ys = origin[1] + np.linspace(0, extent[1], R)
    xs = origin[0] + np.linspace(0, extent[0], C)
    X, Y = np.meshgrid(xs, ys)
    dx, dy = extent[0] / (C - 1), extent[1] / (R - 1)
    gy, gx = np.gradient(h, dy, dx)
    n = np.stack([-gx, -gy, np.ones_like(h)], -1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    pos = np.stack([X, Y, h], -1).reshape(-1, 3)
    uv = (pos[:, :2] - np.asarray(origin)) / uv_scale
    r, c = np.meshgrid(np.arange(R - 1), np.arange(C - 1), indexing="ij")
    i0 = (r * C + c).ravel()
    idx = np.concatenate([np.stack([i0, i0 + 1, i0 + C + 1], -1), np.stack([i0, i0 + C + 1, i0 + C], -1)])
    return Mesh(pos, idx, n.reshape(-1, 3), uv_from_surface(uv), name=name)
