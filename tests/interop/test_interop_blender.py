"""3DGS / instant-ngp files of the NVS export, checked with each loader's conventions coded in the test.

3D Gaussian Splatting (scene/dataset_readers.py, readCamerasFromTransforms): image = path +
file_path + ".png"; FovX = camera_angle_x, FovY = focal2fov(fov2focal(FovX, W), H); c2w[:3, 1:3]
*= -1, w2c = inv(c2w), R = w2c[:3, :3].T, T = w2c[:3, 3]. instant-ngp (nerf_loader.cu / .h):
p_ngp = cycle(p * scale + offset) with (x, y, z) <- (y, z, x); rays live in the cube
[0.5 - aabb_scale / 2, 0.5 + aabb_scale / 2]^3; depth = png * integer_depth_scale (z-depth).
"""

from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest

from gameir.cli.main import main
from gameir.interop.export_nerfstudio import export_nerfstudio, export_nerfstudio_per_frame
from gameir.interop.nvs_geometry import depth_bounds, fit_ngp_cube, ngp_position, unproject_depth
from gameir.scene.camera import c2w_to_w2c_opencv
from gameir.shards.reader import ShardReader

from .conftest import write_plane_rig


def _json(path):
    return json.loads(path.read_text())


def _gs_camera(meta, frame):
    """(R, T, fx, fy) as the 3DGS Blender reader builds them."""
    c2w = np.array(frame["transform_matrix"])
    c2w[:3, 1:3] *= -1
    w2c = np.linalg.inv(c2w)
    fov_x = meta["camera_angle_x"]
    fx = meta["w"] / (2 * math.tan(fov_x / 2))  # fov2focal(FovX, W)
    fov_y = 2 * math.atan(meta["h"] / (2 * fx))  # focal2fov(fx, H)
    return w2c[:3, :3].T, w2c[:3, 3], fx, meta["h"] / (2 * math.tan(fov_y / 2))


def _lift_png(out, meta, frame):
    """World points of one frame's depth PNG, lifted as instant-ngp reads it (z-depth, pixel centres)."""
    mm = cv2.imread(str(out / frame["depth_path"]), cv2.IMREAD_UNCHANGED)
    ii, jj = np.nonzero(mm > 0)
    z = mm[ii, jj] * meta["integer_depth_scale"]
    cam = np.stack([(jj + 0.5 - meta["cx"]) / meta["fl_x"] * z, -(ii + 0.5 - meta["cy"]) / meta["fl_y"] * z, -z])
    c2w = np.array(frame["transform_matrix"])
    return (c2w[:3, :3] @ cam + c2w[:3, 3:4]).T, (ii, jj)


def test_blender_files_split_views_and_name_images_without_extension(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out, test_views=[1])
    train, test = _json(out / "transforms_train.json"), _json(out / "transforms_test.json")
    assert [f["file_path"] for f in train["frames"]] == ["images/00000000_v0", "images/00000000_v2",
                                                          "images/00000001_v0", "images/00000001_v2"]
    assert [f["file_path"] for f in test["frames"]] == ["images/00000000_v1", "images/00000001_v1"]
    with ShardReader(nvs_shard) as r:
        K, c2w = r.camera("hr", 1, view=2)["K"], r.camera("hr", 1, view=2)["c2w"]
        rgb = r.read("rgb", "hr", 1, view=2)
    assert train["camera_angle_x"] == pytest.approx(2 * math.atan(64 / (2 * K[0, 0])), abs=1e-12)
    assert (train["w"], train["h"], train["cx"], train["cy"]) == (64, 48, 32.0, 24.0)
    frame = train["frames"][3]
    assert np.array_equal(np.array(frame["transform_matrix"]), c2w)
    png = cv2.imread(str(out / (frame["file_path"] + ".png")), cv2.IMREAD_UNCHANGED)
    assert png.shape == (48, 64, 3) and np.array_equal(png[..., ::-1], rgb)  # opaque RGB: no background blend
    assert (out / frame["depth_path"]).is_file() and train["integer_depth_scale"] == 1e-3


