"""The GameIR release layout: CARLA depth, tar and folder sources, writer, and SRDataset on top."""

from __future__ import annotations

import io
import tarfile

import numpy as np
import pytest
import torch
from PIL import Image

from gameir.data import SRDataset
from gameir.formats import (
    CARLA_MAX_CODE,
    CARLA_TO_SEMANTIC,
    ReleaseFrame,
    ReleaseSource,
    ShardSource,
    decode_carla_depth,
    decode_carla_semantic,
    encode_carla_depth,
    encode_carla_semantic,
    release_frames,
    release_member,
    write_release_folder,
    write_release_tar,
)
from gameir.interop.import_release import import_release
from gameir.semantics import SEMANTIC_CLASSES
from gameir.shards.synthetic import write_synthetic_dataset


def _clip(scene: str, spawn: str, frames: list[int], lr=(12, 16), seed=0, far=True) -> list[ReleaseFrame]:
    """Release frames whose depth values are exact CARLA codes (random 24-bit, plus sky)."""
    rng = np.random.default_rng(seed)
    out = []
    for f in frames:
        for res, k in (("720p", 1), ("1440p", 2)):
            h, w = lr[0] * k, lr[1] * k
            code = rng.integers(0, CARLA_MAX_CODE, (h, w))
            depth = 1000.0 * code / CARLA_MAX_CODE
            if far:
                depth[0, :3] = np.inf
            out.append(ReleaseFrame(scene, spawn, f, res, rng.integers(0, 256, (h, w, 3), dtype=np.uint8), depth))
    return out


def test_carla_depth_round_trip_and_formula():
    rgb = np.random.default_rng(1).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    rgb[0, 0] = 255
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    metres = 1000.0 * (r + 256 * g + 65536 * b) / (2**24 - 1)
    np.testing.assert_array_equal(decode_carla_depth(rgb, far_as_inf=False), metres.astype(np.float32))
    decoded = decode_carla_depth(rgb)
    assert decoded[0, 0] == np.inf
    metres[0, 0] = np.inf
    np.testing.assert_array_equal(encode_carla_depth(metres), rgb)
    # float32 metres keep the code to within one step (6e-5 m) at the far end
    codes = lambda x: x.astype(np.int64) @ np.array([1, 256, 65536])  # noqa: E731
    assert np.abs(codes(encode_carla_depth(decoded)) - codes(rgb)).max() <= 1
    assert encode_carla_depth(np.array([[1e9]]))[0, 0].tolist() == [254, 255, 255]  # finite never reads as sky
    with pytest.raises(ValueError, match="free of NaN"):
        encode_carla_depth(np.array([[np.nan]]))


def test_tar_source_reads_members_and_decodes_depth_exactly(tmp_path):
    frames = _clip("Town10HD", "spawn03", [0, 1, 2])
    tar = write_release_tar(tmp_path / "shard-000.tar", frames)
    with tarfile.open(tar) as tf:
        names = tf.getnames()
        assert "GameIR-SR/Town10HD/spawn03/1440p/00000002.depth.png" in names and len(names) == 12
        depth_png = tf.extractfile(release_member("Town10HD", "spawn03", "720p", 1, "depth")).read()
    # independent decode: PIL reads R, G, B
    r, g, b = (np.asarray(Image.open(io.BytesIO(depth_png)).convert("RGB")).astype(np.float64)[..., i] for i in range(3))
    expected = (1000.0 * (r + 256 * g + 65536 * b) / (2**24 - 1)).astype(np.float32)
    expected[(r == 255) & (g == 255) & (b == 255)] = np.inf
    src = ReleaseSource(tar)
    assert len(src.clips) == 1
    clip = src.clips[0]
    assert (clip.clip_id, clip.num_frames, clip.shapes_hw) == ("Town10HD/spawn03", 3, {"lr": (12, 16), "hr": (24, 32)})
    np.testing.assert_array_equal(src.read(0, "depth", "lr", 1), expected)
    np.testing.assert_array_equal(src.read(0, "depth", "lr", 1), np.asarray(frames[2].depth, np.float32))
    np.testing.assert_array_equal(src.read(0, "rgb", "hr", 2, rows=(3, 9), cols=(4, 20)), frames[5].rgb[3:9, 4:20])
    assert src.camera(0, "lr", 0) is None


