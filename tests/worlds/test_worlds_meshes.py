"""Procedural meshes: shapes, unit normals, orientation, closed boxes, uv ranges."""

import numpy as np
import pytest

from gameir.scene import uv_from_surface
from gameir.worlds import meshes as M


def _check(m: M.Mesh):
    assert m.positions.dtype == np.float32 and m.indices.dtype == np.uint32
    assert np.isfinite(m.positions).all() and np.isfinite(m.uvs).all()
    assert np.allclose(np.linalg.norm(m.normals, axis=1), 1.0, atol=1e-4)
    # vertex normals agree with the winding (front = counter-clockwise)
    tri = m.positions[m.indices].astype(np.float64)
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    area = np.linalg.norm(fn, axis=1)
    ok = area > 1e-9
    vn = m.normals[m.indices].mean(1)
    assert (np.sum(fn[ok] * vn[ok], axis=1) > 0).mean() > 0.97


def _signed_volume(m: M.Mesh) -> float:
    tri = m.positions[m.indices].astype(np.float64)
    return float(np.sum(np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2]))) / 6.0)


def _edges_closed(m: M.Mesh) -> bool:
    """Every undirected edge (after welding equal positions) is used exactly twice, once each way."""
    key = {tuple(np.round(p, 5)): i for i, p in enumerate(m.positions.tolist())}
    weld = np.array([key[tuple(np.round(p, 5))] for p in m.positions.tolist()])
    t = weld[m.indices]
    directed = np.concatenate([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]])
    s = {tuple(e) for e in directed.tolist()}
    return len(s) == len(directed) and all((b, a) in s for a, b in s)


@pytest.mark.parametrize("mesh,volume", [
    (M.box((2, 3, 4), (1, 1, 1)), 24.0),
    (M.cylinder(1.0, 2.0, 64), 2 * np.pi * 2 * (64 / (2 * np.pi)) * np.sin(2 * np.pi / 64) / 2),
    (M.extrude(np.array([[0, 0], [2, 0], [2, 1], [0, 1]]), 3.0), 6.0),
])
def test_closed_solids_volume(mesh, volume):
    _check(mesh)
    assert _edges_closed(mesh)
    assert _signed_volume(mesh) == pytest.approx(volume, rel=1e-4)


def test_sphere_normals_radial_and_uv_range():
    s = M.sphere(2.0, 16, 8)
    _check(s)
    assert np.allclose(np.linalg.norm(s.positions, axis=1), 2.0, atol=1e-5)
    assert s.uvs.min() >= 0 and s.uvs.max() <= 1
    assert _signed_volume(s) == pytest.approx(4 / 3 * np.pi * 8, rel=0.1)


def test_box_uv_in_metres():
    b = M.box((4, 1, 1), uv_scale=2.0)
    assert b.uvs.max() == pytest.approx(2.0)


def test_building_shell_parts_and_insets():
    b = M.building_shell(12.0, 8.0, 4, floor_h=3.0, inset=0.2)
    assert set(b) == {"wall", "glass", "roof"}
    for m in b.values():
        _check(m)
    lo, hi = b["wall"].bounds()
    assert np.allclose(lo, [0, 0, 0], atol=1e-5) and np.allclose(hi, [12, 8, 12], atol=1e-5)
    g = b["glass"].positions
    # panes are recessed by the inset from the nearest facade plane
    d = np.minimum.reduce([g[:, 0], 12 - g[:, 0], g[:, 1], 8 - g[:, 1]])
    assert np.allclose(d, 0.2, atol=1e-5)
    n_windows = b["glass"].num_triangles // 2
    assert n_windows == 3 * (2 * round(12 / 3.5) + 2 * round(8 / 3.5))


def test_vehicle_wheels_touch_ground():
    v = M.vehicle(4.0, 1.8, 1.5, 0.3)
    for m in v.values():
        _check(m)
    assert v["wheels"].positions[:, 2].min() == pytest.approx(0.0, abs=1e-5)
    assert v["body"].bounds()[1, 0] == pytest.approx(2.0)


def test_catenary_endpoints_and_sag():
    p = M.catenary([0, 0, 8], [30, 0, 8], sag=1.0, n=25)
    assert np.allclose(p[0], [0, 0, 8]) and np.allclose(p[-1], [30, 0, 8])
    assert p[12, 2] == pytest.approx(7.0)
    w = M.wire([0, 0, 8], [30, 0, 8], 1.0, radius=0.01)
    _check(w)


def test_heightfield_normals_match_slope():
    h = np.tile(np.linspace(0, 5, 11), (6, 1))  # slope 0.5 along x over 10 m
    m = M.heightfield(h, (10.0, 5.0))
    _check(m)
    assert np.allclose(m.normals, np.array([-0.5, 0, 1]) / np.sqrt(1.25), atol=1e-6)


def test_props_and_vegetation_deterministic():
    a = M.tree(np.random.default_rng(5))
    b = M.tree(np.random.default_rng(5))
    assert np.array_equal(a["crown"].positions, b["crown"].positions)
    r = M.rock(np.random.default_rng(1))
    _check(r)
    for parts in (M.street_lamp()[0], M.traffic_light(state=2), M.sign_board(), M.fence(10.0)):
        for m in parts.values():
            _check(m)
    c = M.foliage_card(2, 3, planes=3)
    assert c.num_triangles == 6 and c.uvs.min() == 0 and c.uvs.max() == 1


def test_uvs_follow_gltf_image_upright_along_edge_v():
    # A 2 m x 3 m wall quad with a 1 m texture period: u runs 0..2 along edge_u; v is 1 at the bottom
    # edge and 1 - 3 = -2 at the top (glTF: v grows down the image rows, so the image stands upright).
    q = M.quad([0, 0, 0], [2, 0, 0], [0, 0, 3])
    np.testing.assert_array_equal(q.uvs, [[0, 1], [2, 1], [2, -2], [0, -2]])
    assert np.array_equal(uv_from_surface([[0.25, 0.25]]), np.array([[0.25, 0.75]], np.float32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="box: size"):
        M.box((1, 0, 1))
    with pytest.raises(ValueError, match="tube: points"):
        M.tube(np.zeros((1, 3)), 0.1)
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 2\]"):
        M.Mesh(np.zeros((3, 3)), [[0, 1, 5]])
