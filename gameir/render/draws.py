"""Turning a Scene at time t into instanced draws: transforms evaluated and validated, packed per
(mesh, material) batch, plus the scene bounds the shadow fit needs; and the conservative culling of
instances that can touch neither the camera's view nor a shadow in it, and the distance culling of
meshes with a draw distance (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.render.gpu import INSTANCE_FLOATS
from gameir.scene.material import Material
from gameir.scene.scene import Instance, Scene

__all__ = ["Draw", "collect_draws", "cull_draws", "distance_cull"]


class Draw:
    """One instanced draw: a (mesh, material) batch with its packed instance records."""

    __slots__ = ("mesh", "material", "records", "count", "sphere")

    def __init__(self, mesh: Any, material: Material, records: np.ndarray,
                 sphere: tuple[np.ndarray, float] | None = None) -> None:
        self.mesh, self.material, self.records, self.count = mesh, material, records, records.shape[0]
        self.sphere = sphere  # object-space bounding sphere (centre (3,), radius), metres


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
        draws.append(Draw(mesh, insts[0].material, rec, ((b_lo + b_hi) / 2, float(np.linalg.norm(b_hi - b_lo) / 2))))
    return draws, lo, hi, tris


def _world_spheres(d: Draw) -> tuple[np.ndarray, np.ndarray]:
    """(N, 3) world centres and (N,) radii (metres) of the instances' bounding spheres of draw ``d``."""
    c_obj, r_obj = d.sphere
    m = d.records[:, 0:16].reshape(-1, 4, 4).transpose(0, 2, 1).astype(np.float64)  # row-major object->world
    centre = m[:, :3, :3] @ c_obj + m[:, :3, 3]
    radius = r_obj * np.linalg.norm(m[:, :3, :3], axis=1).max(axis=1)
    return centre, radius


def distance_cull(draws: list[Draw], eye: np.ndarray) -> list[Draw]:
    """Drop the instances of meshes with a ``draw_distance_m`` whose bounding sphere lies farther than
    that from the camera (the games' per-prop cull distance: grass and flower cards, small clutter).

    Unlike :func:`cull_draws` this changes what is drawn (and shadowed); it depends only on the
    camera position, so the LR and HR frames of a pair keep the same instances.

    Args:
        draws: from :func:`collect_draws`.
        eye: (3,) camera position, world metres.

    Returns:
        The draws with the kept instance records (draws left empty are dropped), in the same order.
    """
    eye = np.asarray(eye, np.float64).reshape(3)
    out = []
    for d in draws:
        far = getattr(d.mesh, "draw_distance_m", None)
        if far is None or d.sphere is None:
            out.append(d)
            continue
        centre, radius = _world_spheres(d)
        keep = np.linalg.norm(centre - eye, axis=1) - radius <= far
        if keep.all():
            out.append(d)
        elif keep.any():
            out.append(Draw(d.mesh, d.material, np.ascontiguousarray(d.records[keep]), d.sphere))
    return out


def _frustum_planes(view_proj: np.ndarray) -> np.ndarray:
    """(6, 4) inward unit planes (n, d) of a GL clip-space frustum: n . x + d >= 0 inside."""
    m = np.asarray(view_proj, np.float64)
    planes = np.stack([m[3] + m[0], m[3] - m[0], m[3] + m[1], m[3] - m[1], m[3] + m[2], m[3] - m[2]])
    return planes / np.linalg.norm(planes[:, :3], axis=1, keepdims=True)


def cull_draws(draws: list[Draw], view_proj: np.ndarray, sun_direction: np.ndarray | None, floor_z: float,
               margin_m: float = 0.5) -> list[Draw]:
    """Drop the instances whose bounds meet neither the view frustum nor, swept along the sun's
    direction down to ``floor_z``, the frustum (so they cast no shadow into the view either).

    The test is conservative: a kept set always contains every instance that can change a pixel,
    so the frame is the one drawn without culling (the shadow map is fitted from the unculled scene
    bounds). Dynamic instances are tested at their current pose.

    Args:
        draws: from :func:`collect_draws`.
        view_proj: (4, 4) GL projection @ view of the camera (jitter included or not: ``margin_m``
            covers a sub-pixel shift).
        sun_direction: (3,) unit direction sunlight travels, or None without a shadow-casting sun.
        floor_z: lowest world z a shadow can land on (the scene's bounds), metres.
        margin_m: added to every bounding radius, metres.

    Returns:
        Draws with the kept instance records (draws left empty are dropped), in the same order.
    """
    planes = _frustum_planes(view_proj)
    out = []
    for d in draws:
        if d.sphere is None:
            out.append(d)
            continue
        centre, radius = _world_spheres(d)
        radius = radius + margin_m
        if sun_direction is not None:
            s = np.asarray(sun_direction, np.float64)
            drop = np.maximum(centre[:, 2] + radius - floor_z, 0.0)
            length = np.minimum(drop / max(-s[2], 0.05), 500.0)
            centre = centre + s * (length / 2)[:, None]
            radius = radius + length / 2
        dist = centre @ planes[:, :3].T + planes[:, 3]
        keep = (dist >= -radius[:, None]).all(axis=1)
        if keep.all():
            out.append(d)
        elif keep.any():
            out.append(Draw(d.mesh, d.material, np.ascontiguousarray(d.records[keep]), d.sphere))
    return out
