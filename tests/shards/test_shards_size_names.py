"""Sizes say their axis order: (height, width) is ``shape_hw`` / ``shapes_hw``; the former names
(``ShardWriter(levels=)``, ``ShardWriter.levels``, ``ShardReader.size``, ``ClipInfo.sizes``) still
work with a DeprecationWarning and give the same values and the same file."""

from __future__ import annotations

import hashlib

import pytest

from gameir.formats.source import ClipInfo
from gameir.shards import ShardReader, ShardWriter
from gameir.shards.synthetic import synthetic_frame


def _write(path, **shape_kw) -> str:
    with ShardWriter(path, buffers=["rgb", "depth"], clip_id="c", **shape_kw) as w:
        w.write_frame({"lr": synthetic_frame(12, 20, buffers=("rgb", "depth"))})
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_writer_former_keyword_writes_the_same_file(tmp_path):
    new = _write(tmp_path / "new.h5", shapes_hw={"lr": (12, 20)})
    with pytest.warns(DeprecationWarning, match=r"ShardWriter\(levels=\.\.\.\) is now ShardWriter\(shapes_hw=\.\.\.\)"):
        old = _write(tmp_path / "old.h5", levels={"lr": (12, 20)})
    assert new == old
    with ShardReader(tmp_path / "new.h5") as r:
        assert r.shape_hw("lr") == (12, 20) and r.file["lr/rgb"].shape[1:3] == (12, 20)  # height first
        with pytest.warns(DeprecationWarning, match=r"ShardReader.size\(level\) is now ShardReader.shape_hw"):
            assert r.size("lr") == (12, 20)


def test_writer_refuses_both_names_or_neither(tmp_path):
    with pytest.raises(TypeError, match="give shapes_hw only"):
        ShardWriter(tmp_path / "a.h5", shapes_hw={"lr": (4, 4)}, levels={"lr": (4, 4)}, buffers=["rgb"], clip_id="a")
    with pytest.raises(TypeError, match=r"missing keyword argument shapes_hw \(level name -> \(height, width\)"):
        ShardWriter(tmp_path / "b.h5", buffers=["rgb"], clip_id="b")
    with pytest.raises(ValueError, match=r"level 'lr': shape must be \(height, width\) >= 1, got \(0, 4\)"):
        ShardWriter(tmp_path / "c.h5", shapes_hw={"lr": (0, 4)}, buffers=["rgb"], clip_id="c")
    w = ShardWriter(tmp_path / "d.h5", shapes_hw={"lr": (4, 6)}, buffers=["rgb"], clip_id="d")
    try:
        assert w.shapes_hw == {"lr": (4, 6)}
        with pytest.warns(DeprecationWarning, match=r"ShardWriter.levels is now ShardWriter.shapes_hw"):
            assert w.levels == {"lr": (4, 6)}
    finally:
        w.abort()


def test_clip_info_former_field_name():
    kw = dict(clip_id="c", split="test", kind="sr", num_frames=2, num_views=0, buffers=("rgb",))
    info = ClipInfo(shapes_hw={"lr": (12, 20)}, **kw)
    with pytest.warns(DeprecationWarning, match=r"ClipInfo\(sizes=\.\.\.\) is now ClipInfo\(shapes_hw=\.\.\.\)"):
        old = ClipInfo(sizes={"lr": (12, 20)}, **kw)
    assert old == info and info.scene == {} and info.location == ""
    with pytest.warns(DeprecationWarning, match=r"ClipInfo.sizes is now ClipInfo.shapes_hw"):
        assert info.sizes == {"lr": (12, 20)}
    with pytest.raises(TypeError, match="give shapes_hw only"):
        ClipInfo(shapes_hw={"lr": (1, 1)}, sizes={"lr": (1, 1)}, **kw)
    with pytest.raises(TypeError, match="missing argument shapes_hw"):
        ClipInfo(**kw)
    with pytest.raises(AttributeError):  # still frozen
        info.split = "train"  # type: ignore[misc]
