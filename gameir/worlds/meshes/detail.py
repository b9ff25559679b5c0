"""Small detail meshes that worlds instance by the thousand: façade parts, street furniture,
vegetation clumps and interior furniture (metres, +Z up, standing on z = 0 unless stated).

Façade parts are built in a window frame: x along the window's width, z up, the wall's outward
normal along -Y, the glass plane at y = 0 (so a part at negative y stands out of the wall).
"""

from __future__ import annotations

import functools

import numpy as np

from gameir.scene.mesh import Mesh, merge_meshes
from gameir.scene.primitives import box, cylinder, sphere, tube
from gameir.scene.transforms import compose, rotate, translate
from gameir.worlds.meshes.props import foliage_card

__all__ = ["window_frame", "balcony", "ac_unit", "drain_pipe", "bench", "hydrant", "bollard", "bike",
           "railing", "grass_patch", "flower_patch", "bush", "broadleaf", "shelf_with_books", "table",
           "chair", "potted_plant", "cable_run", "shutters", "roof_kit", "parapet_rail"]


def _tiled(mesh: Mesh, offsets: np.ndarray, name: str = "tiled") -> Mesh:
    """Copies of ``mesh`` translated by each (K, 3) offset, merged into one mesh (vectorised)."""
    off = np.asarray(offsets, np.float64).reshape(-1, 3)
    n = mesh.num_vertices
    pos = (mesh.positions[None].astype(np.float64) + off[:, None]).reshape(-1, 3)
    idx = (mesh.indices[None].astype(np.int64) + (np.arange(len(off)) * n)[:, None, None]).reshape(-1, 3)
    return Mesh(pos, idx, np.tile(mesh.normals, (len(off), 1)), np.tile(mesh.uvs, (len(off), 1)), name=name)


def window_frame(width: float, height: float, reveal: float) -> Mesh:
    """Frame, mullion, transom, sill and lintel around a ``width`` x ``height`` m window whose glass
    lies ``reveal`` m behind the wall plane (frame from the glass to the wall, sill and lintel stand out)."""
    t, d = 0.06, reveal + 0.03
    yc = -d / 2
    parts = [box((t, d, height), (t / 2, yc, height / 2), bottom=False),
             box((t, d, height), (width - t / 2, yc, height / 2), bottom=False),
             box((width, d, t), (width / 2, yc, height - t / 2)),
             box((width, d, t), (width / 2, yc, t / 2), bottom=False),
             box((t * 0.6, 0.05, height - 2 * t), (width / 2, -0.03, height / 2)),
             box((width - 2 * t, 0.05, t * 0.6), (width / 2, -0.03, height * 0.66)),
             box((width + 0.2, reveal + 0.2, 0.06), (width / 2, -(reveal + 0.2) / 2, -0.03)),
             box((width + 0.3, reveal + 0.08, 0.14), (width / 2, -(reveal + 0.08) / 2, height + 0.07))]
    return merge_meshes(parts, "window_frame")


def balcony(width: float, reveal: float, balusters: int = 12) -> Mesh:
    """Slab, hand rail and ``balusters`` round bars under a window (z = 0 at the window's bottom)."""
    depth, h = 0.9, 1.0
    y0 = -reveal - depth
    parts = [box((width + 0.6, depth, 0.12), (width / 2, -reveal - depth / 2, -0.18))]
    rail = np.array([[-0.25, -reveal - 0.05, h - 0.12], [-0.25, y0 + 0.05, h - 0.12],
                     [width + 0.25, y0 + 0.05, h - 0.12], [width + 0.25, -reveal - 0.05, h - 0.12]])
    parts.append(tube(rail, 0.03, 6))
    xs = np.linspace(-0.25, width + 0.25, balusters)
    bar = cylinder(0.015, h, 6, caps=False)
    ys = np.linspace(y0 + 0.05, -reveal - 0.05, 4)[1:-1]
    at = [(x, y0 + 0.05, -0.12) for x in xs] + [(x, y, -0.12) for y in ys for x in (-0.25, width + 0.25)]
    parts.append(_tiled(bar, np.array(at)))
    return merge_meshes(parts, "balcony")


