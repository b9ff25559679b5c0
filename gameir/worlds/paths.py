"""Arc-length parametrised polylines and Catmull-Rom smoothing (lanes, walkways, camera tracks)."""

from __future__ import annotations

import numpy as np

__all__ = ["Polyline", "catmull_rom", "rounded_rectangle"]


class Polyline:
    """A 3-D polyline sampled by arc length, open or closed (a loop).

    Args:
        points: (P >= 2, 3) vertices in metres (world frame).
        closed: whether the last point connects back to the first.
    """

    def __init__(self, points: np.ndarray, closed: bool = False) -> None:
        pts = np.asarray(points, np.float64)
        if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < 2:
            raise ValueError(f"Polyline: points must be (P >= 2, 3), got {pts.shape}")
        self.points = pts
        self.closed = bool(closed)
        seg_pts = np.concatenate([pts, pts[:1]]) if closed else pts
        seg = np.linalg.norm(np.diff(seg_pts, axis=0), axis=1)
        self._verts = seg_pts
        self._cum = np.concatenate([[0.0], np.cumsum(seg)])

    @property
    def length(self) -> float:
        """Total length in metres."""
        return float(self._cum[-1])

    def _wrap(self, s: np.ndarray) -> np.ndarray:
        return np.mod(s, self.length) if self.closed else np.clip(s, 0.0, self.length)

    def position(self, s: float | np.ndarray) -> np.ndarray:
        """Point(s) at arc length ``s`` metres: (3,) or (..., 3) float64; loops wrap, open paths clamp."""
        s = self._wrap(np.asarray(s, np.float64))
        out = np.stack([np.interp(s, self._cum, self._verts[:, k]) for k in range(3)], axis=-1)
        return out

    def tangent(self, s: float | np.ndarray, ds: float = 0.5) -> np.ndarray:
        """Unit direction of travel at ``s`` (central difference over ``ds`` metres); (3,) or (..., 3)."""
        s = np.asarray(s, np.float64)
        d = self.position(s + ds) - self.position(s - ds)
        return d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-12)

    def pose(self, s: float, up: tuple[float, float, float] = (0.0, 0.0, 1.0)) -> np.ndarray:
        """(4, 4) object-to-world frame at ``s``: +X along the path, +Z up, +Y to the left."""
        x = self.tangent(s)
        z = np.asarray(up, np.float64)
        y = np.cross(z, x)
        y /= max(np.linalg.norm(y), 1e-12)
        z = np.cross(x, y)
        m = np.eye(4)
        m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = x, y, z, self.position(s)
        return m


def catmull_rom(points: np.ndarray, samples_per_segment: int = 8, closed: bool = False) -> np.ndarray:
    """Centripetal-free (uniform) Catmull-Rom spline through ``points``; (K, 3) float64 samples.

    The curve passes through every input point, with C1-continuous tangents, which keeps camera
    motion smooth when the samples are re-timed by arc length.
    """
    p = np.asarray(points, np.float64)
    if p.ndim != 2 or len(p) < 2:
        raise ValueError(f"catmull_rom: points must be (P >= 2, D), got {p.shape}")
    ext = np.concatenate([p[-1:], p, p[:2]]) if closed else np.concatenate([2 * p[:1] - p[1:2], p, 2 * p[-1:] - p[-2:-1]])
    n_seg = len(p) if closed else len(p) - 1
    t = np.linspace(0, 1, samples_per_segment, endpoint=False)[:, None]
    out = []
    for i in range(n_seg):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    if not closed:
        out.append(p[-1:])
    return np.concatenate(out)


def rounded_rectangle(x0: float, y0: float, x1: float, y1: float, radius: float, z: float = 0.0,
                      clockwise: bool = True, arc_points: int = 6) -> np.ndarray:
    """(P, 3) closed loop around the rectangle [x0, x1] x [y0, y1] with rounded corners.

    ``clockwise`` seen from above (+Z): right-hand traffic circling a block keeps the block on its
    right.
    """
    r = min(radius, (x1 - x0) / 2, (y1 - y0) / 2)
    corners = [(x1 - r, y1 - r, 0.0), (x0 + r, y1 - r, 90.0), (x0 + r, y0 + r, 180.0), (x1 - r, y0 + r, 270.0)]
    pts = []
    for cx, cy, a0 in corners:  # counter-clockwise
        a = np.radians(a0 + np.linspace(0, 90, arc_points))
        pts.append(np.stack([cx + r * np.cos(a), cy + r * np.sin(a), np.full_like(a, z)], -1))
    loop = np.concatenate(pts)
    return loop[::-1].copy() if clockwise else loop
