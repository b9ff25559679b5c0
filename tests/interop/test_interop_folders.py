"""Folder export (BasicSR layout) and folder import: files hold the exact values; export -> import is lossless."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from gameir.interop.export_folders import export_folders
from gameir.interop.import_folders import import_folders
from gameir.shards.manifest import find_shards
from gameir.shards.reader import ShardReader
from gameir.shards.verify import verify_path


def test_export_files_hold_exact_values(sr_dataset, tmp_path):
    out = tmp_path / "folders"
    summary = export_folders(sr_dataset, out, split="train")
    assert summary["frames"] == 2 and summary["clips"] == ["synthetic-0000"]
    with ShardReader(sr_dataset / "train/synthetic-0000.h5") as r:
        rgb = r.read("rgb", "lr", 1)
        depth = r.read("depth", "hr", 0)
        instance = r.read("instance", "hr", 1)
        motion = r.read("motion", "lr", 0)
        K = r.camera("hr", 1)["K"]
    png = cv2.imread(str(out / "LR/synthetic-0000/00000001.png"), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(png[..., ::-1], rgb)
    d = np.load(out / "HR_depth/synthetic-0000/00000000.npy")
    assert d.dtype == np.float32 and np.isinf(d).any() and np.array_equal(d, depth)
    inst = cv2.imread(str(out / "HR_instance/synthetic-0000/00000001.png"), cv2.IMREAD_UNCHANGED)
    assert inst.dtype == np.uint16 and np.array_equal(inst, instance)
    assert np.array_equal(np.load(out / "LR_motion/synthetic-0000/00000000.npy"), motion)
    cams = json.loads((out / "cameras/synthetic-0000.json").read_text())
    assert np.array_equal(np.array(cams["levels"]["hr"]["K"][1]), K) and cams["split"] == "train"
    assert (out / "HR/synthetic-0000/00000000.png").exists() and not (out / "LR/synthetic-0001").exists()


def test_export_import_round_trip_is_identical(sr_dataset, tmp_path):
    out, back = tmp_path / "folders", tmp_path / "back"
    export_folders(sr_dataset, out)
    manifest = import_folders(out, back)
    assert sorted(manifest["splits"]) == ["train", "val"]
    assert verify_path(back)[0] == []
    originals = {p.relative_to(sr_dataset): p for p in find_shards(sr_dataset)}
    copies = {p.relative_to(back): p for p in find_shards(back)}
    assert sorted(originals) == sorted(copies)
    for rel, path in originals.items():
        with ShardReader(path) as a, ShardReader(copies[rel]) as b:
            assert (a.clip_id, a.split, a.scene, a.buffers, a.levels) == (b.clip_id, b.split, b.scene, b.buffers, b.levels)
            assert np.array_equal(a.times(), b.times())
            assert np.array_equal(a.file["frame_index"][:], b.file["frame_index"][:])
            for level in a.levels:
                for name, arr in a.cameras(level).items():
                    assert np.array_equal(arr, b.cameras(level)[name]), (rel, level, name)
                for name in a.buffers:
                    x, y = a.file[level][name][:], b.file[level][name][:]
                    assert x.dtype == y.dtype and np.array_equal(x, y), (rel, level, name)


def test_import_of_a_plain_paired_folder(tmp_path):
    """A flat LR/HR folder (DIV2K-like) with 16-bit millimetre depth PNGs and no cameras."""
    src = tmp_path / "div"
    rng = np.random.default_rng(0)
    for i, (h, w) in enumerate([(12, 16), (10, 20)]):
        for level, s in (("LR", 1), ("HR", 2)):
            img = rng.integers(0, 256, (h * s, w * s, 3), dtype=np.uint8)
            (src / level).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(src / level / f"{i:04d}.png"), img[..., ::-1])
            mm = rng.integers(0, 5000, (h * s, w * s)).astype(np.uint16)
            (src / f"{level}_depth").mkdir(exist_ok=True)
            cv2.imwrite(str(src / f"{level}_depth" / f"{i:04d}.png"), mm)
    manifest = import_folders(src, tmp_path / "ds", split="val")
    assert [e["path"] for e in manifest["splits"]["val"]["shards"]] == ["val/0000.h5", "val/0001.h5"]
    with ShardReader(tmp_path / "ds/val/0001.h5") as r:
        assert r.shape_hw("hr") == (20, 40) and r.num_frames == 1 and r.scene["cameras"] == "unknown"
        mm = cv2.imread(str(src / "HR_depth/0001.png"), cv2.IMREAD_UNCHANGED)
        depth = r.read("depth", "hr", 0)
        assert np.array_equal(np.isinf(depth), mm == 0)
        assert np.allclose(depth[mm > 0], mm[mm > 0] / 1000.0, rtol=0, atol=1e-6)
        assert np.array_equal(r.read("rgb", "lr", 0), cv2.imread(str(src / "LR/0001.png"))[..., ::-1])
        assert np.array_equal(r.camera("hr", 0)["c2w"], np.eye(4))


def test_import_errors_name_the_problem(tmp_path):
    src = tmp_path / "bad"
    for level in ("LR", "HR"):
        (src / level / "clip").mkdir(parents=True)
    cv2.imwrite(str(src / "LR/clip/00000000.png"), np.zeros((4, 4, 3), np.uint8))
    cv2.imwrite(str(src / "HR/clip/00000001.png"), np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match=r"clip 'clip' frames differ between LR/ and HR/ \(e.g. \['00000000', '00000001'\]\)"):
        import_folders(src, tmp_path / "out")
    (src / "HR/clip/00000001.png").rename(src / "HR/clip/00000000.png")
    (src / "HR_depth/clip").mkdir(parents=True)
    with pytest.raises(ValueError, match=r"buffer 'depth' is given for HR but not for LR"):
        import_folders(src, tmp_path / "out")
    with pytest.raises(ValueError, match="neither LR/ nor HR/ exists"):
        import_folders(tmp_path, tmp_path / "out")


def test_staged_files_appear_only_when_committed(tmp_path):
    from gameir.interop.staging import StagedFiles

    files = StagedFiles(batch=3)
    files.write(tmp_path / "a/1.bin", b"one")
    files.write(tmp_path / "a/2.bin", b"two")
    assert not (tmp_path / "a/1.bin").exists() and (tmp_path / "a/1.bin.partial").read_bytes() == b"one"
    files.write(tmp_path / "b/3.bin", b"three")  # third file fills the batch: all three commit
    assert [p.name for p in sorted(tmp_path.rglob("*"))] == ["a", "1.bin", "2.bin", "b", "3.bin"]
    assert (tmp_path / "b/3.bin").read_bytes() == b"three"


def test_multiview_export_writes_one_folder_per_view(nvs_shard, tmp_path):
    out = tmp_path / "folders"
    summary = export_folders(nvs_shard, out)
    assert summary["frames"] == 6
    assert sorted(p.name for p in (out / "HR").iterdir()) == ["rig-000.v0", "rig-000.v1", "rig-000.v2"]
    manifest = import_folders(out, tmp_path / "back")
    assert [e["clip_id"] for e in manifest["splits"]["test"]["shards"]] == ["rig-000.v0", "rig-000.v1", "rig-000.v2"]
    with ShardReader(nvs_shard) as a, ShardReader(tmp_path / "back/test/rig-000.v1.h5") as b:
        assert b.kind == "sr" and b.num_frames == a.num_frames
        for f in range(a.num_frames):
            assert np.array_equal(a.read("depth", "hr", f, view=1), b.read("depth", "hr", f))
            assert np.array_equal(a.camera("lr", f, view=1)["c2w"], b.camera("lr", f)["c2w"])


def test_folder_export_refuses_a_folder_that_is_not_empty(sr_dataset, tmp_path):
    out = tmp_path / "folders"
    export_folders(sr_dataset, out, split="val")
    with pytest.raises(FileExistsError, match=r"folders: export target exists and is not empty \(20 entries: HR, HR_basecolor, "
                                              r"HR_depth, \.\.\.\); choose a new folder or remove this one first"):
        export_folders(sr_dataset, out, split="train")
