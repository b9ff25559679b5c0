"""Rain: falling drops as a deterministic function of seed, time and the viewer's position (numpy only).

Drops fill a box of side ``box_m`` centred on the camera. Each drop has a fixed position ``u`` in
a world-space lattice of that period (drawn once from ``seed``) and falls with ``velocity``; its
position at time ``t`` is wrapped into the box around the camera, so a drop is fixed in the world
(except for its fall) and the same (seed, t, camera position) always gives the same drops. A drop
is drawn as a streak: the segment it covers during ``streak_s`` seconds up to ``t`` (motion blur of
a game's rain particles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Rain", "rain_streaks"]


@dataclass
class Rain:
    """Rain particles of a scene (``Environment.rain``).

    Attributes:
        density: drops per cubic metre (> 0); hard rain ~ 1.5.
        velocity: (3,) fall velocity in m/s, world frame (+Z up; wind tilts it).
        streak_s: exposure time of a streak in seconds (streak length = speed x streak_s).
        width_m: streak width in metres (drawn at least one pixel wide, dimmed to keep its coverage).
        opacity: peak coverage of a streak in (0, 1].
        box_m: side of the box of drops around the camera, metres.
        seed: layout seed of the drops.
    """

    density: float = 1.5
    velocity: tuple[float, float, float] = (0.6, 0.3, -8.0)
    streak_s: float = 0.04
    width_m: float = 0.006
    opacity: float = 0.35
    box_m: float = 14.0
    seed: int = 0

    def __post_init__(self) -> None:
        v = np.asarray(self.velocity, np.float64)
        if v.shape != (3,) or not np.isfinite(v).all():
            raise ValueError(f"Rain: velocity must be 3 finite numbers in m/s, got {self.velocity!r}")
        self.velocity = tuple(float(x) for x in v)
        for name, lo, hi in (("density", 0.0, 50.0), ("streak_s", 0.0, 1.0), ("width_m", 0.0, 1.0),
                             ("opacity", 0.0, 1.0), ("box_m", 1.0, 200.0)):
            x = getattr(self, name)
            if not (isinstance(x, (int, float)) and math.isfinite(x) and lo < x <= hi):
                raise ValueError(f"Rain: {name} must be a number in ({lo}, {hi}], got {x!r}")
        if int(self.seed) != self.seed or self.seed < 0:
            raise ValueError(f"Rain: seed must be a non-negative integer, got {self.seed!r}")

    @property
    def count(self) -> int:
        """Number of drops in the box."""
        return int(round(self.density * self.box_m ** 3))


def rain_streaks(rain: Rain, t: float, center: np.ndarray) -> np.ndarray:
    """Streak segments of ``rain`` at time ``t`` seconds around ``center`` (the camera position).

    Args:
        rain: the rain parameters.
        t: scene time in seconds.
        center: (3,) world position in metres the box of drops is centred on.

    Returns:
        (N, 2, 3) float32: per drop, its head (position at ``t``) and tail (position at
        ``t - streak_s``), world metres; N = :attr:`Rain.count`.
    """
    c = np.asarray(center, np.float64).reshape(3)
    u = np.random.default_rng([int(rain.seed), 0x5241494E]).random((rain.count, 3))
    L = rain.box_m
    v = np.asarray(rain.velocity, np.float64)
    lo = c - L / 2
    head = lo + np.mod(u * L + v * t - lo, L)
    tail = head - v * rain.streak_s
    return np.stack([head, tail], axis=1).astype(np.float32)