def ac_unit() -> Mesh:
    """Wall air conditioner (0.8 x 0.3 x 0.55 m) with a fan grille and two brackets; back at y = 0."""
    parts = [box((0.8, 0.3, 0.55), (0.0, -0.15, 0.275))]
    grille = cylinder(0.2, 0.02, 16).transformed(compose(translate(0.1, -0.3, 0.275), rotate((1, 0, 0), 90.0)))
    hub = sphere(0.05, 8, 4).transformed(translate(0.1, -0.32, 0.275))
    parts += [grille, hub]
    for x in (-0.3, 0.3):
        parts.append(box((0.04, 0.35, 0.04), (x, -0.175, -0.02)))
    return merge_meshes(parts, "ac_unit")


def drain_pipe(height: float) -> Mesh:
    """Downpipe of ``height`` m with a shoe at the bottom and brackets every 2 m (x = 0, y = -0.1)."""
    pts = np.array([[0, -0.1, 0.25], [0, -0.1, height]])
    parts = [tube(pts, 0.05, 8), tube(np.array([[0, -0.1, 0.25], [0, -0.2, 0.12], [0, -0.3, 0.08]]), 0.05, 8)]
    for z in np.arange(1.0, height, 2.0):
        parts.append(box((0.14, 0.12, 0.04), (0, -0.06, z)))
    return merge_meshes(parts, "drain_pipe")


def bench(length: float = 1.8) -> Mesh:
    """Park bench: five slats (seat and back) on two cast legs; seat front towards -Y."""
    parts = []
    for k in range(3):
        parts.append(box((length, 0.1, 0.04), (0, -0.2 + k * 0.13, 0.45)))
    for k in range(2):
        parts.append(box((length, 0.04, 0.1), (0, 0.16, 0.62 + k * 0.16)))
    for x in (-length / 2 + 0.15, length / 2 - 0.15):
        parts += [box((0.06, 0.45, 0.06), (x, 0.0, 0.41)), box((0.06, 0.06, 0.45), (x, -0.18, 0.225)),
                  box((0.06, 0.06, 0.9), (x, 0.17, 0.45))]
    return merge_meshes(parts, "bench")


def hydrant() -> Mesh:
    """Fire hydrant: body, bonnet dome, two side outlets and a cap nut."""
    parts = [cylinder(0.16, 0.08, 16), cylinder(0.11, 0.55, 16).transformed(translate(0, 0, 0.08)),
             sphere(0.12, 16, 8).transformed(translate(0, 0, 0.63)),
             cylinder(0.03, 0.06, 8).transformed(translate(0, 0, 0.73))]
    for a in (0.0, 180.0, 90.0):
        parts.append(cylinder(0.045, 0.12, 12).transformed(compose(rotate((0, 0, 1), a), translate(0.08, 0, 0.42),
                                                                   rotate((0, 1, 0), 90.0))))
    return merge_meshes(parts, "hydrant")


def bollard() -> Mesh:
    """Street bollard: 0.9 m post with a dome top and a reflective band ring."""
    return merge_meshes([cylinder(0.08, 0.85, 12, caps=False), sphere(0.08, 12, 6).transformed(translate(0, 0, 0.85)),
                         cylinder(0.085, 0.06, 12, caps=False).transformed(translate(0, 0, 0.7))], "bollard")


def _ring_tube(radius: float, tube_r: float, n: int = 20) -> Mesh:
    a = np.linspace(0, 2 * np.pi, n + 1)
    return tube(np.stack([np.cos(a) * radius, np.zeros_like(a), np.sin(a) * radius], -1), tube_r, 6)


def bike() -> Mesh:
    """Parked bicycle along +X: two spoked wheels, diamond frame, bars, saddle (about 1.7 m long)."""
    r = 0.34
    parts = []
    for x in (-0.52, 0.52):
        parts.append(_ring_tube(r, 0.02).transformed(translate(x, 0, r)))
        for k in range(6):
            a = np.pi * k / 6
            d = np.array([np.cos(a), 0, np.sin(a)]) * r
            parts.append(tube(np.array([[x, 0, r] - d, [x, 0, r] + d]), 0.004, 3))
    frame = [([-0.52, 0, r], [-0.05, 0, r]), ([-0.05, 0, r], [-0.15, 0, 0.85]), ([-0.15, 0, 0.85], [0.4, 0, 0.85]),
             ([0.4, 0, 0.85], [-0.05, 0, r]), ([0.4, 0, 0.85], [0.52, 0, r]), ([-0.52, 0, r], [-0.15, 0, 0.85]),
             ([0.4, 0, 0.85], [0.38, 0, 1.0]), ([0.38, -0.25, 1.0], [0.38, 0.25, 1.0])]
    parts += [tube(np.array([a, b], float), 0.017, 6) for a, b in frame]
    parts.append(box((0.25, 0.1, 0.05), (-0.17, 0, 0.92)))
    return merge_meshes(parts, "bike")


