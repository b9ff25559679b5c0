"""`gameir import gameir-release`: release tars and folders (CARLA depth) become shards with the same pixels."""

from __future__ import annotations

import numpy as np

from gameir.cli.main import main
from gameir.formats import ReleaseSource, ShardSource, release_frames, write_release_folder, write_release_tar
from gameir.formats.carla import CARLA_FAR_M, CARLA_MAX_CODE
from gameir.interop.import_release import import_release
from gameir.shards.reader import ShardReader
from gameir.shards.verify import verify_path


def _release(sr_dataset, tmp_path):
    source = ShardSource.from_root(sr_dataset)
    by_split = {c.split: i for i, c in enumerate(source.clips)}
    tar = write_release_tar(tmp_path / "rel/part-000.tar", release_frames(source, by_split["train"], scene="Town01", spawn="s003"))
    folder = write_release_folder(tmp_path / "rel/extracted", release_frames(source, by_split["val"], scene="Town02", spawn="s007"))
    return source, by_split, tar, folder


def test_release_import_keeps_pixels_and_depth(sr_dataset, tmp_path):
    source, by_split, tar, folder = _release(sr_dataset, tmp_path)
    manifest = import_release([tar, folder], tmp_path / "ds", split="test")
    assert [e["path"] for e in manifest["splits"]["test"]["shards"]] == ["test/Town01/s003.h5", "test/Town02/s007.h5"]
    assert verify_path(tmp_path / "ds")[0] == []
    release = ReleaseSource([tar, folder])
    for rel_clip, (shard, split) in enumerate([("test/Town01/s003.h5", "train"), ("test/Town02/s007.h5", "val")]):
        with ShardReader(tmp_path / "ds" / shard) as r:
            assert r.clip_id == release.clips[rel_clip].clip_id and r.scene["cameras"] == "unknown"
            assert r.levels == ["lr", "hr"] and r.buffers == ["rgb", "depth", "semantic"]  # seg members round-trip
            assert r.file["frame_index"][:].tolist() == list(range(r.num_frames))
            for level in ("lr", "hr"):
                for f in range(r.num_frames):
                    original_rgb = source.read(by_split[split], "rgb", level, f)
                    original_depth = source.read(by_split[split], "depth", level, f)
                    assert np.array_equal(r.read("rgb", level, f), original_rgb)
                    assert np.array_equal(r.read("semantic", level, f), source.read(by_split[split], "semantic", level, f))
                    depth = r.read("depth", level, f)
                    assert np.array_equal(depth, release.read(rel_clip, "depth", level, f))
                    assert np.array_equal(np.isinf(depth), np.isinf(original_depth))
                    finite = np.isfinite(depth)
                    step = CARLA_FAR_M / CARLA_MAX_CODE  # one 24-bit code, ~0.06 mm
                    assert np.abs(depth[finite] - original_depth[finite]).max() <= step / 2 + 1e-5


def test_release_import_cli_and_resume(sr_dataset, tmp_path):
    _, _, tar, _ = _release(sr_dataset, tmp_path)
    dest = tmp_path / "ds"
    assert main(["import", "gameir-release", str(tar), "--to", str(dest), "--split", "val", "--quiet"]) == 0
    shard = dest / "val/Town01/s003.h5"
    before = shard.stat().st_mtime_ns
    assert main(["import", "gameir-release", str(tar), "--to", str(dest), "--split", "val", "--quiet"]) == 0
    assert shard.stat().st_mtime_ns == before  # kept, not rewritten
    assert main(["import", "gameir-release", str(tmp_path / "missing.tar"), "--to", str(dest)]) == 2
