"""Triangle meshes: vertex arrays in object space (metres) with validation and tangent/normal helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Mesh", "compute_normals", "compute_tangents"]


def _as_array(name: str, value: object, cols: int, dtype: type, mesh: str) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(value), dtype=dtype)
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


@dataclass(eq=False)
class Mesh:
    """An indexed triangle mesh in object space.

    Attributes:
        positions: (N, 3) float32 vertex positions, metres, object frame.
        indices: (M, 3) uint32 triangles, counter-clockwise front faces.
        normals: (N, 3) float32 unit normals; computed (area-weighted) when None.
        uvs: (N, 2) float32 texture coordinates; zeros when None.
        tangents: (N, 4) float32 (xyz tangent, w handedness); computed when None.
        name: label used in error messages.

    Meshes compare by identity: instances sharing one Mesh (and Material) object are drawn with GL
    instancing. The renderer uploads a mesh once, so treat its arrays as immutable after the first
    render (build a new Mesh to change geometry).
    """

    positions: np.ndarray
    indices: np.ndarray
    normals: np.ndarray | None = None
    uvs: np.ndarray | None = None
    tangents: np.ndarray | None = None
    name: str = "mesh"

    def __post_init__(self) -> None:
        self.positions = _as_array("positions", self.positions, 3, np.float32, self.name)
        n_vert = self.positions.shape[0]
        if n_vert == 0:
            raise ValueError(f"mesh {self.name!r}: positions is empty")
        idx = np.asarray(self.indices)
        if idx.dtype.kind not in "iu":
            raise ValueError(f"mesh {self.name!r}: indices must be integers, got dtype {idx.dtype}")
        if idx.ndim != 2 or idx.shape[1] != 3 or idx.shape[0] == 0:
            raise ValueError(f"mesh {self.name!r}: indices must have shape (M, 3) with M > 0, got {idx.shape}")
        if idx.min() < 0 or idx.max() >= n_vert:
            raise ValueError(f"mesh {self.name!r}: indices must lie in [0, {n_vert - 1}], "
                             f"got [{int(idx.min())}, {int(idx.max())}]")
        self.indices = np.ascontiguousarray(idx, dtype=np.uint32)
        for attr, cols in (("normals", 3), ("uvs", 2), ("tangents", 4)):
            value = getattr(self, attr)
            if value is not None:
                arr = _as_array(attr, value, cols, np.float32, self.name)
                if arr.shape[0] != n_vert:
                    raise ValueError(f"mesh {self.name!r}: {attr} has {arr.shape[0]} rows, positions has {n_vert}")
                setattr(self, attr, arr)
        if self.normals is None:
            self.normals = compute_normals(self.positions, self.indices)
        if self.uvs is None:
            self.uvs = np.zeros((n_vert, 2), dtype=np.float32)
        if self.tangents is None:
            self.tangents = compute_tangents(self.positions, self.normals, self.uvs, self.indices)

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
