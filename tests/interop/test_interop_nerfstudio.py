"""nerfstudio export: fields, files, and a geometric check that the poses re-project depth between views."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from gameir.interop.export_nerfstudio import depth_to_png_mm, export_nerfstudio
from gameir.shards.reader import ShardReader


def _load(out):
    meta = json.loads((out / "transforms.json").read_text())
    views = {}
    for fr in meta["frames"]:
        intr = {k: fr.get(k, meta.get(k)) for k in ("fl_x", "fl_y", "cx", "cy")}
        depth_mm = cv2.imread(str(out / fr["depth_file_path"]), cv2.IMREAD_UNCHANGED)
        views[fr["file_path"]] = (np.array(fr["transform_matrix"]), intr, depth_mm)
    return meta, views


def _reproject(src, dst, w, h):
    """Lift src's depth pixels with its pose (nerfstudio conventions, written independently here),
    project into dst; return (predicted z in dst, dst's own depth sampled there) for pixels that land."""
    (c2w_a, ia, mm_a), (c2w_b, ib, mm_b) = src, dst
    ii, jj = np.nonzero(mm_a > 0)
    z = mm_a[ii, jj] / 1000.0
    # nerfstudio: ray of pixel (i, j) through (j + 0.5, i + 0.5); camera looks along -Z, +Y up
    pts = np.stack([(jj + 0.5 - ia["cx"]) / ia["fl_x"] * z, -(ii + 0.5 - ia["cy"]) / ia["fl_y"] * z, -z, np.ones_like(z)])
    cam_b = np.linalg.inv(c2w_b) @ (c2w_a @ pts)
    zb = -cam_b[2]
    ub = ib["fl_x"] * cam_b[0] / zb + ib["cx"]
    vb = -ib["fl_y"] * cam_b[1] / zb + ib["cy"]
    x, y = ub - 0.5, vb - 0.5  # continuous pixel-index coordinates for bilinear sampling
    inside = (zb > 0) & (x >= 0) & (y >= 0) & (x < w - 1) & (y < h - 1)
    x, y, zb = x[inside], y[inside], zb[inside]
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    # interpolate inverse depth: on a plane 1/z is affine in image coordinates, so this is exact
    # up to the millimetre quantisation of the PNG
    with np.errstate(divide="ignore"):
        inv = np.where(mm_b > 0, 1000.0 / mm_b.astype(np.float64), 0.0)
    corners = [inv[y0, x0], inv[y0, x0 + 1], inv[y0 + 1, x0], inv[y0 + 1, x0 + 1]]
    ok = np.all([c > 0 for c in corners], axis=0)
    sampled = (corners[0] * (1 - fx) * (1 - fy) + corners[1] * fx * (1 - fy) + corners[2] * (1 - fx) * fy
               + corners[3] * fx * fy)
    return zb[ok], 1.0 / sampled[ok], ii.size


def test_poses_reproject_depth_between_views(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    meta = export_nerfstudio(nvs_shard, out)
    _, views = _load(out)
    w, h = meta["w"], meta["h"]
    pairs = [("images/00000000_v0.png", "images/00000000_v1.png"), ("images/00000000_v2.png", "images/00000000_v1.png"),
             ("images/00000001_v0.png", "images/00000000_v2.png")]  # across frames too (the rig moved)
    for a, b in pairs:
        pred, seen, n = _reproject(views[a], views[b], w, h)
        assert pred.size > 0.3 * n, (a, b, pred.size, n)
        err = np.abs(pred - seen)
        assert np.max(err / seen) < 2e-3, (a, b, float(np.max(err / seen)))
    # control: the same check with a wrong pose (another view's) is far off, so the check has teeth
    wrong = (views["images/00000000_v2.png"][0], views["images/00000000_v1.png"][1], views["images/00000000_v1.png"][2])
    pred, seen, _ = _reproject(views["images/00000000_v0.png"], wrong, w, h)
    assert pred.size == 0 or np.max(np.abs(pred - seen) / seen) > 0.05


def test_lifted_depth_lies_on_the_world_ground_plane(nvs_shard, tmp_path):
    """Absolute check of the axes: every depth pixel, lifted with its pose, lands on z = 0 (world +Z up)."""
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out)
    _, views = _load(out)
    for c2w, intr, mm in views.values():
        ii, jj = np.nonzero(mm > 0)
        z = mm[ii, jj] / 1000.0
        pts = np.stack([(jj + 0.5 - intr["cx"]) / intr["fl_x"] * z, -(ii + 0.5 - intr["cy"]) / intr["fl_y"] * z, -z])
        world = c2w[:3, :3] @ pts + c2w[:3, 3:4]
        assert np.abs(world[2]).max() < 1e-3 * z.max()


def test_transforms_fields_and_files(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    meta = export_nerfstudio(nvs_shard, out, level="lr", test_views=[1])
    assert (meta["w"], meta["h"]) == (32, 24)
    with ShardReader(nvs_shard) as reader:
        K = reader.camera("lr", 0, view=0)["K"]
        depth = reader.read("depth", "lr", 1, view=2)
        rgb = reader.read("rgb", "lr", 1, view=2)
        c2w = reader.camera("lr", 1, view=2)["c2w"]
    assert (meta["fl_x"], meta["fl_y"], meta["cx"], meta["cy"]) == (K[0, 0], K[1, 1], 16.0, 12.0)  # pixel-corner cx
    assert len(meta["frames"]) == 6 and meta["camera_model"] == "OPENCV"
    assert meta["test_filenames"] == ["images/00000000_v1.png", "images/00000001_v1.png"]
    assert len(meta["train_filenames"]) == 4 and not set(meta["train_filenames"]) & set(meta["test_filenames"])
    frame = next(f for f in meta["frames"] if f["file_path"] == "images/00000001_v2.png")
    assert np.array_equal(np.array(frame["transform_matrix"]), c2w)
    png = cv2.imread(str(out / frame["file_path"]), cv2.IMREAD_UNCHANGED)[..., ::-1]
    assert np.array_equal(png, rgb)
    mm = cv2.imread(str(out / frame["depth_file_path"]), cv2.IMREAD_UNCHANGED)
    assert mm.dtype == np.uint16 and np.array_equal(mm == 0, ~np.isfinite(depth))
    assert np.abs(mm[mm > 0] / 1000.0 - depth[mm > 0]).max() <= 0.0005
    with pytest.raises(ValueError, match="test_views \\[7\\] must be views of 0..2"):
        export_nerfstudio(nvs_shard, tmp_path / "bad", test_views=[7])


def test_depth_png_encoding():
    d = np.array([[0.0004, 0.001, 1.2345], [65.535, 65.6, np.inf]], np.float32)
    assert depth_to_png_mm(d).tolist() == [[0, 1, 1234], [65535, 0, 0]] or depth_to_png_mm(d).tolist() == [[0, 1, 1235], [65535, 0, 0]]
