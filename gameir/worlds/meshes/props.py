"""Street furniture, vehicles and vegetation built from primitives (object frames, metres, +Z up)."""

from __future__ import annotations

import numpy as np

from gameir.scene.mesh import Mesh, merge_meshes
from gameir.scene.primitives import box, cylinder, quad, sphere, tube
from gameir.scene.transforms import compose, rotate, translate

__all__ = ["vehicle", "wheel", "wheel_centres", "pole", "street_lamp", "traffic_light", "sign_board", "catenary", "wire",
           "fence", "foliage_card", "tree", "rock", "crate"]



def vehicle(length: float = 4.4, width: float = 1.8, height: float = 1.45,
            wheel_r: float = 0.33) -> dict[str, Mesh]:
    """Car from parts, facing +X, centred on x = y = 0, wheels touching z = 0.

    Returns:
        ``{"body", "glass", "wheels", "lights_front", "lights_rear"}`` meshes in the car frame.
    """
    if min(length, width, height, wheel_r) <= 0:
        raise ValueError(f"vehicle: dimensions must be positive, got {length}, {width}, {height}, {wheel_r}")
    z_body = wheel_r * 0.9
    body_h = height * 0.45
    body = box((length, width, body_h), (0, 0, z_body + body_h / 2))
    cab_len = length * 0.5
    cab_h = height - z_body - body_h - 0.06
    glass = box((cab_len, width * 0.86, cab_h), (-length * 0.05, 0, z_body + body_h + cab_h / 2), bottom=False)
    roof = box((cab_len * 0.92, width * 0.88, 0.06), (-length * 0.05, 0, height - 0.03))
    one = wheel(wheel_r)
    wheels = [one.transformed(translate(*c)) for c in wheel_centres(length, width, wheel_r)]
    lf = merge_meshes([box((0.05, 0.35, 0.12), (length / 2 + 0.02, sy * width * 0.33, z_body + body_h * 0.7))
                for sy in (-1, 1)])
    lr = merge_meshes([box((0.05, 0.35, 0.1), (-length / 2 - 0.02, sy * width * 0.33, z_body + body_h * 0.75))
                for sy in (-1, 1)])
    return {"body": merge_meshes([body, roof]), "glass": glass, "wheels": merge_meshes(wheels),
            "lights_front": lf, "lights_rear": lr}


def wheel(radius: float, width: float = 0.24, segments: int = 12) -> Mesh:
    """Closed wheel (a cylinder) centred at the origin with its axle along +Y."""
    return cylinder(radius, width, segments).transformed(compose(rotate((1, 0, 0), 90.0),
                                                                 translate(0, 0, -width / 2)))


def wheel_centres(length: float, width: float, wheel_r: float) -> np.ndarray:
    """(4, 3) float64 wheel centres of :func:`vehicle` in the car frame (rear-right first)."""
    return np.array([[sx * length * 0.32, sy * (width / 2 - 0.12), wheel_r] for sx in (-1, 1) for sy in (-1, 1)])


def pole(height: float, radius: float = 0.08, segments: int = 10) -> Mesh:
    """Vertical pole from z = 0 to ``height`` with a slight taper."""
    return cylinder(radius, height, segments, caps=True, radius_top=radius * 0.8)


def street_lamp(height: float = 7.0, arm: float = 1.8) -> tuple[dict[str, Mesh], np.ndarray]:
    """Lamp post with an arm along +X and a lamp head.

    Returns:
        (``{"pole", "head", "bulb"}``, light position (3,) float64 in the object frame, just below the head).
    """
    post = pole(height, 0.1)
    arm_m = tube(np.array([[0, 0, height - 0.3], [arm * 0.5, 0, height], [arm, 0, height - 0.05]]), 0.05, 6)
    head = box((0.7, 0.3, 0.15), (arm, 0, height - 0.1))
    bulb = box((0.5, 0.22, 0.03), (arm, 0, height - 0.19), bottom=True)
    return {"pole": merge_meshes([post, arm_m]), "head": head, "bulb": bulb}, np.array([arm, 0, height - 0.3])


def traffic_light(height: float = 5.5, arm: float = 3.0, state: int = 0) -> dict[str, Mesh]:
    """Traffic signal on a mast arm along +X, facing -Y (towards traffic coming along +Y ... seen from -Y).

    Args:
        state: which lamp is on: 0 red, 1 amber, 2 green.

    Returns:
        ``{"pole", "housing", "lamp_on", "lamps_off"}``.
    """
    if state not in (0, 1, 2):
        raise ValueError(f"traffic_light: state must be 0, 1 or 2, got {state!r}")
    post = pole(height, 0.12)
    arm_m = tube(np.array([[0, 0, height - 0.2], [arm, 0, height - 0.2]]), 0.07, 8)
    housing = box((0.35, 0.3, 1.0), (arm, 0, height - 0.9))
    on, off = [], []
    for k in range(3):
        disc = cylinder(0.1, 0.04, 12).transformed(compose(
            translate(arm, -0.15, height - 0.58 - k * 0.32), rotate((1, 0, 0), 90.0)))
        (on if k == state else off).append(disc)
    return {"pole": merge_meshes([post, arm_m]), "housing": housing, "lamp_on": merge_meshes(on), "lamps_off": merge_meshes(off)}


def sign_board(width: float = 0.8, height: float = 0.8, mount_h: float = 2.2) -> dict[str, Mesh]:
    """Sign plate on a post, printed face towards -Y with uv [0, 1]^2 over the face (back side plain).

    Returns:
        ``{"pole", "face", "back"}``.
    """
    post = pole(mount_h + height / 2, 0.04, 8)
    z0 = mount_h - height / 2
    face = quad([-width / 2, -0.03, z0], [width, 0, 0], [0, 0, height], (width, height))
    back = quad([width / 2, -0.01, z0], [-width, 0, 0], [0, 0, height], 1.0)
    return {"pole": post, "face": face, "back": back}