def test_clip_spans_tars_and_folders(tmp_path):
    a = _clip("TownA", "s0", [10, 11], seed=1)
    b = _clip("TownA", "s0", [12], seed=2)
    c = _clip("TownB", "s1", [0, 1], seed=3)
    write_release_tar(tmp_path / "rel" / "000.tar", a)
    write_release_tar(tmp_path / "rel" / "001.tar", b)
    write_release_folder(tmp_path / "rel" / "extracted", c)
    src = ReleaseSource(tmp_path / "rel")
    assert [(x.clip_id, x.num_frames) for x in src.clips] == [("TownA/s0", 3), ("TownB/s1", 2)]
    assert src.frame_id(0, 2) == 12
    np.testing.assert_array_equal(src.read(0, "rgb", "lr", 2), b[0].rgb)
    np.testing.assert_array_equal(src.read(1, "rgb", "hr", 1), c[3].rgb)


def test_srdataset_serves_shards_and_release_alike(tmp_path):
    write_synthetic_dataset(tmp_path / "ds", splits=("test",), frames=2)
    shards = ShardSource.from_root(tmp_path / "ds")
    (tmp_path / "rel" / "test").mkdir(parents=True)
    write_release_tar(tmp_path / "rel" / "test" / "000.tar", release_frames(shards, 0))
    kwargs = dict(lr_patch=(16, 20), gbuffers=("depth",), augment=True, seed=5)
    a = SRDataset(tmp_path / "ds", "test", **kwargs)
    b = SRDataset(tmp_path / "rel", "test", **kwargs)
    assert b.source.__class__ is ReleaseSource and len(a) == len(b) == 2
    for i in range(2):
        x, y = a[i], b[i]
        assert torch.equal(x["lr"], y["lr"]) and torch.equal(x["hr"], y["hr"])
        torch.testing.assert_close(x["depth"], y["depth"], rtol=1e-5, atol=0)
        assert "K" in x and "K" not in y
        assert y["scene_family"] == "synthetic" and y["clip_id"] == "synthetic/synthetic-0000"
    with pytest.raises(ValueError, match="no split folder 'val'; folders: test"):
        SRDataset(tmp_path / "rel", "val")
    with pytest.raises(ValueError, match=r"buffer 'normal' is not in clip synthetic/synthetic-0000 .*available: rgb, depth"):
        SRDataset(tmp_path / "rel", "test", gbuffers=("normal",))


def test_release_errors(tmp_path):
    frames = _clip("T", "s", [0, 1])
    write_release_tar(tmp_path / "ok.tar", frames[:-1])  # frame 1 lacks its 1440p members
    with pytest.raises(ValueError, match=r"clip T/s: 1 frames lack 1440p rgb \(first: GameIR-SR/T/s/1440p/00000001.rgb.png\)"):
        ReleaseSource(tmp_path / "ok.tar")
    with tarfile.open(tmp_path / "x.tar.gz", "w:gz") as tf:
        tf.add(tmp_path / "ok.tar", arcname="GameIR-SR/T/s/720p/00000000.rgb.png")
    with pytest.raises(ValueError, match="not an uncompressed tar"):
        ReleaseSource(tmp_path / "x.tar.gz")
    (tmp_path / "other").mkdir()
    with tarfile.open(tmp_path / "other" / "a.tar", "w") as tf:
        tf.add(tmp_path / "ok.tar", arcname="images/00000000.png")
    with pytest.raises(ValueError, match=r"other/a\.tar: none of its 1 members follows the release layout GameIR-SR/<scene>"):
        ReleaseSource(tmp_path / "other")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="empty: no member matches GameIR-SR/<scene>"):
        ReleaseSource(tmp_path / "empty")
    with pytest.raises(ValueError, match="resolution must be one of 720p, 1440p"):
        release_member("T", "s", "4k", 0, "rgb")


