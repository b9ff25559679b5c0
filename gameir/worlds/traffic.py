"""Cars for the town: moving traffic on lane loops (with rolling wheels) and parked cars.

Every loop's cars share one speed and leave their largest gap free for a vehicle-mounted camera,
so nothing ever collides. ``dynamic=False`` worlds place the same cars at their t = 0 poses.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from gameir.scene import compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import meshes as M
from gameir.worlds.paths import Polyline
from gameir.worlds.world import WorldBuilder

__all__ = ["add_traffic", "CAR_DIMS"]

#: (length, width, height, wheel radius) in metres of the three car prototypes.
CAR_DIMS: tuple[tuple[float, float, float, float], ...] = ((4.4, 1.8, 1.45, 0.33), (3.7, 1.65, 1.5, 0.3),
                                                           (5.0, 2.0, 2.0, 0.36))


def _vehicle_pose(loop: Polyline, s0: float, speed: float, t: float) -> np.ndarray:
    return loop.pose(s0 + speed * t)


def _wheel_pose(loop: Polyline, s0: float, speed: float, centre: np.ndarray, radius: float, t: float) -> np.ndarray:
    """Wheel of a car driving ``loop``: carried by the car and rolling (angle = distance / radius)."""
    s = s0 + speed * t
    return compose(loop.pose(s), translate(*centre), rotate((0.0, 1.0, 0.0), np.degrees(s / radius)))


def add_traffic(b: WorldBuilder, k: float, lanes: list[Polyline], blocks: list[tuple[float, float, float, float]],
                park_w: float) -> list[tuple[float, float]]:
    """Add moving cars on ``lanes`` and parked cars beside ``blocks`` to builder ``b``.

    Args:
        b: the world builder (its rng, materials and ids are used).
        k: object-count multiplier of the detail level.
        lanes: closed lane loops (direction of travel), one per block.
        blocks: (x0, y0, x1, y1) block rectangles in metres; cars park ``park_w / 2`` outside them.
        park_w: parking strip width in metres.

    Returns:
        Per lane, ``(s0, speed)``: the arc length of its free slot and its traffic speed (m/s).
    """
    rng, lib = b.rng, b.lib
    paints = [lib.plain(f"car{i}", tuple(c), roughness=0.25, metallic=0.7) for i, c in enumerate(
        [(0.6, 0.02, 0.02), (0.02, 0.1, 0.5), (0.8, 0.8, 0.8), (0.03, 0.03, 0.03), (0.1, 0.35, 0.1),
         (0.7, 0.5, 0.05)])]
    glass = lib.plain("car_glass", (0.02, 0.02, 0.03), roughness=0.05)
    rubber = lib.plain("rubber", (0.02, 0.02, 0.02), roughness=0.9)
    head = b.glow(lib.plain("headlight", (0.9, 0.9, 0.9), roughness=0.2), (1.0, 0.95, 0.8), 0.0, 6.0)
    tail = b.glow(lib.plain("taillight", (0.5, 0.02, 0.02), roughness=0.2), (1.0, 0.02, 0.02), 0.2, 3.0)
    protos = [M.vehicle(*d) for d in CAR_DIMS]

    def add_car(tf, kind: int, lane: tuple[Polyline, float, float] | None = None) -> None:
        """A car at ``tf``; on a lane loop (loop, s0, speed) its wheels are separate and roll."""
        oid = b.new_id()
        parts = protos[kind]
        paint = paints[int(rng.integers(len(paints)))]
        for part, mat in (("body", paint), ("glass", glass), ("lights_front", head), ("lights_rear", tail)):
            b.add(b.mesh(f"car{kind}_{part}", lambda p=parts[part]: p), mat, tf, S["car"], oid, f"car:{part}",
                  solid=part == "body")
        if lane is None:
            b.add(b.mesh(f"car{kind}_wheels", lambda p=parts["wheels"]: p), rubber, tf, S["car"], oid,
                  "car:wheels", solid=False)
            return
        length, width, _, r = CAR_DIMS[kind]
        wheel = b.mesh(f"wheel{kind}", lambda r=r: M.wheel(r))
        for c in M.wheel_centres(length, width, r):
            wtf = partial(_wheel_pose, lane[0], lane[1], lane[2], c, r) if b.dynamic else \
                _wheel_pose(lane[0], lane[1], lane[2], c, r, 0.0)
            b.add(wheel, rubber, wtf, S["car"], oid, "car:wheel", solid=False)

    slots_out = []
    for loop in lanes:
        speed = rng.uniform(6.0, 11.0)
        n = int(rng.integers(1, 4) * k)
        slots = np.sort(rng.uniform(0, loop.length, n + 1))
        for s0 in slots[:-1]:
            tf = partial(_vehicle_pose, loop, float(s0), speed) if b.dynamic else loop.pose(float(s0))
            add_car(tf, int(rng.integers(3)), (loop, float(s0), speed))
        # the last slot is where a vehicle-mounted camera drives
        slots_out.append((float(slots[-1]), float(speed)))
    for (x0, y0, x1, y1) in blocks:  # parked cars along the parking strips
        for _ in range(int(rng.integers(1, 4) * k)):
            side = int(rng.integers(4))
            if side in (0, 2):
                x = rng.uniform(x0 + 8, x1 - 8)
                y = y0 - park_w / 2 if side == 0 else y1 + park_w / 2
                heading = 0.0 if side == 2 else 180.0
            else:
                y = rng.uniform(y0 + 8, y1 - 8)
                x = x1 + park_w / 2 if side == 1 else x0 - park_w / 2
                heading = 90.0 if side == 1 else 270.0
            add_car(compose(translate(x, y, 0.0), rotate((0.0, 0.0, 1.0), heading)), int(rng.integers(2)))
    return slots_out