def test_3dgs_cameras_project_depth_back_onto_pixel_centres(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out)
    meta = _json(out / "transforms_train.json")
    with ShardReader(nvs_shard) as reader:
        for frame in meta["frames"] + _json(out / "transforms_test.json")["frames"]:
            R, T, fx, fy = _gs_camera(meta, frame)
            cam = reader.camera("hr", frame["frame"], view=frame["view"])
            assert np.allclose(R.T, c2w_to_w2c_opencv(cam["c2w"])[:3, :3], atol=1e-12)
            # world points from the shard's own camera and depth, independent of the exported pose
            truth = {**meta, "fl_x": cam["K"][0, 0], "fl_y": cam["K"][1, 1], "cx": cam["K"][0, 2], "cy": cam["K"][1, 2]}
            points, (ii, jj) = _lift_png(out, truth, {**frame, "transform_matrix": cam["c2w"]})
            x = points @ R + T  # 3DGS: world -> view is [R^T | T] (R stored transposed)
            u = fx * x[:, 0] / x[:, 2] + meta["w"] / 2
            v = fy * x[:, 1] / x[:, 2] + meta["h"] / 2
            assert x[:, 2].min() > 0 and np.abs(u - (jj + 0.5)).max() < 1e-6 and np.abs(v - (ii + 0.5)).max() < 1e-6


def test_ply_points_lie_on_the_plane_with_their_pixel_colours(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out)
    data = (out / "points3d.ply").read_bytes()
    header, body = data.split(b"end_header\n", 1)
    n = int(header.split(b"element vertex ")[1].split(b"\n")[0])
    vertex = np.frombuffer(body, dtype=[("xyz", "<f4", 3), ("n", "<f4", 3), ("rgb", "u1", 3)])
    assert len(vertex) == n and 0 < n <= 100_000
    assert np.abs(vertex["xyz"][:, 2]).max() < 2e-3  # lifted depth lands on the world plane z = 0
    colours = {tuple(c) for c in vertex["rgb"]}
    assert colours <= {(200, 180, 60), (40, 60, 90)}, colours  # ground checker colours only, no sky
    # the held-out view's pixels are not used: 4 train images x 48 x 64 pixels, minus sky, at stride 1
    with ShardReader(nvs_shard) as r:
        train_ground = sum(int(np.isfinite(r.read("depth", "hr", f, view=v)).sum()) for f in (0, 1) for v in (0, 1))
    assert n == train_ground


def test_instant_ngp_keys_put_cameras_and_scene_in_its_cube(nvs_shard, tmp_path):
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out)
    meta = _json(out / "transforms_train.json")
    a = meta["aabb_scale"]
    assert a in [2 ** k for k in range(8)]
    centres = np.array([np.array(f["transform_matrix"])[:3, 3] for f in meta["frames"]])
    cams = ngp_position(centres, meta["scale"], meta["offset"])
    assert cams.min() >= 0 and cams.max() <= 1, cams
    points = np.concatenate([_lift_png(out, meta, f)[0] for f in meta["frames"]])
    ngp = ngp_position(points, meta["scale"], meta["offset"])
    assert ngp.min() >= 0.5 - a / 2 and ngp.max() <= 0.5 + a / 2, (ngp.min(), ngp.max(), a)
    assert ngp.max() > 0.5 + a / 4 or ngp.min() < 0.5 - a / 4  # the smallest such cube: half of it would not do
    # instant-ngp's defaults (scale 0.33, offset 0.5) leave these cameras outside the unit cube
    default = ngp_position(centres)
    assert default.min() < 0 or default.max() > 1
    # its axis cycle, written out: ngp x = nerf y * s + o_y, ngp y = nerf z ..., ngp z = nerf x ...
    s, o = meta["scale"], meta["offset"]
    assert np.allclose(cams[0], [centres[0, 1] * s + o[1], centres[0, 2] * s + o[2], centres[0, 0] * s + o[0]])


def test_fit_ngp_cube_values():
    fit = fit_ngp_cube(np.array([[-1.0, 0, 0], [1.0, 0, 0]]), np.zeros((0, 3)))
    assert fit == {"scale": pytest.approx(0.45), "offset": [0.5, 0.5, 0.5], "aabb_scale": 1}
    fit = fit_ngp_cube(np.array([[9.0, 0, 0], [11.0, 0, 0]]), np.array([[10.0, 30.0, 0.0]]))
    assert fit["scale"] == pytest.approx(0.45) and fit["offset"][0] == pytest.approx(0.5 - 4.5)
    assert fit["aabb_scale"] == 32  # 30 m * 0.45 = 13.5 from the centre: 2 * 13.5 / 0.9 = 30 -> 32
    far = fit_ngp_cube(np.array([[0.0, 0, 0], [1.0, 0, 0]]), np.array([[0.0, 1000.0, 0.0]]))
    assert far["aabb_scale"] == 128 and 1000 * far["scale"] <= 64  # scene capped at the largest cube
    with pytest.raises(ValueError, match="margin must be in"):
        fit_ngp_cube(np.zeros((1, 3)), np.zeros((0, 3)), margin=0)


