"""`MeshData`: an indexed triangle mesh as plain arrays (metres, world +Z up), and helpers on it."""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gameir.scene import Mesh

__all__ = ["MeshData", "merge"]


@dataclass
class MeshData:
    """Indexed triangle mesh in object space.

    Attributes:
        positions: (N, 3) float32 metres, object frame (+Z up).
        normals: (N, 3) float32 unit vertex normals.
        uvs: (N, 2) float32 texture coordinates with v pointing "up" the surface (v = 0 at the
            image's bottom row, GL style); may exceed [0, 1] where the texture repeats (uv in
            metres / texture period). :meth:`to_mesh` converts to the scene model's glTF
            convention (v down the rows) with v -> 1 - v.
        indices: (M, 3) uint32 counter-clockwise triangles seen from the front (normal side).
    """

    positions: np.ndarray
    normals: np.ndarray
    uvs: np.ndarray
    indices: np.ndarray

    def __post_init__(self) -> None:
        self.positions = np.ascontiguousarray(self.positions, np.float32).reshape(-1, 3)
        self.normals = np.ascontiguousarray(self.normals, np.float32).reshape(-1, 3)
        self.uvs = np.ascontiguousarray(self.uvs, np.float32).reshape(-1, 2)
        self.indices = np.ascontiguousarray(self.indices, np.uint32).reshape(-1, 3)
        n = len(self.positions)
        if len(self.normals) != n or len(self.uvs) != n:
            raise ValueError(f"MeshData: positions ({n}), normals ({len(self.normals)}) and uvs "
                             f"({len(self.uvs)}) must have the same length")
        if len(self.indices) and int(self.indices.max()) >= n:
            raise ValueError(f"MeshData: index {int(self.indices.max())} out of range for {n} vertices")

    @property
    def n_triangles(self) -> int:
        return int(len(self.indices))

    def bounds(self) -> np.ndarray:
        """(2, 3) float32 axis-aligned box [min, max] in object space (zeros if empty)."""
        if len(self.positions) == 0:
            return np.zeros((2, 3), np.float32)
        return np.stack([self.positions.min(0), self.positions.max(0)])

    def transformed(self, matrix: np.ndarray) -> "MeshData":
        """A copy with positions moved by the (4, 4) affine ``matrix`` and normals by its inverse transpose."""
        m = np.asarray(matrix, np.float64)
        if m.shape != (4, 4):
            raise ValueError(f"matrix: expected (4, 4), got {m.shape}")
        p = self.positions @ m[:3, :3].T + m[:3, 3]
        nm = np.linalg.inv(m[:3, :3]).T
        n = self.normals @ nm.T
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        idx = self.indices if np.linalg.det(m[:3, :3]) > 0 else self.indices[:, ::-1]
        return MeshData(p, n, self.uvs.copy(), idx.copy())

    def to_mesh(self, name: str = "mesh") -> "Mesh":
        """The scene-model :class:`gameir.scene.Mesh` (uv converted to glTF's v-down convention)."""
        from gameir.scene import Mesh

        uv = self.uvs.copy()
        uv[:, 1] = 1.0 - uv[:, 1]
        return Mesh(self.positions, self.indices, self.normals, uv, name=name)

    def flipped(self) -> "MeshData":
        """The back side: reversed winding and negated normals (for double-sided cards)."""
        return MeshData(self.positions.copy(), -self.normals, self.uvs.copy(), self.indices[:, ::-1].copy())


def merge(meshes: list[MeshData]) -> MeshData:
    """Concatenate meshes into one (indices offset); an empty list gives an empty mesh."""
    if not meshes:
        return MeshData(np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 2)), np.zeros((0, 3)))
    offs = np.cumsum([0] + [len(m.positions) for m in meshes[:-1]])
    return MeshData(np.concatenate([m.positions for m in meshes]),
                    np.concatenate([m.normals for m in meshes]),
                    np.concatenate([m.uvs for m in meshes]),
                    np.concatenate([m.indices.astype(np.int64) + o for m, o in zip(meshes, offs)]))