def _seg_clip(scene: str, spawn: str, frames: list[int], lr=(12, 16), seed=0) -> list[ReleaseFrame]:
    rng = np.random.default_rng(seed)
    out = _clip(scene, spawn, frames, lr=lr, seed=seed)
    for frame in out:
        frame.semantic = rng.integers(0, 29, frame.rgb.shape[:2], dtype=np.uint8)
    return out


def test_carla_semantic_tags_map_to_gameir_ids():
    assert CARLA_TO_SEMANTIC == {i: i for i in range(29)}
    assert SEMANTIC_CLASSES[CARLA_TO_SEMANTIC[14]][1] == "car" and SEMANTIC_CLASSES[CARLA_TO_SEMANTIC[24]][1] == "road_line"
    ids = np.arange(29, dtype=np.uint8).reshape(1, 29)
    rgb = encode_carla_semantic(ids)
    assert rgb[..., 0].tolist() == ids.tolist() and not rgb[..., 1:].any()  # the tag in R, G = B = 0
    np.testing.assert_array_equal(decode_carla_semantic(rgb), ids)
    np.testing.assert_array_equal(decode_carla_semantic(ids), ids)  # a grey PNG is its own tag
    rgba = np.concatenate([rgb, np.full_like(rgb[..., :1], 255)], axis=-1)
    np.testing.assert_array_equal(decode_carla_semantic(rgba), ids)
    bad = rgb.copy()
    bad[0, :3, 0] = 31
    bad[0, 5, 0] = 200
    with pytest.raises(ValueError, match=r"frame 7: CARLA tags outside 0\.\.28 \(CARLA 0\.9\.14\+ numbering\): "
                                         r"31 \(3 px\), 200 \(1 px\)"):
        decode_carla_semantic(bad, "frame 7")
    with pytest.raises(ValueError, match="must be 8-bit"):
        decode_carla_semantic(ids.astype(np.uint16))
    with pytest.raises(ValueError, match=r"semantic ids \[40\] have no CARLA tag"):
        encode_carla_semantic(np.array([[40]], np.uint8))


def test_seg_members_are_the_semantic_buffer(tmp_path):
    frames = _seg_clip("Town03", "spawn1", [100, 110])
    tar = write_release_tar(tmp_path / "a.tar", frames)
    with tarfile.open(tar) as tf:
        assert "GameIR-SR/Town03/spawn1/720p/00000110.seg.png" in tf.getnames() and len(tf.getnames()) == 12
        png = tf.extractfile("GameIR-SR/Town03/spawn1/1440p/00000100.seg.png").read()
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png)))[..., 0], frames[1].semantic)  # tag in R
    src = ReleaseSource(tar)
    assert src.clips[0].buffers == ("rgb", "depth", "semantic")
    np.testing.assert_array_equal(src.read(0, "semantic", "hr", 1), frames[3].semantic)
    np.testing.assert_array_equal(src.read(0, "semantic", "lr", 0, rows=(2, 5), cols=(1, 9)), frames[0].semantic[2:5, 1:9])
    assert src.member(0, "semantic", "lr", 1).endswith("a.tar: GameIR-SR/Town03/spawn1/720p/00000110.seg.png")
    # a clip without seg members has no semantic buffer, and asking for it names what there is
    plain = ReleaseSource(write_release_tar(tmp_path / "b.tar", _clip("T", "s", [0])))
    assert plain.clips[0].buffers == ("rgb", "depth")
    with pytest.raises(ValueError, match=r"clip T/s has no buffer 'semantic'; buffers: rgb, depth"):
        plain.read(0, "semantic", "lr", 0)