def test_depth_bounds_equal_the_lifted_points_extremes(nvs_shard):
    with ShardReader(nvs_shard) as reader:
        depth, cam = reader.read("depth", "hr", 1, view=2), reader.camera("hr", 1, view=2)
    points, _ = unproject_depth(depth, cam["K"], cam["c2w"])
    bounds = depth_bounds(depth, cam["K"], cam["c2w"])
    assert np.isinf(depth).any() and np.allclose(bounds, [points.min(axis=0), points.max(axis=0)], rtol=0, atol=1e-9)
    assert depth_bounds(np.full((4, 4), np.inf, np.float32), cam["K"], cam["c2w"]) is None


def test_dynamic_rig_is_refused_or_exported_per_timestep(dynamic_nvs_shard, tmp_path):
    with pytest.raises(ValueError, match=r"rig-dyn.h5: scene is dynamic .*frames 0, 1, 2 cannot form one static "
                                         r"scene; export one timestep .*--per-frame"):
        export_nerfstudio(dynamic_nvs_shard, tmp_path / "one")
    assert not (tmp_path / "one").exists()
    meta = export_nerfstudio(dynamic_nvs_shard, tmp_path / "t1", frames=[1])  # one timestep is a static scene
    assert len(meta["frames"]) == 3
    metas = export_nerfstudio_per_frame(dynamic_nvs_shard, tmp_path / "each")
    assert sorted(metas) == [0, 1, 2]
    assert sorted(p.name for p in (tmp_path / "each").iterdir()) == ["frame_00000000", "frame_00000001", "frame_00000002"]
    train = _json(tmp_path / "each/frame_00000002/transforms_train.json")
    assert [f["file_path"] for f in train["frames"]] == ["images/00000002_v0", "images/00000002_v1"]
    assert {f["frame"] for f in _json(tmp_path / "each/frame_00000002/transforms.json")["frames"]} == {2}


def test_no_held_out_view_and_full_target_are_refused(nvs_shard, sr_dataset, tmp_path):
    with pytest.raises(ValueError, match=r"rig-000.h5: test_views \[0, 1, 2\] hold out every view"):
        export_nerfstudio(nvs_shard, tmp_path / "a", test_views=[0, 1, 2])
    with pytest.raises(ValueError, match=r"rig-000.h5: test_views is empty, so no view is held out for test"):
        export_nerfstudio(nvs_shard, tmp_path / "b", test_views=[])
    shard = sr_dataset / "train/synthetic-0000.h5"
    with pytest.raises(ValueError, match=r"synthetic-0000.h5: no image held out for test: .*frames 0, 1 include none"):
        export_nerfstudio(shard, tmp_path / "c")
    with pytest.raises(ValueError, match=r"synthetic-0000.h5: a per-timestep export needs a multi-view rig"):
        export_nerfstudio_per_frame(shard, tmp_path / "d")
    (tmp_path / "full").mkdir()
    (tmp_path / "full/transforms.json").write_text("{}")
    with pytest.raises(FileExistsError, match=r"full: export target exists and is not empty"):
        export_nerfstudio(nvs_shard, tmp_path / "full")
    (tmp_path / "file").write_text("")
    with pytest.raises(FileExistsError, match=r"file: export target exists and is a file"):
        export_nerfstudio(nvs_shard, tmp_path / "file")


def test_jittered_principal_point_is_refused_for_3dgs_and_kept_for_nerfstudio(tmp_path):
    shard = write_plane_rig(tmp_path / "rig-jit.h5", {"family": "plane"}, jitter_px=0.25)
    with pytest.raises(ValueError, match=r"rig-jit.h5: frame 1 view 0: principal point \(32.250000, 24.000000\) is "
                                         r"not the image centre .*--no-blender"):
        export_nerfstudio(shard, tmp_path / "a")
    meta = export_nerfstudio(shard, tmp_path / "b", blender=False)
    assert not (tmp_path / "b/transforms_train.json").exists()
    assert [f["cx"] for f in meta["frames"]] == [32.0] * 3 + [32.25] * 3


def test_cli_refuses_a_dynamic_rig_with_exit_2(dynamic_nvs_shard, tmp_path, capsys):
    assert main(["export", "nerfstudio", str(dynamic_nvs_shard), "--to", str(tmp_path / "x"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gameir export: error: ") and "rig-dyn.h5: scene is dynamic" in err
    assert main(["export", "nerfstudio", str(dynamic_nvs_shard), "--to", str(tmp_path / "y"), "--per-frame",
                 "--quiet"]) == 0
    assert "wrote 3 datasets" in capsys.readouterr().out
    assert (tmp_path / "y/frame_00000001/transforms_test.json").is_file()
