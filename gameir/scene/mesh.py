"""Triangle meshes: the one mesh type of the package (object space, metres, +Z up) with validation,
normal/tangent helpers, transforms and merging.

Texture coordinates follow glTF everywhere: ``u`` grows along the image's columns (left to right)
and ``v`` grows down the image's rows (v = 0 at the top row). Procedural surfaces measure uv as
distance along the surface divided by the texture period and store ``v = 1 - distance_v / period``
(:func:`uv_from_surface`), so an image stands upright along the surface's +v edge.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Mesh", "compute_normals", "compute_tangents", "merge_meshes", "uv_from_surface"]


def _as_array(name: str, value: object, cols: int, dtype: type, mesh: str) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(value), dtype=dtype)
    if arr.size == 0 and arr.ndim <= 2:
        arr = arr.reshape(0, cols)
    if arr.ndim != 2 or arr.shape[1] != cols:
        raise ValueError(f"mesh {mesh!r}: {name} must have shape (N, {cols}), got {np.shape(value)}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"mesh {mesh!r}: {name} has {int((~np.isfinite(arr)).sum())} non-finite values")
    return arr


def compute_normals(positions: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Area-weighted smooth vertex normals.

    Args:
        positions: (N, 3) float32 vertex positions, metres.
        indices: (M, 3) uint32 counter-clockwise triangles (front face CCW seen from outside).

    Returns:
        (N, 3) float32 unit normals; vertices used by no (non-degenerate) triangle get (0, 0, 1).
    """
    p = np.asarray(positions, dtype=np.float64)
    tri = np.asarray(indices, dtype=np.int64)
    face = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])  # length = 2 * area
    n = np.zeros_like(p)
    for k in range(3):
        np.add.at(n, tri[:, k], face)
    length = np.linalg.norm(n, axis=1, keepdims=True)
    out = np.where(length > 1e-20, n / np.maximum(length, 1e-20), np.array([0.0, 0.0, 1.0]))
    return out.astype(np.float32)


def compute_tangents(positions: np.ndarray, normals: np.ndarray, uvs: np.ndarray,
                     indices: np.ndarray) -> np.ndarray:
    """Per-vertex tangents for normal mapping (Lengyel's method, Gram-Schmidt against the normal).

    Args:
        positions: (N, 3) float32, metres.
        normals: (N, 3) float32 unit normals.
        uvs: (N, 2) float32 texture coordinates (glTF convention: v grows down the image rows).
        indices: (M, 3) uint32 triangles.

    Returns:
        (N, 4) float32: xyz unit tangent along +u, w = handedness (+1 or -1) so that
        w * cross(normal, tangent) points along +v (the bitangent). Vertices without usable uv gradients get an
        arbitrary tangent perpendicular to the normal.
    """
    p = np.asarray(positions, dtype=np.float64)
    n = np.asarray(normals, dtype=np.float64)
    uv = np.asarray(uvs, dtype=np.float64)
    tri = np.asarray(indices, dtype=np.int64)
    e1 = p[tri[:, 1]] - p[tri[:, 0]]
    e2 = p[tri[:, 2]] - p[tri[:, 0]]
    d1 = uv[tri[:, 1]] - uv[tri[:, 0]]
    d2 = uv[tri[:, 2]] - uv[tri[:, 0]]
    det = d1[:, 0] * d2[:, 1] - d2[:, 0] * d1[:, 1]
    r = np.where(np.abs(det) > 1e-20, 1.0 / np.where(det == 0, 1.0, det), 0.0)[:, None]
    sdir = (e1 * d2[:, 1:2] - e2 * d1[:, 1:2]) * r
    tdir = (e2 * d1[:, 0:1] - e1 * d2[:, 0:1]) * r
    t_acc = np.zeros_like(p)
    b_acc = np.zeros_like(p)
    for k in range(3):
        np.add.at(t_acc, tri[:, k], sdir)
        np.add.at(b_acc, tri[:, k], tdir)
    t = t_acc - n * np.sum(n * t_acc, axis=1, keepdims=True)
    length = np.linalg.norm(t, axis=1, keepdims=True)
    # Fallback: any vector perpendicular to n.
    helper = np.where(np.abs(n[:, 2:3]) < 0.9, np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0]))
    fallback = np.cross(helper, n)
    fallback /= np.maximum(np.linalg.norm(fallback, axis=1, keepdims=True), 1e-20)
    t = np.where(length > 1e-12, t / np.maximum(length, 1e-20), fallback)
    w = np.where(np.sum(np.cross(n, t) * b_acc, axis=1) < 0.0, -1.0, 1.0)
    return np.concatenate([t, w[:, None]], axis=1).astype(np.float32)


