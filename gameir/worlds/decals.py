"""Decals: cut-out cracks, oil and dirt stains, manhole covers, wall grime and graffiti tags laid on
the surfaces of a built town or interior.

A decal is a quad coplanar with the surface under it, drawn with ``Material.decal`` (a polygon
offset wins it the depth test, its alpha cut-out is its footprint). It carries the surface's
semantic tag and instance id, so within its footprint the decal changes base colour, roughness and
metalness (and the normal to the quad's flat one) while depth, tags, ids and motion stay the
surface's; its instance is named ``<surface kind>:decal_<kind>`` (a part of that object). Placement draws from its own random stream (seeded from the world seed), after the
layout, so the rest of the world is the same with and without decals; decals come with the set
dressing and the material detail (``WorldBuilder.dressing`` and ``material_detail``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.scene.primitives import quad
from gameir.scene.transforms import compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds.world import WorldBuilder

__all__ = ["decal_rng", "add_town_decals", "add_interior_decals"]

#: side in pixels of the decal textures
DECAL_TEXTURE_SIZE = 128
#: graffiti tag textures per town (each a random palette, font and word)
GRAFFITI_VARIANTS = 6
#: graffiti tags on the ground floor: (lowest, highest) z of a tag above the pavement in metres (the
#: grime band ends at 0.5 m, the shop sign starts at 2.7 m, the first windows on floor 1)
GRAFFITI_Z_M = (0.6, 2.5)


def decal_rng(b: WorldBuilder) -> np.random.Generator:
    """The decals' own random stream for builder ``b`` (independent of the layout's and dressing's)."""
    return np.random.default_rng([b.seed, sum(map(ord, b.family)), 0xDECA1])


def _on(b: WorldBuilder) -> bool:
    return b.dressing and b.material_detail


def _ground_tf(x: float, y: float, z: float, sx: float, sy: float, yaw_deg: float) -> np.ndarray:
    return compose(translate(x, y, z), rotate((0.0, 0.0, 1.0), yaw_deg), np.diag([sx, sy, 1.0, 1.0]))


def _instance_id(b: WorldBuilder, name: str) -> list[int]:
    return [inst.instance_id for inst in b.scene.instances if inst.name == name]


