"""Bad input to the writer and reader raises ValueError naming the buffer, frame and file."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.shards import ShardError, ShardReader, ShardWriter
from gameir.shards.synthetic import synthetic_frame


@pytest.fixture
def writer(tmp_path):
    w = ShardWriter(tmp_path / "c.h5", shapes_hw={"lr": (24, 32)}, buffers=["rgb", "depth", "normal"], clip_id="c")
    w.write_frame({"lr": synthetic_frame(24, 32)})  # frame 0 is fine; errors below hit frame 1
    yield w
    w.abort()


def frame_with(name, value):
    frame = synthetic_frame(24, 32, buffers=("rgb", "depth", "normal"))
    frame.buffers[name] = value
    return frame


def test_wrong_dtype_names_buffer_and_frame(writer):
    bad = frame_with("rgb", np.zeros((24, 32, 3), np.float32))
    with pytest.raises(ValueError, match=r"frame 1 level 'lr': buffer 'rgb' must be uint8, got float32"):
        writer.write_frame({"lr": bad})


def test_wrong_shape_names_buffer_and_frame(writer):
    bad = frame_with("depth", np.ones((24, 31), np.float32))
    with pytest.raises(ValueError, match=r"frame 1 .*buffer 'depth' must have shape \(24, 32\), got \(24, 31\)"):
        writer.write_frame({"lr": bad})


def test_nan_in_depth_is_counted_and_named(writer):
    depth = np.ones((24, 32), np.float32)
    depth[3, :37 - 32] = np.nan
    depth[4, :32] = np.nan
    with pytest.raises(ValueError, match=r"c\.h5: frame 1 level 'lr': buffer 'depth' has NaN at 37 pixels"):
        writer.write_frame({"lr": frame_with("depth", depth)})


def test_inf_only_allowed_as_positive_depth(writer):
    depth = np.full((24, 32), np.inf, np.float32)
    depth[0, 0] = -np.inf
    with pytest.raises(ValueError, match=r"buffer 'depth' has -inf at 1 pixels"):
        writer.write_frame({"lr": frame_with("depth", depth)})
    normal = np.zeros((24, 32, 3), np.float16)
    normal[1, 1, 0] = np.inf
    with pytest.raises(ValueError, match=r"buffer 'normal' has inf at 1 pixels"):
        writer.write_frame({"lr": frame_with("normal", normal)})


def test_unknown_buffer_name(tmp_path, writer):
    frame = synthetic_frame(24, 32, buffers=("rgb", "depth", "normal"))
    frame.buffers["albedo"] = np.zeros((24, 32, 3), np.uint8)
    with pytest.raises(ValueError, match=r"frame 1 level 'lr': unknown buffer 'albedo'; known buffers: rgb, hdr"):
        writer.write_frame({"lr": frame})
    with pytest.raises(ValueError, match=r"unknown buffer 'albedo'"):
        ShardWriter(tmp_path / "x.h5", shapes_hw={"lr": (4, 4)}, buffers=["albedo"], clip_id="x")


def test_rejected_frame_leaves_shard_consistent(writer):
    with pytest.raises(ShardError):
        writer.write_frame({"lr": frame_with("depth", np.full((24, 32), np.nan, np.float32))})
    writer.write_frame({"lr": synthetic_frame(24, 32, frame=1)})
    path = writer.close()
    assert ShardReader(path).num_frames == 2


def test_missing_level_and_buffer(writer):
    with pytest.raises(ValueError, match=r"levels \['hr'\] given, shard has \['lr'\]"):
        writer.write_frame({"hr": synthetic_frame(24, 32)})
    frame = synthetic_frame(24, 32, buffers=("rgb", "depth"))
    with pytest.raises(ValueError, match=r"buffer 'normal' missing"):
        writer.write_frame({"lr": frame})


def test_reader_rejects_bad_requests(synthetic_root):
    reader = ShardReader(next((synthetic_root / "train").glob("*.h5")))
    with pytest.raises(ValueError, match=r"no level 'mr'; levels: lr, hr"):
        reader.read("rgb", "mr", 0)
    with pytest.raises(IndexError, match=r"frame 3 out of range 0..2"):
        reader.read("rgb", "lr", 3)
    with pytest.raises(ValueError, match=r"rows window \(40, 60\) outside 0..48"):
        reader.read("rgb", "lr", 0, rows=(40, 60))


def test_reader_names_a_file_that_is_not_a_shard(tmp_path):
    path = tmp_path / "junk.h5"
    path.write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match=r"junk\.h5: not a readable HDF5 file"):
        ShardReader(path).num_frames


def test_empty_clip_is_not_committed(tmp_path):
    writer = ShardWriter(tmp_path / "e.h5", shapes_hw={"lr": (4, 4)}, buffers=["rgb"], clip_id="e")
    with pytest.raises(ValueError, match="no frames were written"):
        writer.close()
    assert not list(tmp_path.iterdir())