def uv_from_surface(uv_surface: np.ndarray) -> np.ndarray:
    """glTF uvs from surface coordinates measured with v pointing up the surface.

    Args:
        uv_surface: (N, 2) texture coordinates as (distance along u, distance along v) / period, v
            growing towards the surface's "up" edge (where the image's top row should appear).

    Returns:
        (N, 2) float32 ``(u, 1 - v)`` (computed in float32): glTF's v-down-the-rows convention.
    """
    uv = np.array(np.asarray(uv_surface, dtype=np.float32).reshape(-1, 2), dtype=np.float32, copy=True)
    uv[:, 1] = 1.0 - uv[:, 1]
    return uv


class Mesh:
    """An indexed triangle mesh in object space (may be empty while it is being assembled).

    Args:
        positions: (N, 3) float32 vertex positions, metres, object frame (+Z up in worlds).
        indices: (M, 3) uint32 triangles, counter-clockwise front faces (seen from the normal side).
        normals: (N, 3) float32 unit normals; computed (area-weighted) when None.
        uvs: (N, 2) float32 texture coordinates in glTF's convention (see the module docstring);
            zeros when None. They may exceed [0, 1] where a texture repeats.
        tangents: (N, 4) float32 (xyz tangent, w handedness); computed on first use when None.
        name: label used in error messages.

    Meshes compare by identity: instances sharing one Mesh (and Material) object are drawn with GL
    instancing (:meth:`named` gives a new identity over the same arrays). The renderer uploads a mesh
    once, so treat its arrays as immutable (build a new Mesh to change geometry).

    Attributes:
        draw_distance_m: None (always drawn), or the distance in metres from the camera beyond which
            the renderer skips an instance of this mesh (measured to its bounding sphere; small props
            such as grass and flower cards, as games' per-foliage-type cull distances). Set it on a
            shared mesh; :meth:`named` keeps it.
    """

    __slots__ = ("positions", "indices", "normals", "uvs", "_tangents", "name", "draw_distance_m", "__weakref__")

    def __init__(self, positions: np.ndarray, indices: np.ndarray, normals: np.ndarray | None = None,
                 uvs: np.ndarray | None = None, tangents: np.ndarray | None = None, name: str = "mesh") -> None:
        self.name = name
        self.positions = _as_array("positions", positions, 3, np.float32, name)
        n_vert = self.positions.shape[0]
        idx = np.asarray(indices)
        if idx.size == 0:
            idx = idx.reshape(0, 3).astype(np.uint32)
        if idx.dtype.kind not in "iu":
            raise ValueError(f"mesh {name!r}: indices must be integers, got dtype {idx.dtype}")
        if idx.ndim != 2 or idx.shape[1] != 3:
            raise ValueError(f"mesh {name!r}: indices must have shape (M, 3), got {idx.shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= n_vert):
            raise ValueError(f"mesh {name!r}: indices must lie in [0, {n_vert - 1}], "
                             f"got [{int(idx.min())}, {int(idx.max())}]")
        self.indices = np.ascontiguousarray(idx, dtype=np.uint32)
        given = {"normals": normals, "uvs": uvs, "tangents": tangents}
        for attr, cols in (("normals", 3), ("uvs", 2), ("tangents", 4)):
            value = given[attr]
            if value is not None:
                arr = _as_array(attr, value, cols, np.float32, name)
                if arr.shape[0] != n_vert:
                    raise ValueError(f"mesh {name!r}: {attr} has {arr.shape[0]} rows, positions has {n_vert}")
                given[attr] = arr
        self.normals = given["normals"] if given["normals"] is not None else \
            compute_normals(self.positions, self.indices)
        self.uvs = given["uvs"] if given["uvs"] is not None else np.zeros((n_vert, 2), dtype=np.float32)
        self._tangents = given["tangents"]
        self.draw_distance_m: float | None = None

    def __repr__(self) -> str:
        return f"Mesh({self.name!r}, vertices={self.num_vertices}, triangles={self.num_triangles})"

    @property
    def tangents(self) -> np.ndarray:
        """(N, 4) float32 tangents (computed from positions, normals and uvs on first use)."""
        if self._tangents is None:
            self._tangents = compute_tangents(self.positions, self.normals, self.uvs, self.indices)
        return self._tangents

    @property
    def num_vertices(self) -> int:
        return int(self.positions.shape[0])

    @property
    def num_triangles(self) -> int:
        return int(self.indices.shape[0])

    def interleaved(self) -> np.ndarray:
        """(N, 12) float32 vertex array: position 3, normal 3, uv 2, tangent 4."""
        return np.ascontiguousarray(np.concatenate([self.positions, self.normals, self.uvs, self.tangents], axis=1),
                                    dtype=np.float32)

    def bounds(self) -> np.ndarray:
        """(2, 3) float32 axis-aligned box [min, max] in object space (zeros if empty)."""
        if self.num_vertices == 0:
            return np.zeros((2, 3), np.float32)
        return np.stack([self.positions.min(0), self.positions.max(0)])

    def named(self, name: str) -> "Mesh":
        """A new Mesh object (its own identity, hence its own draw batch) sharing these arrays."""
        out = Mesh.__new__(Mesh)
        out.positions, out.indices, out.normals, out.uvs = self.positions, self.indices, self.normals, self.uvs
        out._tangents, out.name, out.draw_distance_m = self._tangents, name, self.draw_distance_m
        return out

    def transformed(self, matrix: np.ndarray) -> "Mesh":
        """A copy with positions moved by the (4, 4) affine ``matrix`` and normals by its inverse transpose
        (winding reversed for mirroring matrices; tangents recomputed on use)."""
        m = np.asarray(matrix, np.float64)
        if m.shape != (4, 4):
            raise ValueError(f"matrix: expected (4, 4), got {m.shape}")
        p = self.positions @ m[:3, :3].T + m[:3, 3]
        nm = np.linalg.inv(m[:3, :3]).T
        n = self.normals @ nm.T
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        idx = self.indices if np.linalg.det(m[:3, :3]) > 0 else self.indices[:, ::-1]
        return Mesh(p, idx.copy(), n, self.uvs.copy(), name=self.name)

    def flipped(self) -> "Mesh":
        """The back side: reversed winding and negated normals (for double-sided cards)."""
        return Mesh(self.positions.copy(), self.indices[:, ::-1].copy(), -self.normals, self.uvs.copy(),
                    name=self.name)


def merge_meshes(meshes: list[Mesh], name: str = "mesh") -> Mesh:
    """Concatenate meshes into one (indices offset; tangents recomputed on use); [] gives an empty mesh."""
    if not meshes:
        return Mesh(np.zeros((0, 3)), np.zeros((0, 3), np.uint32), np.zeros((0, 3)), np.zeros((0, 2)), name=name)
    offs = np.cumsum([0] + [m.num_vertices for m in meshes[:-1]])
    return Mesh(np.concatenate([m.positions for m in meshes]),
                np.concatenate([m.indices.astype(np.int64) + o for m, o in zip(meshes, offs)]),
                np.concatenate([m.normals for m in meshes]),
                np.concatenate([m.uvs for m in meshes]), name=name)