def test_seg_errors_name_the_member(tmp_path):
    frames = _seg_clip("T", "s", [0, 10])
    frames[3].semantic = None  # 1440p frame 10 without seg
    write_release_tar(tmp_path / "gap" / "a.tar", frames)
    with pytest.raises(ValueError, match=r"clip T/s: 1 frames lack 1440p seg \(first: GameIR-SR/T/s/1440p/00000010.seg.png\)"):
        ReleaseSource(tmp_path / "gap")
    frames = _seg_clip("T", "s", [0, 10])
    write_release_folder(tmp_path / "tags", frames)
    seg = tmp_path / "tags/GameIR-SR/T/s/720p/00000010.seg.png"
    image = np.zeros((12, 16, 3), np.uint8)
    image[0, 0, 0] = 29
    Image.fromarray(image).save(seg)
    src = ReleaseSource(tmp_path / "tags")
    with pytest.raises(ValueError, match=r"720p/00000010\.seg\.png \(clip T/s frame 10\): CARLA tags outside 0\.\.28 .*29 \(1 px\)"):
        src.read(0, "semantic", "lr", 1)
    Image.fromarray(np.zeros((12, 16), np.uint16)).save(seg)
    with pytest.raises(ValueError, match=r"00000010\.seg\.png \(clip T/s frame 10\): CARLA segmentation must be 8-bit"):
        src.read(0, "semantic", "lr", 1)


def test_import_keeps_seg_and_release_frame_numbers(tmp_path):
    frames = _seg_clip("Town07", "spawn2", [40, 50, 60])
    write_release_tar(tmp_path / "rel" / "000.tar", frames[:4])
    write_release_tar(tmp_path / "rel" / "001.tar", frames[4:])
    import_release(tmp_path / "rel", tmp_path / "ds", split="val")
    shards = ShardSource.from_root(tmp_path / "ds")
    assert shards.clips[0].buffers == ("rgb", "depth", "semantic")
    assert [shards.frame_id(0, f) for f in range(3)] == [40, 50, 60]
    np.testing.assert_array_equal(shards.read(0, "semantic", "hr", 2), frames[5].semantic)
    ds = SRDataset(tmp_path / "ds", "val", gbuffers=("semantic",))
    assert [(ds[i]["frame"], ds[i]["frame_id"]) for i in range(3)] == [(0, 40), (1, 50), (2, 60)]
    # and back out: release_frames writes the release numbers, not the positions
    out = write_release_tar(tmp_path / "again.tar", release_frames(shards, 0, scene="Town07", spawn="spawn2"))
    again = ReleaseSource(out)
    assert [again.frame_id(0, f) for f in range(3)] == [40, 50, 60]
    np.testing.assert_array_equal(again.read(0, "semantic", "lr", 1), frames[2].semantic)


def test_frame_id_defaults_to_position_and_is_the_shard_frame_index(synthetic_root):
    shards = ShardSource.from_root(synthetic_root)
    item = SRDataset(synthetic_root, "train")[2]
    assert item["frame"] == 2 and item["frame_id"] == shards.frame_id(0, 2) == 2


def test_remote_tar_over_an_fsspec_url(tmp_path):
    import fsspec

    frames = _seg_clip("T", "s", [5, 15])
    tar = write_release_tar(tmp_path / "a.tar", frames)
    fs = fsspec.filesystem("memory")
    fs.pipe_file("/gameir-release-test/a.tar", tar.read_bytes())
    src = ReleaseSource("memory://gameir-release-test/a.tar")
    assert src.clips[0].location == "memory://gameir-release-test/a.tar"
    np.testing.assert_array_equal(src.read(0, "rgb", "hr", 1), frames[3].rgb)
    np.testing.assert_array_equal(src.read(0, "semantic", "lr", 0), frames[0].semantic)
    with pytest.raises(FileNotFoundError, match=r"memory://gameir-release-test/b\.tar: cannot read .*no such file"):
        ReleaseSource("memory://gameir-release-test/b.tar")
