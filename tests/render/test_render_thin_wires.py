"""The 16-spp HR target (SSAA 4 x 4) on sub-pixel wires at angles, against their analytic coverage."""

import numpy as np

from gameir.render import Renderer
from gameir.render.downsample import SRGB_TO_LINEAR
from gameir.scene import Camera, Environment, Instance, Material, Scene, look_at, plane, rotate, translate

W, H = 64, 48
FOV_DEG = 40.0
WIRE_M, WALL_M = 4.0, 8.0  # distances of the wires' plane and of the wall behind them
#: (width in pixels, angle from the image's x axis in degrees, centre offset (x, y) in pixels)
WIRES = ((0.35, 8.0, (0.0, -14.0)), (0.5, 27.0, (-3.0, -2.0)), (0.7, 63.0, (14.0, 6.0)),
         (0.3, -41.0, (-16.0, 12.0)), (0.45, 81.0, (-24.0, 0.0)))


def _emissive(rgb) -> Material:
    """Black, rough, non-specular surface that emits ``rgb``: its radiance ignores the lighting."""
    return Material(base_color=(0.0, 0.0, 0.0, 1.0), roughness=1.0, specular=0.0, emissive=rgb)


def _wire_scene() -> tuple[Scene, Camera, list[np.ndarray]]:
    """Bright wires on a plane parallel to the image plane in front of a dark wall; returns the
    scene, the camera (at the origin looking along +Y) and each wire's four corners in world space."""
    cam = Camera(W, H, look_at([0.0, 0.0, 0.0], [0.0, 1.0, 0.0]), fov_y_deg=FOV_DEG)
    f_px = (H / 2) / np.tan(np.radians(FOV_DEG) / 2)
    m_per_px = WIRE_M / f_px  # metres per pixel in the wires' plane
    scene = Scene(name="thin-wires", environment=Environment(fog_density=0.0, sun_disc_deg=0.0))
    scene.add(Instance(plane(40, 40), _emissive((0.05, 0.05, 0.05)),
                       translate(0.0, WALL_M, 0.0) @ rotate((1, 0, 0), 90.0), semantic=3, instance_id=1))
    corners = []
    for k, (width_px, angle, (ox, oy)) in enumerate(WIRES):
        mesh = plane(3 * W * m_per_px, width_px * m_per_px)
        # image x = world X, image y = -world Z; a rotation about the view axis (+Y) by -angle
        # turns the wire by +angle in the image (y down)
        xform = translate(ox * m_per_px, WIRE_M, -oy * m_per_px) @ rotate((0, 1, 0), -angle) @ rotate((1, 0, 0), 90.0)
        scene.add(Instance(mesh, _emissive((0.8, 0.8, 0.8)), xform, semantic=5, instance_id=10 + k))
        pts = np.array([[sx * 1.5 * W * m_per_px, sy * 0.5 * width_px * m_per_px, 0.0, 1.0]
                        for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
        corners.append((pts @ xform.T)[:, :3])
    return scene, cam, corners


def _analytic_coverage(cam: Camera, corners: list[np.ndarray], sub: int = 16) -> np.ndarray:
    """(H, W) fraction of each pixel covered by the wires' projected quads (sub x sub point samples: exact to ~1/sub per edge)."""
    w2c = np.linalg.inv(cam.c2w)
    offs = (np.arange(sub) + 0.5) / sub
    xs = (np.arange(W)[:, None] + offs[None, :]).ravel()
    ys = (np.arange(H)[:, None] + offs[None, :]).ravel()
    px, py = np.meshgrid(xs, ys)
    inside = np.zeros(px.shape, bool)
    for quad in corners:
        c = (np.c_[quad, np.ones(4)] @ w2c.T)[:, :3]  # camera space, OpenGL: looking along -z, y up
        u = cam.K[0, 0] * c[:, 0] / -c[:, 2] + cam.K[0, 2]
        v = -cam.K[1, 1] * c[:, 1] / -c[:, 2] + cam.K[1, 2]  # image y grows downwards
        area = np.sum(u * np.roll(v, -1) - np.roll(u, -1) * v)  # > 0 or < 0: the corners' orientation
        hit = np.ones(px.shape, bool)
        for i in range(4):
            j = (i + 1) % 4
            hit &= ((u[j] - u[i]) * (py - v[i]) - (v[j] - v[i]) * (px - u[i])) * np.sign(area) >= 0
        inside |= hit
    return inside.reshape(H, sub, W, sub).mean(axis=(1, 3))


def _coverage_from_rgb(rgb: np.ndarray, wire: float, wall: float) -> np.ndarray:
    """Estimated coverage: linear light of the sRGB pixel between the wall's and the wire's."""
    lin = SRGB_TO_LINEAR[rgb].mean(axis=-1)
    return (lin - wall) / (wire - wall)


def test_16_spp_wires_follow_their_analytic_coverage():
    # Five bright wires 0.3-0.7 px wide at 8-81 degrees over a dark wall. Each pixel's coverage is
    # read back from its linear-light value between the wall's and the wire's (the SSAA resolve
    # averages the samples in linear light) and compared with the quads' exact coverage, over the
    # pixels within one pixel of a wire. Bound: 16 samples give coverage in steps of 1/16, and a
    # sample can fall on either side of an edge passing near it, so a pixel may be off by up to
    # ~2/16; the mean error stays far below a one-sample frame's, which is 0 or 1 per pixel.
    scene, cam, corners = _wire_scene()
    truth = _analytic_coverage(cam, corners)
    near = np.zeros_like(truth, bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near |= np.roll(np.roll(truth > 0, dy, 0), dx, 1)
    with Renderer(W, H, shadow_map_size=0, buffers=("rgb", "instance")) as r:
        one = r.render(scene, cam, 0.0)
    ids = one.buffers["instance"]
    wall = float(SRGB_TO_LINEAR[one.buffers["rgb"][ids == 1]].mean())
    wire = float(SRGB_TO_LINEAR[one.buffers["rgb"][ids >= 10]].mean())
    assert wire - wall > 0.5  # a contrasting background: coverage is well measured
    errors = {}
    for ssaa in (2, 4):
        with Renderer(W, H, aa="ssaa", ssaa=ssaa, shadow_map_size=0, buffers=("rgb",)) as r:
            rgb = r.render(scene, cam, 0.0).buffers["rgb"]
        errors[ssaa] = np.abs(_coverage_from_rgb(rgb, wire, wall) - truth)[near]
    err1 = np.abs(_coverage_from_rgb(one.buffers["rgb"], wire, wall) - truth)[near]
    assert near.sum() > 800
    # 16 spp, measured: mean 0.013, 99th percentile 0.088, max 0.107 (of full coverage)
    assert errors[4].mean() <= 0.025 and errors[4].max() <= 2.5 / 16, (errors[4].mean(), errors[4].max())
    # one sample per pixel: stair steps and broken wires (mean 0.116, max 0.85)
    assert err1.mean() >= 4 * 0.025 and err1.max() >= 0.5, (err1.mean(), err1.max())
    # the former 4-spp target (SSAA 2 x 2) sits in between
    assert errors[4].mean() < errors[2].mean() < err1.mean(), (errors[2].mean(), errors[2].max())
