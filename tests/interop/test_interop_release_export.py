"""`gameir export gameir-release`: SR shards -> release tars -> `gameir import gameir-release` round trip."""

from __future__ import annotations

import numpy as np
from gameir.cli.main import main
from gameir.data import SRDataset
from gameir.shards import ShardReader, load_manifest, manifest_shards


def test_export_then_import_keeps_rgb_semantic_frame_numbers_and_depth(synthetic_root, tmp_path, capsys):
    out, back = tmp_path / "release", tmp_path / "imported"
    assert main(["export", "gameir-release", str(synthetic_root), "--split", "test", "--to", str(out)]) == 0
    tars = sorted(p.name for p in out.iterdir())
    assert len(tars) == 1 and tars[0].startswith("GameIR-SR-") and tars[0].endswith(".tar")
    assert f"wrote 1 release tar(s) (3 frames at 720p and 1440p) to {out}" in capsys.readouterr().out
    assert main(["import", "gameir-release", str(out / tars[0]), "--split", "test", "--to", str(back)]) == 0
    (entry,) = manifest_shards(load_manifest(synthetic_root), "test")
    (copy,) = manifest_shards(load_manifest(back), "test")
    with ShardReader(synthetic_root / entry["path"]) as a, ShardReader(back / copy["path"]) as b:
        assert b.num_frames == a.num_frames
        for level in ("lr", "hr"):
            for f in range(a.num_frames):
                np.testing.assert_array_equal(b.read("rgb", level, f), a.read("rgb", level, f))
                np.testing.assert_array_equal(b.read("semantic", level, f), a.read("semantic", level, f))
                da, db = a.read("depth", level, f), b.read("depth", level, f)
                finite = np.isfinite(da) & (da < 1000.0)
                np.testing.assert_allclose(db[finite], da[finite], atol=1000.0 / (2**24 - 1) + 1e-4)
    items = SRDataset(back, "test")
    assert [items[i]["frame_id"] for i in range(len(items))] == list(range(a.num_frames))


def test_export_refuses_multi_view_shards_and_a_used_folder(synthetic_root, tmp_path, capsys):
    from gameir.shards import ShardWriter
    from gameir.shards.synthetic import synthetic_frame

    rig = tmp_path / "rig.h5"
    with ShardWriter(rig, shapes_hw={"hr": (16, 16)}, buffers=["rgb", "depth"], kind="nvs", num_views=2,
                     clip_id="rig", split="test") as writer:
        writer.write_frame({"hr": [synthetic_frame(16, 16, buffers=("rgb", "depth")) for _ in range(2)]})
    assert main(["export", "gameir-release", str(rig), "--to", str(tmp_path / "out")]) == 2
    assert f"{rig}: a multi-view clip (2 views, kind 'nvs'); the release layout holds SR clips" in capsys.readouterr().err
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("x")
    assert main(["export", "gameir-release", str(synthetic_root), "--to", str(used)]) == 2
    assert f"{used}: export target exists and is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in used.iterdir()) == ["keep.txt"]
