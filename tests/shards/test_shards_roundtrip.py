"""Writer -> reader round trips: every buffer and dtype bit-exact, crops equal full-frame windows."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from gameir.buffers import BUFFER_NAMES, BUFFERS
from gameir.frame import Frame
from gameir.shards import Codec, ShardReader, ShardWriter, validate_shard


def random_frame(rng: np.random.Generator, h: int, w: int, t: float = 0.0) -> Frame:
    """Every buffer filled with random values covering each dtype's range (depth with some +inf)."""
    buffers = {}
    for name, spec in BUFFERS.items():
        shape = spec.frame_shape(h, w)
        if spec.dtype.kind == "u":
            buffers[name] = rng.integers(0, np.iinfo(spec.dtype).max, size=shape, endpoint=True, dtype=spec.dtype)
        else:
            buffers[name] = (rng.standard_normal(shape) * 50).astype(spec.dtype)
    buffers["depth"][rng.random((h, w)) < 0.1] = np.inf
    K = np.array([[w * 0.9, 0, w / 2], [0, w * 0.9, h / 2], [0, 0, 1.0]])
    c2w = np.eye(4)
    c2w[:3, 3] = rng.standard_normal(3)
    return Frame(buffers=buffers, K=K, c2w=c2w, jitter_px=rng.random(2) - 0.5, time_s=t)


@pytest.mark.parametrize("codec", ["gzip:1", "gzip:6+noshuffle", "lzf", "none"])
def test_every_buffer_round_trips_bit_exact(tmp_path, codec):
    rng = np.random.default_rng(0)
    frames = [{"lr": random_frame(rng, 20, 30, i / 30), "hr": random_frame(rng, 40, 60, i / 30)} for i in range(3)]
    path = tmp_path / "clip.h5"
    with ShardWriter(path, shapes_hw={"lr": (20, 30), "hr": (40, 60)}, buffers=BUFFER_NAMES, clip_id="c",
                     codec=Codec.parse(codec), tile=16, scene={"family": "test", "seed": 7}) as writer:
        for fs in frames:
            writer.write_frame(fs)
    reader = ShardReader(path)
    assert reader.num_frames == 3 and reader.levels == ["lr", "hr"] and reader.scene == {"family": "test", "seed": 7}
    for i, fs in enumerate(frames):
        for level, frame in fs.items():
            back = reader.read_frame(level, i)
            for name in BUFFER_NAMES:
                assert back.buffers[name].dtype == frame.buffers[name].dtype
                np.testing.assert_array_equal(back.buffers[name], frame.buffers[name], err_msg=f"{level}/{name}")
            np.testing.assert_array_equal(back.K, frame.K)
            np.testing.assert_array_equal(back.c2w, frame.c2w)
            np.testing.assert_array_equal(back.jitter_px, frame.jitter_px)
            assert back.time_s == frame.time_s
    assert validate_shard(path) == []


def test_crop_reads_equal_windows_of_full_reads_at_chunk_boundaries(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "clip.h5"
    frame = random_frame(rng, 50, 70)
    with ShardWriter(path, shapes_hw={"hr": (50, 70)}, buffers=BUFFER_NAMES, clip_id="c", tile=16) as writer:
        writer.write_frame({"hr": frame})
    reader = ShardReader(path)
    windows = [((0, 16), (0, 16)), ((15, 17), (15, 33)), ((16, 32), (48, 70)), ((47, 50), (0, 70)), ((3, 41), (9, 10))]
    for name in BUFFER_NAMES:
        full = reader.read(name, "hr", 0)
        for rows, cols in windows:
            crop = reader.read(name, "hr", 0, rows=rows, cols=cols)
            np.testing.assert_array_equal(crop, full[rows[0]:rows[1], cols[0]:cols[1]])


def test_chunks_are_tiles_and_the_file_opens_with_plain_h5py(tmp_path):
    path = tmp_path / "clip.h5"
    rng = np.random.default_rng(2)
    with ShardWriter(path, shapes_hw={"lr": (40, 300)}, buffers=["rgb", "depth"], clip_id="c", tile=128) as writer:
        writer.write_frame({"lr": random_frame(rng, 40, 300)})
    with h5py.File(path, "r") as f:
        assert f["lr/rgb"].chunks == (1, 40, 128, 3)
        assert f["lr/depth"].chunks == (1, 40, 128)
        assert f["lr/rgb"].compression == "gzip" and f["lr/rgb"].shuffle
        assert f.attrs["format"] == "gameir-shard" and f.attrs["format_version"] == 1
        assert f["lr/camera/K"].shape == (1, 3, 3)


def test_multiview_shard_has_a_view_axis(tmp_path):
    rng = np.random.default_rng(3)
    path = tmp_path / "rig.h5"
    views = [[random_frame(rng, 12, 16, i / 30) for _ in range(4)] for i in range(2)]
    with ShardWriter(path, shapes_hw={"hr": (12, 16)}, buffers=["rgb", "depth"], kind="nvs", num_views=4,
                     clip_id="rig") as writer:
        for frame_views in views:
            writer.write_frame({"hr": frame_views})
    reader = ShardReader(path)
    assert reader.num_views == 4 and reader.file["hr/rgb"].shape == (2, 4, 12, 16, 3)
    np.testing.assert_array_equal(reader.read("depth", "hr", 1, view=2), views[1][2].buffers["depth"])
    np.testing.assert_array_equal(reader.camera("hr", 1, view=3)["c2w"], views[1][3].c2w)
    with pytest.raises(IndexError, match="view must be in 0..3"):
        reader.read("rgb", "hr", 0)
    assert validate_shard(path) == []


def test_reader_pickles_without_its_handle_and_reopens(tmp_path):
    import pickle

    rng = np.random.default_rng(4)
    path = tmp_path / "clip.h5"
    frame = random_frame(rng, 8, 8)
    with ShardWriter(path, shapes_hw={"lr": (8, 8)}, buffers=["rgb"], clip_id="c") as writer:
        writer.write_frame({"lr": frame})
    reader = ShardReader(path)
    reader.read("rgb", "lr", 0)
    clone = pickle.loads(pickle.dumps(reader))
    assert clone._file is None
    np.testing.assert_array_equal(clone.read("rgb", "lr", 0), frame.buffers["rgb"])
