"""Camera paths through worlds (vehicle, walk, orbit, fly-through) and multi-view rigs for NVS.

Poses are ``c2w`` (4, 4) float64 in OpenGL axes (+X right, +Y up, looking along -Z), world +Z up,
metres; intrinsics ``K`` use the pixel-corner convention (see docs/FORMAT.md). Every path is
sampled at ``fps`` and is checked against the world's static obstacle boxes: a camera never
starts (or passes) inside geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.scene import Camera, intrinsics_from_fov, look_at
from gameir.worlds.paths import Polyline, catmull_rom
from gameir.worlds.world import World

__all__ = ["CameraPath", "MultiViewRig", "vehicle_path", "walk_path", "orbit_path", "fly_path",
           "multiview_rig", "rig_around", "rig_along_path", "PATH_KINDS", "make_path"]

#: Path kinds accepted by :func:`make_path`.
PATH_KINDS: tuple[str, ...] = ("vehicle", "walk", "orbit", "fly")


@dataclass
class CameraPath:
    """A timed camera trajectory.

    Attributes:
        c2w: (F, 4, 4) float64 poses, OpenGL axes.
        times_s: (F,) float64 scene times in seconds (frame i at i / fps, plus ``t0``).
        K: (3, 3) float64 intrinsics at ``width`` x ``height`` (pixel-corner convention).
        width, height: image size in pixels; fps: frame rate; kind: path kind.
        near: near clip distance in metres that the collision check guarantees clearance for.
    """

    c2w: np.ndarray
    times_s: np.ndarray
    K: np.ndarray
    width: int
    height: int
    fps: float
    kind: str
    near: float = 0.1

    def __len__(self) -> int:
        return int(len(self.c2w))

    def camera(self, i: int) -> Camera:
        """:class:`gameir.scene.Camera` of frame ``i``."""
        if not 0 <= i < len(self):
            raise ValueError(f"frame index {i} out of range for a {len(self)}-frame path")
        return Camera(self.width, self.height, self.c2w[i].copy(), np.array(self.K), near=self.near)


@dataclass
class MultiViewRig:
    """Synchronised cameras: V views per frame with known intrinsics and poses.

    Attributes:
        c2w: (F, V, 4, 4) float64 poses (OpenGL axes); frame f of every view is at ``times_s[f]``.
        times_s: (F,) float64; K: (3, 3) shared intrinsics; width, height: pixels; layout: name.
    """

    c2w: np.ndarray
    times_s: np.ndarray
    K: np.ndarray
    width: int
    height: int
    layout: str
    near: float = 0.1

    @property
    def n_views(self) -> int:
        return int(self.c2w.shape[1])

    def camera(self, frame: int, view: int) -> Camera:
        """:class:`gameir.scene.Camera` of ``view`` at ``frame``."""
        return Camera(self.width, self.height, self.c2w[frame, view].copy(), np.array(self.K), near=self.near)


def _check_clear(world: World, eyes: np.ndarray, what: str, margin: float) -> None:
    clear = world.clearance(eyes)
    bad = np.flatnonzero(clear < margin)
    if bad.size:
        raise ValueError(f"{what}: camera {int(bad[0])} at {np.round(eyes[bad[0]], 2).tolist()} is inside or "
                         f"within {margin} m of geometry (clearance {clear[bad[0]]:.2f} m)")


def _frames(n_frames: int, fps: float) -> np.ndarray:
    if n_frames < 1 or not fps > 0:
        raise ValueError(f"need n_frames >= 1 and fps > 0, got {n_frames}, {fps}")
    return np.arange(n_frames) / float(fps)


def _smooth_loop(line: Polyline, spacing: float = 2.0) -> Polyline:
    n = max(8, int(line.length / spacing))
    pts = line.position(np.linspace(0, line.length, n, endpoint=not line.closed))
    return Polyline(catmull_rom(pts, 4, closed=line.closed), closed=line.closed)


def vehicle_path(world: World, n_frames: int, fps: float = 20.0, width: int = 960, height: int = 720,
                 fov_y_deg: float = 60.0, lane: int | None = None, mount_height_m: float = 1.6,
                 t0: float = 0.0, rng: np.random.Generator | None = None) -> CameraPath:
    """Dash camera on a vehicle driving a lane loop (the release's capture style).

    The car takes the free slot of the lane's traffic and its speed (so it never hits another
    car); it looks 12 m ahead along the smoothed lane, so turns are smooth.
    """
    if not world.lanes:
        raise ValueError(f"world {world.family}-{world.seed} has no lanes for a vehicle camera")
    rng = rng or np.random.default_rng(world.seed)
    i = int(rng.integers(len(world.lanes))) if lane is None else int(lane)
    if not 0 <= i < len(world.lanes):
        raise ValueError(f"lane {lane} out of range: world has {len(world.lanes)} lanes")
    slots = world.metadata.get("camera_slots") or [(0.0, 8.0)] * len(world.lanes)
    s0, speed = slots[i]
    if not world.dynamic:
        speed = float(speed)
    loop = _smooth_loop(world.lanes[i])
    times = t0 + _frames(n_frames, fps)
    s = s0 + speed * times
    up = np.array([0.0, 0.0, 1.0])
    eyes = loop.position(s) + up * mount_height_m
    targets = loop.position(s + 12.0) + up * (mount_height_m - 0.3)
    c2w = np.stack([look_at(e, t) for e, t in zip(eyes, targets)])
    _check_clear(world, eyes, "vehicle_path", 0.3)
    return CameraPath(c2w, times, intrinsics_from_fov(width, height, fov_y_deg), width, height, fps, "vehicle")


def walk_path(world: World, n_frames: int, fps: float = 20.0, width: int = 960, height: int = 720,
              fov_y_deg: float = 70.0, speed_m_s: float = 1.4, eye_height_m: float = 1.7, t0: float = 0.0,
              rng: np.random.Generator | None = None) -> CameraPath:
    """Pedestrian walking a walkway with a slight head bob (2 steps per second, 2 cm)."""
    if not world.walkways:
        raise ValueError(f"world {world.family}-{world.seed} has no walkways for a walking camera")
    rng = rng or np.random.default_rng(world.seed + 1)
    line = _smooth_loop(world.walkways[int(rng.integers(len(world.walkways)))], 1.0)
    times = t0 + _frames(n_frames, fps)
    span = speed_m_s * (times[-1] - t0) + 6.0
    start = float(rng.uniform(0, line.length if line.closed else max(line.length - span, 0.0)))
    s = start + speed_m_s * (times - t0)
    bob = 0.02 * np.sin(2 * np.pi * 2.0 * times)
    up = np.array([0.0, 0.0, 1.0])
    eyes = line.position(s) + up * (eye_height_m + bob)[:, None]
    targets = line.position(s + 3.0) + up * (eye_height_m - 0.15)
    c2w = np.stack([look_at(e, t) for e, t in zip(eyes, targets)])
    _check_clear(world, eyes, "walk_path", 0.2)
    return CameraPath(c2w, times, intrinsics_from_fov(width, height, fov_y_deg), width, height, fps, "walk")


def _lift_until_clear(world: World, eye: np.ndarray, margin: float, step: float = 1.0, max_up: float = 80.0) -> np.ndarray:
    e = np.array(eye, np.float64)
    while world.clearance(e[None])[0] < margin and e[2] + step <= eye[2] + max_up:
        e[2] += step
    return e


def orbit_path(world: World, n_frames: int, fps: float = 20.0, width: int = 960, height: int = 720,
               fov_y_deg: float = 60.0, radius_m: float | None = None, height_m: float | None = None,
               turns: float = 0.25, target: np.ndarray | None = None, t0: float = 0.0) -> CameraPath:
    """Circle around ``target`` (default: the world's focus), raised where a building is in the way.

    Radius and height default to the world's ``metadata["orbit_radius_m"]`` / ``["orbit_height_m"]``
    (18 m / 6 m outdoors); the lift is limited to ``metadata["max_lift_m"]`` (interiors: 0, so an
    orbit never pokes through a ceiling; it raises ValueError instead).
    """
    tgt = np.asarray(world.focus if target is None else target, np.float64)
    radius_m = float(world.metadata.get("orbit_radius_m", 18.0) if radius_m is None else radius_m)
    height_m = float(world.metadata.get("orbit_height_m", 6.0) if height_m is None else height_m)
    max_lift = float(world.metadata.get("max_lift_m", 80.0))
    times = t0 + _frames(n_frames, fps)
    a = 2 * np.pi * turns * (np.arange(n_frames) / max(n_frames - 1, 1))
    eyes = np.stack([tgt[0] + radius_m * np.cos(a), tgt[1] + radius_m * np.sin(a), np.full(n_frames, tgt[2] + height_m)], -1)
    lift = max(_lift_until_clear(world, e, 0.5, max_up=max_lift)[2] for e in eyes) - eyes[0, 2]
    eyes[:, 2] += lift
    c2w = np.stack([look_at(e, tgt) for e in eyes])
    _check_clear(world, eyes, "orbit_path", 0.3)
    return CameraPath(c2w, times, intrinsics_from_fov(width, height, fov_y_deg), width, height, fps, "orbit")


def fly_path(world: World, n_frames: int, fps: float = 20.0, width: int = 960, height: int = 720,
             fov_y_deg: float = 60.0, speed_m_s: float | None = None, t0: float = 0.0,
             rng: np.random.Generator | None = None) -> CameraPath:
    """Fly-through: a Catmull-Rom spline through random free waypoints, looking along the motion.

    Waypoints are drawn inside the world's extent between ``metadata["fly_floor_m"]`` (2.5) and
    ``metadata["fly_ceiling_m"]`` (12) above the ground and rejected unless 2 m clear of every
    obstacle (1 m for interiors); the sampled spline is re-checked (0.5 m) and redrawn if it clips
    geometry. The spline gets as many waypoints as the clip's length needs, so the camera never
    stops; ``speed_m_s`` defaults to ``metadata["fly_speed_m_s"]`` (6 m/s outdoors).
    """
    rng = rng or np.random.default_rng(world.seed + 2)
    speed_m_s = float(world.metadata.get("fly_speed_m_s", 6.0) if speed_m_s is None else speed_m_s)
    need = speed_m_s * (n_frames - 1) / float(fps) + 6.0
    (x0, y0), (x1, y1) = world.extent
    zmin = float(world.metadata.get("fly_floor_m", 2.5))
    zmax = float(world.metadata.get("fly_ceiling_m", 12.0))
    clear = float(world.metadata.get("fly_clearance_m", 2.0))
    times = t0 + _frames(n_frames, fps)
    for _attempt in range(50):
        f = world.focus
        pts = [np.array([f[0], f[1], world.ground_height(f[None, :2])[0] + zmin])]
        total = 0.0
        for _ in range(2000):
            if len(pts) >= 4 and total > need * 1.2:
                break
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            p = np.array([x, y, world.ground_height(np.array([[x, y]]))[0] + rng.uniform(zmin, zmax)])
            d = np.linalg.norm(p - pts[-1])
            if world.clearance(p[None])[0] > clear and 4.0 < d < 40.0:
                seg = pts[-1] + (p - pts[-1]) * np.linspace(0, 1, 20)[:, None]
                if world.clearance(seg).min() > clear / 2:
                    pts.append(p)
                    total += d
        if len(pts) < 4 or total <= need * 1.2:
            continue
        line = Polyline(catmull_rom(np.stack(pts), 16))
        if line.length < need:
            continue
        s = np.minimum(speed_m_s * (times - t0), line.length - 2.0)
        eyes = line.position(s)
        if world.clearance(line.position(np.linspace(0, line.length, 400))).min() < min(0.5, clear / 2):
            continue
        targets = line.position(s + 2.0)
        targets[np.linalg.norm(targets - eyes, axis=1) < 1e-6] += [1.0, 0, 0]
        c2w = np.stack([look_at(e, t) for e, t in zip(eyes, targets)])
        return CameraPath(c2w, times, intrinsics_from_fov(width, height, fov_y_deg), width, height, fps, "fly")
    raise ValueError(f"fly_path: no collision-free fly-through found in world {world.family}-{world.seed}")


def make_path(world: World, kind: str, n_frames: int, **kwargs) -> CameraPath:
    """Dispatch to ``vehicle_path`` / ``walk_path`` / ``orbit_path`` / ``fly_path`` by ``kind``."""
    funcs = {"vehicle": vehicle_path, "walk": walk_path, "orbit": orbit_path, "fly": fly_path}
    if kind not in funcs:
        raise ValueError(f"unknown camera path kind {kind!r}; known: {', '.join(PATH_KINDS)}")
    return funcs[kind](world, n_frames, **kwargs)


def multiview_rig(target: np.ndarray, n_views: int = 6, layout: str = "arc", radius_m: float = 8.0,
                  height_m: float = 1.5, arc_deg: float = 90.0, spacing_m: float = 0.5,
                  heading_deg: float = 0.0) -> np.ndarray:
    """Poses of ``n_views`` cameras around or in front of ``target``.

    Args:
        target: (3,) world point the views look at (arc, ring) or the array centre's look-at point
            (forward).
        layout: ``"arc"`` (``arc_deg`` wide, centred on ``heading_deg``), ``"ring"`` (full circle) or
            ``"forward"`` (a horizontal row ``spacing_m`` apart, all looking along the same axis
            towards ``target`` from ``radius_m`` away: LLFF-style forward-facing capture).
        heading_deg: direction from the target to the rig centre, degrees from +X.

    Returns:
        (n_views, 4, 4) float64 c2w (OpenGL axes).
    """
    if n_views < 1:
        raise ValueError(f"n_views must be >= 1, got {n_views}")
    tgt = np.asarray(target, np.float64)
    h = np.radians(heading_deg)
    if layout in ("arc", "ring"):
        span = 2 * np.pi if layout == "ring" else np.radians(arc_deg)
        if layout == "ring":
            a = h + span * np.arange(n_views) / n_views
        else:
            a = h + (np.linspace(-0.5, 0.5, n_views) * span if n_views > 1 else np.zeros(1))
        eyes = np.stack([tgt[0] + radius_m * np.cos(a), tgt[1] + radius_m * np.sin(a),
                         np.full(n_views, tgt[2] + height_m)], -1)
        return np.stack([look_at(e, tgt) for e in eyes])
    if layout == "forward":
        back = np.array([np.cos(h), np.sin(h), 0.0])
        right = np.array([np.sin(h), -np.cos(h), 0.0])
        centre = tgt + back * radius_m + np.array([0, 0, height_m])
        offs = (np.arange(n_views) - (n_views - 1) / 2) * spacing_m
        out = []
        for o in offs:
            c2w = look_at(centre, tgt)
            c2w[:3, 3] = centre + right * o
            out.append(c2w)
        return np.stack(out)
    raise ValueError(f"rig layout must be one of 'arc', 'ring', 'forward', got {layout!r}")


def rig_around(world: World, n_frames: int, fps: float = 20.0, width: int = 960, height: int = 720,
               fov_y_deg: float = 60.0, n_views: int = 6, layout: str = "arc", radius_m: float = 10.0,
               height_m: float = 2.0, target: np.ndarray | None = None, t0: float = 0.0,
               **rig_kwargs) -> MultiViewRig:
    """A fixed rig around ``target`` (default the world focus) recording ``n_frames`` synchronised frames.

    Views that would sit inside geometry are lifted until 0.5 m clear (at most
    ``metadata["max_lift_m"]``). Worlds that set ``metadata["max_rig_radius_m"]`` /
    ``["max_rig_height_m"]`` (interiors: rooms are 6 m wide, 4 m high) clamp the radius and height
    to those values so every view stays in the focus room.
    """
    tgt = np.asarray(world.focus if target is None else target, np.float64)
    radius_m = min(radius_m, float(world.metadata.get("max_rig_radius_m", np.inf)))
    height_m = min(height_m, float(world.metadata.get("max_rig_height_m", np.inf)))
    max_lift = float(world.metadata.get("max_lift_m", 80.0))
    poses = multiview_rig(tgt, n_views, layout, radius_m, height_m, **rig_kwargs)
    for v in range(len(poses)):
        if world.clearance(poses[v, :3, 3][None])[0] < 0.5:
            eye = _lift_until_clear(world, poses[v, :3, 3], 0.5, max_up=max_lift)
            poses[v] = look_at(eye, tgt) if layout != "forward" else np.concatenate(
                [poses[v, :, :3], np.append(eye, 1.0)[:, None]], 1)
    times = t0 + _frames(n_frames, fps)
    c2w = np.broadcast_to(poses[None], (n_frames,) + poses.shape).copy()
    _check_clear(world, c2w[0, :, :3, 3], "rig_around", 0.3)
    return MultiViewRig(c2w, times, intrinsics_from_fov(width, height, fov_y_deg), width, height, layout)


def rig_along_path(path: CameraPath, n_views: int = 6, spacing_m: float = 0.4, world: World | None = None) -> MultiViewRig:
    """A forward-facing camera array carried along ``path``: view v is offset along the camera's +X.

    Args:
        path: the rig centre's trajectory.
        spacing_m: distance between neighbouring views.
        world: if given, every view position is checked for collisions.
    """
    offs = (np.arange(n_views) - (n_views - 1) / 2) * spacing_m
    c2w = np.repeat(path.c2w[:, None], n_views, axis=1).copy()
    c2w[:, :, :3, 3] += offs[None, :, None] * path.c2w[:, None, :3, 0]
    if world is not None:
        _check_clear(world, c2w[:, :, :3, 3].reshape(-1, 3), "rig_along_path", 0.2)
    return MultiViewRig(c2w, path.times_s.copy(), path.K.copy(), path.width, path.height, "forward-path")
