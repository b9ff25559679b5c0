"""BackgroundWriter: the same bytes as ShardWriter, bounded frames in flight, errors raised on the caller's thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gameir.fileio import sha256_file
from gameir.shards import BackgroundWriter, ShardError, ShardReader, ShardWriter
from gameir.shards.synthetic import synthetic_frame

LEVELS = {"lr": (24, 32), "hr": (48, 64)}


def frame_sets(n):
    return [{"lr": synthetic_frame(24, 32, seed=3, frame=i), "hr": synthetic_frame(48, 64, seed=3, frame=i)}
            for i in range(n)]


def writer(path, threads=2):
    return ShardWriter(path, shapes_hw=LEVELS, buffers=["rgb", "depth", "motion", "instance"], clip_id="c0",
                       threads=threads)


def test_background_writer_writes_the_bytes_of_the_sequential_writer(tmp_path):
    sets = frame_sets(5)
    with writer(tmp_path / "seq.h5") as w:
        for fs in sets:
            w.write_frame(fs)
    with BackgroundWriter(writer(tmp_path / "bg.h5"), max_in_flight=2) as bw:
        for fs in sets:
            bw.write_frame(fs)
    assert sha256_file(tmp_path / "seq.h5") == sha256_file(tmp_path / "bg.h5")
    np.testing.assert_array_equal(ShardReader(tmp_path / "bg.h5").read("rgb", "hr", 4), sets[4]["hr"].buffers["rgb"])


def test_frames_in_flight_never_exceed_the_bound(tmp_path):
    """The writer thread is held on a gate, so every submit beyond the bound has to wait."""
    gate = threading.Event()
    inner = writer(tmp_path / "gated.h5")
    real = inner.write_frame

    def gated(frames, frame_index=None):  # the real write, after the gate opens
        gate.wait(10)
        real(frames, frame_index=frame_index)

    inner.write_frame = gated
    bw = BackgroundWriter(inner, max_in_flight=2)
    sets = frame_sets(4)
    bw.write_frame(sets[0])
    bw.write_frame(sets[1])
    third = threading.Thread(target=bw.write_frame, args=(sets[2],))
    third.start()
    third.join(0.5)
    assert third.is_alive()  # two frames pending: the third waits
    gate.set()
    third.join(10)
    bw.write_frame(sets[3])
    bw.close()
    assert bw.peak_in_flight == 2
    assert ShardReader(tmp_path / "gated.h5").num_frames == 4


def test_an_error_in_the_writer_thread_is_raised_and_leaves_no_shard(tmp_path):
    sets = frame_sets(3)
    sets[1]["hr"].buffers["depth"][5, 7] = np.nan
    bw = BackgroundWriter(writer(tmp_path / "bad.h5"), max_in_flight=1)
    with pytest.raises(ShardError, match=r"bad.h5: frame 1 level 'hr': buffer 'depth' has NaN at 1 pixels"):
        for fs in sets:
            bw.write_frame(fs)
        bw.close()
    assert not (tmp_path / "bad.h5").exists() and not list(tmp_path.glob("*.partial"))


def test_max_in_flight_is_checked(tmp_path):
    inner = writer(tmp_path / "x.h5")
    with pytest.raises(ValueError, match="max_in_flight must be an integer >= 1, got 0"):
        BackgroundWriter(inner, max_in_flight=0)
    inner.abort()
