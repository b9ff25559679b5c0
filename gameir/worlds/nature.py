"""`nature` family: fractal terrain with a lake, a dirt path, grass cards, trees, bushes and rocks.

The terrain is a heightfield (metres, +Z up) over a square; a water plane fills the low ground;
a path winds across dry land and is flattened into the terrain. Grass and tree crowns sway and
logs drift on the lake when the world is dynamic.
"""

from __future__ import annotations

from functools import partial

import cv2
import numpy as np

from gameir.scene import compose, rotate, translate, uv_from_surface
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import meshes as M
from gameir.worlds.dressing import dress_nature, dressing_density
from gameir.worlds.paths import Polyline, catmull_rom
from gameir.worlds.pedestrians import add_pedestrians
from gameir.worlds.textures import fbm
from gameir.worlds.world import World, WorldBuilder

__all__ = ["build_nature"]

SIZE_M = 160.0


def _sway(base: np.ndarray, amp_deg: float, freq: float, phase: float, t: float) -> np.ndarray:
    return compose(base, rotate((1.0, 0.4, 0.0), amp_deg * np.sin(2 * np.pi * freq * t + phase)))


def _drift(start: np.ndarray, velocity: np.ndarray, yaw_deg: float, spin: float, t: float) -> np.ndarray:
    p = start + velocity * t
    return compose(translate(*p), rotate((0.0, 0.0, 1.0), yaw_deg + spin * t))


def _conifer(rng: np.random.Generator, height: float) -> dict[str, M.Mesh]:
    trunk = M.cylinder(height * 0.03, height * 0.5, 8, caps=False, radius_top=height * 0.015)
    tiers = []
    for k in range(3):
        r = height * (0.28 - 0.07 * k)
        c = M.cone(r, height * 0.45, 10, uv_scale=1.0).transformed(translate(0, 0, height * (0.25 + 0.22 * k)))
        tiers.append(c)
    return {"trunk": trunk, "crown": M.merge_meshes(tiers)}