def _kinds(b: WorldBuilder, kinds: tuple[tuple[str, int], ...]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for kind, n in kinds:
        out[kind] = [b.lib.textured(kind, v, size=DECAL_TEXTURE_SIZE, decal=True) for v in range(n)]
    return out


def add_town_decals(b: WorldBuilder, t: Any, k: float) -> None:
    """Cracks, oil stains and manholes on the roads, stains on the pavements, grime at the foot of
    building walls of town ``t`` (its ``xr``, ``yr`` road lines, ``blocks``, ``facade_sites``,
    ``kerb_h``, ``walk_w``); counts scale with ``k``. Road width: ``road_w`` of ``t``."""
    if not _on(b):
        return
    rng = decal_rng(b)
    mats = _kinds(b, (("crack", 3), ("stain", 3), ("manhole", 1), ("grime", 2), ("graffiti_tag", GRAFFITI_VARIANTS)))
    ground = b.mesh("decal_ground", lambda: quad([-0.5, -0.5, 0.0], [1, 0, 0], [0, 1, 0], 1.0))
    wall = b.mesh("decal_wall", lambda: quad([0.0, 0.0, 0.0], [1, 0, 0], [0, 0, 1], 1.0))  # uv v = 0 at the foot
    road_ids = _instance_id(b, "road")
    if road_ids:
        rid, half = road_ids[0], t.road_w / 2
        lo_x, hi_x, lo_y, hi_y = t.xr[0], t.xr[-1], t.yr[0], t.yr[-1]
        n_cross = len(t.xr) * len(t.yr)
        for kind, per, size, across in (("crack", 10, (1.5, 4.0), half - 0.4), ("stain", 6, (0.6, 2.0), half - 0.5),
                                        ("manhole", 2, (0.8, 0.8), 1.75)):
            for _ in range(int(round(n_cross * per * k))):
                along_x = rng.random() < 0.5
                line = float(rng.choice(t.yr if along_x else t.xr))
                pos = rng.uniform(lo_x, hi_x) if along_x else rng.uniform(lo_y, hi_y)
                off = rng.uniform(-across, across) if kind != "manhole" else across * rng.choice([-1.0, 1.0])
                x, y = (pos, line + off) if along_x else (line + off, pos)
                s = rng.uniform(*size)
                tf = _ground_tf(x, y, 0.0, s, s * (rng.uniform(0.6, 1.0) if kind != "manhole" else 1.0),
                                rng.uniform(0, 360))
                b.add(ground, mats[kind][int(rng.integers(len(mats[kind])))], tf, S["road"], rid, f"road:decal_{kind}",
                      solid=False)
    walk_ids = _instance_id(b, "sidewalk")
    for (x0, y0, x1, y1), sid in zip(t.blocks, walk_ids):
        for _ in range(int(round(5 * k))):
            side = int(rng.integers(4))
            d = rng.uniform(0.4, t.walk_w - 0.4)
            x = rng.uniform(x0 + 0.5, x1 - 0.5) if side < 2 else (x0 + d if side == 2 else x1 - d)
            y = (y0 + d if side == 0 else y1 - d) if side < 2 else rng.uniform(y0 + 0.5, y1 - 0.5)
            s = rng.uniform(0.5, 1.4)
            kind = "stain" if rng.random() < 0.7 else "crack"
            b.add(ground, mats[kind][int(rng.integers(len(mats[kind])))], _ground_tf(x, y, t.kerb_h, s, s, rng.uniform(0, 360)),
                  S["sidewalk"], sid, f"sidewalk:decal_{kind}", solid=False)
    for _glass, m, oid, w, d, _height, _reveal in t.facade_sites:
        # below the lowest window sill (>= 0.6 m up): the wall is solid there on every side
        for face in range(2):
            for _ in range(int(rng.integers(0, 3) * min(k, 1.5))):
                gw, gh = min(rng.uniform(1.5, 4.0), w - 0.4), rng.uniform(0.3, 0.5)
                gx = rng.uniform(0.2, max(0.21, w - gw - 0.2))
                tf = translate(gx, 0, 0) if face == 0 else translate(gx + gw, d, 0) @ rotate((0.0, 0.0, 1.0), 180.0)
                b.add(wall, mats["grime"][int(rng.integers(2))], m @ tf @ np.diag([gw, 1.0, gh, 1.0]),
                      S["building"], oid, "building:decal_grime", solid=False)
    _graffiti_tags(b, t, rng, k, wall, mats["graffiti_tag"])


def _box(inst: Any) -> tuple[np.ndarray, np.ndarray]:
    """World-space (min, max) corners of instance ``inst`` in metres."""
    p = inst.mesh.positions
    w = (np.asarray(inst.transform) @ np.c_[p, np.ones(len(p))].T).T[:, :3]
    return w.min(0), w.max(0)


def _graffiti_tags(b: WorldBuilder, t: Any, rng: np.random.Generator, k: float, wall: Any, mats: list[Any]) -> None:
    """Spray-painted tags (2:1 quads, 0.5-0.9 m high) on the plain ground floor of the front and back
    walls of every building in ``t.facade_sites``, between ``GRAFFITI_Z_M`` above the pavement and
    clear of the drain pipes at the corners and of the layout's painted-on graffiti boards."""
    boards: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for inst in b.scene.instances:
        if inst.name == "building:graffiti":
            boards.setdefault(inst.instance_id, []).append(_box(inst))
    z_lo, z_hi = GRAFFITI_Z_M
    for _glass, m, oid, w, d, _height, _reveal in t.facade_sites:
        for face in range(2):
            if rng.random() >= 0.35 * min(k, 1.5):
                continue
            gh = rng.uniform(0.5, 0.9)
            gw = 2.0 * gh
            gz = rng.uniform(z_lo, z_hi - gh)
            gx = rng.uniform(0.6, w - gw - 0.6) if w - gw > 1.2 else None
            mat = mats[int(rng.integers(len(mats)))]
            if gx is None:
                continue
            tf = translate(gx, 0, gz) if face == 0 else translate(gx + gw, d, gz) @ rotate((0.0, 0.0, 1.0), 180.0)
            tm = m @ tf @ np.diag([gw, 1.0, gh, 1.0])
            corners = (tm @ np.array([[0, 0, 0, 1], [1, 0, 1, 1]], float).T).T[:, :3]
            lo, hi = corners.min(0) - 0.05, corners.max(0) + 0.05
            if any((lo <= bh).all() and (bl <= hi).all() for bl, bh in boards.get(oid, ())):
                continue  # behind a graffiti board of the layout
            b.add(wall, mat, tm, S["building"], oid, "building:decal_graffiti", solid=False)


def add_interior_decals(b: WorldBuilder, k: float, cells: tuple[int, int], cell_m: float) -> None:
    """Cracks and stains on the floor cells (``cells`` = (nx, ny) cells of ``cell_m`` metres)."""
    if not _on(b):
        return
    floor_ids = _instance_id(b, "floor")
    if not floor_ids:
        return
    rng = decal_rng(b)
    mats = _kinds(b, (("crack", 2), ("stain", 2)))
    ground = b.mesh("decal_ground", lambda: quad([-0.5, -0.5, 0.0], [1, 0, 0], [0, 1, 0], 1.0))
    nx, ny = cells
    for i in range(nx):
        for j in range(ny):
            for _ in range(int(round(3 * k))):
                kind = "stain" if rng.random() < 0.6 else "crack"
                s = rng.uniform(0.4, 1.5)
                x, y = (i + rng.uniform(0.1, 0.9)) * cell_m, (j + rng.uniform(0.1, 0.9)) * cell_m
                b.add(ground, mats[kind][int(rng.integers(len(mats[kind])))], _ground_tf(x, y, 0.0, s, s, rng.uniform(0, 360)),
                      S["ground"], floor_ids[0], f"floor:decal_{kind}", solid=False)
