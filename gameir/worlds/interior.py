"""`interior` family: a dungeon/office floor of rooms and corridors on a grid of cells.

Cells are 6 m squares; a random spanning tree over the grid (plus a few extra openings) makes
every cell reachable. Neighbouring connected cells are joined by an open side or a doorway;
other sides are walls. Rooms have textured floors, walls and ceilings, emissive ceiling panels
with point lights, pillars, crates, barrels, posters and a staircase to a mezzanine; ceiling fans
rotate when the world is dynamic.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from gameir.scene import PointLight, compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import meshes as M
from gameir.worlds.decals import add_interior_decals
from gameir.worlds.dressing import dress_interior, dressing_density
from gameir.worlds.paths import Polyline
from gameir.worlds.world import World, WorldBuilder

__all__ = ["build_interior", "CELL_M", "WALL_H"]

CELL_M, WALL_H, WALL_T, DOOR_W, DOOR_H = 6.0, 4.0, 0.3, 1.6, 2.4


def _spin(base: np.ndarray, rate_deg_s: float, t: float) -> np.ndarray:
    return compose(base, rotate((0.0, 0.0, 1.0), rate_deg_s * t))


def _maze(rng: np.random.Generator, nx: int, ny: int) -> tuple[set, list]:
    """Edges ((i, j), (i2, j2)) of a random spanning tree plus ~20 % extra, and the DFS visit order."""
    seen = {(0, 0)}
    stack, order, edges = [(0, 0)], [(0, 0)], set()
    while stack:
        i, j = stack[-1]
        nb = [(i + di, j + dj) for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1))
              if 0 <= i + di < nx and 0 <= j + dj < ny and (i + di, j + dj) not in seen]
        if not nb:
            stack.pop()
            if stack:
                order.append(stack[-1])
            continue
        n = nb[int(rng.integers(len(nb)))]
        edges.add(frozenset(((i, j), n)))
        seen.add(n)
        stack.append(n)
        order.append(n)
    for i in range(nx):
        for j in range(ny):
            for n in ((i + 1, j), (i, j + 1)):
                if n[0] < nx and n[1] < ny and rng.random() < 0.2:
                    edges.add(frozenset(((i, j), n)))
    return edges, order


def build_interior(b: WorldBuilder, k: float) -> World:
    """Generate an interior into builder ``b`` (object-count multiplier ``k``); return the World."""
    rng, lib = b.rng, b.lib
    nx, ny = int(rng.integers(3, 5) + (k > 1)), int(rng.integers(3, 5))
    edges, order = _maze(rng, nx, ny)
    floors = [b.wettable(lib.textured("tiles", 0)), lib.textured("wood", 0), b.wettable(lib.textured("concrete", 0))]
    wall_mats = [lib.textured("bricks", 0), lib.textured("concrete", 1, slabs=1), lib.textured("metal_panels", 0)]
    ceiling = lib.textured("concrete", 2, slabs=4)
    panel = b.glow(lib.plain("light_panel", (0.9, 0.9, 0.9), roughness=0.3), (1.0, 0.95, 0.85), 6.0, 6.0)
    region = rng.integers(0, 3, (nx, ny))
    floor_q = b.mesh("floor_cell", lambda: M.quad([0, 0, 0], [CELL_M, 0, 0], [0, CELL_M, 0], 2.0))
    ceil_q = b.mesh("ceil_cell", lambda: M.quad([0, CELL_M, WALL_H], [CELL_M, 0, 0], [0, -CELL_M, 0], 3.0))
    panel_q = b.mesh("panel", lambda: M.quad([-0.6, 0.6, WALL_H - 0.02], [1.2, 0, 0], [0, -1.2, 0], 1.2))
    floor_id, ceil_id = b.new_id(), b.new_id()
    for i in range(nx):
        for j in range(ny):
            o = translate(i * CELL_M, j * CELL_M, 0)
            b.add(floor_q, floors[region[i, j]], o, S["ground"], floor_id, "floor", solid=False)
            b.add(ceil_q, ceiling, o, S["building"], ceil_id, "ceiling")
            c = ((i + 0.5) * CELL_M, (j + 0.5) * CELL_M)
            b.add(panel_q, panel, translate(c[0], c[1], 0), S["static"], b.new_id(), "light_panel", solid=False)
            if len(b.scene.lights) < 16:  # renderer limit; always on, whatever the weather outside
                b.scene.add(PointLight((c[0], c[1], WALL_H - 0.4), (1.0, 0.92, 0.8), 18.0, 12.0))
    # walls: every cell side that is not an open connection; doorways on some connections
    wid = b.new_id()
    for i in range(nx + 1):
        for j in range(ny):
            _wall_side(b, rng, wall_mats, region, edges, (i - 1, j), (i, j), nx, ny, vertical=True, wid=wid)
    for i in range(nx):
        for j in range(ny + 1):
            _wall_side(b, rng, wall_mats, region, edges, (i, j - 1), (i, j), nx, ny, vertical=False, wid=wid)
    # pillars at inner grid points where all four cells are mutually connected
    pillar = b.mesh("pillar", lambda: M.cylinder(0.3, WALL_H, 16, caps=False, uv_scale=1.0))
    for i in range(1, nx):
        for j in range(1, ny):
            a, bb, c, d = (i - 1, j - 1), (i, j - 1), (i - 1, j), (i, j)
            if all(frozenset(e) in edges for e in ((a, bb), (a, c), (bb, d), (c, d))):
                b.add(pillar, wall_mats[0], translate(i * CELL_M, j * CELL_M, 0), S["building"], b.new_id(), "pillar")
    # props
    crate_m = b.mesh("crate", lambda: M.crate(0.9))
    barrel = b.mesh("barrel", lambda: M.cylinder(0.35, 1.0, 14))
    wood, metal = lib.textured("wood", 1), lib.textured("metal_panels", 1)
    posters = [lib.textured("billboard", p) for p in range(2)] + [lib.textured("graffiti", 0)]
    fan_blades = b.mesh("fan", lambda: M.merge_meshes([M.box((2.2, 0.2, 0.03), (0, 0, 0)),
                                                M.box((0.2, 2.2, 0.03), (0, 0, 0))]))
    dark = lib.plain("fan_metal", (0.1, 0.1, 0.1), roughness=0.4, metallic=0.8)
    order_cells = list(dict.fromkeys(order))
    # the staircase runs along a closed (walled) -y side so the walk never crosses it
    walled = [c for c in order_cells[1:] if frozenset(((c[0], c[1] - 1), c)) not in edges]
    stair_cell = walled[len(walled) // 2] if walled else None
    for (i, j) in order_cells:
        cx, cy = i * CELL_M, j * CELL_M
        if (i, j) == order_cells[0]:
            continue  # the focus cell stays empty for orbits and rigs
        if (i, j) == stair_cell:
            st = M.stairs(8, 1.2, 0.2, 0.3)
            m = translate(cx + 0.5, cy + 0.8, 0)
            sid = b.new_id()
            b.add(st.named("stairs"), floors[2], m, S["static"], sid, "stairs")
            b.add(M.box((2.0, 1.2, 0.25), (cx + 0.5 + 2.4 + 1.0, cy + 0.8, 1.6 - 0.125)).named("landing"), floors[2],
                  np.eye(4), S["static"], sid, "stairs:landing")
            continue
        for _ in range(int(rng.integers(0, 4) * k)):
            # corner quadrants only: the cross of corridors through the cell centre stays free
            x = cx + CELL_M / 2 + rng.choice([-1, 1]) * rng.uniform(2.0, CELL_M / 2 - 0.7)
            y = cy + CELL_M / 2 + rng.choice([-1, 1]) * rng.uniform(2.0, CELL_M / 2 - 0.7)
            if rng.random() < 0.6:
                tm = compose(translate(x, y, 0), rotate((0, 0, 1), rng.uniform(0, 90)))
                b.add(crate_m, wood if rng.random() < 0.6 else metal, tm, S["static"], b.new_id(), "crate")
                if rng.random() < 0.4:
                    b.add(crate_m, wood, compose(tm, translate(0, 0, 0.9), rotate((0, 0, 1), rng.uniform(-20, 20))),
                          S["static"], b.new_id(), "crate")
            else:
                b.add(barrel, metal, translate(x, y, 0), S["static"], b.new_id(), "barrel")
        if rng.random() < 0.3:
            base = translate(cx + CELL_M / 2 + 1.6, cy + CELL_M / 2 + 1.6, WALL_H - 0.5)
            rate = rng.uniform(90, 200)
            tf = partial(_spin, base, rate) if b.dynamic else base
            b.add(fan_blades, dark, tf, S["dynamic"], b.new_id(), "fan", solid=False)
    for poster_i in range(int(6 * k)):
        i, j = int(rng.integers(nx)), int(rng.integers(ny))
        if (i, j) == stair_cell:
            continue
        q = b.mesh("poster", lambda: M.quad([0, 0, 0], [1.6, 0, 0], [0, 0, 1.0], (1.6, 1.0)))
        tm = translate(i * CELL_M + 2.2, j * CELL_M + WALL_T / 2 + 0.02, 1.4)
        if frozenset(((i, j - 1), (i, j))) not in edges:
            mat = posters[poster_i % len(posters)]
            b.add(q, mat, compose(tm, rotate((0, 0, 1), 0.0)) @ _face_plus_y(), S["wall"], wid, "wall:poster", solid=False)
    dress_interior(b, dressing_density(b.detail), [c for c in order_cells[1:] if c != stair_cell], CELL_M, WALL_T)
    add_interior_decals(b, k, (nx, ny), CELL_M)
    centres = np.array([[(i + 0.5) * CELL_M, (j + 0.5) * CELL_M, 0.0] for (i, j) in order])
    b.walkways.append(Polyline(centres))
    start = order_cells[0]
    focus = np.array([(start[0] + 0.5) * CELL_M, (start[1] + 0.5) * CELL_M, 1.5])
    meta = {"cells": [nx, ny], "fly_floor_m": 1.2, "fly_ceiling_m": 2.0, "fly_clearance_m": 0.8, "fly_speed_m_s": 2.0,
            "orbit_radius_m": 2.0, "orbit_height_m": 0.1, "max_lift_m": 0.0, "max_rig_radius_m": 2.2,
            "max_rig_height_m": 0.5}
    return b.finish(focus, np.array([[0.5, 0.5], [nx * CELL_M - 0.5, ny * CELL_M - 0.5]]), meta)


def _face_plus_y() -> np.ndarray:
    """Turn a quad spanned by +X and +Z (normal -Y) to face +Y, keeping it in place."""
    return compose(translate(1.6, 0, 0), rotate((0, 0, 1), 180.0))


def _wall_side(b: WorldBuilder, rng: np.random.Generator, mats: list, region: np.ndarray, edges: set,
               a: tuple[int, int], c: tuple[int, int], nx: int, ny: int, vertical: bool, wid: int) -> None:
    """Wall (or doorway, or nothing) on the side between cells ``a`` and ``c``."""
    inside = [0 <= p[0] < nx and 0 <= p[1] < ny for p in (a, c)]
    connected = all(inside) and frozenset((a, c)) in edges
    if connected and rng.random() < 0.6:
        return  # open side
    mat = mats[region[c] if inside[1] else region[a]]
    x0, y0 = c[0] * CELL_M, c[1] * CELL_M
    if vertical:  # wall along y at x = x0
        def seg(s0: float, s1: float, z0: float, z1: float) -> M.Mesh:
            return M.box((WALL_T, s1 - s0, z1 - z0), (x0, y0 + (s0 + s1) / 2, (z0 + z1) / 2), 2.0)
    else:
        def seg(s0: float, s1: float, z0: float, z1: float) -> M.Mesh:
            return M.box((s1 - s0, WALL_T, z1 - z0), (x0 + (s0 + s1) / 2, y0, (z0 + z1) / 2), 2.0)
    half = WALL_T / 2
    if connected:  # doorway in the middle
        d0, d1 = (CELL_M - DOOR_W) / 2, (CELL_M + DOOR_W) / 2
        parts = [seg(-half, d0, 0, WALL_H), seg(d1, CELL_M + half, 0, WALL_H), seg(d0, d1, DOOR_H, WALL_H)]
    else:
        parts = [seg(-half, CELL_M + half, 0, WALL_H)]
    for p in parts:  # separate instances so the collision boxes leave the doorway free
        b.add(p.named("wall"), mat, np.eye(4), S["wall"], wid, "wall")