def build_nature(b: WorldBuilder, k: float) -> World:
    """Generate a nature scene into builder ``b`` (object-count multiplier ``k``); return the World."""
    rng, lib = b.rng, b.lib
    n = 65 if k < 1 else 97
    field = fbm(rng, 128, 2, 5)
    h = cv2.resize(field, (n, n), interpolation=cv2.INTER_AREA).astype(np.float64)
    yy, xx = np.mgrid[0:n, 0:n] / (n - 1)
    tilt = rng.uniform(-1, 1, 2)
    h = 9.0 * (h - h.mean()) + 4.0 * (tilt[0] * (xx - 0.5) + tilt[1] * (yy - 0.5))
    water_z = float(np.quantile(h, rng.uniform(0.12, 0.25)))
    origin = np.array([0.0, 0.0])
    size = np.array([SIZE_M, SIZE_M])

    # path: a smooth curve across the square through random dry points; flatten terrain along it
    ctrl = [np.array([rng.uniform(20, 40), rng.uniform(20, 140)])]
    for i in range(1, 6):
        ctrl.append(np.array([20 + i * 24 + rng.uniform(-6, 6), np.clip(ctrl[-1][1] + rng.uniform(-30, 30), 20, 140)]))
    xy = catmull_rom(np.stack(ctrl), 24)
    gx = np.linspace(0, SIZE_M, n)

    def grid_height(pts: np.ndarray) -> np.ndarray:
        fx, fy = pts[:, 0] / SIZE_M * (n - 1), pts[:, 1] / SIZE_M * (n - 1)
        return cv2.remap(h.astype(np.float32), fx.astype(np.float32)[None], fy.astype(np.float32)[None],
                         cv2.INTER_LINEAR)[0].astype(np.float64)

    pz = np.maximum(grid_height(xy), water_z + 0.6)
    pz = np.convolve(np.pad(pz, 6, mode="edge"), np.ones(13) / 13, mode="valid")
    X, Y = np.meshgrid(gx, gx)
    d = np.full(h.shape, np.inf)
    near_z = np.zeros(h.shape)
    for p, z in zip(xy, pz):
        dd = np.hypot(X - p[0], Y - p[1])
        closer = dd < d
        d = np.where(closer, dd, d)
        near_z = np.where(closer, z, near_z)
    wgt = np.clip(1.0 - (d - 2.0) / 5.0, 0.0, 1.0)
    h = h * (1 - wgt) + near_z * wgt
    terrain = (origin, size, h)

    ground = lib.textured("lawn")
    b.wettable(ground)
    b.add(M.heightfield(h, tuple(size), tuple(origin), 4.0).named("terrain"), ground, np.eye(4),
          S["terrain"], b.new_id(), "terrain", solid=False)
    water = lib.textured("water", normal_strength=0.4)
    b.add(M.quad([-40, -40, water_z], [SIZE_M + 80, 0, 0], [0, SIZE_M + 80, 0], 8.0).named("water"), water,
          np.eye(4), S["water"], b.new_id(), "water", solid=False)
    dirt = b.wettable(lib.textured("dirt"))
    # path ribbon draped 4 cm above the terrain
    tang = np.gradient(xy, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    side = np.stack([-tang[:, 1], tang[:, 0]], -1)
    half = 1.2
    left, right = xy + side * half, xy - side * half
    world_tmp = World(b.scene, "nature", b.seed, "none", b.dynamic, b.detail, np.zeros((0, 2, 3)), [], [],
                      np.zeros(3), np.zeros((2, 2)), terrain=terrain)
    zl, zr = world_tmp.ground_height(left) + 0.04, world_tmp.ground_height(right) + 0.04
    P = np.concatenate([np.column_stack([right, zr]), np.column_stack([left, zl])])
    L = len(xy)
    s = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))])
    uv = np.concatenate([np.column_stack([np.zeros(L), s / 2.4]), np.column_stack([np.ones(L), s / 2.4])])
    i = np.arange(L - 1)
    idx = np.concatenate([np.stack([i, i + 1, L + i + 1], -1), np.stack([i, L + i + 1, L + i], -1)])
    b.add(M.Mesh(P, idx, np.tile([0, 0, 1.0], (2 * L, 1)), uv_from_surface(uv), name="path"), dirt, np.eye(4), S["ground"],
          b.new_id(), "path", solid=False)
    path_line = Polyline(np.column_stack([xy, world_tmp.ground_height(xy)]))
    b.walkways.append(path_line)

    def free_spot(min_path: float) -> np.ndarray | None:
        for _ in range(20):
            p = rng.uniform(5, SIZE_M - 5, 2)
            z = world_tmp.ground_height(p[None])[0]
            if z > water_z + 0.3 and np.min(np.hypot(*(xy - p).T)) > min_path:
                return np.array([p[0], p[1], z])
        return None

    bark, leaves = lib.textured("bark"), [lib.textured("leaves", j, two_sided=True) for j in range(2)]
    needles = lib.textured("leaves", 5, two_sided=True)
    for _ in range(int(45 * k)):
        p = free_spot(3.0)
        if p is None:
            continue
        proto = int(rng.integers(4))
        if proto < 3:
            parts = b.mesh(f"tree{proto}_trunk", lambda proto=proto: M.tree(np.random.default_rng(proto), 9.0)["trunk"])
            crown = b.mesh(f"tree{proto}_crown", lambda proto=proto: M.tree(np.random.default_rng(proto), 9.0)["crown"])
            cmat = leaves[proto % 2]
        else:
            parts = b.mesh("conifer_trunk", lambda: _conifer(rng, 12.0)["trunk"])
            crown = b.mesh("conifer_crown", lambda: _conifer(rng, 12.0)["crown"])
            cmat = needles
        sc = rng.uniform(0.7, 1.3)
        base = compose(translate(*(p - [0, 0, 0.2])), rotate((0, 0, 1), rng.uniform(0, 360)), np.diag([sc, sc, sc, 1]))
        oid = b.new_id()
        b.add(parts, bark, base, S["vegetation"], oid, "tree:trunk")
        sway = (rng.uniform(0.8, 2.0), rng.uniform(0.2, 0.5), rng.uniform(0, 6.3))  # drawn in both variants
        tf = partial(_sway, base, *sway) if b.dynamic else base
        b.add(crown, cmat, tf, S["vegetation"], oid, "tree:crown", solid=False)
    grass = lib.textured("grass", two_sided=True)
    gid = b.new_id()  # one id for the whole grass cover (stuff, not things)
    card = b.mesh("grass_card", lambda: M.foliage_card(1.4, 0.7, 2))
    bush = b.mesh("bush_card", lambda: M.foliage_card(2.0, 1.6, 3))
    for j in range(int(500 * k)):
        p = free_spot(1.5)
        if p is None:
            continue
        sc = rng.uniform(0.6, 1.4)
        base = compose(translate(*(p - [0, 0, 0.05])), rotate((0, 0, 1), rng.uniform(0, 360)), np.diag([sc, sc, sc, 1]))
        if j % 12 == 0:
            b.add(bush, leaves[j % 2], base, S["vegetation"], b.new_id(), "bush", solid=False)
        else:
            sway = (4.0, rng.uniform(0.5, 1.0), rng.uniform(0, 6.3))
            tf = partial(_sway, base, *sway) if b.dynamic else base
            b.add(card, grass, tf, S["vegetation"], gid, "grass", solid=False)
    stone = lib.textured("concrete", 9, slabs=1)
    for j in range(int(18 * k)):
        p = free_spot(2.0)
        if p is None:
            continue
        proto = j % 3
        r = b.mesh(f"rock{proto}", lambda proto=proto: M.rock(np.random.default_rng(100 + proto), 1.0))
        sc = rng.uniform(0.4, 2.0)
        b.add(r, stone, compose(translate(*p), rotate((0, 0, 1), rng.uniform(0, 360)), np.diag([sc, sc, sc, 1])),
              S["terrain"], b.new_id(), "rock")
    # drifting logs on the lake (object motion in a nature scene)
    wood = lib.textured("bark", 1)
    wet_cells = np.argwhere(h < water_z - 0.5)
    for _ in range(int(3 * k) + 1 if len(wet_cells) else 0):
        r0, c0 = wet_cells[int(rng.integers(len(wet_cells)))]
        start = np.array([gx[c0], gx[r0], water_z - 0.1])
        vel = np.append(rng.normal(0, 0.4, 2), 0.0)
        yaw = rng.uniform(0, 360)
        spin = rng.uniform(-5, 5)
        tf = partial(_drift, start, vel, yaw, spin) if b.dynamic else _drift(start, vel, yaw, spin, 0.0)
        log = b.mesh("log", lambda: M.cylinder(0.25, 3.0, 10).transformed(compose(rotate((0, 1, 0), 90.0), translate(0, 0, -1.5))))
        b.add(log, wood, tf, S["dynamic"], b.new_id(), "log", solid=False)
    dress_nature(b, dressing_density(b.detail), world_tmp.ground_height, xy, water_z, SIZE_M)
    add_pedestrians(b, k, lateral_m=0.6, per_100m=1.5)  # dynamic worlds only
    mid = path_line.position(path_line.length / 2)
    meta = {"water_level_m": round(water_z, 3), "path_length_m": round(path_line.length, 1),
            "fly_floor_m": 2.0, "fly_ceiling_m": 10.0}
    return b.finish(mid + [0, 0, 1.5], np.array([[10.0, 10.0], [SIZE_M - 10, SIZE_M - 10]]), meta, terrain)
