"""WriterProcess: shards written in a second process are byte-identical to ShardWriter's, frames in
flight stay bounded, and errors (a NaN buffer, a dead process) are raised in the render process."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from gameir.fileio import sha256_file
from gameir.shards import ShardError, ShardReader, ShardWriter
from gameir.shards.synthetic import synthetic_frame
from gameir.shards.writer_process import WriterProcess

LEVELS = {"lr": (24, 32), "hr": (48, 64)}
KWARGS = dict(shapes_hw=LEVELS, buffers=["rgb", "depth", "motion", "instance"], clip_id="c0", threads=2)


def frame_sets(n, seed=3):
    return [{"lr": synthetic_frame(24, 32, seed=seed, frame=i), "hr": synthetic_frame(48, 64, seed=seed, frame=i)}
            for i in range(n)]


def sequential(path, sets, **kwargs):
    with ShardWriter(path, **(KWARGS | kwargs)) as w:
        for i, fs in enumerate(sets):
            w.write_frame(fs, frame_index=10 + i)
    return sha256_file(path)


def test_two_shards_through_one_process_have_the_sequential_bytes(tmp_path):
    a, b = frame_sets(4, seed=3), frame_sets(3, seed=4)
    with WriterProcess(2) as wp:
        for name, sets in (("a", a), ("b", b)):
            with wp.open(tmp_path / f"{name}.h5", **KWARGS) as shard:
                for i, fs in enumerate(sets):
                    shard.write_frame(fs, frame_index=10 + i)
            assert 1 <= shard.peak_in_flight <= 2
        pid = wp.pid
    assert pid is not None
    assert sha256_file(tmp_path / "a.h5") == sequential(tmp_path / "a-seq.h5", a)
    assert sha256_file(tmp_path / "b.h5") == sequential(tmp_path / "b-seq.h5", b)
    with ShardReader(tmp_path / "a.h5") as r:
        np.testing.assert_array_equal(r.read("depth", "hr", 3), a[3]["hr"].buffers["depth"])
        assert list(r.frame_indices()) == [10, 11, 12, 13]


def test_multiview_shards_have_the_sequential_bytes(tmp_path):
    sets = [{"hr": [synthetic_frame(48, 64, seed=v, frame=i) for v in range(3)]} for i in range(2)]
    kwargs = dict(shapes_hw={"hr": (48, 64)}, buffers=["rgb", "depth"], clip_id="v0", kind="nvs", num_views=3)
    with WriterProcess(1) as wp, wp.open(tmp_path / "nvs.h5", **kwargs) as shard:
        for fs in sets:
            shard.write_frame(fs)
    with ShardWriter(tmp_path / "seq.h5", **kwargs) as w:
        for fs in sets:
            w.write_frame(fs)
    assert sha256_file(tmp_path / "nvs.h5") == sha256_file(tmp_path / "seq.h5")


def test_one_slot_means_one_frame_in_flight(tmp_path):
    with WriterProcess(1) as wp:
        with wp.open(tmp_path / "one.h5", **KWARGS) as shard:
            for fs in frame_sets(3):
                shard.write_frame(fs)
        assert shard.peak_in_flight == 1 and len(wp._slots) == 1
        raw = sum(a.nbytes for f in frame_sets(1)[0].values() for a in f.buffers.values())
        assert wp._slots[0].size >= raw  # one frame set per slot (rounded up to whole pages)


def test_a_nan_buffer_is_raised_here_and_leaves_no_shard(tmp_path):
    sets = frame_sets(3)
    sets[1]["hr"].buffers["depth"][5, 7] = np.nan
    with WriterProcess(1) as wp:
        shard = wp.open(tmp_path / "bad.h5", **KWARGS)
        with pytest.raises(ShardError, match=r"bad.h5: frame 1 level 'hr': buffer 'depth' has NaN at 1 pixels"):
            for fs in sets:
                shard.write_frame(fs)
            shard.close()
        # the process carries on with the next shard
        with wp.open(tmp_path / "good.h5", **KWARGS) as good:
            good.write_frame(frame_sets(1)[0])
    assert not (tmp_path / "bad.h5").exists() and not list(tmp_path.glob("*.partial"))
    assert ShardReader(tmp_path / "good.h5").num_frames == 1


def test_a_dead_writer_process_is_an_error_naming_it(tmp_path):
    with WriterProcess(1) as wp:
        shard = wp.open(tmp_path / "dead.h5", **KWARGS)
        shard.write_frame(frame_sets(1)[0])
        os.kill(wp.pid, signal.SIGKILL)
        with pytest.raises(ShardError, match=r"shard writer process \(pid \d+\)"):
            for fs in frame_sets(3):
                shard.write_frame(fs)
            shard.close()
    assert not (tmp_path / "dead.h5").exists()


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="max_in_flight must be an integer >= 1, got 0"):
        WriterProcess(0)
    with WriterProcess(1) as wp:
        shard = wp.open(tmp_path / "x.h5", **(KWARGS | {"kind": "bogus"}))
        with pytest.raises(ValueError, match="kind must be one of"):
            shard.write_frame(frame_sets(1)[0])
            shard.close()


def test_writer_niceness_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GAMEIR_WRITER_NICE", "3")
    with WriterProcess(1) as wp, wp.open(tmp_path / "n.h5", **KWARGS) as shard:
        shard.write_frame(frame_sets(1)[0])
        shard.close()  # the process has read its first frame, so its priority is set
        assert os.getpriority(os.PRIO_PROCESS, wp.pid) == os.getpriority(os.PRIO_PROCESS, 0) + 3
    monkeypatch.setenv("GAMEIR_WRITER_NICE", "low")
    with WriterProcess(1) as wp:
        with pytest.raises(ValueError, match="GAMEIR_WRITER_NICE must be an integer >= 0, got 'low'"):
            wp.open(tmp_path / "m.h5", **KWARGS)