@functools.lru_cache(maxsize=8)
def _rail_uprights(height: float) -> tuple[Mesh, Mesh]:
    """The (bar, post) cylinders of a ``height`` m railing, built once (meshes are immutable)."""
    return cylinder(0.008, height - 0.15, 4, caps=False), cylinder(0.03, height, 8, caps=False)


def railing(length: float, height: float = 1.0, every: float = 0.15) -> Mesh:
    """Pedestrian guard rail along +X: top and mid rails on posts, round bars every ``every`` m."""
    parts = [tube(np.array([[0, 0, height], [length, 0, height]]), 0.025, 8),
             tube(np.array([[0, 0, 0.15], [length, 0, 0.15]]), 0.015, 6)]
    bar, post = _rail_uprights(float(height))
    xs = np.arange(0.0, length + 1e-6, every)
    parts.append(_tiled(bar, np.column_stack([xs, 0 * xs, 0 * xs + 0.15])))
    xp = np.arange(0.0, length + 1e-6, 2.0)
    parts.append(_tiled(post, np.column_stack([xp, 0 * xp, 0 * xp])))
    return merge_meshes(parts, "railing")


def grass_patch(rng: np.random.Generator, radius: float = 1.5, tufts: int = 40) -> Mesh:
    """``tufts`` small crossed grass cards scattered in a disc (alpha-tested; 4 triangles per tuft)."""
    parts = []
    for _ in range(tufts):
        r, a = radius * np.sqrt(rng.random()), rng.uniform(0, 2 * np.pi)
        s = rng.uniform(0.15, 0.35)  # small tufts: dense cover at a modest fill (alpha-tested overdraw) cost
        parts.append(foliage_card(s * 1.6, s, 2).transformed(
            compose(translate(r * np.cos(a), r * np.sin(a), -0.03), rotate((0, 0, 1), rng.uniform(0, 180)))))
    return merge_meshes(parts, "grass_patch")


def flower_patch(rng: np.random.Generator, radius: float = 0.8, flowers: int = 14) -> Mesh:
    """Flowers: thin stems (4-sided tubes) with a small crossed blossom card on top."""
    parts = []
    for _ in range(flowers):
        r, a = radius * np.sqrt(rng.random()), rng.uniform(0, 2 * np.pi)
        x, y, h = r * np.cos(a), r * np.sin(a), rng.uniform(0.25, 0.55)
        parts.append(tube(np.array([[x, y, 0], [x, y, h]]), 0.006, 4))
        parts.append(foliage_card(0.12, 0.1, 2, z0=h - 0.05).transformed(translate(x, y, 0)))
    return merge_meshes(parts, "flower_patch")


def bush(rng: np.random.Generator, radius: float = 0.8, cards: int = 14) -> Mesh:
    """Round bush: ``cards`` leaf cards tilted around a sphere of ``radius`` m, resting on z = 0."""
    parts = []
    for _ in range(cards):
        d = rng.normal(size=3)
        d[2] = abs(d[2]) * 0.7
        d /= np.linalg.norm(d)
        s = radius * rng.uniform(0.7, 1.1)
        parts.append(foliage_card(s, s, 2, z0=-s / 2).transformed(
            compose(translate(*(d * radius * 0.5 + [0, 0, radius * 0.6])), rotate((0, 0, 1), rng.uniform(0, 180)),
                    rotate((1, 0, 0), rng.normal(0, 25)))))
    return merge_meshes(parts, "bush")


