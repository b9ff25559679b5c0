"""Pedestrians: exact limb motion vectors, their own tag and instance id, dynamic worlds only."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.scene import Camera, Environment, Instance, Material, Scene, look_at, plane, project_points
from gameir.semantics import SEMANTIC_IDS, SEMANTIC_CLASSES
from gameir.worlds import build_world
from gameir.worlds.paths import Polyline
from gameir.worlds.pedestrians import PART_SIZES, PARTS, Walker, part_mesh, part_pose

W, H, PED_ID = 96, 64, 7


def _walker() -> Walker:
    # a 40 m straight out-and-back route along +X; the figure walks +X near x = 0 at t ~ 0.5 s
    route = Polyline(np.array([[-20.0, 0.0, 0.0], [20.0, 0.0, 0.0], [20.0, 0.01, 0.0], [-20.0, 0.01, 0.0]]),
                     closed=True)
    return Walker(route, s0=19.0, speed=1.4, offset=0.0, stride=1.4, phase=0.3)


def _scene(w: Walker) -> Scene:
    scene = Scene(name="one-pedestrian", environment=Environment(sun_disc_deg=0.0))
    scene.add(Instance(plane(60.0, 60.0), Material(), np.eye(4), semantic=SEMANTIC_IDS["road"], name="ground"))
    for p in PARTS:
        scene.add(Instance(part_mesh(p).named(p), Material(), lambda t, p=p: part_pose(w, p, t),
                           SEMANTIC_IDS["pedestrian"], PED_ID, f"pedestrian:{p}"))
    return scene


def _part_at(w: Walker, pts: np.ndarray, t: float) -> np.ndarray:
    """Index into PARTS of the one part whose (slightly grown) box holds each point, -1 if none or several."""
    hits = []
    for p in PARTS:
        lo, hi = part_mesh(p).bounds().astype(np.float64)
        m = np.linalg.inv(part_pose(w, p, t))
        q = pts @ m[:3, :3].T + m[:3, 3]
        hits.append(((q > lo - 0.005) & (q < hi + 0.005)).all(axis=1))
    hits = np.stack(hits, 1)
    return np.where(hits.sum(1) == 1, hits.argmax(1), -1)


def test_limb_motion_vectors_equal_the_analytic_limb_motion():
    w = _walker()
    t, dt = 0.5, 0.1  # the figure covers 0.14 m and the swinging limbs move more between frames
    cam = Camera(W, H, look_at([0.4, -2.4, 1.1], [-0.3, 0.0, 0.9]), fov_y_deg=50.0)
    with Renderer(W, H, shadow_map_size=0) as r:
        f = r.render(_scene(w), cam, t, dt=dt)
    ins, sem, depth = f.buffers["instance"], f.buffers["semantic"], f.buffers["depth"]
    mot = f.buffers["motion"].astype(np.float64)
    fig = ins == PED_ID
    assert fig.sum() > 300, "the figure should cover a good part of the 96x64 frame"
    assert (sem[fig] == 12).all() and (ins[sem == 12] == PED_ID).all()
    # world point seen at each figure pixel (pixel centre ray x depth), the part it lies on, and
    # where that point of the part was at t - dt
    i, j = np.nonzero(fig)
    rays_gl = np.stack([(j + 0.5 - cam.K[0, 2]) / cam.K[0, 0], -(i + 0.5 - cam.K[1, 2]) / cam.K[1, 1],
                        -np.ones(len(i))], -1)
    pts = (rays_gl * depth[i, j][:, None]) @ cam.c2w[:3, :3].T + cam.c2w[:3, 3]
    part = _part_at(w, pts, t)
    good = part >= 0
    assert good.mean() > 0.8
    prev_pts = np.empty_like(pts)
    for k, p in enumerate(PARTS):
        sel = part == k
        obj = np.linalg.inv(part_pose(w, p, t))
        local = pts[sel] @ obj[:3, :3].T + obj[:3, 3]
        m0 = part_pose(w, p, t - dt)
        prev_pts[sel] = local @ m0[:3, :3].T + m0[:3, 3]
    uv_now, _ = project_points(cam.K, cam.c2w, pts[good])
    uv_prev, _ = project_points(cam.K, cam.c2w, prev_pts[good])
    expected = uv_prev - uv_now
    got = mot[i[good], j[good]]
    # the limbs do not all move alike: the motion field holds several distinct vectors
    assert np.ptp(expected[:, 0]) > 1.0 and np.abs(expected).max() > 2.0
    # tolerance: float16 storage (~1e-3 relative) plus depth-buffer float32 round-off in the test's
    # own reconstruction of the surface point
    np.testing.assert_allclose(got, expected, atol=0.02)
    moving = [PARTS[k] for k in np.unique(part[good])]
    assert {"thigh_l", "thigh_r", "torso"} <= set(moving) or {"shin_l", "shin_r"} & set(moving)


def test_gait_is_periodic_and_limbs_stay_attached():
    w = _walker()
    period = w.stride / w.speed
    # one stride later every limb has the same pose relative to the root (the root moved one stride)
    for p in PARTS:
        a, b = part_pose(w, p, 0.2), part_pose(w, p, 0.2 + period)
        np.testing.assert_allclose(a[:3, :3], b[:3, :3], atol=1e-9)
        np.testing.assert_allclose(b[:3, 3] - a[:3, 3], [w.stride, 0.0, 0.0], atol=1e-6)
    for t in np.linspace(0, 2, 9):  # the knee (thigh end) is where the shin hangs from
        for side in "lr":
            knee = part_pose(w, f"thigh_{side}", t) @ [0, 0, -PART_SIZES["thigh_l"][2], 1]
            np.testing.assert_allclose(part_pose(w, f"shin_{side}", t)[:, 3], knee, atol=1e-9)


def test_pedestrians_only_in_dynamic_worlds_and_deterministic():
    assert (12, "pedestrian", (220, 20, 60)) in SEMANTIC_CLASSES
    for family in ("town", "nature"):
        dyn = build_world(family, 1, detail="low", dynamic=True)
        assert len(dyn.pedestrians) > 0
        parts = [i for i in dyn.scene.instances if i.semantic == SEMANTIC_IDS["pedestrian"]]
        assert len(parts) == len(PARTS) * len(dyn.pedestrians)
        assert len({i.instance_id for i in parts}) == len(dyn.pedestrians)
        static = build_world(family, 1, detail="low", dynamic=False)
        assert static.pedestrians == []
        assert not any(i.semantic == SEMANTIC_IDS["pedestrian"] for i in static.scene.instances)
        again = build_world(family, 1, detail="low", dynamic=True)
        a = [i.transform_at(1.25) for i in dyn.scene.instances if i.semantic == 12]
        b = [i.transform_at(1.25) for i in again.scene.instances if i.semantic == 12]
        np.testing.assert_array_equal(np.stack(a), np.stack(b))


def test_unknown_part_is_named():
    with pytest.raises(ValueError, match="unknown part 'tail'"):
        part_pose(_walker(), "tail", 0.0)
