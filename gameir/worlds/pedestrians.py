"""Pedestrians: articulated low-poly figures walking the walkways with a procedural gait.

A figure is ten rigid parts (torso, head, upper/lower arms, thighs, shins), each an instance whose
transform is an analytic function of time: the root follows a closed route along a walkway at a
constant speed, and every joint angle is a sinusoid of the walk phase. The renderer evaluates
transforms at ``t`` and ``t - dt``, so each limb's motion vectors are exact. All parts of one
figure share its instance id and CARLA's ``pedestrian`` tag (12). Only dynamic worlds get
pedestrians; their layout draws from a generator of their own, so the rest of a world does not
change when they are added.

Figure frame (metres): origin on the ground between the feet, +X forward (direction of walking),
+Y to the figure's left, +Z up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from gameir.scene import compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import meshes as M
from gameir.worlds.paths import Polyline
from gameir.worlds.world import WorldBuilder

__all__ = ["Walker", "PARTS", "PART_SIZES", "add_pedestrians", "part_pose", "walker_route"]

#: part name -> (size x, y, z) of its box in metres (the head is a sphere of radius size z / 2).
PART_SIZES: dict[str, tuple[float, float, float]] = {
    "torso": (0.22, 0.38, 0.56), "head": (0.22, 0.22, 0.24),
    "upper_arm_l": (0.1, 0.1, 0.3), "upper_arm_r": (0.1, 0.1, 0.3),
    "forearm_l": (0.09, 0.09, 0.3), "forearm_r": (0.09, 0.09, 0.3),
    "thigh_l": (0.15, 0.15, 0.45), "thigh_r": (0.15, 0.15, 0.45),
    "shin_l": (0.12, 0.12, 0.47), "shin_r": (0.12, 0.12, 0.47),
}
#: the parts of one figure, in draw order.
PARTS: tuple[str, ...] = tuple(PART_SIZES)

HIP_Z, SHOULDER_Z, HIP_Y, SHOULDER_Y = 0.92, 1.44, 0.1, 0.25
HIP_DEG, KNEE_DEG, SHOULDER_DEG, ELBOW_DEG, BOB_M = 24.0, 35.0, 20.0, 18.0, 0.025


@dataclass(frozen=True)
class Walker:
    """One pedestrian's route and gait.

    Attributes:
        route: closed polyline the root follows (figure +X along it).
        s0: arc length at t = 0, metres; speed: m/s along the route.
        offset: lateral offset from the route, metres (+ = the figure's left).
        stride: ground covered per gait cycle (two steps), metres.
        phase: gait phase at t = 0, radians.
        scale: uniform size factor of the figure.
    """

    route: Polyline
    s0: float
    speed: float
    offset: float
    stride: float
    phase: float
    scale: float = 1.0

    def gait_phase(self, t: float) -> float:
        """Walk phase in radians at time ``t`` seconds (2 pi per stride)."""
        return self.phase + 2.0 * np.pi * self.speed * t / self.stride


def _swing(angle_deg: float) -> np.ndarray:
    """Rotation about the figure's +Y axis that swings a limb hanging along -Z forward (+X) by
    ``angle_deg`` degrees."""
    return rotate((0.0, 1.0, 0.0), -angle_deg)


def root_pose(w: Walker, t: float) -> np.ndarray:
    """(4, 4) figure-to-world transform at ``t`` (route pose, lateral offset, vertical bob, scale)."""
    bob = BOB_M * np.cos(2.0 * w.gait_phase(t))
    return compose(w.route.pose(w.s0 + w.speed * t), translate(0.0, w.offset, bob - BOB_M),
                   np.diag([w.scale] * 3 + [1.0]))


def part_pose(w: Walker, part: str, t: float) -> np.ndarray:
    """(4, 4) object-to-world transform of ``part`` (a name of :data:`PARTS`) at time ``t`` seconds.

    Limb meshes hang from their joint (the object origin) along -Z. Joint angles: hips
    ``HIP_DEG * sin(phi)`` (right leg opposite), knees bend ``KNEE_DEG * (1 - cos(phi)) / 2`` behind,
    shoulders swing opposite to the hips, elbows bend forward by a constant plus a sinusoid.
    """
    phi = w.gait_phase(t)
    root = root_pose(w, t)
    if part == "torso":
        return compose(root, translate(0.0, 0.0, HIP_Z))
    if part == "head":
        return compose(root, translate(0.0, 0.0, SHOULDER_Z + 0.07))
    side = 1.0 if part.endswith("_l") else -1.0
    ph = phi if side > 0 else phi + np.pi
    if part.startswith(("thigh", "shin")):
        hip = compose(root, translate(0.0, side * HIP_Y, HIP_Z), _swing(HIP_DEG * np.sin(ph)))
        if part.startswith("thigh"):
            return hip
        knee = -KNEE_DEG * 0.5 * (1.0 - np.cos(ph + 0.6))
        return compose(hip, translate(0.0, 0.0, -PART_SIZES["thigh_l"][2]), _swing(knee))
    if part.startswith(("upper_arm", "forearm")):
        shoulder = compose(root, translate(0.0, side * SHOULDER_Y, SHOULDER_Z), _swing(-SHOULDER_DEG * np.sin(ph)))
        if part.startswith("upper_arm"):
            return shoulder
        elbow = ELBOW_DEG * (1.0 + 0.5 * np.sin(ph + np.pi))
        return compose(shoulder, translate(0.0, 0.0, -PART_SIZES["upper_arm_l"][2]), _swing(elbow))
    raise ValueError(f"part_pose: unknown part {part!r}; known: {', '.join(PARTS)}")


def part_mesh(part: str) -> M.Mesh:
    """Mesh of ``part`` in its joint frame: limbs hang along -Z from the origin, the torso stands on it."""
    sx, sy, sz = PART_SIZES[part]
    if part == "head":
        return M.sphere(sz / 2, 10, 6).transformed(np.diag([sx / sz, sy / sz, 1.0, 1.0]) @ translate(0, 0, sz / 2))
    if part == "torso":
        return M.box((sx, sy, sz), (0.0, 0.0, sz / 2))
    return M.box((sx, sy, sz), (0.0, 0.0, -sz / 2))


def walker_route(walkway: Polyline) -> Polyline:
    """Closed route along ``walkway``: loops as they are; an open path there and back again."""
    if walkway.closed:
        return walkway
    pts = walkway.points
    return Polyline(np.concatenate([pts, pts[-2:0:-1]]), closed=True)


def add_pedestrians(b: WorldBuilder, k: float, lateral_m: float, per_100m: float = 1.2) -> list[Walker]:
    """Add walking figures on every walkway of ``b`` (dynamic worlds only; static ones get none).

    Args:
        b: the world builder; figures use a generator seeded from its seed and family alone.
        k: object-count multiplier of the detail level.
        lateral_m: how far to the right of the walkway centre line figures walk, metres (keeps
            them off a walking camera on the centre line).
        per_100m: figures per 100 m of walkway at k = 1.

    Returns:
        The walkers added (also appended to ``b.pedestrians``, which becomes ``World.pedestrians``).
    """
    walkers: list[Walker] = []
    if not b.dynamic:
        return walkers
    rng = np.random.default_rng([b.seed, sum(map(ord, b.family)), S["pedestrian"]])
    lib = b.lib
    shirts = [lib.plain(f"shirt{i}", c, roughness=0.8) for i, c in enumerate(
        [(0.5, 0.05, 0.05), (0.05, 0.15, 0.45), (0.6, 0.6, 0.55), (0.1, 0.3, 0.12), (0.7, 0.45, 0.1)])]
    trousers = [lib.plain(f"trousers{i}", c, roughness=0.85) for i, c in enumerate(
        [(0.05, 0.05, 0.08), (0.12, 0.15, 0.3), (0.35, 0.28, 0.2)])]
    skins = [lib.plain(f"skin{i}", c, roughness=0.6) for i, c in enumerate(
        [(0.75, 0.55, 0.42), (0.45, 0.3, 0.2), (0.25, 0.15, 0.1)])]
    meshes = {p: b.mesh(f"ped_{p}", partial(part_mesh, p)) for p in PARTS}
    for walkway in b.walkways:
        route = walker_route(walkway)
        n = int(rng.poisson(per_100m * k * route.length / 100.0))
        speed = float(rng.uniform(1.1, 1.5))  # one speed per route: figures keep their spacing
        for s0 in (np.arange(n) + rng.uniform(0.0, 0.5, n)) * route.length / max(n, 1):
            w = Walker(route, float(s0), speed, -lateral_m, float(rng.uniform(1.3, 1.5)),
                       float(rng.uniform(0, 2 * np.pi)), float(rng.uniform(0.92, 1.08)))
            oid = b.new_id()
            dress = {"torso": shirts[int(rng.integers(len(shirts)))],
                     "legs": trousers[int(rng.integers(len(trousers)))], "skin": skins[int(rng.integers(len(skins)))]}
            for p in PARTS:
                mat = dress["skin"] if p in ("head", "forearm_l", "forearm_r") else \
                    dress["legs"] if p.startswith(("thigh", "shin")) else dress["torso"]
                b.add(meshes[p], mat, partial(part_pose, w, p), S["pedestrian"], oid, f"pedestrian:{p}", solid=False)
            walkers.append(w)
    b.pedestrians.extend(walkers)
    return walkers
