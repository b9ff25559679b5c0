"""GPU-side copies of meshes, textures and per-batch instance buffers, cached per GL context.

Entries are keyed by object identity and hold weak references: when a Mesh, Texture or Material
is garbage-collected, :meth:`GpuCache.purge` releases its GL objects, so long loops that build new
scenes keep GPU memory flat.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gameir.scene.material import Material, Texture
from gameir.scene.mesh import Mesh

__all__ = ["GpuMesh", "GpuBatch", "GpuCache", "INSTANCE_FLOATS"]

#: Per-instance record: model (16), previous model (16), semantic, instance id (as floats).
INSTANCE_FLOATS = 34

_SERIALS = itertools.count(1)


@dataclass
class GpuMesh:
    vbo: Any
    ibo: Any
    num_indices: int
    bounds: np.ndarray  # (2, 3) object-space min, max


@dataclass
class GpuBatch:
    """Instance buffer of one (mesh, material) pair and its vertex arrays per program."""

    mesh: GpuMesh
    instances: Any
    capacity: int
    vaos: dict[int, Any] = field(default_factory=dict)
    #: unique per batch ever created (object ids get reused; serials do not)
    serial: int = field(default_factory=lambda: next(_SERIALS))

    def release(self) -> None:
        for vao in self.vaos.values():
            vao.release()
        self.vaos.clear()
        self.instances.release()


class GpuCache:
    """Uploads scene data on first use and keeps it while the Python objects live."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self._meshes: dict[int, tuple[weakref.ref, GpuMesh]] = {}
        self._textures: dict[int, tuple[weakref.ref, Any, int]] = {}
        self._batches: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, GpuBatch]] = {}
        self.white = ctx.texture((1, 1), 4, bytes([255, 255, 255, 255]))
        self.flat_normal = ctx.texture((1, 1), 4, bytes([128, 128, 255, 255]))

    def mesh(self, mesh: Mesh) -> GpuMesh:
        entry = self._meshes.get(id(mesh))
        if entry is not None and entry[0]() is mesh:
            return entry[1]
        vbo = self._ctx.buffer(mesh.interleaved().tobytes())
        ibo = self._ctx.buffer(mesh.indices.tobytes())
        bounds = np.stack([mesh.positions.min(0), mesh.positions.max(0)]).astype(np.float64)
        gm = GpuMesh(vbo, ibo, int(mesh.indices.size), bounds)
        self._meshes[id(mesh)] = (weakref.ref(mesh), gm)
        return gm

    def texture(self, tex: Texture | None, default: Any) -> Any:
        """GL texture of ``tex`` with a trilinear mip chain (``default`` when None); anisotropic
        filtering happens in the shader."""
        if tex is None:
            return default
        entry = self._textures.get(id(tex))
        if entry is not None and entry[0]() is tex and entry[2] == tex.data.__array_interface__["data"][0]:
            gl_tex = entry[1]
        else:
            if entry is not None:
                entry[1].release()
            h, w = tex.data.shape[:2]
            gl_tex = self._ctx.texture((w, h), 4, tex.data.tobytes(),
                                       internal_format=0x8C43 if tex.srgb else None)  # GL_SRGB8_ALPHA8
            gl_tex.build_mipmaps()
            gl_tex.repeat_x = gl_tex.repeat_y = tex.wrap != "clamp"
            self._textures[id(tex)] = (weakref.ref(tex), gl_tex, tex.data.__array_interface__["data"][0])
        return gl_tex

    def batch(self, mesh: Mesh, material: Material, count: int) -> GpuBatch:
        """The batch of (mesh, material) with room for ``count`` instances."""
        key = (id(mesh), id(material))
        entry = self._batches.get(key)
        if entry is not None and entry[0]() is mesh and entry[1]() is material:
            b = entry[2]
            if b.capacity >= count:
                return b
            b.release()
        cap = max(count, 1)
        cap = 1 << (cap - 1).bit_length()
        b = GpuBatch(self.mesh(mesh), self._ctx.buffer(reserve=cap * INSTANCE_FLOATS * 4), cap)
        self._batches[key] = (weakref.ref(mesh), weakref.ref(material), b)
        return b

    def vao(self, batch: GpuBatch, program: Any) -> Any:
        """Vertex array binding ``batch``'s mesh and instances to ``program`` (attributes it lacks are skipped)."""
        vao = batch.vaos.get(program.glo)
        if vao is None:
            vao = self._ctx.vertex_array(program, [
                (batch.mesh.vbo, "3f 3f 2f 4f", "in_position", "in_normal", "in_uv", "in_tangent"),
                (batch.instances, "16f 16f 2f/i", "i_model", "i_prev_model", "i_ids"),
            ], index_buffer=batch.mesh.ibo, index_element_size=4, skip_errors=True)
            batch.vaos[program.glo] = vao
        return vao

    def purge(self) -> None:
        """Release GL objects of meshes, textures and batches whose Python objects are gone."""
        for key, (ref_m, ref_mat, b) in list(self._batches.items()):
            if ref_m() is None or ref_mat() is None:
                b.release()
                del self._batches[key]
        for key, (ref, gm) in list(self._meshes.items()):
            if ref() is None:
                gm.vbo.release()
                gm.ibo.release()
                del self._meshes[key]
        for key, (ref, tex, _) in list(self._textures.items()):
            if ref() is None:
                tex.release()
                del self._textures[key]

    def stats(self) -> dict[str, int]:
        return {"meshes": len(self._meshes), "textures": len(self._textures), "batches": len(self._batches)}

    def release(self) -> None:
        for _, _, b in self._batches.values():
            b.release()
        for _, gm in self._meshes.values():
            gm.vbo.release()
            gm.ibo.release()
        for _, tex, _ in self._textures.values():
            tex.release()
        self._batches.clear()
        self._meshes.clear()
        self._textures.clear()
        self.white.release()
        self.flat_normal.release()
