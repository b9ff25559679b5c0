"""`town` family: a CARLA-like road grid with blocks of buildings or parks, street furniture and traffic.

Layout (metres, +Z up): roads 12 m wide run along x and y between rectangular blocks; each road
has a 2.5 m parking strip on both sides and one 3.5 m driving lane per direction. Blocks are
sidewalk slabs (kerb 0.15 m) carrying buildings or a fenced park. Traffic (see
:mod:`gameir.worlds.traffic`) drives clockwise loops around blocks (right-hand traffic), so moving
cars never collide.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from gameir.scene import SpotLight, compose, rotate, translate
from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import meshes as M
from gameir.worlds.decals import add_town_decals
from gameir.worlds.dressing import dress_town, dressing_density
from gameir.worlds.paths import Polyline, rounded_rectangle
from gameir.worlds.pedestrians import add_pedestrians
from gameir.worlds.traffic import add_traffic
from gameir.worlds.world import World, WorldBuilder

__all__ = ["build_town", "ROAD_W", "PARK_W", "LANE_W", "KERB_H", "MAX_LAMP_LIGHTS"]

#: Point/spot lights per scene: the renderer shades at most 16 (gameir.render.constants.MAX_LIGHTS;
#: not imported here because worlds sit below the renderer in the data flow).
MAX_LAMP_LIGHTS = 16

ROAD_W, PARK_W, LANE_W, KERB_H, WALK_W = 12.0, 2.5, 3.5, 0.15, 3.0


def _rot_z_deg(a: float) -> np.ndarray:
    return rotate((0.0, 0.0, 1.0), a)


def _split_quads(md: M.Mesh, keep: np.ndarray) -> M.Mesh | None:
    """Sub-mesh of the quads (pairs of triangles) where ``keep`` is True; None if empty."""
    tri_keep = np.repeat(np.asarray(keep, bool), 2)
    if not tri_keep.any():
        return None
    return M.Mesh(md.positions, md.indices[tri_keep], md.normals, md.uvs, name=md.name)


def _sway(base: np.ndarray, amp_deg: float, freq: float, phase: float, t: float) -> np.ndarray:
    a = amp_deg * np.sin(2 * np.pi * freq * t + phase)
    return compose(base, rotate((1.0, 0.3, 0.0), a))


class _Town:
    kerb_h, walk_w, road_w = KERB_H, WALK_W, ROAD_W  # read by gameir.worlds.dressing and .decals

    def __init__(self, b: WorldBuilder, k: float) -> None:
        self.b, self.k, self.rng = b, k, b.rng
        lib = b.lib
        self.asphalt = b.wettable(lib.textured("asphalt", lane_markings=False, cracks=8))
        self.paving = b.wettable(lib.textured("concrete", 1, slabs=4))
        self.paint = b.wettable(lib.plain("paint", (0.8, 0.8, 0.75), roughness=0.6))
        self.walls = [lib.textured("bricks", 0), lib.textured("bricks", 1), lib.textured("concrete", 2),
                      lib.textured("metal_panels", 0), lib.textured("bricks", 2)]
        self.facades = [lib.textured("facade", i) for i in range(3)]
        for m in self.facades:  # lit windows of the emissive map, at night
            if m.emissive_texture is not None:
                b.glow(m, (1.0, 1.0, 1.0), 0.0, 2.5)
        self.roof = lib.textured("concrete", 3)
        self.glass = b.wettable(lib.plain("glass", (0.03, 0.04, 0.05), roughness=0.08, metallic=0.0))
        self.lit_glass = b.glow(lib.plain("lit_glass", (0.05, 0.05, 0.05), roughness=0.1), (1.0, 0.75, 0.45), 0.0, 3.0)
        self.metal = lib.plain("pole_metal", (0.35, 0.36, 0.38), roughness=0.45, metallic=1.0)
        self.dark = lib.plain("dark_metal", (0.05, 0.05, 0.05), roughness=0.5, metallic=0.5)
        self.bulb = b.glow(lib.plain("bulb", (0.9, 0.9, 0.8), roughness=0.3), (1.0, 0.85, 0.6), 0.0, 8.0)
        self.tl_on = [b.glow(lib.plain(f"tl{i}", c, roughness=0.2), c, 4.0, 6.0)
                      for i, c in enumerate([(1.0, 0.05, 0.02), (1.0, 0.6, 0.0), (0.1, 1.0, 0.3)])]
        self.cable = lib.plain("cable", (0.02, 0.02, 0.02), roughness=0.6)
        self.bark = lib.textured("bark")
        self.leaves = [lib.textured("leaves", i, two_sided=True) for i in range(2)]
        self.lawn = b.wettable(lib.textured("lawn"))
        self.fence = lib.textured("chain_link", two_sided=True)
        self.graffiti = [lib.textured("graffiti", i) for i in range(3)]
        self.billboards = [lib.textured("billboard", i) for i in range(3)]
        for m in self.billboards:
            b.glow(m, (0.5, 0.5, 0.5), 0.0, 1.5)
        self.signs = [lib.textured("sign", 0, shape="octagon", text="STOP"),
                      lib.textured("sign", 1, shape="circle", text=str(int(self.rng.choice([30, 50, 60])))),
                      lib.textured("sign", 2, shape="rect"), lib.textured("sign", 3, shape="rect")]
        self.bin_mat = lib.plain("bin", (0.1, 0.25, 0.12), roughness=0.5, metallic=0.3)
        self.crate = lib.textured("wood")
        self.lamp_sites: list[np.ndarray] = []
        self.facade_sites: list[tuple] = []  # (glass, matrix, id, width, depth, height, reveal) for dressing
        self.park_areas: list[tuple[float, float, float, float]] = []
        self.roof_sites: list[tuple] = []  # (roof matrix, id, width, depth) of flat roofs without a parapet

    # -- layout ---------------------------------------------------------------------------------
    def layout(self) -> None:
        rng, k = self.rng, self.k
        nx, ny = int(rng.integers(2, 4) + (k > 1)), int(rng.integers(2, 4))
        self.xr = np.concatenate([[0.0], np.cumsum(rng.uniform(30, 48, nx) + ROAD_W)])
        self.yr = np.concatenate([[0.0], np.cumsum(rng.uniform(30, 48, ny) + ROAD_W)])
        self.blocks = [(self.xr[i] + ROAD_W / 2, self.yr[j] + ROAD_W / 2, self.xr[i + 1] - ROAD_W / 2,
                        self.yr[j + 1] - ROAD_W / 2) for i in range(nx) for j in range(ny)]

    def ground(self) -> None:
        b = self.b
        m = 40.0
        x0, y0, x1, y1 = self.xr[0] - m, self.yr[0] - m, self.xr[-1] + m, self.yr[-1] + m
        g = M.quad([x0, y0, 0], [x1 - x0, 0, 0], [0, y1 - y0, 0], 6.0).named("road")
        b.add(g, self.asphalt, np.eye(4), S["road"], b.new_id(), "road", solid=False)
        parts = []
        for x in self.xr:  # roads along y
            for j in range(len(self.yr) - 1):
                y0s, y1s = self.yr[j] + ROAD_W / 2, self.yr[j + 1] - ROAD_W / 2
                mk = M.lane_markings(y1s - y0s, ROAD_W, 2, edge_offset=PARK_W)
                parts.append(mk.transformed(compose(translate(x, y0s, 0), _rot_z_deg(90))))
        for y in self.yr:  # roads along x
            for i in range(len(self.xr) - 1):
                x0s, x1s = self.xr[i] + ROAD_W / 2, self.xr[i + 1] - ROAD_W / 2
                parts.append(M.lane_markings(x1s - x0s, ROAD_W, 2, edge_offset=PARK_W).transformed(translate(x0s, y, 0)))
        for x in self.xr:  # zebra crossings on every road entering an intersection
            for y in self.yr:
                for ang in (0, 90, 180, 270):
                    for s in range(6):
                        off = -ROAD_W / 2 + PARK_W + 0.3 + s * 1.2
                        q = M.quad([ROAD_W / 2 + 0.5, off, 0.01], [2.5, 0, 0], [0, 0.6, 0])
                        parts.append(q.transformed(compose(translate(x, y, 0), _rot_z_deg(ang))))
        b.add(M.merge_meshes(parts).named("road_lines"), self.paint, np.eye(4), S["road_line"], b.new_id(),
              "road_line", solid=False)
        # puddles on the driving lanes and parking strips (shown by wet weather only), 2 cm up
        rng = self.rng
        puddle_mats = [self.b.lib.textured("puddle", i, size=128) for i in range(3)]
        card = self.b.mesh("puddle", lambda: M.quad([-0.5, -0.5, 0.02], [1, 0, 0], [0, 1, 0], 1.0))
        pid = self.b.new_id()
        n = int(len(self.xr) * len(self.yr) * 6 * self.k)
        for _ in range(n):
            along_x = rng.random() < 0.5
            road = rng.choice(self.yr if along_x else self.xr)
            pos = rng.uniform(self.xr[0], self.xr[-1]) if along_x else rng.uniform(self.yr[0], self.yr[-1])
            off = rng.uniform(-ROAD_W / 2 + 0.5, ROAD_W / 2 - 0.5)
            x, y = (pos, road + off) if along_x else (road + off, pos)
            sx, sy = rng.uniform(1.0, 4.0), rng.uniform(0.8, 2.5)
            tf = compose(translate(x, y, 0.0), _rot_z_deg(rng.uniform(0, 180)), np.diag([sx, sy, 1.0, 1.0]))
            self.b.puddle(card, puddle_mats[int(rng.integers(3))], tf, S["road"], pid)

    def perimeter(self) -> None:
        """Cheap facade-textured buildings beyond the outer roads, so outward views end in a street."""
        b, rng = self.b, self.rng
        x0, y0 = self.xr[0] - ROAD_W / 2, self.yr[0] - ROAD_W / 2
        x1, y1 = self.xr[-1] + ROAD_W / 2, self.yr[-1] + ROAD_W / 2
        depth = 16.0
        sides = [(x0 - depth, y0 - depth, x1 + depth, y0), (x0 - depth, y1, x1 + depth, y1 + depth),
                 (x0 - depth, y0, x0, y1), (x1, y0, x1 + depth, y1)]
        for (sx0, sy0, sx1, sy1) in sides:
            slab = M.sidewalk(sx1 - sx0, sy1 - sy0, KERB_H, 2.0)
            b.add(slab.named(f"outer_walk{sx0:.0f}_{sy0:.0f}"), self.paving, translate(sx0, sy0, 0), S["sidewalk"],
                  b.new_id(), "sidewalk", solid=False)
            along_x = (sx1 - sx0) > (sy1 - sy0)
            pos, end = (sx0, sx1) if along_x else (sy0, sy1)
            while pos < end - 4:
                w = min(rng.uniform(10, 25), end - pos)
                h = float(rng.integers(2, 9)) * 3.4
                if along_x:
                    size, centre = (w, depth - WALK_W, h), (pos + w / 2, (sy0 + sy1) / 2 + (WALK_W / 2 if sy0 >= y1 else -WALK_W / 2))
                else:
                    size, centre = (depth - WALK_W, w, h), ((sx0 + sx1) / 2 + (WALK_W / 2 if sx0 >= x1 else -WALK_W / 2), pos + w / 2)
                box = M.box(size, (centre[0], centre[1], KERB_H + h / 2), uv_scale=3.4, bottom=False)
                oid = b.new_id()
                b.add(box.named(f"outer{len(b.scene.instances)}"), self.facades[int(rng.integers(3))], np.eye(4),
                      S["building"], oid, "building:outer")
                self.roof_sites.append((translate(centre[0] - size[0] / 2, centre[1] - size[1] / 2, KERB_H + h),
                                        oid, size[0], size[1]))
                pos += w

    # -- blocks ---------------------------------------------------------------------------------
    def block(self, x0: float, y0: float, x1: float, y1: float) -> None:
        b, rng = self.b, self.rng
        slab = M.sidewalk(x1 - x0, y1 - y0, KERB_H, 2.0).named("sidewalk")
        b.add(slab, self.paving, translate(x0, y0, 0), S["sidewalk"], b.new_id(), "sidewalk", solid=False)
        ix0, iy0, ix1, iy1 = x0 + WALK_W, y0 + WALK_W, x1 - WALK_W, y1 - WALK_W
        if rng.random() < 0.22:
            self.park(ix0, iy0, ix1, iy1)
        else:
            self.buildings(ix0, iy0, ix1, iy1)
        self.furniture(x0, y0, x1, y1)
        loop = Polyline(rounded_rectangle(x0 - PARK_W - LANE_W / 2, y0 - PARK_W - LANE_W / 2,
                                          x1 + PARK_W + LANE_W / 2, y1 + PARK_W + LANE_W / 2, 6.0), closed=True)
        b.lanes.append(loop)
        b.walkways.append(Polyline(rounded_rectangle(x0 + 2.2, y0 + 2.2, x1 - 2.2, y1 - 2.2, 1.5, KERB_H,
                                                     clockwise=False), closed=True))

    def buildings(self, x0: float, y0: float, x1: float, y1: float) -> None:
        b, rng = self.b, self.rng
        rows = 2 if (y1 - y0) > 26 else 1
        depth = (y1 - y0) / rows
        for r in range(rows):
            x = x0
            while x < x1 - 6:
                w = min(rng.uniform(10, 22), x1 - x)
                if x1 - (x + w) < 8:
                    w = x1 - x
                floors = int(rng.integers(2, 5) if rng.random() < 0.6 else rng.integers(5, 12))
                fh = rng.uniform(3.0, 3.6)
                d = depth - (0.0 if rows == 1 else 0.5)
                yb = y0 + r * depth + (0.5 if r == 1 else 0.0)
                win_frac = (rng.uniform(0.4, 0.6), rng.uniform(0.45, 0.6))
                reveal = rng.uniform(0.12, 0.25)
                parts = M.building_shell(w, d, floors, fh, win_frac, reveal)
                oid = b.new_id()
                m = translate(x, yb, KERB_H)
                name = f"building{oid}"
                b.add(parts["wall"].named(name), self.walls[int(rng.integers(len(self.walls)))], m,
                      S["building"], oid, "building:wall")
                b.add(parts["roof"].named(name + "_roof"), self.roof, m, S["building"], oid, "building:roof",
                      solid=False)
                self.facade_sites.append((parts["glass"], m, oid, w, d, floors * fh, reveal))
                lit = rng.random(parts["glass"].num_triangles // 2) < rng.uniform(0.15, 0.5)
                for keep, mat, tag in ((~lit, self.glass, "dark"), (lit, self.lit_glass, "lit")):
                    sub = _split_quads(parts["glass"], keep)
                    if sub is not None:
                        b.add(sub.named(f"{name}_{tag}"), mat, m, S["building"], oid, "building:glass", solid=False)
                if rng.random() < 0.4:  # graffiti on the ground floor of the street side
                    face_y = yb if r == 0 else yb + d
                    gw = min(w * 0.6, 4.0)
                    q = M.quad([0, 0, 0], [gw, 0, 0], [0, 0, 2.2], (gw, 2.2))
                    rot = 0 if r == 0 else 180
                    gx = x + rng.uniform(0.5, max(0.6, w - gw - 0.5))
                    tm = compose(translate(gx + (gw if rot else 0), face_y + (-0.02 if r == 0 else 0.02), KERB_H + 0.3),
                                 _rot_z_deg(rot))
                    b.add(b.mesh(f"graffiti{gw:.2f}", lambda q=q: q), self.graffiti[int(rng.integers(3))], tm,
                          S["building"], oid, "building:graffiti", solid=False)
                if floors <= 4 and rng.random() < 0.35:  # roof billboard facing the street
                    bw_, bh_ = min(w * 0.8, 8.0), 3.0
                    face = M.quad([0, 0, 0], [bw_, 0, 0], [0, 0, bh_], (bw_, bh_))
                    top = KERB_H + floors * fh + 1.0
                    rot = 0 if r == 0 else 180
                    fy = yb + 1.0 if r == 0 else yb + d - 1.0
                    tm = compose(translate(x + (w - bw_) / 2 + (bw_ if rot else 0), fy, top), _rot_z_deg(rot))
                    bid = b.new_id()
                    b.add(face.named(f"billboard{bid}"), self.billboards[int(rng.integers(3))], tm,
                          S["static"], bid, "billboard")
                    back = M.box((bw_, 0.2, bh_ + 1.0), (bw_ / 2, 0.1, (bh_ - 1.0) / 2))
                    b.add(back.named(f"billboard{bid}_frame"), self.metal, tm, S["static"], bid, "billboard:frame")
                x += w

    def park(self, x0: float, y0: float, x1: float, y1: float) -> None:
        b, rng = self.b, self.rng
        self.park_areas.append((x0, y0, x1, y1))
        g = M.quad([x0, y0, KERB_H + 0.01], [x1 - x0, 0, 0], [0, y1 - y0, 0], 3.0).named(f"park{x0:.0f}")
        b.add(g, self.lawn, np.eye(4), S["terrain"], b.new_id(), "terrain", solid=False)
        fid = b.new_id()
        for (px, py, ln, ang) in ((x0, y0, x1 - x0, 0), (x1, y0, y1 - y0, 90), (x1, y1, x1 - x0, 180),
                                  (x0, y1, y1 - y0, 270)):
            f = M.fence(ln, 1.6)
            tm = compose(translate(px, py, KERB_H), _rot_z_deg(ang))
            b.add(b.mesh(f"fence_posts{ln:.2f}", lambda f=f: f["posts"]), self.metal, tm, S["fence"], fid,
                  "fence:posts", solid=False)
            b.add(b.mesh(f"fence_panel{ln:.2f}", lambda f=f: f["panel"]), self.fence, tm, S["fence"], fid,
                  "fence:panel")
        n = int(((x1 - x0) * (y1 - y0)) / 120 * self.k)
        for _ in range(n):
            p = (rng.uniform(x0 + 2, x1 - 2), rng.uniform(y0 + 2, y1 - 2))
            self.tree(p, rng.uniform(6, 11))
        for _ in range(int(rng.integers(1, 4))):
            r = M.rock(rng, 1.0)
            s = rng.uniform(0.5, 1.2)
            b.add(b.mesh(f"rock{s:.3f}", lambda r=r: r), self.roof,
                  compose(translate(rng.uniform(x0 + 3, x1 - 3), rng.uniform(y0 + 3, y1 - 3), KERB_H), np.diag([s, s, s, 1])),
                  S["terrain"], b.new_id(), "rock")

    def tree(self, p: tuple[float, float], height: float) -> None:
        b, rng = self.b, self.rng
        proto = int(rng.integers(3))
        parts = {}
        trunk = b.mesh(f"tree{proto}_trunk", lambda: parts.setdefault("t", M.tree(np.random.default_rng(proto), 8.0))["trunk"])
        crown = b.mesh(f"tree{proto}_crown", lambda: parts.setdefault("t", M.tree(np.random.default_rng(proto), 8.0))["crown"])
        s = height / 8.0
        base = compose(translate(p[0], p[1], KERB_H), _rot_z_deg(rng.uniform(0, 360)), np.diag([s, s, s, 1]))
        oid = b.new_id()
        b.add(trunk, self.bark, base, S["vegetation"], oid, "tree:trunk")
        sway = (rng.uniform(0.8, 2.0), rng.uniform(0.2, 0.5), rng.uniform(0, 6.3))  # drawn in both variants
        tf = partial(_sway, base, *sway) if b.dynamic else base
        b.add(crown, self.leaves[proto % 2], tf, S["vegetation"], oid, "tree:crown", solid=False)

    def furniture(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Lamps, trees, signs, utility poles with wires, bins along the kerbs; traffic lights at corners."""
        b, rng = self.b, self.rng
        edges = [((x0, y0), (x1, y0), 270.0), ((x1, y0), (x1, y1), 0.0), ((x1, y1), (x0, y1), 90.0),
                 ((x0, y1), (x0, y0), 180.0)]  # start, end, outward normal angle (deg from +x)
        lamp_parts, lamp_pos = M.street_lamp(7.0, 2.0)
        for (p, q, ang) in edges:
            p, q = np.array(p), np.array(q)
            d = q - p
            ln = float(np.linalg.norm(d))
            u = d / ln
            n = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))])
            def at(s: float, inset: float) -> np.ndarray:
                return p + u * s + n * (-inset)
            for s in np.arange(8.0, ln - 6.0, 24.0):  # lamps, arm over the road
                xy = at(s, 0.6)
                tm = compose(translate(xy[0], xy[1], KERB_H), _rot_z_deg(ang))
                oid = b.new_id()
                b.add(b.mesh("lamp_pole", lambda: lamp_parts["pole"]), self.metal, tm, S["pole"], oid, "lamp:pole")
                b.add(b.mesh("lamp_head", lambda: lamp_parts["head"]), self.dark, tm, S["pole"], oid, "lamp:head")
                b.add(b.mesh("lamp_bulb", lambda: lamp_parts["bulb"]), self.bulb, tm, S["pole"], oid, "lamp:bulb",
                      solid=False)
                self.lamp_sites.append(tm[:3, :3] @ lamp_pos + tm[:3, 3])
            for s in np.arange(20.0, ln - 6.0, 24.0):  # street trees between lamps
                if rng.random() < 0.7:
                    self.tree(tuple(at(s, 1.2)), rng.uniform(5, 8))
            if rng.random() < 0.6:  # a sign
                s = rng.uniform(4, ln - 4)
                xy = at(s, 0.4)
                si = int(rng.integers(len(self.signs)))
                sb = M.sign_board(0.9, 0.9 if si < 2 else 0.45, 2.2)
                tm = compose(translate(xy[0], xy[1], KERB_H), _rot_z_deg(ang + 90))
                oid = b.new_id()
                b.add(b.mesh(f"sign{si}_pole", lambda: sb["pole"]), self.metal, tm, S["pole"], oid, "sign:pole")
                b.add(b.mesh(f"sign{si}_face", lambda: sb["face"]), self.signs[si], tm, S["traffic_sign"], oid,
                      "sign:face", solid=False)
                b.add(b.mesh(f"sign{si}_back", lambda: sb["back"]), self.metal, tm, S["traffic_sign"], oid,
                      "sign:back", solid=False)
            if rng.random() < 0.5:  # utility poles with wires
                poles = [at(s, 0.3) for s in np.arange(3.0, ln - 2.0, 28.0)]
                wires = []
                pid = b.new_id()
                for i, xy in enumerate(poles):
                    b.add(b.mesh("utility_pole", lambda: M.pole(9.0, 0.13)), self.roof,
                          translate(xy[0], xy[1], KERB_H), S["pole"], pid, "utility_pole")
                    if i:
                        for h, sag in ((8.6, 0.7), (8.0, 0.9), (7.4, 1.1)):
                            a3 = np.array([*poles[i - 1], KERB_H + h])
                            b3 = np.array([*xy, KERB_H + h])
                            wires.append(M.wire(a3, b3, sag, 0.015))
                if wires:
                    b.add(M.merge_meshes(wires).named(f"wires{pid}"), self.cable, np.eye(4), S["pole"], pid, "utility_pole:wire",
                          solid=False)
            if rng.random() < 0.5:  # bin and crate props
                xy = at(rng.uniform(3, ln - 3), 0.8)
                b.add(b.mesh("bin", lambda: M.cylinder(0.3, 0.9, 12)), self.bin_mat,
                      translate(xy[0], xy[1], KERB_H), S["static"], b.new_id(), "bin")
                xy = at(rng.uniform(3, ln - 3), 1.0)
                b.add(b.mesh("crate", lambda: M.crate(0.6)), self.crate,
                      compose(translate(xy[0], xy[1], KERB_H), _rot_z_deg(rng.uniform(0, 90))), S["static"],
                      b.new_id(), "crate")
        # a traffic light at each block corner, arm over the road on the corner's outgoing side
        for (p, q, ang) in edges:
            state = int(rng.integers(3))
            tl = M.traffic_light(5.5, 3.5, state=state)
            xy = np.array(p) + (np.array(q) - np.array(p)) / np.linalg.norm(np.array(q) - np.array(p)) * 0.8
            tm = compose(translate(xy[0], xy[1], KERB_H), _rot_z_deg(ang))
            oid = b.new_id()
            b.add(b.mesh("tl_pole", lambda: tl["pole"]), self.metal, tm, S["pole"], oid, "traffic_light:pole")
            b.add(b.mesh("tl_housing", lambda: tl["housing"]), self.dark, tm, S["traffic_light"], oid,
                  "traffic_light:housing")
            b.add(b.mesh(f"tl_on{state}", lambda: tl["lamp_on"]), self.tl_on[state], tm, S["traffic_light"], oid,
                  "traffic_light:lamp", solid=False)
            b.add(b.mesh(f"tl_off{state}", lambda: tl["lamps_off"]), self.dark, tm, S["traffic_light"], oid,
                  "traffic_light:lamp", solid=False)

