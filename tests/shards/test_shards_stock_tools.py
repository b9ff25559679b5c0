"""The default codec is readable by the stock HDF5 command-line tools, not only by h5py."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from gameir.shards import ShardReader


@pytest.mark.skipif(shutil.which("h5dump") is None, reason="h5dump not installed (Debian: apt-get install hdf5-tools)")
def test_h5dump_reads_the_default_codec(synthetic_root):
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    out = subprocess.run(["h5dump", "-d", "/hr/depth", "-s", "1,60,10", "-c", "1,1,4", str(shard)],
                         capture_output=True, text=True, check=True).stdout
    data = out[out.index("DATA {"):]
    values = [float(v) for v in re.findall(r"\(1,60,10\):\s*([^\n]+)", data)[0].rstrip(",").split(",")]
    expected = ShardReader(shard).read("depth", "hr", 1, rows=(60, 61), cols=(10, 14))[0]
    np.testing.assert_allclose(values, expected, rtol=1e-5)


@pytest.mark.skipif(shutil.which("h5dump") is None, reason="h5dump not installed (Debian: apt-get install hdf5-tools)")
def test_h5dump_reads_the_checksummed_camera_arrays(synthetic_root):
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    out = subprocess.run(["h5dump", "-p", "-d", "/lr/camera/K", str(shard)], capture_output=True, text=True, check=True).stdout
    assert "CHECKSUM FLETCHER32" in out
    row = re.findall(r"\(2,0,0\):\s*([^\n]+)", out[out.index("DATA {"):])[0]
    values = [float(v) for v in row.rstrip(",").split(",")]
    np.testing.assert_allclose(values, ShardReader(shard).camera("lr", 2)["K"][0], rtol=1e-5)