def broadleaf(rng: np.random.Generator, height: float, spread: float, cards: int, branches: int) -> dict[str, Mesh]:
    """Branching tree species: trunk, ``branches`` branch tubes and a crown of ``cards`` leaf cards
    clustered at the branch tips. ``spread`` is the crown radius / height (0.15 poplar … 0.4 oak)."""
    trunk_h = height * rng.uniform(0.35, 0.5)
    wood = [cylinder(height * 0.03, trunk_h + 0.3, 10, caps=False, radius_top=height * 0.018)]
    cards_out = []
    for i in range(branches):
        a = 2 * np.pi * i / branches + rng.normal(0, 0.3)
        z0 = trunk_h * rng.uniform(0.7, 1.0)
        tip = np.array([np.cos(a) * spread * height, np.sin(a) * spread * height,
                        z0 + rng.uniform(0.25, 0.55) * height])
        mid = np.array([0, 0, z0]) * 0.5 + tip * 0.5 + [0, 0, 0.1 * height]
        wood.append(tube(np.array([[0, 0, z0], mid, tip]), height * 0.01, 6))
        for _ in range(max(1, cards // branches)):
            s = height * rng.uniform(0.18, 0.3)
            c = tip + rng.normal(0, height * 0.06, 3)
            cards_out.append(foliage_card(s, s, 2, z0=-s / 2).transformed(
                compose(translate(*c), rotate((0, 0, 1), rng.uniform(0, 180)), rotate((1, 0, 0), rng.normal(0, 20)))))
    return {"trunk": merge_meshes(wood, "broadleaf_trunk"), "crown": merge_meshes(cards_out, "broadleaf_crown")}


def shelf_with_books(rng: np.random.Generator, width: float = 1.6, height: float = 2.0, levels: int = 5) -> dict[str, Mesh]:
    """Open bookshelf (back at y = 0, front towards -Y) and its books (boxes of random size and lean)."""
    depth, t = 0.4, 0.03
    frame = [box((t, depth, height), (t / 2, -depth / 2, height / 2)),
             box((t, depth, height), (width - t / 2, -depth / 2, height / 2)),
             box((width, 0.01, height), (width / 2, -0.005, height / 2))]
    pitch = height / levels
    books = []
    for lv in range(levels):
        z = lv * pitch
        frame.append(box((width - 2 * t, depth, t), (width / 2, -depth / 2, z + t / 2)))
        x = t + 0.01
        while x < width - t - 0.05:
            bw = rng.uniform(0.025, 0.06)
            bh = rng.uniform(0.55, 0.85) * (pitch - t)
            bd = rng.uniform(0.2, 0.32)
            tilt = rng.normal(0, 3) if rng.random() < 0.15 else 0.0
            books.append(box((bw, bd, bh), (0, -bd / 2 - 0.03, bh / 2), bottom=False)
                         .transformed(compose(translate(x + bw / 2, 0, z + t), rotate((0, 1, 0), tilt))))
            x += bw + (rng.uniform(0.1, 0.3) if rng.random() < 0.04 else 0.003)
    frame.append(box((width, depth, t), (width / 2, -depth / 2, height - t / 2)))
    return {"frame": merge_meshes(frame, "shelf"), "books": merge_meshes(books, "books")}


def table(width: float = 1.4, depth: float = 0.8, height: float = 0.75) -> Mesh:
    """Table: top slab with an apron on four round legs, centred at the origin."""
    parts = [box((width, depth, 0.04), (0, 0, height - 0.02)),
             box((width - 0.1, depth - 0.1, 0.08), (0, 0, height - 0.08), bottom=False)]
    leg = cylinder(0.03, height - 0.04, 12, caps=False)
    parts += [leg.transformed(translate(sx * (width / 2 - 0.08), sy * (depth / 2 - 0.08), 0))
              for sx in (-1, 1) for sy in (-1, 1)]
    return merge_meshes(parts, "table")


def chair() -> Mesh:
    """Chair facing -Y: seat, slatted back and four legs, centred at the origin."""
    parts = [box((0.45, 0.45, 0.04), (0, 0, 0.45))]
    leg = cylinder(0.018, 0.45, 8, caps=False)
    parts += [leg.transformed(translate(sx * 0.19, sy * 0.19, 0)) for sx in (-1, 1) for sy in (-1, 1)]
    for sx in (-1, 1):
        parts.append(box((0.035, 0.035, 0.45), (sx * 0.19, 0.2, 0.67)))
    for k in range(3):
        parts.append(box((0.38, 0.02, 0.06), (0, 0.2, 0.6 + k * 0.12)))
    return merge_meshes(parts, "chair")


def potted_plant(rng: np.random.Generator, leaves: int = 10) -> dict[str, Mesh]:
    """Pot (tapered, with soil) and a clump of upright leaf cards."""
    pot = merge_meshes([cylinder(0.15, 0.35, 16, radius_top=0.2), cylinder(0.185, 0.01, 16).transformed(translate(0, 0, 0.3))],
                       "pot")
    cards = [foliage_card(rng.uniform(0.3, 0.5), rng.uniform(0.5, 0.9), 2, z0=0.3).transformed(
        compose(rotate((0, 0, 1), rng.uniform(0, 180)), rotate((1, 0, 0), rng.normal(0, 12)))) for _ in range(leaves)]
    return {"pot": pot, "leaves": merge_meshes(cards, "plant_leaves")}


def cable_run(rng: np.random.Generator, length: float, sag: float = 0.05, strands: int = 3) -> Mesh:
    """``strands`` loose cables along +X lying on the floor with small random wiggles (0.01 m thick)."""
    parts = []
    for s in range(strands):
        x = np.linspace(0, length, 24)
        y = 0.04 * s + np.cumsum(rng.normal(0, sag * 0.3, len(x)))
        parts.append(tube(np.stack([x, y, np.full_like(x, 0.012)], -1), 0.008, 5))
    return merge_meshes(parts, "cables")



def shutters(width: float, height: float, slats: int = 10) -> Mesh:
    """A pair of louvred shutters folded open beside a ``width`` x ``height`` window (wall plane y = 0)."""
    sw = width / 2
    parts = []
    for x0 in (-sw - 0.02, width + 0.02):
        parts.append(box((sw, 0.03, 0.05), (x0 + sw / 2, -0.03, 0.025)))
        parts.append(box((sw, 0.03, 0.05), (x0 + sw / 2, -0.03, height - 0.025)))
        slat = box((sw - 0.04, 0.02, 0.07), (0, 0, 0), bottom=False).transformed(rotate((1, 0, 0), 30.0))
        zs = np.linspace(0.08, height - 0.08, slats)
        parts.append(_tiled(slat, np.column_stack([np.full(slats, x0 + sw / 2), np.full(slats, -0.03), zs])))
    return merge_meshes(parts, "shutters")


def roof_kit() -> dict[str, Mesh]:
    """Rooftop pieces placed separately (z = 0 at the roof): ``tank`` (water tank on legs), ``hvac``
    (box with two fans), ``vent`` (stack with a cap) and ``antenna`` (mast with three cross bars)."""
    tank = merge_meshes([cylinder(1.0, 2.0, 24).transformed(translate(0, 0, 1.2)),
                         cylinder(1.05, 0.5, 24, radius_top=0.05).transformed(translate(0, 0, 3.2)),
                         _tiled(cylinder(0.05, 1.2, 6, caps=False), np.array([[sx * 0.7, sy * 0.7, 0] for sx in (-1, 1)
                                                                              for sy in (-1, 1)]))], "tank")
    hvac = merge_meshes([box((1.4, 1.0, 0.9), (0, 0, 0.45), bottom=False),
                         _tiled(cylinder(0.3, 0.05, 16), np.array([[-0.35, 0, 0.9], [0.35, 0, 0.9]]))], "hvac")
    vent = merge_meshes([cylinder(0.1, 1.2, 10), cylinder(0.16, 0.12, 10, radius_top=0.02).transformed(translate(0, 0, 1.25))],
                        "vent")
    antenna = merge_meshes([tube(np.array([[0, 0, 0], [0, 0, 4.0]]), 0.03, 6)] +
                           [tube(np.array([[-0.6, 0, z], [0.6, 0, z]]), 0.01, 4) for z in (2.5, 3.0, 3.5)], "antenna")
    return {"tank": tank, "hvac": hvac, "vent": vent, "antenna": antenna}


def parapet_rail(width: float, depth: float) -> Mesh:
    """Guard rail on top of a ``width`` x ``depth`` m roof's parapet, 0.35 m inside its outer edge."""
    parts = []
    sides = {ln: railing(ln - 0.4, 1.0, 0.2) for ln in (width, depth)}  # opposite sides share one rail
    for x, y, ln, a in ((0, 0, width, 0.0), (width, 0, depth, 90.0), (width, depth, width, 180.0), (0, depth, depth, 270.0)):
        parts.append(sides[ln].transformed(compose(translate(x, y, 0.8), rotate((0, 0, 1), a), translate(0.2, 0.35, 0))))
    return merge_meshes(parts, "parapet_rail")
