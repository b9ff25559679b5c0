"""Set dressing: the dense, instanced detail that makes worlds look lived in.

Façade detail (window frames and sills, balconies, AC units, drain pipes, shop signs), street
furniture (benches, hydrants, bollards, guard rails, parked bikes), vegetation (grass and flower
patches, bushes, branching tree species) and interior furniture (bookshelves with books, tables,
chairs, potted plants, cables). Each kind is a handful of shared meshes placed many times, so the
renderer draws it with GL instancing. Counts scale with the density ``k`` of the detail level
(:data:`DRESSING_DENSITY`).

Dressing draws from its own random stream (seeded from the world seed), so the layout built before
it is the same as without it. Everything here is static: motion vectors of moving objects are
untouched.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from gameir.scene.primitives import box
from gameir.scene.transforms import compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds.meshes import detail as D
from gameir.worlds.world import WorldBuilder

__all__ = ["dress_town", "dress_nature", "dress_interior", "dressing_rng", "dressing_density", "DRESSING_DENSITY",
           "GRASS_DRAW_M", "FLOWER_DRAW_M"]


#: Set-dressing density per detail level: multiplies the dressing's counts and placement odds
#: (façade detail, furniture, planting), on top of the layout's own object multiplier. ``low`` gives
#: ~0.3x the triangles of ``medium`` and ``high`` >= 1.5x (docs/WORLDS.md census).
DRESSING_DENSITY: dict[str, float] = {"low": 0.3, "medium": 1.0, "high": 2.0}


def dressing_density(detail: str) -> float:
    """The :data:`DRESSING_DENSITY` of ``detail``; ValueError naming it if unknown."""
    if detail not in DRESSING_DENSITY:
        raise ValueError(f"unknown detail {detail!r}; known: {', '.join(DRESSING_DENSITY)}")
    return DRESSING_DENSITY[detail]


#: Draw distances (metres from the camera) of the small vegetation cards: beyond them a tuft is a
#: few pixels of alpha-tested overdraw at the gameir-sr sizes (a 0.25 m tuft at 35 m covers ~4 LR px).
GRASS_DRAW_M = 35.0
FLOWER_DRAW_M = 25.0


def dressing_rng(b: WorldBuilder) -> np.random.Generator:
    """The dressing's own random stream for builder ``b`` (independent of the layout's)."""
    return np.random.default_rng([b.seed, sum(map(ord, b.family)), 0xD5E55])


def _rot_z(a: float) -> np.ndarray:
    return rotate((0.0, 0.0, 1.0), a)


def _placements(xyz: np.ndarray, yaw_deg: np.ndarray, scale: np.ndarray | float = 1.0) -> np.ndarray:
    """(N, 4, 4) translate(xyz) @ rotate_z(yaw_deg) @ uniform scale, for N placements at once.

    Args:
        xyz: (N, 3) positions, metres; yaw_deg: (N,) degrees about +Z; scale: scalar or (N,).
    """
    xyz = np.asarray(xyz, np.float64).reshape(-1, 3)
    th = np.radians(np.asarray(yaw_deg, np.float64))
    sc = np.broadcast_to(np.asarray(scale, np.float64), th.shape)
    c, s = np.cos(th) * sc, np.sin(th) * sc
    m = np.zeros((len(xyz), 4, 4))
    m[:, 0, 0], m[:, 0, 1], m[:, 1, 0], m[:, 1, 1] = c, -s, s, c
    m[:, 2, 2], m[:, 3, 3] = sc, 1.0
    m[:, :3, 3] = xyz
    return m


def _free(b: WorldBuilder, lo: np.ndarray, hi: np.ndarray) -> bool:
    """No static obstacle box of ``b`` overlaps the box [lo, hi] (world metres).

    The stacked obstacle array is kept on the builder and extended as obstacles are added.
    """
    if not b.obstacles:
        return True
    obs = getattr(b, "_obstacle_array", None)
    if obs is None or len(obs) > len(b.obstacles):
        obs = np.stack(b.obstacles)
    elif len(obs) < len(b.obstacles):
        obs = np.concatenate([obs, np.stack(b.obstacles[len(obs):])])
    b._obstacle_array = obs
    return not bool(np.any(np.all(obs[:, 0] < hi, axis=1) & np.all(obs[:, 1] > lo, axis=1)))


# -- town ---------------------------------------------------------------------------------------
def _window_frames(glass: Any) -> tuple[np.ndarray, float, float]:
    """(Q, 4, 4) window-frame-to-building matrices (x along the window, -Y out, z up) and the size."""
    p = glass.positions.reshape(-1, 4, 3).astype(np.float64)
    eu, ev = p[:, 1] - p[:, 0], p[:, 3] - p[:, 0]
    w, h = float(np.linalg.norm(eu[0])), float(np.linalg.norm(ev[0]))
    u, v = eu / np.linalg.norm(eu, axis=1, keepdims=True), ev / np.linalg.norm(ev, axis=1, keepdims=True)
    n = np.cross(u, v)
    m = np.tile(np.eye(4), (len(p), 1, 1))
    m[:, :3, 0], m[:, :3, 1], m[:, :3, 2], m[:, :3, 3] = u, -n, v, p[:, 0]
    return m, w, h


def dress_town(b: WorldBuilder, t: Any, k: float) -> None:
    """Façades of every building in ``t.facade_sites`` and furniture along every block of ``t.blocks``.

    Args:
        t: the town generator (its materials, ``facade_sites`` as (glass mesh, building matrix,
            instance id, width, depth, height, reveal) and ``blocks`` as (x0, y0, x1, y1)).
    """
    if not b.dressing:
        return
    rng = dressing_rng(b)
    frame_mat, sill_metal = t.roof, t.metal
    ac = b.mesh("ac_unit", D.ac_unit)
    kit = D.roof_kit()
    for glass, m, oid, w, d, height, reveal in t.facade_sites:
        if glass.num_triangles == 0:
            continue
        mats, ww, wh = _window_frames(glass)
        frame = b.mesh(f"wframe{ww:.2f}x{wh:.2f}r{reveal:.2f}", lambda: D.window_frame(ww, wh, reveal))
        balcony = b.mesh(f"balcony{ww:.2f}r{reveal:.2f}", lambda: D.balcony(ww, reveal, max(6, int(ww / 0.12))))
        shutter = b.mesh(f"shutters{ww:.2f}x{wh:.2f}", lambda: D.shutters(ww, wh))
        shutter_mat = t.walls[int(rng.integers(len(t.walls)))] if rng.random() < 0.3 else t.crate
        with_shutters = rng.random() < 0.6 * min(k, 1.5)
        framed = k >= 1.0 or rng.random() < k  # below medium, only a share k of the buildings get window detail
        for mw, tm in zip(mats, m @ mats) if framed else ():  # window frame -> world, all windows at once
            b.add(frame, frame_mat, tm, S["building"], oid, "building:frame", solid=False)
            roll = rng.random()
            if with_shutters:
                b.add(shutter, shutter_mat, tm @ translate(0, -reveal, 0), S["building"], oid, "building:shutters",
                      solid=False)
            if roll < 0.35 * k and mw[2, 3] > 4.0:
                b.add(balcony, sill_metal, tm, S["building"], oid, "building:balcony", solid=False)
            elif roll > 1.0 - 0.12 * k:
                b.add(ac, t.metal, tm @ translate(ww * rng.uniform(0.2, 0.8), -reveal, -0.7), S["building"], oid,
                      "building:ac", solid=False)
        pipe = b.mesh(f"pipe{height:.1f}", lambda: D.drain_pipe(height))
        for corner in (translate(0.3, 0, 0), translate(w - 0.3, d, 0) @ _rot_z(180.0)):
            b.add(pipe, t.dark, m @ corner, S["building"], oid, "building:pipe", solid=False)
        if rng.random() < k:
            _roof(b, t, rng, kit, m @ translate(0, 0, height), oid, w, d)
        sw = min(w * 0.6, 6.0)
        sign = b.mesh(f"shop_sign{sw:.1f}", lambda: box((sw, 0.15, 0.7), (0, -0.075, 0.35)))
        b.add(sign, t.billboards[int(rng.integers(len(t.billboards)))], m @ translate(w / 2, 0, 2.7),
              S["building"], oid, "building:sign", solid=False)
    for m, oid, w, d in t.roof_sites:  # perimeter blocks: rail posts stand on the roof itself
        if rng.random() < k:
            _roof(b, t, rng, kit, m @ translate(0, 0, -0.8), oid, w, d)
    _street_furniture(b, t, rng, k)
    for x0, y0, x1, y1 in t.park_areas:
        _park_planting(b, t, rng, k, x0, y0, x1, y1)


def _roof(b: WorldBuilder, t: Any, rng: np.random.Generator, kit: dict, m: np.ndarray, oid: int,
          w: float, d: float) -> None:
    """Parapet guard rail and rooftop kit (tanks, HVAC boxes, vents, antennas) on the roof at ``m``."""
    rail = b.mesh(f"parapet{w:.1f}x{d:.1f}", lambda: D.parapet_rail(w, d))
    b.add(rail, t.metal, m, S["building"], oid, "building:roof", solid=False)
    k = dressing_density(b.detail)
    for piece, n_max in (("tank", 2), ("hvac", 5), ("vent", 6), ("antenna", 2)):
        mesh = b.mesh(f"roof_{piece}", lambda piece=piece: kit[piece])
        for _ in range(int(rng.integers(1, round(n_max * max(k, 1.0))))):  # more kit above medium
            xy = rng.uniform([1.6, 1.6], [max(1.7, w - 1.6), max(1.7, d - 1.6)])
            b.add(mesh, t.metal, m @ translate(xy[0], xy[1], 0.8) @ _rot_z(rng.uniform(0, 360)),
                  S["building"], oid, "building:roof", solid=False)


def _street_furniture(b: WorldBuilder, t: Any, rng: np.random.Generator, k: float) -> None:
    KERB_H, WALK_W = t.kerb_h, t.walk_w
    bench, hydrant, bollard = b.mesh("bench", D.bench), b.mesh("hydrant", D.hydrant), b.mesh("bollard", D.bollard)
    bike, rail = b.mesh("bike", D.bike), b.mesh("railing", lambda: D.railing(5.0))
    red = b.lib.plain("hydrant_red", (0.6, 0.05, 0.03), roughness=0.4)
    wood = t.crate

    def place(mesh: Any, mat: Any, tm: np.ndarray, sem: int, name: str, half: float) -> None:
        c = tm[:3, 3]
        lo, hi = c - [half, half, 0], c + [half, half, 1.0]
        if _free(b, lo, hi):
            b.add(mesh, mat, tm, sem, b.new_id(), name)

    for x0, y0, x1, y1 in t.blocks:
        edges = [((x0, y0), (x1, y0), 270.0), ((x1, y0), (x1, y1), 0.0), ((x1, y1), (x0, y1), 90.0),
                 ((x0, y1), (x0, y0), 180.0)]
        for p, q, ang in edges:
            p, q = np.array(p), np.array(q)
            ln = float(np.linalg.norm(q - p))
            u = (q - p) / ln
            n = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))])

            def at(s: float, inset: float, yaw: float = 0.0) -> np.ndarray:
                xy = p + u * s - n * inset
                return compose(translate(xy[0], xy[1], KERB_H), _rot_z(ang + yaw))
            for s in np.arange(4.0, 10.0 * k + 4.0, 1.5):  # bollards near both corners
                place(bollard, t.dark, at(s, 0.25), S["pole"], "bollard", 0.1)
                place(bollard, t.dark, at(ln - s, 0.25), S["pole"], "bollard", 0.1)
            for rail_s in (rng.uniform(10.0, max(10.5, ln / 2 - 5.0)), rng.uniform(ln / 2, max(ln / 2 + 0.5, ln - 15.0))):
                place(rail, t.metal, at(rail_s, 0.12, 90.0), S["fence"], "railing", 0.2)
            for s in np.arange(rng.uniform(6, 12), ln - 6.0, 18.0 / max(k, 0.25)):
                place(bench, wood, at(s, WALK_W - 0.35, 90.0), S["static"], "bench", 0.25)
            if rng.random() < 0.8:
                place(hydrant, red, at(rng.uniform(3, ln - 3), 0.45), S["static"], "hydrant", 0.2)
            for s in np.arange(rng.uniform(8, 14), ln - 12.0, 16.0 / max(k, 0.25)):  # a row of parked bikes
                for j in range(int(rng.integers(3, 7))):
                    place(bike, t.dark, at(s + 1.9 * j, WALK_W - 0.3, 90.0), S["static"], "bike", 0.2)


def _park_planting(b: WorldBuilder, t: Any, rng: np.random.Generator, k: float,
                   x0: float, y0: float, x1: float, y1: float) -> None:
    KERB_H = t.kerb_h
    grass = b.lib.textured("grass", two_sided=True)
    patches = [b.mesh(f"grass_patch{v}", lambda v=v: D.grass_patch(np.random.default_rng(v)),
                      GRASS_DRAW_M) for v in range(3)]
    bushes = [b.mesh(f"bush{v}", lambda v=v: D.bush(np.random.default_rng(20 + v))) for v in range(2)]
    area = (x1 - x0) * (y1 - y0)

    def scatter(n: int, inset: float, z: float, scale: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
        """(n, 4, 4) placements on the lawn and (n,) uniform [0, 1) draws picking each one's variant."""
        xy = rng.uniform([x0 + inset, y0 + inset], [x1 - inset, y1 - inset], (n, 2))
        yaw, pick = rng.uniform(0, 360, n), rng.random(n)
        s = 1.0 if scale is None else rng.uniform(*scale, n)
        return _placements(np.column_stack([xy, np.full(n, z)]), yaw, s), pick

    gid = b.new_id()
    tms, pick = scatter(int(area / 4.0 * k), 1.0, KERB_H + 0.01, None)
    for tm, v in zip(tms, (pick * 3).astype(int)):
        b.add(patches[v], grass, tm, S["vegetation"], gid, "grass", solid=False)
    flowers = [b.mesh(f"flower_patch{v}", lambda v=v: D.flower_patch(np.random.default_rng(10 + v)),
                      FLOWER_DRAW_M) for v in range(2)]
    petals = b.lib.textured("leaves", 3, two_sided=True)
    fid = b.new_id()
    tms, pick = scatter(int(area / 6.0 * k), 1.0, KERB_H + 0.01, None)
    for tm, v in zip(tms, (pick * 2).astype(int)):
        b.add(flowers[v], petals, tm, S["vegetation"], fid, "flowers", solid=False)
    tms, pick = scatter(int(area / 60.0 * k), 1.5, KERB_H, (0.7, 1.3))
    for tm, v in zip(tms, (pick * 4).astype(int)):  # two bush meshes x two leaf materials
        b.add(bushes[v % 2], t.leaves[v // 2], tm, S["vegetation"], b.new_id(), "bush", solid=False)


# -- nature -------------------------------------------------------------------------------------
def dress_nature(b: WorldBuilder, k: float, height_at: Callable[[np.ndarray], np.ndarray], path_xy: np.ndarray,
                 water_z: float, size_m: float) -> None:
    """Meadow cover, flowers, bushes and three branching tree species on dry land off the path.

    Args:
        height_at: (P, 2) -> (P,) terrain height, metres.
        path_xy: (L, 2) points along the walking path (kept clear by 1.5 m).
        water_z: lake level (nothing is placed below water_z + 0.3).
        size_m: side of the square terrain, metres.
    """
    if not b.dressing:
        return
    rng = dressing_rng(b)
    lib = b.lib
    grass = lib.textured("grass", two_sided=True)
    leaves = [lib.textured("leaves", j, two_sided=True) for j in range(2)]
    bark = lib.textured("bark")
    flowers = lib.textured("leaves", 3, two_sided=True)

    def spots(n: int, clear_m: float) -> np.ndarray:
        out = []
        while sum(len(o) for o in out) < n:
            p = rng.uniform(5, size_m - 5, (4 * n + 16, 2))
            z = height_at(p)
            d = np.min(np.hypot(p[:, None, 0] - path_xy[None, ::4, 0], p[:, None, 1] - path_xy[None, ::4, 1]), axis=1)
            ok = (z > water_z + 0.3) & (d > clear_m)
            out.append(np.column_stack([p[ok], z[ok]]))
            if not ok.any():
                break
        return np.concatenate(out)[:n] if out else np.zeros((0, 3))

    def scatter(meshes: list, mats: list, n: int, clear: float, scale: tuple[float, float], name: str,
                one_id: bool) -> None:
        gid = b.new_id() if one_id else 0
        p = spots(n, clear)
        s, yaw = rng.uniform(*scale, len(p)), rng.uniform(0, 360, len(p))
        mi, ma = rng.integers(len(meshes), size=len(p)), rng.integers(len(mats), size=len(p))
        for tm, i, j in zip(_placements(p - [0, 0, 0.05], yaw, s), mi, ma):
            b.add(meshes[i], mats[j], tm, S["vegetation"], gid if one_id else b.new_id(), name, solid=False)

    patches = [b.mesh(f"grass_patch{v}", lambda v=v: D.grass_patch(np.random.default_rng(v)),
                      GRASS_DRAW_M) for v in range(4)]
    scatter(patches, [grass], int(1700 * k), 1.5, (0.8, 1.3), "grass", True)
    fl = [b.mesh(f"flower_patch{v}", lambda v=v: D.flower_patch(np.random.default_rng(10 + v)),
                      FLOWER_DRAW_M) for v in range(2)]
    scatter(fl, [flowers], int(260 * k), 1.2, (0.8, 1.2), "flowers", True)
    bushes = [b.mesh(f"bush{v}", lambda v=v: D.bush(np.random.default_rng(20 + v))) for v in range(3)]
    scatter(bushes, leaves, int(220 * k), 1.5, (0.6, 1.5), "bush", False)
    species = {"oak": (11.0, 0.4, 36, 7), "birch": (13.0, 0.18, 24, 5), "poplar": (16.0, 0.12, 30, 6)}
    for p in spots(int(36 * k), 3.0):
        name = list(species)[int(rng.integers(3))]
        parts: dict[str, Any] = {}

        def part(key: str, name: str = name) -> Any:
            return parts.setdefault("t", D.broadleaf(np.random.default_rng(sum(map(ord, name))), *species[name]))[key]
        trunk, crown = b.mesh(f"{name}_trunk", lambda: part("trunk")), b.mesh(f"{name}_crown", lambda: part("crown"))
        s = rng.uniform(0.75, 1.25)
        tm = compose(translate(p[0], p[1], p[2] - 0.2), _rot_z(rng.uniform(0, 360)), np.diag([s, s, s, 1.0]))
        oid = b.new_id()
        b.add(trunk, bark, tm, S["vegetation"], oid, "tree:trunk", solid=False)
        b.add(crown, leaves[int(rng.integers(2))], tm, S["vegetation"], oid, "tree:crown", solid=False)
        # collision box of the trunk alone (the branches' bounds would wall off the path)
        b.obstacles.append(np.array([[p[0] - 0.4, p[1] - 0.4, p[2] - 0.2], [p[0] + 0.4, p[1] + 0.4, p[2] + 5.0 * s]]))


# -- interior -----------------------------------------------------------------------------------
def dress_interior(b: WorldBuilder, k: float, cells: list[tuple[int, int]], cell_m: float, wall_t: float) -> None:
    """Bookshelves along the walls, a table with chairs, potted plants and floor cables in ``cells``
    (skipped where an existing obstacle is in the way; the corridors through cell centres stay free)."""
    if not b.dressing:
        return
    rng = dressing_rng(b)
    lib = b.lib
    wood = lib.textured("wood", 1)
    books = [lib.plain(f"book{i}", c, roughness=0.6) for i, c in
             enumerate([(0.35, 0.05, 0.04), (0.05, 0.12, 0.3), (0.1, 0.25, 0.08), (0.5, 0.4, 0.2)])]
    leaves = lib.textured("leaves", 4, two_sided=True)
    pot_mat = lib.plain("terracotta", (0.45, 0.18, 0.08), roughness=0.8)
    cable_mat = lib.plain("cable", (0.02, 0.02, 0.02), roughness=0.6)
    shelves = []
    for v in range(3):
        sb = D.shelf_with_books(np.random.default_rng(40 + v), 1.4, 2.1, 8 if k > 1.0 else 6)  # high: lower shelves
        frame = b.mesh(f"shelf{v}", lambda sb=sb: sb["frame"])
        colour = np.random.default_rng(50 + v).integers(0, len(books), sb["books"].num_triangles // 10)
        shelves.append((frame, b.mesh(f"books{v}", lambda sb=sb: sb["books"]), colour))
    table, chair = b.mesh("table", lambda: D.table(1.0, 0.6)), b.mesh("chair", D.chair)
    plant = D.potted_plant(np.random.default_rng(60))
    pot, plant_leaves = b.mesh("pot", lambda: plant["pot"]), b.mesh("plant_leaves", lambda: plant["leaves"])
    cables = b.mesh("cables", lambda: D.cable_run(np.random.default_rng(70), 2.0))
    n_shelf = min(4, max(1, int(round(4 * k))))
    for (i, j) in cells:
        cx, cy, c = i * cell_m, j * cell_m, cell_m
        shelved = k >= 1.0 or rng.random() < 2.0 * k  # below medium, not every room has a bookshelf
        back = wall_t / 2 + 0.03
        # per wall, the slot by one corner and (if that is taken) the one by the other; a shelf spans local
        # x 0 … 1.4 m from its origin, so both stay clear of the doorway in the middle of the side
        walls = [((cx + 1.75, cy + back), (cx + c - 0.35, cy + back), 180.0),  # south wall, facing +y
                 ((cx + c - 1.75, cy + c - back), (cx + 0.35, cy + c - back), 0.0),  # north wall, facing -y
                 ((cx + back, cy + c - 1.75), (cx + back, cy + 0.35), 90.0),  # west wall, facing +x
                 ((cx + c - back, cy + 1.75), (cx + c - back, cy + c - 0.35), -90.0)][:n_shelf if shelved else 0]  # east
        for first, second, yaw in walls:
            placed = 0
            for xy in (first, second):  # the second slot too above medium (it is taken when the first is not free)
                if placed and k <= 1.0:
                    break
                tm = translate(xy[0], xy[1], 0) @ _rot_z(yaw)
                lo = np.minimum(tm[:3, 3], (tm @ [1.4, -0.4, 0, 1])[:3]) + 0.02
                hi = np.maximum(tm[:3, 3], (tm @ [1.4, -0.4, 0, 1])[:3]) + [0, 0, 2.0]
                if not _free(b, lo, hi):
                    continue
                frame, bk, _ = shelves[int(rng.integers(3))]
                oid = b.new_id()
                b.add(frame, wood, tm, S["static"], oid, "shelf")
                b.add(bk, books[int(rng.integers(len(books)))], tm, S["static"], oid, "shelf:books", solid=False)
                placed += 1
        t_xy = np.array([cx + c - 1.3, cy + 1.3])
        if _free(b, np.array([*t_xy - 0.9, 0.0]), np.array([*t_xy + 0.9, 1.0])):
            tm = compose(translate(t_xy[0], t_xy[1], 0), _rot_z(rng.uniform(-8, 8)))
            b.add(table, wood, tm, S["static"], b.new_id(), "table")
            for yaw, off in ((0.0, (0, -0.55)), (180.0, (0, 0.55)), (90.0, (-0.75, 0)), (-90.0, (0.75, 0)))[:int(4 * min(k, 1))]:
                b.add(chair, wood, tm @ translate(off[0], off[1], 0) @ _rot_z(yaw + rng.uniform(-15, 15)),
                      S["static"], b.new_id(), "chair")
        p_xy = np.array([cx + 0.5, cy + c - 0.5]) if n_shelf < 2 else np.array([cx + c - 0.5, cy + c - 2.2])
        if _free(b, np.array([*p_xy - 0.25, 0.0]), np.array([*p_xy + 0.25, 1.0])):
            pid = b.new_id()
            tm = compose(translate(p_xy[0], p_xy[1], 0), _rot_z(rng.uniform(0, 360)))
            b.add(pot, pot_mat, tm, S["static"], pid, "plant:pot")
            b.add(plant_leaves, leaves, tm, S["vegetation"], pid, "plant:leaves", solid=False)
        runs = (translate(cx + 0.3, cy + back + 0.45, 0), translate(cx + c - back - 0.45, cy + 0.3, 0) @ _rot_z(90.0),
                translate(cx + c - 0.3, cy + c - back - 0.45, 0) @ _rot_z(180.0),
                translate(cx + back + 0.45, cy + c - 0.3, 0) @ _rot_z(270.0))
        for tm in runs[:max(1, int(round(2 * k)))]:  # along the walls, one per corner
            b.add(cables, cable_mat, tm, S["static"], b.new_id(), "cables", solid=False)
