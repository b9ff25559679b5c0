"""Primitive meshes, transforms and simple procedural textures (numpy only)."""

from __future__ import annotations

import math

import numpy as np

from gameir.scene.material import Texture
from gameir.scene.mesh import Mesh

__all__ = ["plane", "box", "uv_sphere", "cylinder", "translate", "scale", "rotate", "compose",
           "checker_texture", "noise_texture"]


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


def box(size: tuple[float, float, float] = (1.0, 1.0, 1.0), name: str = "box") -> Mesh:
    """Axis-aligned box centred at the origin with flat faces (24 vertices, 12 triangles)."""
    hx, hy, hz = (0.5 * float(v) for v in size)
    pos, nrm, uvs, idx = [], [], [], []
    for axis in range(3):
        for sign in (1.0, -1.0):
            n = np.zeros(3)
            n[axis] = sign
            u_axis = np.zeros(3)
            u_axis[(axis + 1) % 3] = 1.0
            v_axis = np.cross(n, u_axis)
            half = np.array([hx, hy, hz])
            base = len(pos)
            for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                p = n * half + u_axis * du * half + v_axis * dv * half
                pos.append(p)
                nrm.append(n)
                uvs.append(((du + 1) / 2, (1 - dv) / 2))
            idx += [(base, base + 1, base + 2), (base, base + 2, base + 3)]
    return Mesh(np.array(pos), np.array(idx), normals=np.array(nrm), uvs=np.array(uvs), name=name)


def uv_sphere(radius: float = 1.0, rings: int = 16, segments: int = 32, name: str = "sphere") -> Mesh:
    """UV sphere centred at the origin with analytic normals; 2*segments*(rings-1) triangles."""
    if rings < 2 or segments < 3:
        raise ValueError(f"uv_sphere: need rings >= 2 and segments >= 3, got {rings}, {segments}")
    theta = np.linspace(0.0, math.pi, rings + 1)          # polar angle from +Z
    phi = np.linspace(0.0, 2.0 * math.pi, segments + 1)  # azimuth (seam duplicated for uvs)
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    n = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], axis=-1).reshape(-1, 3)
    uv = np.stack([ph / (2 * math.pi), th / math.pi], axis=-1).reshape(-1, 2)
    cols = segments + 1
    tris = []
    for r in range(rings):
        for s in range(segments):
            a, b = r * cols + s, r * cols + s + 1
            c, d = a + cols, b + cols
            if r != 0:
                tris.append((a, c, b))
            if r != rings - 1:
                tris.append((b, c, d))
    return Mesh(n * radius, np.array(tris), normals=n, uvs=uv, name=name)


def cylinder(radius: float = 0.5, height: float = 1.0, segments: int = 24, name: str = "cylinder") -> Mesh:
    """Capped cylinder along +Z from z = 0 to z = height."""
    phi = np.linspace(0.0, 2.0 * math.pi, segments + 1)
    ring = np.stack([np.cos(phi), np.sin(phi), np.zeros_like(phi)], axis=-1)
    side_pos = np.concatenate([ring * radius, ring * radius + [0.0, 0.0, height]])
    side_nrm = np.concatenate([ring, ring])
    side_uv = np.concatenate([np.stack([phi / (2 * math.pi), np.ones_like(phi)], 1),
                              np.stack([phi / (2 * math.pi), np.zeros_like(phi)], 1)])
    c = segments + 1
    tris = [(s, s + 1, c + s + 1) for s in range(segments)] + [(s, c + s + 1, c + s) for s in range(segments)]
    pos, nrm, uvs = [side_pos], [side_nrm], [side_uv]
    base = 2 * c
    for z, nz in ((height, 1.0), (0.0, -1.0)):
        cap = ring[:-1] * radius + [0.0, 0.0, z]
        pos.append(np.concatenate([[[0.0, 0.0, z]], cap]))
        nrm.append(np.tile([0.0, 0.0, nz], (segments + 1, 1)))
        uvs.append(np.concatenate([[[0.5, 0.5]], 0.5 + 0.5 * ring[:-1, :2] * [1, -1]]))
        for s in range(segments):
            a, b = base + 1 + s, base + 1 + (s + 1) % segments
            tris.append((base, a, b) if nz > 0 else (base, b, a))
        base += segments + 1
    return Mesh(np.concatenate(pos), np.array(tris), normals=np.concatenate(nrm), uvs=np.concatenate(uvs), name=name)


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


def checker_texture(size: int = 64, squares: int = 8, color_a: tuple[int, int, int] = (230, 230, 230),
                    color_b: tuple[int, int, int] = (30, 30, 30), name: str = "checker") -> Texture:
    """(size, size) sRGB checkerboard texture with ``squares`` squares per side."""
    if size < 1 or squares < 1:
        raise ValueError(f"checker_texture: size and squares must be >= 1, got {size}, {squares}")
    ij = (np.arange(size) * squares // size)
    mask = (ij[:, None] + ij[None, :]) % 2 == 0
    img = np.where(mask[..., None], np.array(color_a, np.uint8), np.array(color_b, np.uint8))
    return Texture(np.concatenate([img, np.full((size, size, 1), 255, np.uint8)], axis=2), srgb=True, name=name)


def noise_texture(size: int, rng: np.random.Generator, name: str = "noise") -> Texture:
    """(size, size) sRGB white-noise texture drawn from ``rng`` (high-frequency content for tests)."""
    img = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    return Texture(img, srgb=True, name=name)