def catenary(p0: np.ndarray, p1: np.ndarray, sag: float, n: int = 24) -> np.ndarray:
    """(n, 3) float64 points of a hanging cable from ``p0`` to ``p1`` sagging ``sag`` metres at mid-span.

    Uses the catenary shape cosh(k(2t - 1)) (k = 2) scaled so the mid-span dip equals ``sag``.
    """
    p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    t = np.linspace(0, 1, n)[:, None]
    k = 2.0
    shape = (np.cosh(k * (2 * t - 1)) - np.cosh(k)) / (np.cosh(k) - 1.0)  # 0 at ends, -1 at mid
    return p0 + (p1 - p0) * t + np.array([0, 0, sag]) * shape


def wire(p0: np.ndarray, p1: np.ndarray, sag: float = 0.6, radius: float = 0.012, n: int = 24) -> Mesh:
    """Thin cable (a tube along :func:`catenary`) - sub-pixel at distance, a classic aliasing case."""
    return tube(catenary(p0, p1, sag, n), radius, 5)


def fence(length: float, height: float = 1.8, post_every: float = 2.5) -> dict[str, Mesh]:
    """Chain-link fence along +X from x = 0: posts, top rail and a double-sided panel (alpha texture).

    Returns:
        ``{"posts", "panel"}``; the panel is one-sided (draw it with a two-sided material) and its
        uv is in metres (repeat a chain-link texture per metre).
    """
    if length <= 0 or height <= 0:
        raise ValueError(f"fence: need positive length and height, got {length}, {height}")
    n_posts = max(2, int(np.ceil(length / post_every)) + 1)
    posts = [pole(height, 0.04, 8).transformed(translate(x, 0, 0)) for x in np.linspace(0, length, n_posts)]
    posts.append(tube(np.array([[0, 0, height], [length, 0, height]]), 0.025, 6))
    panel = quad([0, 0, 0.05], [length, 0, 0], [0, 0, height - 0.05], 1.0)
    return {"posts": merge_meshes(posts), "panel": panel}


def foliage_card(width: float, height: float, planes: int = 2, z0: float = 0.0) -> Mesh:
    """Crossed vertical quads (``planes`` of them around +Z), uv [0, 1]^2 (upright image: v = 1 at the bottom, glTF).

    One-sided: draw with a two-sided alpha-tested material.
    """
    if planes < 1 or width <= 0 or height <= 0:
        raise ValueError(f"foliage_card: need planes >= 1 and positive size, got {planes}, {width}, {height}")
    parts = []
    for k in range(planes):
        a = np.pi * k / planes
        d = np.array([np.cos(a), np.sin(a), 0.0]) * width
        q = quad(-d / 2 + [0, 0, z0], d, [0, 0, height], (width, height))
        parts.append(q)
    return merge_meshes(parts)


def tree(rng: np.random.Generator, height: float = 8.0) -> dict[str, Mesh]:
    """Tree: tapered bark trunk plus a crown of crossed leaf cards at several heights and angles.

    Returns:
        ``{"trunk", "crown"}``; crown uv [0, 1]^2 per card for a leaf-cluster alpha texture.
    """
    trunk_h = height * rng.uniform(0.45, 0.6)
    trunk = cylinder(height * 0.025, trunk_h + height * 0.1, 8, caps=False, uv_scale=1.0, radius_top=height * 0.012)
    cards = []
    n = int(rng.integers(4, 8))
    for _ in range(n):
        s = height * rng.uniform(0.35, 0.55)
        card = foliage_card(s, s, 2)
        m = compose(translate(*(rng.normal(0, height * 0.08, 2)), trunk_h - s * 0.35 + rng.uniform(0, height * 0.3)),
                    rotate((0, 0, 1), rng.uniform(0, 180.0)), rotate((1, 0, 0), rng.normal(0, 11.0)))
        cards.append(card.transformed(m))
    return {"trunk": trunk, "crown": merge_meshes(cards)}



def rock(rng: np.random.Generator, radius: float = 1.0, segments: int = 12, rings: int = 8) -> Mesh:
    """Lumpy boulder: a sphere with low-frequency radial noise, flattened and sunk 20 % into the ground."""
    s = sphere(radius, segments, rings, uv_scale=1.0)
    d = s.normals
    bumps = sum(rng.uniform(0.05, 0.2) * np.sin(d @ rng.normal(0, 2.5, 3) + rng.uniform(0, 6)) for _ in range(4))
    p = d * radius * (1.0 + bumps)[:, None] * np.array([1.0, rng.uniform(0.7, 1.1), rng.uniform(0.5, 0.8)])
    p[:, 2] -= 0.2 * radius
    # seam vertices (longitude 0 and 2*pi) share positions; recompute smooth normals from faces
    n = np.zeros_like(p)
    tri = p[s.indices]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    for k in range(3):
        np.add.at(n, s.indices[:, k], fn)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    n[np.linalg.norm(n, axis=1) < 0.5] = d[np.linalg.norm(n, axis=1) < 0.5]
    return Mesh(p, s.indices, n, s.uvs, name="rock")


def crate(size: float = 1.0) -> Mesh:
    """Cube crate standing on z = 0 with uv [0, 1] per face (one wood/metal tile per side)."""
    return box((size, size, size), (0, 0, size / 2), uv_scale=size)




