"""Turning a Scene at time t into instanced draws: transforms evaluated and validated, packed per
(mesh, material) batch, plus the scene bounds the shadow fit needs (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.render.gpu import INSTANCE_FLOATS
from gameir.scene.material import Material
from gameir.scene.scene import Instance, Scene

__all__ = ["Draw", "collect_draws"]


class Draw:
    """One instanced draw: a (mesh, material) batch with its packed instance records."""

    __slots__ = ("mesh", "material", "records", "count")

    def __init__(self, mesh: Any, material: Material, records: np.ndarray) -> None:
        self.mesh, self.material, self.records, self.count = mesh, material, records, records.shape[0]


def _stack_transforms(insts: list[Instance], t: float) -> np.ndarray:
    mats = [inst.transform(t) if callable(inst.transform) else inst.transform for inst in insts]
    try:
        arr = np.asarray(mats, dtype=np.float64)
    except (ValueError, TypeError):
        arr = None
    if arr is None or arr.shape != (len(insts), 4, 4) or not np.isfinite(arr).all() or \
            (np.abs(np.linalg.det(arr[:, :3, :3])) < 1e-18).any():
        for inst in insts:  # find the culprit and raise its message
            inst.transform_at(t)
        raise ValueError(f"instance transforms at t={t} are invalid")  # pragma: no cover - unreachable
    return arr


def collect_draws(scene: Scene, t: float, dt: float) -> tuple[list[Draw], np.ndarray, np.ndarray, int]:
    """Evaluate and validate transforms; returns draws, scene AABB min/max (world) and triangle count."""
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a gameir.scene.Scene, got {type(scene).__name__}")
    if not scene.instances:
        raise ValueError(f"scene {scene.name!r} is empty: add at least one Instance before rendering")
    draws, lo, hi, tris = [], np.full(3, np.inf), np.full(3, -np.inf), 0
    for insts in scene.batches().values():
        cur = _stack_transforms(insts, t)
        if any(inst.is_dynamic for inst in insts):
            prev = _stack_transforms(insts, t - dt)
        else:
            prev = cur
        rec = np.empty((len(insts), INSTANCE_FLOATS), dtype=np.float32)
        rec[:, 0:16] = cur.transpose(0, 2, 1).reshape(-1, 16)   # column-major mat4 attribute
        rec[:, 16:32] = prev.transpose(0, 2, 1).reshape(-1, 16)
        rec[:, 32] = [inst.semantic for inst in insts]
        rec[:, 33] = [inst.instance_id for inst in insts]
        mesh = insts[0].mesh
        b_lo, b_hi = mesh.positions.min(0).astype(np.float64), mesh.positions.max(0).astype(np.float64)
        corners = np.array([[x, y, z, 1.0] for x in (b_lo[0], b_hi[0]) for y in (b_lo[1], b_hi[1])
                            for z in (b_lo[2], b_hi[2])])
        world = np.einsum("nij,kj->nki", cur, corners)[..., :3]
        lo = np.minimum(lo, world.reshape(-1, 3).min(0))
        hi = np.maximum(hi, world.reshape(-1, 3).max(0))
        tris += mesh.num_triangles * len(insts)
        draws.append(Draw(mesh, insts[0].material, rec))
    return draws, lo, hi, tris