def build_town(b: WorldBuilder, k: float) -> World:
    """Generate a town into builder ``b`` with object-count multiplier ``k``; return the World."""
    t = _Town(b, k)
    t.layout()
    t.ground()
    t.perimeter()
    for blk in t.blocks:
        t.block(*blk)
    dress_town(b, t, dressing_density(b.detail))
    add_town_decals(b, t, k)
    t.camera_slots = add_traffic(b, k, b.lanes, t.blocks, PARK_W)
    add_pedestrians(b, k, lateral_m=0.5, per_100m=2.0)  # dynamic worlds only
    cx = t.xr[len(t.xr) // 2]
    cy = t.yr[len(t.yr) // 2]
    # every lamp glows; the MAX_LAMP_LIGHTS nearest the focus also light the street
    sites = sorted(t.lamp_sites, key=lambda p: float(np.hypot(p[0] - cx, p[1] - cy)))
    for lp in sites[:MAX_LAMP_LIGHTS]:
        b.lamp(SpotLight(tuple(lp), (0, 0, -1), (1.0, 0.8, 0.55), 60.0, 22.0, 35.0, 60.0))
    extent = np.array([[t.xr[0] - ROAD_W / 2, t.yr[0] - ROAD_W / 2], [t.xr[-1] + ROAD_W / 2, t.yr[-1] + ROAD_W / 2]])
    meta = {"blocks": len(t.blocks), "roads_x": len(t.yr), "roads_y": len(t.xr), "camera_slots": t.camera_slots}
    return b.finish(np.array([cx, cy, 1.5]), extent, meta)
