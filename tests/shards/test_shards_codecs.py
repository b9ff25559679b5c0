"""Codecs: round trips, the stock-readable default, and clear errors where hdf5plugin is missing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from gameir.shards import Codec, ShardReader, ShardWriter
from gameir.shards.format import available_codecs
from gameir.shards.synthetic import synthetic_frame

BUFFERS = ["rgb", "hdr", "depth", "normal", "instance", "motion"]
PLUGIN_CODECS = ["lz4", "zstd:1", "zstd:3", "blosc2-lz4:5", "blosc2-zstd:5"]


def write(path, codec, frames=2):
    sets = [{"lr": synthetic_frame(24, 32, seed=5, frame=i, buffers=BUFFERS)} for i in range(frames)]
    with ShardWriter(path, shapes_hw={"lr": (24, 32)}, buffers=BUFFERS, clip_id="c0", codec=Codec.parse(codec)) as w:
        for fs in sets:
            w.write_frame(fs)
    return sets


def without_hdf5plugin(tmp_path, code):
    """Run ``code`` in a fresh Python where ``import hdf5plugin`` fails (as if it were not installed)."""
    stub = tmp_path / "stub" / "hdf5plugin"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('No module named hdf5plugin (hidden for this test)')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(stub.parent), os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    env.pop("HDF5_PLUGIN_PATH", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("codec", ["gzip:1", "gzip:6+noshuffle", "lzf", "none"] + PLUGIN_CODECS)
def test_every_codec_round_trips_exactly(tmp_path, codec):
    if Codec.parse(codec).name not in available_codecs():
        pytest.skip(f"{codec} needs hdf5plugin (pip install 'gameir[codecs]')")
    sets = write(tmp_path / "c.h5", codec)
    reader = ShardReader(tmp_path / "c.h5")
    assert reader.file.attrs["codec"] == str(Codec.parse(codec))
    for i, fs in enumerate(sets):
        for name in BUFFERS:
            np.testing.assert_array_equal(reader.read(name, "lr", i), fs["lr"].buffers[name])


def test_the_default_codec_reads_with_plain_h5py_and_no_plugin(tmp_path):
    sets = write(tmp_path / "default.h5", str(Codec()))
    proc = without_hdf5plugin(tmp_path, f"""
        import h5py, numpy as np
        with h5py.File({str(tmp_path / 'default.h5')!r}, "r") as f:
            print(f["lr/depth"].compression, float(np.nansum(np.where(np.isinf(f["lr/depth"][1]), 0, f["lr/depth"][1]))))
    """)
    assert proc.returncode == 0, proc.stderr
    depth = sets[1]["lr"].buffers["depth"]
    name, total = proc.stdout.split()
    assert name == "gzip" and float(total) == pytest.approx(float(np.where(np.isinf(depth), 0, depth).sum()), rel=1e-6)


def test_reading_a_plugin_codec_without_hdf5plugin_names_the_filter_and_the_fix(tmp_path):
    if "zstd" not in available_codecs():
        pytest.skip("writing zstd needs hdf5plugin")
    write(tmp_path / "zstd.h5", "zstd:3")
    proc = without_hdf5plugin(tmp_path, f"""
        from gameir.shards import ShardReader
        ShardReader({str(tmp_path / 'zstd.h5')!r}).read("rgb", "lr", 0)
    """)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ") and "zstd.h5: buffer 'rgb' level 'lr' frame 0" in last
    assert "(32015)" in last and "pip install hdf5plugin" in last and "not at fault" in last


def test_a_codec_this_hdf5_cannot_write_is_refused_naming_what_is_available(tmp_path):
    proc = without_hdf5plugin(tmp_path, """
        from gameir.shards.format import Codec
        try:
            Codec.parse("zstd").check_writable()
        except ValueError as exc:
            print(exc)
        from gameir.pipeline.presets import load_preset
        load_preset("tiny", ["render.codec=lz4"])
    """)
    first = proc.stdout.strip()
    assert first == ("codec 'zstd:3' cannot be written by this HDF5 (filter 32015 is not available); available "
                     "codecs: gzip, lzf, none; `pip install 'gameir[codecs]'` (hdf5plugin) adds lz4, zstd and blosc2-*")
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ValueError: ") and "render.codec = 'lz4': codec 'lz4' cannot be written" in last


def test_bad_codec_strings_are_named():
    with pytest.raises(ValueError, match="unknown codec 'brotli'; choose one of gzip, lzf, none, lz4, zstd"):
        Codec.parse("brotli")
    with pytest.raises(ValueError, match="codec 'zstd': level must be in 1..22, got 30"):
        Codec.parse("zstd:30")
    with pytest.raises(ValueError, match="codec 'lz4:3': lz4 takes no level"):
        Codec.parse("lz4:3")
