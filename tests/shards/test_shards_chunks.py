"""Chunks compressed by the writer (threads + write_direct_chunk) are what HDF5's filters store."""

from __future__ import annotations

import hashlib
import zlib

import h5py
import numpy as np
import pytest

from gameir.shards import ShardWriter
from gameir.shards.chunks import deflate_chunk, frame_chunks, shuffle_bytes
from gameir.shards.synthetic import synthetic_frame
from gameir.threads import THREADS_ENV, cpu_threads

LEVELS = {"lr": (50, 70), "hr": (100, 140)}  # 140 = 128 + 12: edge chunks on both axes at tile 128


def _write(path, threads):
    frames = [{level: synthetic_frame(h, w, frame=i) for level, (h, w) in LEVELS.items()} for i in range(2)]
    with ShardWriter(path, shapes_hw=LEVELS, buffers=list(frames[0]["lr"].buffers), clip_id="c", threads=threads) as w:
        for fs in frames:
            w.write_frame(fs)
    return frames


def test_chunks_equal_hdf5_filter_output_and_read_back(tmp_path):
    frames = _write(tmp_path / "ours.h5", threads=2)
    with h5py.File(tmp_path / "ours.h5") as ours, h5py.File(tmp_path / "hdf5.h5", "w") as ref:
        checked = 0
        for level in LEVELS:
            for name in frames[0][level].buffers:
                ds = ours[level][name]
                expected = np.stack([fs[level].buffers[name] for fs in frames])
                np.testing.assert_array_equal(ds[...], expected)
                assert (ds.compression, ds.compression_opts, ds.shuffle) == ("gzip", 1, True)
                # the same data through HDF5's own shuffle + deflate filters, same chunking
                rds = ref.create_dataset(f"{level}/{name}", data=expected, chunks=ds.chunks,
                                         compression="gzip", compression_opts=1, shuffle=True)
                assert ds.id.get_num_chunks() == rds.id.get_num_chunks() > 0
                for k in range(ds.id.get_num_chunks()):
                    offset = ds.id.get_chunk_info(k).chunk_offset
                    mask, ours_bytes = ds.id.read_direct_chunk(offset)
                    assert mask == 0
                    assert ours_bytes == rds.id.read_direct_chunk(offset)[1], (level, name, offset)
                    checked += 1
    assert checked == 2 * 9 * 1 + 2 * 9 * 2  # frames x buffers x chunks (lr: 1; hr, 140 wide: 2)


def test_thread_count_does_not_change_the_file(tmp_path):
    _write(tmp_path / "one.h5", threads=1)
    _write(tmp_path / "two.h5", threads=3)
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("one.h5", "two.h5")]
    assert digest[0] == digest[1]


def test_shuffle_and_edge_padding():
    a = np.array([[0x0102, 0x0304], [0x0506, 0x0708]], dtype="<u2")
    assert shuffle_bytes(a) == bytes([0x02, 0x04, 0x06, 0x08, 0x01, 0x03, 0x05, 0x07])
    frame = np.arange(5 * 3, dtype=np.float32).reshape(5, 3)
    parts = dict(frame_chunks(frame, (4, 2)))
    assert sorted(parts) == [(0, 0), (0, 2), (4, 0), (4, 2)]
    np.testing.assert_array_equal(parts[(4, 2)], [[14, 0], [0, 0], [0, 0], [0, 0]])  # padded with 0, HDF5's fill
    x = np.random.default_rng(0).random((16, 16)).astype(np.float32)
    assert zlib.decompress(deflate_chunk(x, 1, True)) == shuffle_bytes(x)
    assert zlib.decompress(deflate_chunk(x, 1, False)) == x.tobytes()


def test_float16_nan_is_still_rejected(tmp_path):
    motion = np.zeros((50, 70, 2), np.float16)
    motion[7, 9, 1] = np.nan
    frame = synthetic_frame(50, 70)
    frame.buffers["motion"] = motion
    with ShardWriter(tmp_path / "x.h5", shapes_hw={"lr": (50, 70)}, buffers=list(frame.buffers), clip_id="x") as w:
        with pytest.raises(ValueError, match=r"buffer 'motion' has NaN at 1 pixels"):
            w.write_frame({"lr": frame})
        w.write_frame({"lr": synthetic_frame(50, 70)})


def test_thread_settings(monkeypatch, tmp_path):
    monkeypatch.setenv(THREADS_ENV, "3")
    assert cpu_threads() == 3
    monkeypatch.setenv(THREADS_ENV, "zero")
    with pytest.raises(ValueError, match="GAMEIR_THREADS must be a positive integer, got 'zero'"):
        cpu_threads()
    monkeypatch.delenv(THREADS_ENV)
    assert 1 <= cpu_threads() <= 8
    with pytest.raises(ValueError, match="threads must be a positive integer or None, got 0"):
        ShardWriter(tmp_path / "y.h5", shapes_hw={"lr": (4, 4)}, buffers=["rgb"], clip_id="y", threads=0)
